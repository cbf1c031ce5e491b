"""Editions and deliveries: the one module that changes a delivery's state.

The life of a delivery: ``queued`` → (claimed by a run) ``sending`` → ``sent`` |
``failed`` | back to ``queued`` with a retry time; later ``bounced``.

Exactly-once across crashes rests on two records:

- the database, written in short batched transactions (never while talking SMTP);
- a per-run journal file, appended with a line before and after each SMTP
  transaction. It is mapped into memory (``mmap``, shared): a line is a copy into the
  page cache, which belongs to the kernel, so ``kill -9`` loses no line once copied,
  and it costs no system call (two ``write()`` calls per message were a sixth of the
  sending loop: each let the other connections' threads take the interpreter lock).
  After a crash the journal says which claimed deliveries were finished (their results
  are applied), which were in flight (at most one per connection: sent again with the
  same Message-ID and flagged ``possibly_duplicate``) and which never started (queued
  again).
"""

from __future__ import annotations

import mmap
import os
import re
import secrets
import socket
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import (
    Engine,
    and_,
    exists,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from isamail.compose.rendered import RenderedIssue
from isamail.db import driver_sql, driver_time
from isamail.db.engine import is_sqlite, read_session, unit_of_work
from isamail.db.models import (
    Delivery,
    DeliveryStatus,
    Edition,
    SendRun,
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    table,
    utcnow,
)
from isamail.errors import NotFound

DELIVERY = table(Delivery)
SUBSCRIPTION = table(Subscription)
SUBSCRIBER = table(Subscriber)
# a run whose heartbeat is older than this is taken as dead (when its pid cannot be checked)
STALE_AFTER = timedelta(seconds=90)


def _edition_fields(rendered: RenderedIssue, source_hash: str) -> dict[str, Any]:
    """What an edition stores: the rendered issue before per-recipient values."""
    return {
        "issue": rendered.name,
        "title": rendered.title,
        "subject": rendered.subject,
        "preheader": rendered.preheader,
        "language": rendered.language,
        "html": rendered.html,
        "text": rendered.text,
        "source_hash": source_hash,
    }


def edition_content(edition: Edition) -> RenderedIssue:
    """The frozen rendered issue, as compose made it."""
    return RenderedIssue(
        name=edition.issue,
        title=edition.title,
        subject=edition.subject,
        preheader=edition.preheader,
        language=edition.language,
        html=edition.html,
        text=edition.text,
    )


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    email: str
    name: str
    subscription_id: int | None
    attempts: int
    possibly_duplicate: bool


@dataclass(frozen=True)
class Result:
    delivery_id: int
    status: str  # "sent", "failed", "queued" (retry at next_attempt_at) or "skipped"
    code: int | None
    reply: str
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class Recovery:
    applied: int  # results found in a dead run's journal
    in_flight: list[int]  # delivery ids sent again with the same Message-ID
    requeued: int  # claimed but never started


# --- editions -------------------------------------------------------------------------


def find_edition(engine: Engine, issue: str) -> Edition | None:
    with read_session(engine) as session:
        return session.execute(select(Edition).where(col(Edition.issue) == issue)).scalars().first()


def freeze_edition(engine: Engine, rendered: RenderedIssue, source_hash: str) -> Edition:
    """Stores the rendered issue; returns the existing edition if it was frozen before."""
    try:
        with unit_of_work(engine) as session:
            found = (
                session.execute(select(Edition).where(col(Edition.issue) == rendered.name))
                .scalars()
                .first()
            )
            if found is not None:
                return cast(Edition, found)
            edition = Edition(**_edition_fields(rendered, source_hash), nonce=secrets.token_hex(6))
            session.add(edition)
            session.flush()
            return edition
    except IntegrityError:
        # Another send of the issue froze it at the same moment (PostgreSQL; on SQLite
        # BEGIN IMMEDIATE serialises the two): theirs is the edition.
        found = find_edition(engine, rendered.name)
        if found is None:
            raise
        return found


def refreeze_edition(
    engine: Engine, edition_id: int, rendered: RenderedIssue, source_hash: str
) -> None:
    """Replaces the frozen content; only allowed while nothing of it has been sent."""
    with unit_of_work(engine) as session:
        edition = session.get(Edition, edition_id)
        assert edition is not None
        for key, value in _edition_fields(rendered, source_hash).items():
            setattr(edition, key, value)


def sent_count(engine: Engine, edition_id: int) -> int:
    with read_session(engine) as session:
        return int(
            session.execute(
                select(func.count()).where(
                    DELIVERY.c.edition_id == edition_id,
                    DELIVERY.c.status.in_([DeliveryStatus.SENT, DeliveryStatus.BOUNCED]),
                )
            ).scalar_one()
        )


@dataclass(frozen=True)
class ArchiveEntry:
    issue: str
    title: str
    subject: str
    language: str
    sent_at: datetime | None


def _published() -> ColumnElement[bool]:
    """An edition is in the archive once anyone has been sent it."""
    return exists().where(
        col(Delivery.edition_id) == col(Edition.id), col(Delivery.status) == DeliveryStatus.SENT
    )


def published_editions(engine: Engine) -> list[ArchiveEntry]:
    """Editions with at least one sent delivery, newest issue first."""
    with read_session(engine) as session:
        rows = (
            session.execute(select(Edition).where(_published()).order_by(col(Edition.issue).desc()))
            .scalars()
            .all()
        )
    return [ArchiveEntry(e.issue, e.title, e.subject, e.language, e.created_at) for e in rows]


def published_edition(engine: Engine, issue: str) -> Edition:
    with read_session(engine) as session:
        found = (
            session.execute(select(Edition).where(col(Edition.issue) == issue, _published()))
            .scalars()
            .first()
        )
    if found is None:
        raise NotFound(f"Die Ausgabe {issue} gibt es (noch) nicht im Archiv.")
    return found


# --- deliveries -----------------------------------------------------------------------


def recipients_query(list_ids: Sequence[int]) -> Any:
    """One row per person with a confirmed subscription to any of the lists (the
    subscription of the first list named wins, so its unsubscribe link is used)."""
    return (
        select(
            SUBSCRIPTION.c.subscriber_id,
            func.min(SUBSCRIPTION.c.id).label("subscription_id"),
        )
        .join(SUBSCRIBER, SUBSCRIBER.c.id == SUBSCRIPTION.c.subscriber_id)
        .where(
            SUBSCRIPTION.c.list_id.in_(list_ids),
            SUBSCRIPTION.c.status == SubscriptionStatus.CONFIRMED,
            SUBSCRIBER.c.state == SubscriberState.ACTIVE,
            SUBSCRIBER.c.email.is_not(None),
        )
        .group_by(SUBSCRIPTION.c.subscriber_id)
    )


def count_recipients(engine: Engine, list_ids: Sequence[int]) -> int:
    with read_session(engine) as session:
        sub = recipients_query(list_ids).subquery()
        return int(session.execute(select(func.count()).select_from(sub)).scalar_one())


def iter_recipients(engine: Engine, list_ids: Sequence[int]) -> Iterator[tuple[str, str, int]]:
    """(email, name, subscription id) of everyone a send to these lists would reach."""
    recipients = recipients_query(list_ids).subquery()
    query = select(SUBSCRIBER.c.email, SUBSCRIBER.c.name, recipients.c.subscription_id).join(
        SUBSCRIBER, SUBSCRIBER.c.id == recipients.c.subscriber_id
    )
    with read_session(engine) as session:
        for email, name, subscription_id in session.execute(query):
            yield email, name or "", subscription_id


def enqueue(engine: Engine, edition_id: int, list_ids: Sequence[int]) -> int:
    """Creates a queued delivery for every confirmed subscriber of the lists who has none
    for this edition yet; returns how many were created. Safe to call on every run."""
    now = utcnow()
    recipients = recipients_query(list_ids).subquery()
    already = exists().where(
        DELIVERY.c.edition_id == edition_id,
        DELIVERY.c.subscriber_id == recipients.c.subscriber_id,
    )
    chosen = (
        select(
            literal(edition_id),
            recipients.c.subscriber_id,
            recipients.c.subscription_id,
            SUBSCRIPTION.c.list_id,
            literal(DeliveryStatus.QUEUED.value),
            literal(0),
            literal(False),
            literal(now, DELIVERY.c.created_at.type),
            literal(now, DELIVERY.c.updated_at.type),
            literal("", DELIVERY.c.last_reply.type),
        )
        .join(SUBSCRIPTION, SUBSCRIPTION.c.id == recipients.c.subscription_id)
        .where(~already)
        .order_by(recipients.c.subscriber_id)
    )
    # Two sends started together on PostgreSQL both see no delivery yet (read committed);
    # the second then waits on the unique index and skips what the first inserted.
    # SQLite serialises the two with BEGIN IMMEDIATE.
    into = insert(DELIVERY) if is_sqlite(engine) else pg_insert(DELIVERY).on_conflict_do_nothing()
    with unit_of_work(engine) as session:
        result = session.execute(
            into.from_select(
                [
                    "edition_id",
                    "subscriber_id",
                    "subscription_id",
                    "list_id",
                    "status",
                    "attempts",
                    "possibly_duplicate",
                    "created_at",
                    "updated_at",
                    "last_reply",
                ],
                chosen,
            )
        )
        return max(int(getattr(result, "rowcount", 0) or 0), 0)


def start_run(engine: Engine, edition_id: int) -> str:
    run_id = secrets.token_hex(8)
    with unit_of_work(engine) as session:
        session.add(
            SendRun(id=run_id, edition_id=edition_id, host=socket.gethostname(), pid=os.getpid())
        )
    return run_id


def heartbeat(engine: Engine, run_id: str) -> None:
    with unit_of_work(engine) as session:
        session.execute(
            update(SendRun).where(col(SendRun.id) == run_id).values(heartbeat_at=utcnow())
        )


def finish_run(engine: Engine, run_id: str) -> None:
    """Ends the run: what it still holds goes back to the queue untouched."""
    now = utcnow()
    with unit_of_work(engine) as session:
        session.execute(
            update(DELIVERY)
            .where(DELIVERY.c.run_id == run_id, DELIVERY.c.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.QUEUED, run_id=None, updated_at=now)
        )
        session.execute(update(SendRun).where(col(SendRun.id) == run_id).values(finished_at=now))


def claim(
    engine: Engine, edition_id: int, run_id: str, limit: int, *, not_after: datetime | None = None
) -> list[Claimed]:
    """Takes up to ``limit`` due deliveries for this run. SQLite serialises writers
    (BEGIN IMMEDIATE); PostgreSQL skips rows another run has locked, so several
    machines can share one send. Retries due after ``not_after`` (the end of the run's
    retry window) are left for the next run."""
    now = utcnow()
    due_by = min(now, not_after) if not_after is not None else now
    sqlite = is_sqlite(engine)
    due = (
        "d.edition_id = ? AND d.status = 'queued' "
        "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
    )
    joined = (
        "SELECT d.id, s.email, s.name, d.subscription_id, d.attempts, d.possibly_duplicate "
        "FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id WHERE "
    )
    with unit_of_work(engine) as session:
        cursor = _driver_cursor(session)
        if sqlite:
            # Under BEGIN IMMEDIATE nobody else claims: one query reads what sending
            # needs (the index on edition and status yields the rows in id order).
            cursor.execute(
                joined + due + " ORDER BY d.id LIMIT ?",
                (edition_id, driver_time(due_by, sqlite=sqlite), limit),
            )
            rows = cursor.fetchall()
            ids = [r[0] for r in rows]
            chosen = f"id IN ({', '.join('?' * len(ids))})"
            chosen_params: tuple[Any, ...] = tuple(ids)
        else:
            # Lock first, on the delivery table alone: PostgreSQL sorts the queued rows
            # for ORDER BY id, and with the join in this query (planned on statistics
            # from before the enqueue) it read every queued subscriber for each claim.
            locked = "SELECT d.id FROM delivery d WHERE " + due  # noqa: S608 - constants
            cursor.execute(
                driver_sql(locked + " ORDER BY d.id LIMIT ? FOR UPDATE SKIP LOCKED", sqlite=False),
                (edition_id, due_by, limit),
            )
            ids = [r[0] for r in cursor.fetchall()]
            rows = []
            if ids:
                by_id = joined + "d.id = ANY(?) ORDER BY d.id"
                cursor.execute(driver_sql(by_id, sqlite=False), (ids,))
                rows = cursor.fetchall()
            chosen, chosen_params = "id = ANY(?)", (ids,)
        if not ids:
            return []
        taken = "UPDATE delivery SET status = 'sending', run_id = ?, updated_at = ? WHERE "
        cursor.execute(
            driver_sql(taken + chosen, sqlite=sqlite),  # chosen holds placeholders only
            (run_id, driver_time(now, sqlite=sqlite), *chosen_params),
        )
    return [Claimed(r[0], r[1] or "", r[2] or "", r[3], r[4], bool(r[5])) for r in rows]


def _driver_cursor(session: Session) -> Any:
    """A DBAPI cursor in the session's transaction. Claiming and recording touch every
    delivery of a send; through the driver's own executemany and tuples they cost a
    third of what SQLAlchemy's per-row parameter processing and Row objects cost
    (bench/bench_send.py), and those run on the thread the SMTP workers need."""
    return session.connection().connection.cursor()


def next_due(engine: Engine, edition_id: int) -> datetime | None:
    """When the next queued delivery of the edition becomes due (None: none queued)."""
    with read_session(engine) as session:
        queued, dated, earliest = session.execute(
            select(
                func.count(),
                func.count(DELIVERY.c.next_attempt_at),  # counts only rows with a retry time
                func.min(DELIVERY.c.next_attempt_at),
            ).where(DELIVERY.c.edition_id == edition_id, DELIVERY.c.status == DeliveryStatus.QUEUED)
        ).one()
    if not queued:
        return None
    return utcnow() if dated < queued else cast(datetime, earliest)


_RECORD = (
    "UPDATE delivery SET status = ?, last_code = ?, last_reply = ?, next_attempt_at = ?, "
    "sent_at = ?, updated_at = ?, run_id = NULL, attempts = attempts + 1 WHERE id = ?"
)


_SKIP = (
    "UPDATE delivery SET status = 'skipped', skip_reason = ?, updated_at = ?, run_id = NULL "
    "WHERE id = ? AND status IN ('sending', 'queued')"
)


def record(engine: Engine, run_id: str, results: Iterable[Result]) -> None:
    """Writes the outcomes of finished SMTP transactions, and the deliveries the gate
    held back (status skipped, the reason in ``reply``), in one transaction."""
    sqlite = is_sqlite(engine)
    now = driver_time(utcnow(), sqlite=sqlite)
    sent, skipped = DeliveryStatus.SENT, DeliveryStatus.SKIPPED
    rows, skips = [], []
    for r in results:
        if r.status == skipped:
            skips.append((r.reply, now, r.delivery_id))
            continue
        rows.append(
            (
                str(r.status),
                r.code,
                r.reply[:500],
                driver_time(r.next_attempt_at, sqlite=sqlite),
                now if r.status == sent else None,
                now,
                r.delivery_id,
            )
        )
    if not rows and not skips:
        return
    with unit_of_work(engine) as session:
        cursor = _driver_cursor(session)
        if rows:
            cursor.executemany(driver_sql(_RECORD, sqlite=sqlite), rows)
        if skips:
            cursor.executemany(driver_sql(_SKIP, sqlite=sqlite), skips)
        cursor.execute(
            driver_sql("UPDATE send_run SET heartbeat_at = ? WHERE id = ?", sqlite=sqlite),
            (now, run_id),
        )


# --- crash recovery -------------------------------------------------------------------


_ONE_LINE = str.maketrans("\r\n\0", "   ")  # a reply's line breaks, and the mapping's blank


class Journal:
    """Append-only record of one run's SMTP transactions (see the module docstring).

    Lines go into a shared memory mapping of the file, grown as needed; the part not
    yet written holds zero bytes, where a reader stops. Appending holds a lock so that
    lines land in the order they were taken, whole, one after the other."""

    INITIAL_SIZE = 1 << 20  # about 25,000 messages before the first resize

    def __init__(self, directory: Path, run_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{run_id}.log"
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.ftruncate(fd, self.INITIAL_SIZE)
            self._map = mmap.mmap(fd, self.INITIAL_SIZE)  # keeps its own descriptor
        finally:
            os.close(fd)
        self._end = 0
        self._lock = threading.Lock()

    def started(self, delivery_id: int) -> None:
        self._append(f"S {delivery_id}\n".encode())

    def finished(self, result: Result) -> None:
        due = result.next_attempt_at.isoformat() if result.next_attempt_at else "-"
        reply = result.reply.translate(_ONE_LINE)[:300]
        line = f"F {result.delivery_id} {result.status} {result.code or 0} {due} {reply}\n"
        self._append(line.encode("utf-8", "replace"))

    def _append(self, line: bytes) -> None:
        with self._lock:
            end = self._end + len(line)
            if end > len(self._map):
                # ftruncate, then mremap: a kill in between leaves zero bytes at the end
                self._map.resize(max(end, 2 * len(self._map)))
            self._map[self._end : end] = line
            self._end = end

    def close(self, *, remove: bool) -> None:
        with self._lock:
            self._map.close()
            if remove:
                self.path.unlink(missing_ok=True)
            else:
                os.truncate(self.path, self._end)


def read_journal(path: Path) -> tuple[dict[int, Result], set[int]]:
    """(finished results, deliveries started but not finished)."""
    finished: dict[int, Result] = {}
    started: set[int] = set()
    data = path.read_bytes().split(b"\0", 1)[0]  # the mapped file's unwritten tail
    # What follows the last newline is the torn line of a killed process: unfinished.
    *lines, _torn = data.split(b"\n")
    for line in lines:
        parts = line.decode("utf-8", "replace").split(" ", 5)
        if parts[0] == "S" and len(parts) == 2:
            started.add(int(parts[1]))
        elif parts[0] == "F" and len(parts) >= 5:
            delivery_id = int(parts[1])
            due = None if parts[4] == "-" else datetime.fromisoformat(parts[4])
            finished[delivery_id] = Result(
                delivery_id,
                parts[2],
                int(parts[3]) or None,
                parts[5] if len(parts) > 5 else "",
                due,
            )
    return finished, started - set(finished)


def recover(engine: Engine, edition_id: int, journal_dir: Path) -> Recovery:
    """Puts the deliveries of dead runs of this edition back in order."""
    now = utcnow()
    host = socket.gethostname()
    with read_session(engine) as session:
        runs = session.execute(
            select(SendRun.id, SendRun.host, SendRun.pid, SendRun.heartbeat_at).where(  # type: ignore[call-overload]
                col(SendRun.edition_id) == edition_id, col(SendRun.finished_at).is_(None)
            )
        ).all()
    applied, in_flight, requeued = 0, [], 0
    for run_id, run_host, pid, beat in runs:
        alive = _pid_alive(pid) if run_host == host else now - beat < STALE_AFTER
        if alive:
            continue
        journal = journal_dir / f"{run_id}.log"
        if journal.exists():
            finished, unfinished = read_journal(journal)
        else:
            finished, unfinished = {}, None  # another machine's run: every claim is uncertain
        with unit_of_work(engine) as session:
            claimed = set(
                session.execute(
                    select(DELIVERY.c.id).where(
                        DELIVERY.c.run_id == run_id, DELIVERY.c.status == DeliveryStatus.SENDING
                    )
                ).scalars()
            )
            results = [finished[i] for i in claimed if i in finished]
            uncertain = claimed - set(finished) if unfinished is None else claimed & unfinished
            untouched = claimed - set(finished) - uncertain
            if uncertain:
                session.execute(
                    update(DELIVERY)
                    .where(DELIVERY.c.id.in_(uncertain))
                    .values(
                        status=DeliveryStatus.QUEUED,
                        run_id=None,
                        possibly_duplicate=True,
                        updated_at=now,
                    )
                )
            if untouched:
                session.execute(
                    update(DELIVERY)
                    .where(DELIVERY.c.id.in_(untouched))
                    .values(status=DeliveryStatus.QUEUED, run_id=None, updated_at=now)
                )
            session.execute(
                update(SendRun).where(col(SendRun.id) == run_id).values(finished_at=now)
            )
        record(engine, run_id, results)
        applied += len(results)
        in_flight += sorted(uncertain)
        requeued += len(untouched)
        journal.unlink(missing_ok=True)
    return Recovery(applied, in_flight, requeued)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (killed child not yet reaped by its parent) is dead for our purposes
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


# --- reading --------------------------------------------------------------------------


def status_counts(engine: Engine, edition_id: int) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(DELIVERY.c.status, func.count())
            .where(DELIVERY.c.edition_id == edition_id)
            .group_by(DELIVERY.c.status)
        ).all()
    counts = {s.value: 0 for s in DeliveryStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


def possibly_duplicated(engine: Engine, edition_id: int) -> list[str]:
    with read_session(engine) as session:
        return [
            email or "(gelöscht)"
            for email in session.execute(
                select(SUBSCRIBER.c.email)
                .join(DELIVERY, and_(DELIVERY.c.subscriber_id == SUBSCRIBER.c.id))
                .where(DELIVERY.c.edition_id == edition_id, DELIVERY.c.possibly_duplicate)
                .order_by(SUBSCRIBER.c.email)
            ).scalars()
        ]


# --- returned mail --------------------------------------------------------------------

# A weaker report never overwrites a stronger one: a complaint proves the mail arrived,
# a hard bounce outranks the "delayed" notices that often precede it.
_BOUNCE_RANK = {"soft": 1, "policy": 2, "hard": 3, "complaint": 4}
# Kinds that mean the message never arrived: the delivery stops counting as sent.
_UNDELIVERED = frozenset({"hard", "policy"})
_SMTP_CODE = re.compile(r"(?<!\d)([245]\d\d)(?!\d)")


def mark_bounced(
    session: Session, delivery_id: int, kind: str, *, status: str = "", diagnostic: str = ""
) -> bool:
    """Records what returned mail said about a delivery, in the caller's transaction.

    ``hard`` and ``policy`` turn a sent (or queued again after a crash) delivery into
    ``bounced`` and keep the remote server's reply as its last reply; ``soft`` and
    ``complaint`` only note the kind (a soft bounce may still arrive, a complaint proves
    it did). Returns False when nothing changed (a weaker or repeated report)."""
    row = session.execute(
        select(DELIVERY.c.status, DELIVERY.c.bounce_kind).where(DELIVERY.c.id == delivery_id)
    ).first()
    if row is None or kind not in _BOUNCE_RANK:
        return False
    current, known = row
    if known is not None and _BOUNCE_RANK.get(known, 0) >= _BOUNCE_RANK[kind]:
        return False
    values: dict[str, Any] = {"bounce_kind": kind, "updated_at": utcnow()}
    if kind in _UNDELIVERED and current in (DeliveryStatus.SENT, DeliveryStatus.QUEUED):
        values["status"] = DeliveryStatus.BOUNCED
        reply = " ".join(diagnostic.split()) or status
        if reply:
            values["last_reply"] = reply[:500]
            code = _SMTP_CODE.search(reply)
            values["last_code"] = int(code.group(1)) if code else None
    session.execute(update(DELIVERY).where(DELIVERY.c.id == delivery_id).values(**values))
    return True
