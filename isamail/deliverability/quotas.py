"""Quotas as relays count them: messages per minute, per hour and per day.

Microsoft 365, for one, takes 30 messages a minute and 10,000 recipients a day from
a mailbox; over that it refuses until the window has moved on. isamail counts what
it handed to the relay from the database (``delivery.sent_at`` and the transactional
mails' ``outgoing_mail.sent_at``), so the count holds across runs, processes and
machines, and says how many may go now and when the next may.

    ledger = QuotaLedger.load(quota, engine, now)
    allowance = ledger.allowance(now)     # may_send, next_at
    ...send allowance.may_send messages, ledger.record(at) after each...

Every message is one recipient in isamail, so "messages" and "recipients" agree.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from isamail.config import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

UNLIMITED = 2**31 - 1
WINDOWS = (
    ("minute", timedelta(minutes=1), "Minute"),
    ("hour", timedelta(hours=1), "Stunde"),
    ("day", timedelta(days=1), "Tag"),
)

# Handed to the relay since :since: deliveries (through their edition, so that the
# (edition_id, sent_at) index answers) and transactional mails.
SENT_SINCE_SQL = (
    "SELECT sent_at FROM delivery WHERE edition_id IN (SELECT id FROM edition) "
    "AND sent_at >= :since "
    "UNION ALL SELECT sent_at FROM outgoing_mail WHERE sent_at >= :since"
)


@dataclass(frozen=True)
class Quota:
    """Limits per window; 0 is no limit."""

    per_minute: int = 0
    per_hour: int = 0
    per_day: int = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Quota:
        return cls(
            int(settings["smtp.quota_per_minute"]),
            int(settings["smtp.quota_per_hour"]),
            int(settings["smtp.quota_per_day"]),
        )

    def limits(self) -> list[tuple[timedelta, int, str]]:
        values = {"minute": self.per_minute, "hour": self.per_hour, "day": self.per_day}
        return [(length, values[key], label) for key, length, label in WINDOWS if values[key]]

    @property
    def active(self) -> bool:
        return bool(self.limits())

    def describe(self) -> str:
        """ "30 je Minute, 10.000 je Tag"."""
        return ", ".join(f"{_thousands(n)} je {label}" for _, n, label in self.limits())


@dataclass(frozen=True)
class Allowance:
    may_send: int  # how many may go now (UNLIMITED without quota)
    next_at: datetime | None  # with may_send 0: when the next may go
    limit: str = ""  # with may_send 0: the limit that holds it, e.g. "10.000 je Tag"


class QuotaLedger:
    """The times of recent sends and what the quota allows at a given moment."""

    def __init__(self, quota: Quota, sent: Iterable[datetime] = ()) -> None:
        self.quota = quota
        self._longest = max((w for w, _, _ in quota.limits()), default=timedelta(0))
        self._times: list[datetime] = sorted(sent)

    @classmethod
    def load(cls, quota: Quota, engine: Engine, now: datetime) -> QuotaLedger:
        ledger = cls(quota)
        ledger.reload(engine, now)
        return ledger

    def reload(self, engine: Engine, now: datetime) -> None:
        """Takes the sends from the database again, where other processes record theirs."""
        if not self.quota.active:
            return
        from sqlalchemy import text

        sqlite = engine.dialect.name == "sqlite"
        since = _param(now - self._longest, sqlite)
        with engine.connect() as connection:
            rows = connection.execute(text(SENT_SINCE_SQL), {"since": since}).all()
        self._times = sorted(_utc(row[0]) for row in rows)

    def record(self, at: datetime, count: int = 1) -> None:
        """Notes sends of this process that the database may not show yet."""
        if self.quota.active:
            index = bisect_right(self._times, at)
            self._times[index:index] = [at] * count

    def allowance(self, now: datetime) -> Allowance:
        limits = self.quota.limits()
        if not limits:
            return Allowance(UNLIMITED, None)
        self._forget_before(now - self._longest)
        may_send, next_at, binding = UNLIMITED, None, ""
        for length, limit, label in limits:
            start = bisect_right(self._times, now - length)
            count = len(self._times) - start
            left = limit - count
            if left > 0:
                may_send = min(may_send, left)
                continue
            # The window lets one more through once enough of its sends have aged out:
            # the (count - limit + 1)-th oldest leaves the window at its time + length.
            frees = self._times[start + count - limit] + length
            may_send = 0
            if next_at is None or frees > next_at:
                next_at, binding = frees, f"{_thousands(limit)} je {label}"
        return Allowance(
            may_send, next_at if may_send == 0 else None, binding if may_send == 0 else ""
        )

    def _forget_before(self, moment: datetime) -> None:
        cut = bisect_right(self._times, moment)
        if cut:
            del self._times[:cut]


class _Rows(Protocol):
    @property
    def is_sqlite(self) -> bool: ...

    def rows(self, sql: str, params: dict[str, Any] | None = None) -> list[tuple[Any, ...]]: ...


def quota_wait(settings: Settings, db: _Rows, now: datetime) -> Allowance | None:
    """For the report, on its read-only connection: the allowance if the quota holds
    mail back right now, else None."""
    quota = Quota.from_settings(settings)
    if not quota.active:
        return None
    longest = max(w for w, _, _ in quota.limits())
    rows = db.rows(SENT_SINCE_SQL, {"since": _param(now - longest, db.is_sqlite)})
    allowance = QuotaLedger(quota, (_utc(r[0]) for r in rows)).allowance(now)
    return allowance if allowance.may_send == 0 else None


def _param(moment: datetime, sqlite: bool) -> Any:
    from isamail.db import driver_time

    return driver_time(moment, sqlite=sqlite)


def _utc(value: Any) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")
