"""Who is working on the database right now: send runs and workers that are alive.

`isamail db upgrade` and `isamail db restore` refuse while one is: changing the tables or
replacing the data under a running send would lose what it writes next. A process on
this machine is alive if its pid is (a reused pid errs on the side of "alive"); one on
another machine if its heartbeat is fresh.

Plain SQL, so that it reads every schema since 0002 (the worker table came later) and
needs no model of the send pipeline's tables.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, inspect, text

# a heartbeat older than this means the process died (send runs beat every few seconds,
# workers once a round; the same limit as the send queue's)
STALE_AFTER = timedelta(seconds=90)


@dataclass(frozen=True)
class RunningProcess:
    kind: str  # "send" or "worker"
    host: str
    pid: int
    what: str  # the issue being sent, or the worker's tasks

    def describe(self) -> str:
        if self.kind == "send":
            return f"Versand von {self.what} (Prozess {self.pid} auf {self.host})"
        return f"Worker (Prozess {self.pid} auf {self.host})"


def pid_alive(pid: int) -> bool:
    """True if a process with this pid runs on this machine (and is no zombie)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stream:
            return stream.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def alive(host: str, pid: int, heartbeat: datetime | str | None, now: datetime) -> bool:
    if host == socket.gethostname():
        return pid_alive(pid)
    beat = _aware(heartbeat)
    return beat is not None and now - beat < STALE_AFTER


def _aware(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value


def running_processes(engine: Engine, *, now: datetime | None = None) -> list[RunningProcess]:
    """Send runs and workers on this database that are alive, this process excluded."""
    now = now or datetime.now(UTC)
    me = (socket.gethostname(), os.getpid())
    found: list[RunningProcess] = []
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if {"send_run", "edition"} <= tables:
            rows = conn.execute(
                text(
                    "SELECT r.host, r.pid, r.heartbeat_at, e.issue FROM send_run r "
                    "JOIN edition e ON e.id = r.edition_id WHERE r.finished_at IS NULL"
                )
            ).all()
            found += [RunningProcess("send", h, p, issue) for h, p, beat, issue in rows
                      if (h, p) != me and alive(h, p, beat, now)]  # fmt: skip
        if "worker" in tables:
            rows = conn.execute(
                text("SELECT host, pid, heartbeat_at FROM worker WHERE stopped_at IS NULL")
            ).all()
            found += [RunningProcess("worker", h, p, "") for h, p, beat in rows
                      if (h, p) != me and alive(h, p, beat, now)]  # fmt: skip
    return found
