"""Database: tables, engine and migrations.

The constants and helpers here are shared by ``engine`` (SQLAlchemy), ``readonly`` (plain
DB-API, for `isamail report`) and the modules that run plain SQL on a driver cursor inside
SQLAlchemy's transactions (``queue``, ``importer``); they import nothing heavy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

# The newest migration. Every command opens the database and checks its schema; comparing
# with this constant needs neither Alembic nor the migration scripts (half a second at
# start-up). A test holds it equal to Alembic's head.
SCHEMA_HEAD = "0011"

SQLITE_BUSY_TIMEOUT_MS = 30_000


def driver_sql(sql: str, *, sqlite: bool) -> str:
    """SQL written with ``?`` placeholders (sqlite3's style), in the driver's style:
    psycopg takes ``%s``."""
    return sql if sqlite else sql.replace("?", "%s")


def driver_time(value: datetime | None, *, sqlite: bool) -> Any:
    """An aware time as a driver parameter, stored or compared as SQLAlchemy's DateTime
    stores it: on SQLite UTC text without offset (which sorts in time order), on
    PostgreSQL the datetime itself."""
    if value is None or not sqlite:
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def sqlite_path(url: str) -> str | None:
    """The file of a plain SQLite URL; None for anything else (in memory, URL options)."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            path = url[len(prefix) :]
            if not path or path == ":memory:" or "?" in path:
                return None
            return unquote(path)  # as SQLAlchemy reads the URL
    return None
