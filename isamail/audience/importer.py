"""Importing subscribers from CSV and exporting them again.

An import is one transaction: all rows or none. It works in chunks so that
memory stays flat: each chunk looks up the subscribers, subscriptions and
suppressions it touches with one query each, then writes with one statement
per kind of change. The statements run on the DBAPI cursor of the session's
connection (inside the session's transaction), not through SQLAlchemy: for
100,000 rows, building result rows and processing parameters cost more than
the database did. ``_Statements`` is the one place that speaks SQL, for SQLite
and PostgreSQL.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, NamedTuple

from sqlalchemy import Column, Engine, select
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col

from isamail.audience import csvout
from isamail.audience.addresses import address_hash, normalise
from isamail.audience.csvfiles import Row, Table, open_table, spreadsheet_safe
from isamail.audience.lists import get_list
from isamail.db import driver_sql
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConsentKind,
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
    table,
    utcnow,
)
from isamail.errors import InvalidAddress, IsamailError

CHUNK = 5000
SQLITE_CACHE_KIB = 16 * 1024
PROFILE_FIELDS = ("name", "language", "organisation", "city", "country")
LANGUAGES = {
    "de": "de",
    "deutsch": "de",
    "german": "de",
    "ger": "de",
    "deu": "de",
    "德语": "de",
    "en": "en",
    "englisch": "en",
    "english": "en",
    "eng": "en",
    "英语": "en",
    "zh": "zh",
    "chinesisch": "zh",
    "chinese": "zh",
    "zh-cn": "zh",
    "zh_cn": "zh",
    "zho": "zh",
    "chi": "zh",
    "中文": "zh",
    "汉语": "zh",
}
EXPORT_COLUMNS = ("email", "name", "organisation", "city", "country", "language", "status")
# plain str, not the enums: the DBAPI drivers bind them without asking SQLAlchemy
PENDING = str(SubscriptionStatus.PENDING)
CONFIRMED = str(SubscriptionStatus.CONFIRMED)
UNSUBSCRIBED = str(SubscriptionStatus.UNSUBSCRIBED)
LIVE = (PENDING, CONFIRMED)
ENDED = (UNSUBSCRIBED, str(SubscriptionStatus.BOUNCED))
ACTIVE = str(SubscriberState.ACTIVE)

# One row to import: (email, key, profile, extra, suppress, consent note, consent ip), with
# the profile in PROFILE_FIELDS order and None where the file says nothing (an update keeps
# what is stored, an insert takes the default), and suppress a SuppressionReason value or
# None. A plain tuple, unpacked by name where it is used: 100,000 of them are made.
_Record = tuple[str, str, tuple[str | None, ...], dict[str, str], str | None, str, str | None]


class ConsentMissing(IsamailError):
    """An import without consent that already exists: refused, nothing stored."""


CONSENT_MISSING = (
    "Ein Import trägt nur Adressen ein, deren Einwilligung schon vorliegt: mit --confirmed "
    "und --consent-note „woher“ (z. B. „Anmeldeliste Fachkonferenz 2019“). Um Bestätigung "
    "bittet isamail importierte Adressen nicht: schon diese Mail an jemanden, der nicht selbst "
    "um den Newsletter gebeten hat, ist unerlaubte Werbung (UWG § 7). Wer noch nicht "
    "eingewilligt hat, meldet sich selbst über das Anmeldeformular an."
)


@dataclass
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # suppressed: unsubscribed, bounced or forgotten
    rejected: int = 0
    duplicates: int = 0  # rows naming an address an earlier row of the file already had
    rows: int = 0
    encoding: str = ""
    delimiter: str = ""
    dry_run: bool = False
    rejects_file: str | None = None
    rejects: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    # (email, "added" | "updated" | "unsubscribed") of every row that changed something
    changes: list[tuple[str, str]] = field(default_factory=list)

    def counts(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("rejects")
        data.pop("changes")
        return data


def import_subscribers(
    engine: Engine,
    path: Path,
    list_name: str,
    *,
    confirmed: bool = False,
    consent_note: str = "",
    dry_run: bool = False,
    rejects_path: Path | None = None,
) -> ImportReport:
    """Imports the file's people into ``list_name``, all or nothing. Only consent that
    exists is imported (``confirmed``, with ``consent_note`` saying where it comes from):
    isamail never creates pending subscribers nobody will ask (ConsentMissing). A
    ``dry_run`` checks the file either way and stores nothing."""
    table = open_table(path)
    report = ImportReport(encoding=table.encoding, delimiter=table.delimiter, dry_run=dry_run)
    source = f"import:{path.name}"[:100]
    rejected_rows: list[tuple[Row, str]] = []
    # The rows' objects hold no reference cycles, so the cyclic collector finds nothing
    # here; left on, its full passes over every live object (SQLAlchemy's too) cost about a
    # fifth of a large import's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with unit_of_work(engine) as session:
            mailing_list = get_list(session, list_name)
            assert mailing_list.id is not None
            if not confirmed and not dry_run:
                raise ConsentMissing(CONSENT_MISSING)
            with closing(_Statements(session, mailing_list.id, utcnow())) as sql:
                # most lists have no suppressions yet: then no chunk needs to look them up
                any_suppressed = sql.any_suppressed()
                for records in _read(table, consent_note, report, rejected_rows):
                    _apply_chunk(
                        sql,
                        records,
                        mailing_list.language,
                        confirmed=confirmed,
                        source=source,
                        report=report,
                        any_suppressed=any_suppressed,
                    )
            if dry_run:
                session.rollback()
    finally:
        table.close()
        if collecting:
            gc.enable()
    report.rejects = [(row.line, reason) for row, reason in rejected_rows]
    if rejected_rows and rejects_path is not None:
        _write_rejects(rejects_path, table.headers, rejected_rows)
        report.rejects_file = str(rejects_path)
    return report


def _read(
    table: Table, consent_note: str, report: ImportReport, rejected_rows: list[tuple[Row, str]]
) -> Iterator[list[_Record]]:
    """The file's rows to import, in chunks of CHUNK; rejected rows and repeated addresses
    are counted in ``report`` instead, and the rejected ones kept in ``rejected_rows``."""
    seen: set[str] = set()
    records: list[_Record] = []
    for row in table.rows():
        report.rows += 1
        try:
            record = _record(row, consent_note)
        except InvalidAddress as exc:
            report.rejected += 1
            rejected_rows.append((row, exc.message))
            continue
        if record[1] in seen:
            report.duplicates += 1
            continue
        seen.add(record[1])
        records.append(record)
        if len(records) == CHUNK:
            yield records
            records = []
    if records:
        yield records


def _record(row: Row, default_note: str) -> _Record:
    (
        email,
        first_name,
        last_name,
        name,
        organisation,
        city,
        country,
        language,
        unsubscribed_at,
        cleaned_at,
        optin_time,
        optin_ip,
        confirm_time,
        confirm_ip,
    ) = row.values
    address = normalise(email)
    if not name and (first_name or last_name):
        name = f"{first_name} {last_name}".strip()
    if language:
        language = LANGUAGES.get(language.lower(), "")
        if not language:
            raise InvalidAddress(f"unbekannte Sprache „{row.values.language}“ (de, en oder zh)")
    if len(country) == 2:
        country = country.upper()
    suppress = None
    if cleaned_at:
        suppress = SuppressionReason.BOUNCED.value
    elif unsubscribed_at and unsubscribed_at not in ("0", "nein", "no"):
        suppress = SuppressionReason.UNSUBSCRIBED.value
    note = default_note
    if optin_time or confirm_time:
        note = (note + " " if note else "") + (
            f"(Export: Anmeldung {optin_time or '?'} von {optin_ip or '?'}, "
            f"bestätigt {confirm_time or '?'} von {confirm_ip or '?'})"
        )
    return (
        address.email,
        address.key,
        # "" (not in the file, or empty) becomes None
        (name or None, language or None, organisation or None, city or None, country or None),
        row.extra,
        suppress,
        note[:2000],
        confirm_ip or None,
    )


def _apply_chunk(
    sql: _Statements,
    records: list[_Record],
    list_language: str,
    *,
    confirmed: bool,
    source: str,
    report: ImportReport,
    any_suppressed: bool = True,
) -> None:
    if not records:
        return
    list_id, stamp = sql.list_id, sql.stamp
    existing = sql.existing([r[1] for r in records])
    hashes = [address_hash(r[0]) for r in records] if any_suppressed else []
    suppressed = sql.suppressed(hashes) if hashes else set()
    new_subscribers: list[tuple[Any, ...]] = []
    new_consents: list[tuple[str, str | None]] = []  # note and ip of each new subscriber
    subscriber_updates: list[tuple[Any, ...]] = []
    new_subscriptions: list[tuple[Any, ...]] = []
    confirmations: list[tuple[Any, ...]] = []
    unsubscriptions: list[tuple[Any, ...]] = []
    suppressions: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    status = CONFIRMED if confirmed else PENDING
    confirmed_at = stamp if confirmed else None
    kind = str(ConsentKind.IMPORTED_CONFIRMED if confirmed else ConsentKind.IMPORTED)

    for i, (email, key, profile, extra, suppress, note, ip) in enumerate(records):
        found = existing.get(key)
        if hashes:
            email_hash = hashes[i]
        elif suppressed or suppress is not None:
            email_hash = address_hash(email)
        else:
            email_hash = ""  # nothing suppressed: no need to hash
        if suppress is not None:
            # the export says this person left or bounced: never mail them from here either
            report.skipped += 1
            if email_hash not in suppressed:
                suppressions.append((email_hash, list_id, suppress, stamp))
                suppressed.add(email_hash)
            if found and found.sub_status in LIVE:
                report.changes.append((email, "unsubscribed"))
                unsubscriptions.append((UNSUBSCRIBED, stamp, stamp, found.sub_id))
                events.append(
                    (found.id, list_id, str(ConsentKind.UNSUBSCRIBED), stamp, source, note, ip)
                )
            continue
        if email_hash in suppressed or (
            found and (found.state != ACTIVE or found.sub_status in ENDED)
        ):
            report.skipped += 1
            continue
        if found is None:
            name, language, organisation, city, country = profile
            new_subscribers.append(
                (
                    email,
                    key,
                    name or "",
                    language or list_language,
                    organisation or "",
                    city or "",
                    country or "",
                    sql.json(extra),
                    ACTIVE,
                    stamp,
                    stamp,
                )
            )
            new_consents.append((note, ip))
            report.added += 1
            report.changes.append((email, "added"))
            continue
        if None in profile:
            profile = tuple(
                old if new is None else new for new, old in zip(profile, found.profile, strict=True)
            )
        changed = profile != found.profile
        if changed:
            subscriber_updates.append((*profile, stamp, found.id))
        if found.sub_id is None:
            new_subscriptions.append((found.id, list_id, status, stamp, stamp, confirmed_at))
            events.append((found.id, list_id, kind, stamp, source, note, ip))
        elif confirmed and found.sub_status == PENDING:
            confirmations.append((status, stamp, stamp, found.sub_id))
            events.append((found.id, list_id, kind, stamp, source, note, ip))
        elif not changed:
            report.unchanged += 1
            continue
        report.updated += 1
        report.changes.append((email, "updated"))

    if new_subscribers:
        sql.insert_new(
            new_subscribers,
            (list_id, status, stamp, stamp, confirmed_at),
            (list_id, kind, stamp, source),
            new_consents,
        )
    sql.write(
        subscriber_updates=subscriber_updates,
        new_subscriptions=new_subscriptions,
        confirmations=confirmations,
        unsubscriptions=unsubscriptions,
        suppressions=suppressions,
        events=events,
    )


_SUBSCRIBER = table(Subscriber).c


class _Found(NamedTuple):
    """A subscriber the database already has, as ``_Statements.existing`` selects it."""

    id: int
    state: str
    profile: tuple[str, ...]  # in PROFILE_FIELDS order
    sub_id: int | None  # the subscription to the list, if any
    sub_status: str | None


class _Statements:
    """The import's SQL, run on the DBAPI cursor of the session's connection, so inside the
    session's transaction. Written once in qmark style for sqlite3; for psycopg the marks
    become %s and a list of keys is one array parameter instead of one mark per key. The
    profile columns are in PROFILE_FIELDS order. Errors are raised as SQLAlchemy would
    raise them, so callers (and the CLI's handling of a locked database) see no difference."""

    EXISTING = (
        "SELECT s.id, s.state, s.name, s.language, s.organisation, s.city, s.country, b.id,"
        " b.status, s.email_key FROM subscriber s LEFT JOIN subscription b"
        " ON b.subscriber_id = s.id AND b.list_id = ? WHERE s.email_key {in_keys}"
    )
    IDS = "SELECT email_key, id FROM subscriber WHERE email_key {in_keys}"
    SUPPRESSED = (
        "SELECT email_hash FROM suppression"
        " WHERE (list_id IS NULL OR list_id = ?) AND email_hash {in_keys}"
    )
    ANY_SUPPRESSED = "SELECT 1 FROM suppression WHERE list_id IS NULL OR list_id = ? LIMIT 1"
    INSERT_SUBSCRIBER = (
        "INSERT INTO subscriber (email, email_key, name, language, organisation, city, country,"
        " attributes, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    UPDATE_SUBSCRIBER = (
        "UPDATE subscriber SET name = ?, language = ?, organisation = ?, city = ?, country = ?,"
        " updated_at = ? WHERE id = ?"
    )
    INSERT_SUBSCRIPTION = (
        "INSERT INTO subscription (subscriber_id, list_id, status, created_at, updated_at,"
        " confirmed_at) VALUES (?, ?, ?, ?, ?, ?)"
    )
    CONFIRM = "UPDATE subscription SET status = ?, confirmed_at = ?, updated_at = ? WHERE id = ?"
    UNSUBSCRIBE = (
        "UPDATE subscription SET status = ?, unsubscribed_at = ?, updated_at = ? WHERE id = ?"
    )
    INSERT_SUPPRESSION = (
        "INSERT INTO suppression (email_hash, list_id, reason, created_at) VALUES (?, ?, ?, ?)"
    )
    INSERT_EVENT = (
        "INSERT INTO consent_event (subscriber_id, list_id, kind, at, source, note, ip)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
    # SQLite only, see insert_new()
    LAST_ID = "SELECT coalesce(max(id), 0) FROM subscriber"
    IDS_AFTER = "SELECT id FROM subscriber WHERE id > ? ORDER BY id"
    INSERT_SUBSCRIPTIONS_AFTER = (
        "INSERT INTO subscription (subscriber_id, list_id, status, created_at, updated_at,"
        " confirmed_at) SELECT id, ?, ?, ?, ?, ? FROM subscriber WHERE id > ?"
    )
    INSERT_EVENTS_AFTER = (
        "INSERT INTO consent_event (subscriber_id, list_id, kind, at, source, note, ip)"
        " SELECT id, ?, ?, ?, ?, ?, ? FROM subscriber WHERE id > ?"
    )

    def __init__(self, session: Session, list_id: int, now: datetime) -> None:
        connection = session.connection()
        self.dialect = connection.dialect
        self.postgres = self.dialect.name == "postgresql"
        if not self.postgres and self.dialect.name != "sqlite":
            raise NotImplementedError(f"import into {self.dialect.name}")
        self.cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
        self.list_id = list_id
        # values as SQLAlchemy would bind them, converted once rather than once a row
        self.stamp = self._bound(_SUBSCRIBER.created_at, now)
        self._json = self._processor(_SUBSCRIBER.attributes)
        self._no_attributes = self._json({}) if self._json else {}
        self._cache_size: int | None = None
        if not self.postgres:
            # SQLite's default page cache (2 MB) is a fraction of what 100,000 rows touch in
            # one transaction: pages spilled and read back again cost a tenth of the import.
            # The connection goes back to the pool afterwards, so close() restores it.
            self._cache_size = self._query("PRAGMA cache_size", [])[0][0]
            self._query(f"PRAGMA cache_size = {-SQLITE_CACHE_KIB}", [])

    def _processor(self, column: Column[Any]) -> Any:
        return column.type.dialect_impl(self.dialect).bind_processor(self.dialect)

    def _bound(self, column: Column[Any], value: Any) -> Any:
        process = self._processor(column)
        return process(value) if process else value

    def json(self, value: dict[str, str]) -> Any:
        if not value:  # nearly every row: serialised once
            return self._no_attributes
        return self._json(value) if self._json else value

    def existing(self, keys: list[str]) -> dict[str, _Found]:
        rows = self._query(self.EXISTING, [self.list_id], keys)
        return {row[-1]: _Found(row[0], row[1], row[2:7], row[7], row[8]) for row in rows}

    def suppressed(self, hashes: list[str]) -> set[str]:
        """Which of ``hashes`` must not be mailed on the list."""
        return {row[0] for row in self._query(self.SUPPRESSED, [self.list_id], hashes)}

    def any_suppressed(self) -> bool:
        return bool(self._query(self.ANY_SUPPRESSED, [self.list_id]))

    def insert_new(
        self,
        people: list[tuple[Any, ...]],
        subscription: tuple[Any, ...],
        event: tuple[Any, ...],
        consents: list[tuple[str, str | None]],
    ) -> None:
        """Inserts new people (INSERT_SUBSCRIBER rows), each with a ``subscription``
        (INSERT_SUBSCRIPTION but the subscriber) and a consent ``event`` (INSERT_EVENT but
        the subscriber, note and ip) with their own note and ip from ``consents``."""
        if self.postgres:
            self._many(self.INSERT_SUBSCRIBER, people)
            ids = dict(self._query(self.IDS, [], [person[1] for person in people]))
            new = [ids[person[1]] for person in people]
            self._many(self.INSERT_SUBSCRIPTION, [(i, *subscription) for i in new])
            self._many(
                self.INSERT_EVENT, [(i, *event, *c) for i, c in zip(new, consents, strict=True)]
            )
            return
        # On SQLite this transaction holds the database's one write lock (isamail begins
        # IMMEDIATE), so the rows above the largest id before are these people, in this
        # order: their subscriptions and events are then one INSERT ... SELECT each, a third
        # of what binding a row each costs. The row counts are checked all the same.
        [(last,)] = self._query(self.LAST_ID, [])
        self._many(self.INSERT_SUBSCRIBER, people)
        self._run(self.INSERT_SUBSCRIPTIONS_AFTER, [*subscription, last], len(people))
        if len(set(consents)) == 1:
            self._run(self.INSERT_EVENTS_AFTER, [*event, *consents[0], last], len(people))
        else:
            new = [i for (i,) in self._query(self.IDS_AFTER, [last])]
            self._many(
                self.INSERT_EVENT, [(i, *event, *c) for i, c in zip(new, consents, strict=True)]
            )

    def write(
        self,
        *,
        subscriber_updates: list[tuple[Any, ...]],
        new_subscriptions: list[tuple[Any, ...]],
        confirmations: list[tuple[Any, ...]],
        unsubscriptions: list[tuple[Any, ...]],
        suppressions: list[tuple[Any, ...]],
        events: list[tuple[Any, ...]],
    ) -> None:
        self._many(self.UPDATE_SUBSCRIBER, subscriber_updates)
        self._many(self.INSERT_SUBSCRIPTION, new_subscriptions)
        self._many(self.CONFIRM, confirmations)
        self._many(self.UNSUBSCRIBE, unsubscriptions)
        self._many(self.INSERT_SUPPRESSION, suppressions)
        self._many(self.INSERT_EVENT, events)

    def _query(
        self, statement: str, params: list[Any], keys: list[str] | None = None
    ) -> list[tuple[Any, ...]]:
        """Runs a query; ``keys`` fill its {in_keys}."""
        if keys is not None:
            if self.postgres:
                statement, params = statement.format(in_keys="= ANY(?)"), [*params, keys]
            else:
                marks = ", ".join("?" * len(keys))
                statement, params = statement.format(in_keys=f"IN ({marks})"), [*params, *keys]
        with self._errors(statement):
            self.cursor.execute(self._marks(statement), params)
            return self.cursor.fetchall() if self.cursor.description else []

    def _run(self, statement: str, params: list[Any], expected_rows: int) -> None:
        with self._errors(statement):
            self.cursor.execute(self._marks(statement), params)
        if self.cursor.rowcount != expected_rows:
            raise RuntimeError(f"{statement}: {self.cursor.rowcount} rows, not {expected_rows}")

    def _many(self, statement: str, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with self._errors(statement):
            if self.postgres and statement.startswith("INSERT INTO "):
                # COPY: a third of the client time of psycopg's executemany, half the wall time
                into = statement.removeprefix("INSERT INTO ").partition(" VALUES ")[0]
                with self.cursor.copy(f"COPY {into} FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                self.cursor.executemany(self._marks(statement), rows)

    def _marks(self, statement: str) -> str:
        return driver_sql(statement, sqlite=not self.postgres)

    @contextmanager
    def _errors(self, statement: str) -> Iterator[None]:
        try:
            yield
        except self.dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                statement, None, exc, self.dialect.loaded_dbapi.Error
            ) from exc

    def close(self) -> None:
        if self._cache_size is not None:
            self._query(f"PRAGMA cache_size = {int(self._cache_size)}", [])
        self.cursor.close()


def _write_rejects(path: Path, headers: list[str], rows: list[tuple[Row, str]]) -> None:
    with csvout.open_file(path) as stream:
        writer = csvout.writer(stream)
        writer.writerow(["Zeile", "Grund", *headers])
        for row, reason in rows:
            writer.writerow([row.line, reason, *(spreadsheet_safe(c) for c in row.raw)])


def write_changes(path: Path, changes: list[tuple[str, str]]) -> None:
    """The rows an import changed, as CSV for German Excel: email;change."""
    with csvout.open_file(path) as stream:
        writer = csvout.writer(stream)
        writer.writerow(["email", "change"])
        writer.writerows((spreadsheet_safe(email), change) for email, change in changes)


def export_subscribers(
    engine: Engine,
    list_name: str,
    stream: IO[str],
    *,
    status: str | None = None,
    delimiter: str = csvout.EXCEL_DELIMITER,
) -> int:
    """Writes the list as CSV, for German Excel by default (audience.csvout); every cell
    is neutralised against formula injection. Returns the number of rows."""
    writer = csvout.writer(stream, delimiter)
    writer.writerow(EXPORT_COLUMNS)
    n = 0
    with read_session(engine) as session:
        mailing_list = get_list(session, list_name)
        query = (
            select(Subscriber, col(Subscription.status))
            .join(Subscription, col(Subscription.subscriber_id) == Subscriber.id)
            .where(col(Subscription.list_id) == mailing_list.id, col(Subscriber.email).is_not(None))
            .order_by(col(Subscriber.id))
            .execution_options(yield_per=1000)
        )
        if status:
            query = query.where(col(Subscription.status) == status)
        for subscriber, sub_status in session.execute(query):
            writer.writerow(
                [
                    spreadsheet_safe(str(v))
                    for v in (
                        subscriber.email,
                        subscriber.name,
                        subscriber.organisation,
                        subscriber.city,
                        subscriber.country,
                        subscriber.language,
                        sub_status,
                    )
                ]
            )
            n += 1
    return n
