"""Alerts: unattended work that failed, told to the office once per kind and interval.

A kind is what failed: a worker task (``task:NAME``), the relay refusing the login
(``relay_login``), the relay out of reach (``relay``), a list losing many members to
bounces and complaints at once (``spike``). The worker records and mails them
(``worker/alerting.py``); this module holds what `isamail report` needs to show the open
ones, in plain SQL on the report's read-only connection (no SQLAlchemy there).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from isamail.db.readonly import ReadOnlyDatabase

KINDS_DE = {
    "relay_login": "Der SMTP-Server lehnt die Anmeldung ab",
    "relay": "Der SMTP-Server ist nicht erreichbar",
    "spike": "Eine Liste verliert auf einmal viele Empfänger",
    "bounces": "Das Bounce-Postfach lässt sich nicht lesen",
}


def describe_kind(kind: str) -> str:
    """The kind in words, for the office."""
    if kind in KINDS_DE:
        return KINDS_DE[kind]
    if kind.startswith("task:"):
        return f"Die Aufgabe „{kind[5:]}“ des Workers schlägt fehl"
    return kind


@dataclass(frozen=True)
class OpenAlert:
    kind: str
    message: str
    first_at: datetime
    last_at: datetime
    count: int
    mailed_at: datetime | None

    @property
    def title(self) -> str:
        return describe_kind(self.kind)


def open_alerts(db: ReadOnlyDatabase) -> list[OpenAlert]:
    """The alerts not resolved yet, the newest first."""
    rows = db.rows(
        "SELECT kind, message, first_at, last_at, count, mailed_at FROM alert "
        "WHERE resolved_at IS NULL ORDER BY last_at DESC"
    )
    found = []
    for kind, message, first, last, count, mailed in rows:
        first_at, last_at = db.timestamp(first), db.timestamp(last)
        assert first_at is not None and last_at is not None
        found.append(OpenAlert(kind, message, first_at, last_at, count, db.timestamp(mailed)))
    return found
