"""Backups, restores and upgrades of the database: `isamail db backup|restore|upgrade`.

SQLite: a backup is taken with SQLite's online backup API (``sqlite3.Connection.backup``)
in one step, which reads one consistent snapshot while `serve` and `send` go on writing
(WAL mode), into a temporary file that is checked and then renamed into place: a
backup file either is complete or does not exist. A restore copies a backup into the
live database through the same API (so a running `serve` sees the restored data, not
a file replaced under its open connections), after keeping a copy of what it replaces;
it refuses while a send or a worker is running. An upgrade takes a backup first.

PostgreSQL: the server's own tools, `pg_dump` and `pg_restore`, are the way (they take a
consistent snapshot too); isamail says how and does not try to do it itself.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from isamail.db import SCHEMA_HEAD, SQLITE_BUSY_TIMEOUT_MS, sqlite_path
from isamail.db.activity import RunningProcess, running_processes
from isamail.db.schema import SchemaTooNew, known_revisions, pending_revisions, schema_problem
from isamail.errors import DatabaseError, IsamailError


@dataclass(frozen=True)
class DatabaseSummary:
    """What a database holds, in a few numbers people recognise."""

    revision: str | None
    subscribers: int  # people with an address (erased ones not counted)
    lists: int
    editions: int
    sent: int  # deliveries sent
    last_change: datetime | None  # the newest time stamp found

    def describe(self) -> str:
        when = self.last_change.strftime("%d.%m.%Y %H:%M UTC") if self.last_change else "–"
        return (
            f"Schemastand {self.revision or '(leer)'}, {self.subscribers} Abonnenten, "
            f"{self.lists} Listen, {self.editions} Ausgaben, {self.sent} Zustellungen "
            f"verschickt, letzte Änderung {when}"
        )


@dataclass(frozen=True)
class InterruptedSend:
    """An edition whose send was running when the backup was taken."""

    issue: str
    counts: dict[str, int]


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    summary: DatabaseSummary


@dataclass(frozen=True)
class RestoreResult:
    replaced: DatabaseSummary | None  # None: there was no database
    replaced_copy: Path | None
    restored: DatabaseSummary
    interrupted: list[InterruptedSend] = field(default_factory=list)

    @property
    def needs_upgrade(self) -> bool:
        return self.restored.revision != SCHEMA_HEAD


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str
    applied: list[str]
    backup: BackupResult | None


# --- PostgreSQL: the documented way ---------------------------------------------------


def libpq_url(url: str) -> str:
    """The URL as pg_dump and psql take it: no driver suffix, no password (they read it
    from PGPASSWORD or ~/.pgpass, so it stays out of shell histories)."""
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    netloc = parts.netloc
    if parts.password is not None:
        netloc = netloc.replace(":" + parts.password + "@", "@", 1)
    return parts._replace(netloc=netloc).geturl()


def pg_dump_command(url: str, file: str) -> str:
    return f"pg_dump --format=custom --file={file} '{libpq_url(url)}'"


def pg_restore_command(url: str, file: str) -> str:
    return f"pg_restore --clean --if-exists --no-owner --dbname='{libpq_url(url)}' {file}"


def postgresql_backup_line(url: str, file: str) -> str:
    return (
        f"PostgreSQL sichert pg_dump im laufenden Betrieb: {pg_dump_command(url, file)} "
        f"(zurück mit {pg_restore_command(url, file)}); isamail sichert nur SQLite selbst."
    )


def require_sqlite(url: str, file: str, *, restore: bool = False) -> Path:
    """The database file, or the one line saying how PostgreSQL is backed up."""
    path = sqlite_path(url)
    if path is not None:
        return Path(path)
    if url.startswith("postgresql"):
        raise IsamailError(postgresql_backup_line(url, file))
    action = "zurückholen" if restore else "sichern"
    raise IsamailError(f"isamail kann nur eine SQLite-Datei {action} (database_url: {url}).")


# --- SQLite ---------------------------------------------------------------------------


def _connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(
        f"{path.absolute().as_uri()}?mode={mode}",
        uri=True,
        timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,
    )


def _table_names(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def summarise(conn: sqlite3.Connection) -> DatabaseSummary:
    tables = _table_names(conn)

    def one(sql: str, table: str) -> Any:
        return conn.execute(sql).fetchone()[0] if table in tables else None

    stamps = [
        one("SELECT max(updated_at) FROM subscriber", "subscriber"),
        one("SELECT max(at) FROM consent_event", "consent_event"),
        one("SELECT max(updated_at) FROM delivery", "delivery"),
    ]
    latest = max((s for s in stamps if s), default=None)
    return DatabaseSummary(
        revision=one("SELECT max(version_num) FROM alembic_version", "alembic_version"),
        subscribers=one("SELECT count(*) FROM subscriber WHERE email IS NOT NULL", "subscriber")
        or 0,
        lists=one("SELECT count(*) FROM mailing_list", "mailing_list") or 0,
        editions=one("SELECT count(*) FROM edition", "edition") or 0,
        sent=one("SELECT count(*) FROM delivery WHERE status = 'sent'", "delivery") or 0,
        last_change=datetime.fromisoformat(latest).replace(tzinfo=UTC) if latest else None,
    )


def _interrupted_sends(conn: sqlite3.Connection) -> list[InterruptedSend]:
    if not {"send_run", "edition", "delivery"} <= _table_names(conn):
        return []
    editions = conn.execute(
        "SELECT DISTINCT e.id, e.issue FROM send_run r JOIN edition e ON e.id = r.edition_id "
        "WHERE r.finished_at IS NULL ORDER BY e.issue"
    ).fetchall()
    found = []
    for edition_id, issue in editions:
        counts = dict(
            conn.execute(
                "SELECT status, count(*) FROM delivery WHERE edition_id = ? GROUP BY status",
                (edition_id,),
            ).fetchall()
        )
        found.append(InterruptedSend(issue, counts))
    return found


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """One consistent copy of ``source`` as the file ``target`` (which must not exist),
    self-contained (no -wal beside it) and checked before it gets its name."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            # pages=-1: all in one step, under one read transaction of the source, so the
            # copy is one snapshot even while a send commits results (WAL lets it go on)
            source.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode=DELETE")
            problems = dest.execute("PRAGMA quick_check").fetchall()
            if problems != [("ok",)]:
                raise DatabaseError(f"Die Sicherung ist beschädigt: {problems[0][0]}")
        finally:
            dest.close()
        _durable(partial)
        os.replace(partial, target)
        _durable(target.parent)
    finally:
        partial.unlink(missing_ok=True)


def _durable(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup(url: str, target: Path) -> BackupResult:
    """A consistent copy of the SQLite database at ``url`` as the file ``target``."""
    path = require_sqlite(url, str(target))
    target = target.absolute()
    if not path.exists():
        raise DatabaseError(f"Die Datenbank {path} gibt es nicht: es gibt nichts zu sichern.")
    if target.exists():
        raise IsamailError(f"{target} gibt es schon; eine Sicherung überschreibt nichts.")
    if not target.parent.is_dir():
        raise IsamailError(f"Den Ordner {target.parent} gibt es nicht.")
    source = _connect(path)
    try:
        _copy(source, target)
    except sqlite3.Error as exc:
        raise DatabaseError(f"Sicherung von {path} nach {target} fehlgeschlagen: {exc}") from None
    finally:
        source.close()
    copy = _connect(target, read_only=True)
    try:
        summary = summarise(copy)
    finally:
        copy.close()
    return BackupResult(target, target.stat().st_size, summary)


def _check_backup_file(source: Path) -> DatabaseSummary:
    if not source.is_file():
        raise IsamailError(f"Die Sicherung {source} gibt es nicht.")
    try:
        conn = _connect(source, read_only=True)
        try:
            if conn.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                raise IsamailError(f"{source} ist beschädigt (PRAGMA quick_check).")
            summary = summarise(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise IsamailError(f"{source} ist keine isamail-Sicherung: {exc}.") from None
    if summary.revision is None:
        raise IsamailError(f"{source} ist keine isamail-Sicherung (keine isamail-Tabellen).")
    if summary.revision not in known_revisions():
        problem = schema_problem(str(source), summary.revision)
        assert problem is not None
        raise problem
    return summary


def _refuse_while_running(url: str, action: str) -> None:
    from isamail.db.engine import make_engine

    engine = make_engine(url, check_schema=False)
    try:
        running = running_processes(engine)
    finally:
        engine.dispose()
    if running:
        raise IsamailError(
            f"{action} geht nicht, solange gearbeitet wird: "
            + "; ".join(p.describe() for p in running)
            + ". Beenden Sie das zuerst (Worker: systemctl stop isamail-worker)."
        )


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")


def restore(url: str, source: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replaces the SQLite database's content with the backup ``source``; what was there
    is kept beside it (``subscribers.db.ersetzt-STAMP``)."""
    path = require_sqlite(url, str(source), restore=True)
    source = source.absolute()
    restored = _check_backup_file(source)
    if source == path.absolute():
        raise IsamailError(f"{source} ist die Datenbank selbst, keine Sicherung.")
    replaced = replaced_copy = None
    if path.exists():
        _refuse_while_running(url, "Eine Sicherung zurückholen")
        replaced_copy = path.with_name(f"{path.name}.ersetzt-{stamp(now)}")
        replaced = backup(url, replaced_copy).summary
    try:
        backup_conn = _connect(source, read_only=True)
        live = sqlite3.connect(path, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        try:
            # into the live file, page by page under its write lock: processes that have it
            # open (a `serve`) read the restored data from their next transaction on
            backup_conn.backup(live, pages=-1)
            live.execute("PRAGMA journal_mode=WAL")
            interrupted = _interrupted_sends(live)
        finally:
            live.close()
            backup_conn.close()
    except sqlite3.Error as exc:
        raise DatabaseError(f"Zurückholen von {source} fehlgeschlagen: {exc}") from None
    return RestoreResult(replaced, replaced_copy, restored, interrupted)


# --- upgrades ---------------------------------------------------------------------------


def upgrade_plan(url: str) -> tuple[str | None, list[str]]:
    """(the database's revision, the migrations an upgrade would apply)."""
    from isamail.db.engine import make_engine, stored_revision

    engine = make_engine(url, check_schema=False)
    try:
        current = stored_revision(engine)
    finally:
        engine.dispose()
    if current is not None and current != SCHEMA_HEAD and current not in known_revisions():
        problem = schema_problem(url, current)
        assert isinstance(problem, SchemaTooNew)
        raise problem
    return current, pending_revisions(current) if current != SCHEMA_HEAD else []


def default_backup_path(url: str, revision: str, now: datetime | None = None) -> Path:
    path = require_sqlite(url, "")
    return path.with_name(f"{path.name}.sicherung-{revision}-{stamp(now)}")


def upgrade_database(
    url: str, *, backup_to: Path | None = None, now: datetime | None = None
) -> UpgradeResult:
    """Brings the database to SCHEMA_HEAD: refuses while a send or a worker runs, backs
    an SQLite database up first (``backup_to`` or beside the file), then migrates."""
    from isamail.db.engine import make_engine, upgrade

    current, steps = upgrade_plan(url)
    if not steps:
        return UpgradeResult(current, SCHEMA_HEAD, [], None)
    _refuse_while_running(url, "Ein Upgrade")
    saved = None
    if current is not None and sqlite_path(url) is not None:
        saved = backup(url, backup_to or default_backup_path(url, current, now))
    engine = make_engine(url, check_schema=False)
    try:
        applied = upgrade(engine)
    finally:
        engine.dispose()
    return UpgradeResult(current, SCHEMA_HEAD, applied, saved)


__all__ = [
    "BackupResult",
    "DatabaseSummary",
    "InterruptedSend",
    "RestoreResult",
    "RunningProcess",
    "UpgradeResult",
    "backup",
    "pg_dump_command",
    "restore",
    "upgrade_database",
    "upgrade_plan",
]
