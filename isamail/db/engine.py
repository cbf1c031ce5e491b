"""Opening the database (its schema checked, never changed on the side), and the one place
that opens write transactions.

Service functions use ``unit_of_work(engine)`` for a short write transaction
and ``read_session(engine)`` for queries; helpers take a session and never
commit. (The one exception is ``report``, which reads on a plain DB-API
connection without SQLAlchemy, see ``db/readonly.py``; where speed demands it,
the importer and the send queue run plain SQL on the driver cursor, but inside
these transactions.) On SQLite every write transaction starts with ``BEGIN IMMEDIATE`` so
that two writers queue on the busy timeout instead of failing half-way with
"database is locked" (datasette's habit).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from isamail.config import redact_url
from isamail.db import SCHEMA_HEAD, SQLITE_BUSY_TIMEOUT_MS, sqlite_path
from isamail.db.schema import (
    MIGRATIONS,
    known_revisions,
    missing_database,
    pending_revisions,
    schema_problem,
)
from isamail.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig


def make_engine(url: str, *, check_schema: bool = True, create: bool = False) -> Engine:
    """An engine for ``url``. Nothing here changes an existing schema: a database that is
    older or newer than this code is refused with one line (``isamail db upgrade`` is the
    one way forward). ``create`` builds the tables in an empty database (`isamail init`,
    tests); an in-memory database is always empty and is always built."""
    path = sqlite_path(url)
    if check_schema and not create and path is not None and not Path(path).exists():
        raise missing_database(url)  # rather than leave an empty file behind
    try:
        engine = _create(url)
        try:
            if create or _in_memory(url):
                create_schema(engine)
            if check_schema and (problem := schema_problem(url, stored_revision(engine))):
                raise problem
        except BaseException:
            engine.dispose()
            raise
    except OperationalError as exc:
        raise DatabaseError(
            f"Datenbank {redact_url(url)} lässt sich nicht öffnen: {exc.orig}"
        ) from None
    return engine


def _in_memory(url: str) -> bool:
    return url.startswith("sqlite") and (
        url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:") or ":memory:" in url
    )


def _create(url: str) -> Engine:
    if url.startswith("sqlite"):
        # A pool of connections kept open: when the last connection to a WAL database
        # closes, SQLite checkpoints and resets the log, about 10 ms for every short
        # transaction. The pool hands a connection to one thread at a time.
        engine = create_engine(
            url,
            pool_size=8,
            connect_args={
                "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
                "check_same_thread": False,
            },
        )
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, pool_size=8)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so that "begin" below decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(conn: Any) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One short write transaction: commits on success, rolls back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for queries only; on SQLite it does not take the write lock."""
    bind = engine.execution_options(sqlite_begin="DEFERRED") if is_sqlite(engine) else engine
    # closing (not rolling back) ends the transaction and leaves loaded objects readable
    with Session(bind, expire_on_commit=False) as session:
        yield session


def _alembic_config(engine: Engine) -> AlembicConfig:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def schema_revisions(engine: Engine) -> tuple[str | None, str]:
    """(the database's revision, the newest this code knows)."""
    return stored_revision(engine), SCHEMA_HEAD


def create_schema(engine: Engine) -> bool:
    """Builds every table in an empty database; True if it did. A database that has a
    schema already is left as it is (old or new: that is `isamail db upgrade`'s)."""
    if stored_revision(engine) is not None:
        return False
    _migrate(engine)
    return True


def upgrade(engine: Engine) -> list[str]:
    """Migrates the database to the newest schema; the revisions applied, oldest first.
    Only `isamail db upgrade` (and `init`, on an empty database) call this."""
    current = stored_revision(engine)
    if current == SCHEMA_HEAD:
        return []
    if current is not None and current not in known_revisions():
        raise schema_problem(str(engine.url), current) or AssertionError(current)
    steps = pending_revisions(current)
    _migrate(engine)
    return steps


def _migrate(engine: Engine) -> None:
    from alembic import command

    command.upgrade(_alembic_config(engine), "head")


def stored_revision(engine: Engine) -> str | None:
    """The revision Alembic stored; None for a database without isamail's tables."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
