"""The journal of a run, and recovery of the runs that died.

Exactly-once across crashes rests on two records: the database, written in short
batched transactions (never while talking SMTP), and a journal file per run with a
line before each SMTP transaction begins (``S id``) and one when it ended (``F id
status code retry reply``). Lines are collected and written with one ``write()``
right before the engine writes to a socket, so a transaction's ``S`` line is in the
file (the kernel's page cache: a ``kill -9`` of the process loses nothing written)
before any byte of its envelope leaves.

After a crash, ``recover`` reads the dead run's journal: finished results are
applied; deliveries begun and not finished (at most one or two per connection) are
queued again and flagged ``possibly_duplicate``, since the server may have taken
them; what never began is queued again as it was. A run on another machine left no
journal here: all it held is uncertain.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlmodel import col

from isamail.db.activity import pid_alive
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Delivery, DeliveryStatus, SendRun, table, utcnow
from isamail.sending.deliveries import STALE_AFTER, Result, record

DELIVERY = table(Delivery)
_ONE_LINE = str.maketrans("\r\n", "  ")  # a reply's line breaks


@dataclass(frozen=True)
class Recovery:
    applied: int  # results found in a dead run's journal
    in_flight: list[int]  # delivery ids queued again as possibly duplicated
    requeued: int  # claimed but never begun


class Journal:
    """The append-only record of one run's SMTP transactions (see the module docstring).

    Used from the engine's SMTP thread only."""

    def __init__(self, directory: Path, run_id: str) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{run_id}.log"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_TRUNC, 0o600)
        self._lines: list[str] = []

    def started(self, delivery_id: int) -> None:
        self._lines.append(f"S {delivery_id}\n")

    def finished(self, result: Result) -> None:
        due = result.next_attempt_at.isoformat() if result.next_attempt_at else "-"
        reply = result.reply.translate(_ONE_LINE)[:300]
        self._lines.append(
            f"F {result.delivery_id} {result.status} {result.code or 0} {due} {reply}\n"
        )

    def flush(self) -> None:
        """Writes the collected lines; called before every write to a socket."""
        if self._lines:
            os.write(self._fd, "".join(self._lines).encode("utf-8", "replace"))
            self._lines.clear()

    def close(self, *, remove: bool) -> None:
        self.flush()
        os.close(self._fd)
        if remove:
            self.path.unlink(missing_ok=True)


def read_journal(path: Path) -> tuple[dict[int, Result], set[int]]:
    """(finished results, deliveries begun but not finished)."""
    finished: dict[int, Result] = {}
    started: set[int] = set()
    # Zero bytes end what was written in a journal of isamail 0.1, which mapped its
    # file; what follows the last newline is the torn line of a killed process.
    *lines, _torn = path.read_bytes().split(b"\0", 1)[0].split(b"\n")
    for line in lines:
        parts = line.decode("utf-8", "replace").split(" ", 5)
        if parts[0] == "S" and len(parts) == 2:
            started.add(int(parts[1]))
        elif parts[0] == "F" and len(parts) >= 5:
            delivery_id = int(parts[1])
            due = None if parts[4] == "-" else datetime.fromisoformat(parts[4])
            reply = parts[5] if len(parts) > 5 else ""
            finished[delivery_id] = Result(delivery_id, parts[2], int(parts[3]) or None, reply, due)
    return finished, started - set(finished)


def recover(engine: Engine, edition_id: int, journal_dir: Path) -> Recovery:
    """Puts the deliveries of this edition's dead runs back in order."""
    now = utcnow()
    host = socket.gethostname()
    with read_session(engine) as session:
        runs = session.execute(
            select(SendRun.id, SendRun.host, SendRun.pid, SendRun.heartbeat_at).where(  # type: ignore[call-overload]
                col(SendRun.edition_id) == edition_id, col(SendRun.finished_at).is_(None)
            )
        ).all()
    applied, in_flight, requeued = 0, [], 0
    for run_id, run_host, pid, beat in runs:
        alive = pid_alive(pid) if run_host == host else now - beat < STALE_AFTER
        if alive:
            continue
        journal = journal_dir / f"{run_id}.log"
        if journal.exists():
            finished, unfinished = read_journal(journal)
        else:
            finished, unfinished = {}, None  # another machine's run: every claim is uncertain
        results, uncertain, untouched = _sort_claims(engine, run_id, finished, unfinished)
        record(engine, run_id, results)
        applied += len(results)
        in_flight += sorted(uncertain)
        requeued += len(untouched)
        journal.unlink(missing_ok=True)
    return Recovery(applied, in_flight, requeued)


def _sort_claims(
    engine: Engine, run_id: str, finished: dict[int, Result], unfinished: set[int] | None
) -> tuple[list[Result], set[int], set[int]]:
    """Queues the dead run's claims again, flagging the uncertain ones, and ends the
    run; returns (results to apply, uncertain ids, untouched ids)."""
    now = utcnow()
    with unit_of_work(engine) as session:
        claimed = set(
            session.execute(
                select(DELIVERY.c.id).where(
                    DELIVERY.c.run_id == run_id, DELIVERY.c.status == DeliveryStatus.SENDING
                )
            ).scalars()
        )
        results = [finished[i] for i in claimed if i in finished]
        uncertain = claimed - set(finished) if unfinished is None else claimed & unfinished
        untouched = claimed - set(finished) - uncertain
        for ids, flag in ((uncertain, True), (untouched, False)):
            if ids:
                values: dict[str, object] = {
                    "status": DeliveryStatus.QUEUED,
                    "run_id": None,
                    "updated_at": now,
                }
                if flag:
                    values["possibly_duplicate"] = True
                session.execute(update(DELIVERY).where(DELIVERY.c.id.in_(ids)).values(**values))
        session.execute(update(SendRun).where(col(SendRun.id) == run_id).values(finished_at=now))
    return results, uncertain, untouched
