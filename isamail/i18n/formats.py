"""Numbers, sizes, durations and times as people read them: "5,7 MB", "12,0 s",
"12.03.2021 14:05" in the configured time zone (Europe/Berlin by default). JSON and CSV
never use these: they stay ISO 8601, UTC and plain numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from isamail.i18n import language, timezone


def _german() -> bool:
    return language() == "de"


def integer(n: int) -> str:
    """1234567 → "1.234.567" (German), "1,234,567" (English)."""
    text = f"{n:,}"
    return text.replace(",", ".") if _german() else text


def decimal(x: float, places: int = 1) -> str:
    """5.66 → "5,7" (German), "5.7" (English); thousands grouped."""
    text = f"{x:,.{places}f}"
    if _german():
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def size(n_bytes: int) -> str:
    """A size as a person reads it: "512 Bytes", "38 KB", "5,7 MB" (decimal units)."""
    if n_bytes < 1000:
        return f"{integer(n_bytes)} Bytes" if _german() else f"{integer(n_bytes)} bytes"
    if n_bytes < 1_000_000:
        return f"{decimal(n_bytes / 1e3, 0)} KB"
    if n_bytes < 1_000_000_000:
        return f"{decimal(n_bytes / 1e6, 1)} MB"
    return f"{decimal(n_bytes / 1e9, 1)} GB"


def seconds(s: float) -> str:
    """12.04 → "12,0 s"; from two minutes on "4 min 05 s"."""
    if s < 120:
        return f"{decimal(s, 1 if s >= 1 else 2)} s"
    minutes, rest = divmod(round(s), 60)
    if minutes < 120:
        return f"{minutes} min {rest:02d} s"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def percent(rate: float, places: int = 2) -> str:
    """0.0034 → "0,34 %" (German, with the space DIN 5008 asks for), "0.34%" (English)."""
    value = decimal(rate * 100, places)
    return f"{value} %" if _german() else f"{value}%"


def rate(per_second: float) -> str:
    """Messages a second: "1.234/s"."""
    return f"{integer(round(per_second))}/s"


@lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local(moment: datetime) -> datetime:
    """``moment`` (aware, or naive UTC as the database keeps it) in the display zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_zone(timezone()))


def when(moment: datetime | str | None, *, seconds: bool = False) -> str:
    """A point in time for people: "12.03.2021 14:05" (German), "2021-03-12 14:05"
    (English), in the display zone; ISO strings as the JSON carries them are read too."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    shown = local(moment)
    pattern = "%d.%m.%Y %H:%M" if _german() else "%Y-%m-%d %H:%M"
    return shown.strftime(pattern + (":%S" if seconds else ""))


def day(value: date | str | None) -> str:
    """A date: "12.03.2021" (German), "2021-03-12" (English)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return value.strftime("%d.%m.%Y") if _german() else value.isoformat()


def zone_name() -> str:
    """The display zone's abbreviation now ("MEZ"/"MESZ" are not in tzdata: "CET")."""
    return datetime.now(_zone(timezone())).strftime("%Z")
