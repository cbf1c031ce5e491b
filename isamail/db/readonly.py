"""Read-only queries on a plain DB-API connection (sqlite3 or psycopg), without SQLAlchemy.

`isamail report` must answer in under a second over a million deliveries (issue 6).
Importing SQLAlchemy alone costs 0.3–0.5 s, SQLModel and the models up to 0.4 s more:
more than the report's queries themselves. So the report opens the database here, with
hand-written SQL that runs on SQLite and PostgreSQL, and imports neither.

SQL is written once with ``:name`` placeholders (sqlite3's named style) and translated
to psycopg's ``%(name)s``. Before the first query the schema revision is compared with
SCHEMA_HEAD, as ``make_engine`` does: an older or empty database gets the line naming
`isamail db upgrade`, a newer one is refused (``db/schema.py``); nothing is migrated
here. Failures become the same one-line DatabaseError messages the engine gives.
Everything runs in one read-only transaction, so that the numbers of one report add up
even while a send is running.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from isamail.config import redact_url
from isamail.db import SCHEMA_HEAD, SQLITE_BUSY_TIMEOUT_MS, driver_time, sqlite_path
from isamail.db.schema import missing_database, schema_problem
from isamail.errors import DatabaseError

Params = Mapping[str, Any]
Row = tuple[Any, ...]


class ReadOnlyDatabase:
    """One connection inside one read-only transaction. Use ``open_read_only``."""

    def __init__(
        self,
        connection: Any,
        dialect: str,
        errors: tuple[type[Exception], ...],
        *,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.connection = connection
        self.dialect = dialect  # "sqlite" or "postgresql"
        self.errors = errors  # the driver's errors that are the database's, not a bug
        self._on_close = on_close
        self._streams = 0

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def rows(self, sql: str, params: Params | None = None) -> list[Row]:
        with self._translated_errors():
            return self._rows(sql, params)

    def one(self, sql: str, params: Params | None = None) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def stream(self, sql: str, params: Params | None = None, *, chunk: int = 5000) -> Iterator[Row]:
        """The rows of ``sql`` a chunk at a time (a server-side cursor on PostgreSQL)."""
        with self._translated_errors():
            if self.is_sqlite:
                cursor = self.connection.cursor()
            else:
                # every row will be read: plan for the whole result, not the first rows
                setting = self.connection.cursor()
                setting.execute("SET LOCAL cursor_tuple_fraction = 1")
                setting.close()
                self._streams += 1
                cursor = self.connection.cursor(name=f"isamail_stream_{self._streams}", binary=True)
            try:
                cursor.execute(self._sql(sql), params or {})
                while batch := cursor.fetchmany(chunk):
                    yield from batch
            finally:
                cursor.close()

    def timestamp(self, value: Any) -> datetime | None:
        """A stored time as the aware UTC datetime the models give (SQLModel's UTCDateTime):
        SQLite holds UTC as text without an offset, PostgreSQL answers in its time zone."""
        if value is None:
            return None
        if isinstance(value, str):
            return datetime.fromisoformat(value).replace(tzinfo=UTC)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)

    def time_text(self, column: str) -> str:
        """SQL for a stored time as the text SQLite holds (UTC, microseconds): cheaper
        for psycopg to hand over than a datetime in the session's zone, and what
        ``isoformat`` cuts up fastest."""
        if self.is_sqlite:
            return column
        return f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"

    def isoformat(self, value: Any) -> str | None:
        """``timestamp(value).isoformat()``; cut straight from SQLite's text where it has the
        form SQLAlchemy writes, a third of the time over an edition's 200,000 rows."""
        if isinstance(value, str) and len(value) == 26 and value[10] == " " and value[19] == ".":
            fraction = "" if value.endswith("000000") else value[19:]
            return f"{value[:10]}T{value[11:19]}{fraction}+00:00"
        at = self.timestamp(value)
        return None if at is None else at.isoformat()

    def time_param(self, value: datetime) -> Any:
        """An aware time as a parameter to compare with stored times: on SQLite the text
        SQLAlchemy stores (UTC, no offset), which compares in time order."""
        return driver_time(value, sqlite=self.is_sqlite)

    def revision(self) -> str | None:
        """The schema revision Alembic stored; None for an empty database. Raises the
        driver's error for a file that is no database."""
        if self.is_sqlite:
            exists = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = :t"
        else:
            exists = "SELECT count(*) FROM pg_catalog.pg_class WHERE oid = to_regclass(:t)"
        if not self._rows(exists, {"t": "alembic_version"})[0][0]:
            return None
        found = self._rows("SELECT version_num FROM alembic_version")
        return str(found[0][0]) if found else None

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            if self._on_close is not None:
                self._on_close()

    def _rows(self, sql: str, params: Params | None = None) -> list[Row]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(self._sql(sql), params or {})
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def _sql(self, sql: str) -> str:
        return sql if self.is_sqlite else pyformat(sql)

    @contextmanager
    def _translated_errors(self) -> Iterator[None]:
        try:
            yield
        except self.errors as exc:
            if isinstance(exc, _BUGS):
                raise
            # a locked database or a server that went away: the user's to fix, one line
            raise DatabaseError(f"Datenbankfehler: {exc}") from None


# the DB-API errors of sqlite3's DatabaseError family that mean the SQL is wrong
_BUGS = (sqlite3.ProgrammingError, sqlite3.InterfaceError)


# a string literal, a PostgreSQL cast, a named placeholder, or a percent sign
_TOKEN = re.compile(r"'(?:[^']|'')*'|::|:(\w+)|%")


@lru_cache(maxsize=256)
def pyformat(sql: str) -> str:
    """``:name`` placeholders as psycopg's ``%(name)s``; every literal ``%`` doubled, in
    string literals too (psycopg does not parse SQL), a colon in a literal left alone."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if match.group(1):
            return f"%({match.group(1)})s"
        return token.replace("%", "%%")

    return _TOKEN.sub(replace, sql)


@contextmanager
def read_only(url: str) -> Iterator[ReadOnlyDatabase]:
    """``open_read_only(url)``, closed at the end of the block."""
    db = open_read_only(url)
    try:
        yield db
    finally:
        db.close()


def open_read_only(url: str) -> ReadOnlyDatabase:
    """A read-only connection to the database at ``url``, with the newest schema."""
    db = _open(url)
    try:
        current = db.revision()
    except db.errors as exc:
        db.close()
        raise _cannot_open(url, exc) from None
    except BaseException:
        db.close()
        raise
    if current == SCHEMA_HEAD:
        return db
    db.close()
    problem = schema_problem(url, current)
    assert problem is not None
    raise problem


def _open(url: str) -> ReadOnlyDatabase:
    if (path := sqlite_path(url)) is not None:
        return _open_sqlite(url, path)
    if (conninfo := _postgresql_conninfo(url)) is not None:
        return _open_postgresql(url, conninfo)
    return _open_through_sqlalchemy(url)


def _postgresql_conninfo(url: str) -> str | None:
    for prefix in ("postgresql://", "postgresql+psycopg://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return None


def _cannot_open(url: str, exc: Exception) -> DatabaseError:
    return DatabaseError(f"Datenbank {redact_url(url)} lässt sich nicht öffnen: {exc}")


def _open_sqlite(url: str, path: str) -> ReadOnlyDatabase:
    if not Path(path).exists():
        raise missing_database(url)
    try:
        # never creates the file (mode=rw): a missing database is the line above
        conn = sqlite3.connect(
            f"{Path(path).absolute().as_uri()}?mode=rw",
            uri=True,
            timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
            isolation_level=None,
        )
    except sqlite3.Error as exc:
        raise _cannot_open(url, exc) from None
    try:
        conn.execute("PRAGMA query_only = 1")
        # one snapshot for all queries; in WAL mode a reader does not hold up a send
        conn.execute("BEGIN")
    except sqlite3.Error as exc:
        conn.close()
        raise _cannot_open(url, exc) from None
    # DatabaseError, not only OperationalError: "file is not a database", a damaged file
    return ReadOnlyDatabase(conn, "sqlite", (sqlite3.DatabaseError,))


def _open_postgresql(url: str, conninfo: str) -> ReadOnlyDatabase:
    import psycopg  # only PostgreSQL projects pay for it

    try:
        conn = psycopg.connect(conninfo)
    except psycopg.Error as exc:
        raise _cannot_open(url, exc) from None
    _read_only_transaction(conn)
    return ReadOnlyDatabase(conn, "postgresql", (psycopg.OperationalError,))


def _read_only_transaction(conn: Any) -> None:
    """One snapshot for all queries (REPEATABLE READ), on a connection that cannot write."""
    import psycopg

    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    # compiling the report's queries took longer than running them (0.25 s of 0.6 s)
    conn.execute("SET jit = off")


def _open_through_sqlalchemy(url: str) -> ReadOnlyDatabase:
    """Any other URL the engine accepts (an in-memory database, URL options): the DB-API
    connection from its pool; slower to start, the same queries."""
    from sqlalchemy.exc import OperationalError

    from isamail.db.engine import make_engine

    engine = make_engine(url)
    dialect, driver = engine.dialect.name, engine.dialect.driver
    if (dialect, driver) not in (("sqlite", "pysqlite"), ("postgresql", "psycopg")):
        engine.dispose()
        raise DatabaseError(
            f"Datenbank {redact_url(url)}: isamail kann nur SQLite und PostgreSQL (psycopg) lesen."
        )
    try:
        pooled = engine.raw_connection()
    except OperationalError as exc:
        engine.dispose()
        raise _cannot_open(url, exc.orig or exc) from None
    conn: Any = pooled.driver_connection
    if dialect == "sqlite":
        conn.execute("BEGIN")  # the engine's connections leave transactions to the caller
        errors: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
    else:
        import psycopg

        conn.rollback()  # the pool's ping may have begun one; the isolation level waits for none
        _read_only_transaction(conn)
        errors = (psycopg.OperationalError,)
    # closing the pool's connection hands it back; disposing the engine closes it
    return ReadOnlyDatabase(pooled, dialect, errors, on_close=engine.dispose)
