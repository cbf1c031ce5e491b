"""The schema's revision: checked by every command that opens the database, changed only
by `isamail init` (an empty database) and `isamail db upgrade`.

A command never migrates on the side: while an older `serve` or `worker` runs, a newer
command that silently changed the tables under it would break it. So a database that is
older than this code gets one line naming `isamail db upgrade` (which takes a backup
first), and one that is newer (written by a later release) is refused.

Only the error path needs the list of migrations (Alembic's script directory, half a
second to load); a database at SCHEMA_HEAD is checked by comparing one string. Migrations
added later need nothing here: what is older or newer is read from the scripts.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from isamail.config import redact_url
from isamail.db import SCHEMA_HEAD
from isamail.errors import DatabaseError

MIGRATIONS = Path(__file__).parent / "migrations"


class SchemaTooNew(DatabaseError):
    """The database was upgraded by a later release: this code must not touch it."""


class SchemaTooOld(DatabaseError):
    """The database needs `isamail db upgrade` before this code can use it."""


@lru_cache(maxsize=1)
def _revisions_oldest_first() -> tuple[str, ...]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(MIGRATIONS))
    return tuple(reversed([r.revision for r in script.walk_revisions()]))


def known_revisions() -> frozenset[str]:
    """Every revision this code has a migration for."""
    return frozenset(_revisions_oldest_first())


def pending_revisions(current: str | None) -> list[str]:
    """The migrations `isamail db upgrade` would apply to a database at ``current``."""
    order = list(_revisions_oldest_first())
    if current is None:
        return order
    if current not in order:
        return []
    return order[order.index(current) + 1 :]


def missing_database(url: str) -> SchemaTooOld:
    return SchemaTooOld(
        f"Die Datenbank {redact_url(url)} gibt es nicht: `isamail db upgrade` legt sie an, "
        "`isamail db restore DATEI` holt eine Sicherung zurück."
    )


def schema_problem(url: str, current: str | None) -> DatabaseError | None:
    """None if this code can use a database at revision ``current``; else the one line
    that says what to do."""
    if current == SCHEMA_HEAD:
        return None
    where = redact_url(url)
    if current is None:
        return SchemaTooOld(
            f"Die Datenbank {where} enthält noch keine isamail-Tabellen: "
            "`isamail db upgrade` legt sie an."
        )
    if current in known_revisions():
        return SchemaTooOld(
            f"Die Datenbank hat den Schemastand {current}, diese isamail-Version braucht "
            f"{SCHEMA_HEAD}: `isamail db upgrade` bringt sie auf den neuen Stand "
            "(und sichert sie vorher)."
        )
    from isamail import __version__

    return SchemaTooNew(
        f"Die Datenbank hat den Schemastand {current}, den isamail {__version__} nicht kennt "
        f"(sie kennt bis {SCHEMA_HEAD}): eine neuere isamail-Version hat sie aktualisiert; "
        "installieren Sie diese."
    )
