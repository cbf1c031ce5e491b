"""Opening the database, migrating it, and the one place that opens write transactions.

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
from isamail.db import SCHEMA_HEAD, SQLITE_BUSY_TIMEOUT_MS
from isamail.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).parent / "migrations"


def make_engine(url: str, *, migrate: bool = True) -> Engine:
    """An engine for ``url``; brings the schema up to date unless ``migrate`` is false."""
    try:
        engine = _create(url)
        if migrate:
            upgrade(engine)
    except OperationalError as exc:
        raise DatabaseError(
            f"Datenbank {redact_url(url)} lässt sich nicht öffnen: {exc.orig}"
        ) from None
    return engine


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
    """(the database's revision, the newest this code knows), as Alembic sees them."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config(engine))
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    head = script.get_current_head()
    assert head is not None
    return current, head


def upgrade(engine: Engine) -> bool:
    """Migrates the database to the newest schema; True if anything was done."""
    if _stored_revision(engine) == SCHEMA_HEAD:
        return False
    from alembic import command
    from alembic.script import ScriptDirectory

    current, head = schema_revisions(engine)
    if current == head:
        return False
    script = ScriptDirectory.from_config(_alembic_config(engine))
    if current is not None and current not in {r.revision for r in script.walk_revisions()}:
        raise DatabaseError(
            f"Die Datenbank hat den Schemastand {current}, den diese isamail-Version "
            f"nicht kennt: sie wurde mit einer neueren Version angelegt.",
            hint="Installieren Sie die neuere isamail-Version.",
        )
    command.upgrade(_alembic_config(engine), "head")
    return True


def _stored_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
