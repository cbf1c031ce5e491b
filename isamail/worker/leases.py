"""The worker's shared state in the database: who is running (``worker``) and which task
is due and who holds it (``worker_task``).

A task is claimed in one short transaction: on PostgreSQL its row is read with
``SELECT … FOR UPDATE SKIP LOCKED`` (a worker that finds it locked moves on), on SQLite
the transaction begins with ``BEGIN IMMEDIATE`` (``unit_of_work``), which lets one
writer in at a time. The claim writes the worker's id and a lease time; whoever finds
the lease held and unexpired, or the task not yet due, leaves it. The holder renews the
lease while it works (heartbeat) and gives it back with the next due time when done,
so several workers on several machines run each task once per interval. A worker that
dies holding a lease loses it when the lease runs out.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

import isamail
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Worker, WorkerTask, utcnow


def aware(value: datetime | None) -> datetime | None:
    """SQLite gives times back without their zone (they are UTC)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value


def register_worker(engine: Engine, worker_id: str) -> None:
    with unit_of_work(engine) as session:
        session.add(
            Worker(
                id=worker_id,
                host=socket.gethostname(),
                pid=os.getpid(),
                version=isamail.__version__,
            )
        )


def heartbeat(
    engine: Engine, worker_id: str, task: str | None, lease: timedelta, now: datetime
) -> None:
    """The worker is alive; the lease of the task it runs is extended."""
    with unit_of_work(engine) as session:
        session.execute(update(Worker).where(col(Worker.id) == worker_id).values(heartbeat_at=now))
        if task is not None:
            session.execute(
                update(WorkerTask)
                .where(col(WorkerTask.name) == task, col(WorkerTask.lease_holder) == worker_id)
                .values(lease_until=now + lease)
            )


def stop_worker(engine: Engine, worker_id: str) -> None:
    """Gives back every lease the worker holds (due at once for the others) and marks it
    stopped."""
    now = utcnow()
    with unit_of_work(engine) as session:
        session.execute(
            update(WorkerTask)
            .where(col(WorkerTask.lease_holder) == worker_id)
            .values(lease_holder=None, lease_until=None)
        )
        session.execute(update(Worker).where(col(Worker.id) == worker_id).values(stopped_at=now))


def ensure_tasks(engine: Engine, names: list[str]) -> None:
    """A row for every task, due now if new (two workers starting at once both try)."""
    with read_session(engine) as session:
        known = set(session.exec(select(WorkerTask.name)).all())
    for name in names:
        if name in known:
            continue
        try:
            with unit_of_work(engine) as session:
                session.add(WorkerTask(name=name, due_at=utcnow()))
        except IntegrityError:
            pass  # another worker added it first


def claim(
    engine: Engine,
    name: str,
    worker_id: str,
    lease: timedelta,
    now: datetime,
    *,
    due_or_not: bool = False,
) -> bool:
    """Takes the task if it is due (or ``due_or_not``) and nobody holds it; True if so."""
    with unit_of_work(engine) as session:
        row = _row(session, name)
        if row is None:  # locked by another worker's claim right now
            return False
        held = row.lease_holder is not None and (aware(row.lease_until) or now) > now
        due = (aware(row.due_at) or now) <= now
        if held or not (due or due_or_not):
            return False
        row.lease_holder, row.lease_until, row.last_started_at = worker_id, now + lease, now
        return True


def _row(session: Session, name: str) -> WorkerTask | None:
    query = select(WorkerTask).where(WorkerTask.name == name)
    if session.get_bind().dialect.name != "sqlite":
        query = query.with_for_update(skip_locked=True)
    return session.exec(query).first()


def finish(
    engine: Engine,
    name: str,
    worker_id: str,
    next_due: datetime,
    *,
    summary: str = "",
    error: str = "",
) -> None:
    """Gives the task back, due again at ``next_due``; nothing if the lease was lost."""
    now = utcnow()
    with unit_of_work(engine) as session:
        row = session.get(WorkerTask, name)
        if row is None or row.lease_holder != worker_id:
            return
        row.lease_holder = row.lease_until = None
        row.last_finished_at, row.due_at = now, next_due
        row.runs += 1
        row.failures = row.failures + 1 if error else 0
        row.last_error = error[:2000]
        if not error:
            row.last_summary = summary[:500]


def next_due_at(engine: Engine, names: list[str]) -> datetime | None:
    with read_session(engine) as session:
        found = session.exec(select(WorkerTask.due_at).where(col(WorkerTask.name).in_(names))).all()
    times = [t for t in (aware(d) for d in found) if t is not None]
    return min(times, default=None)


@dataclass(frozen=True)
class TaskState:
    name: str
    due_at: datetime | None
    holder: str | None
    last_started_at: datetime | None
    last_finished_at: datetime | None
    last_summary: str
    last_error: str
    runs: int
    failures: int


@dataclass(frozen=True)
class WorkerState:
    id: str
    host: str
    pid: int
    version: str
    started_at: datetime | None
    heartbeat_at: datetime | None
    stopped_at: datetime | None


def status(engine: Engine, *, since: datetime) -> tuple[list[WorkerState], list[TaskState]]:
    """Workers running or stopped after ``since``, and every task."""
    with read_session(engine) as session:
        workers = session.exec(select(Worker).order_by(col(Worker.started_at).desc())).all()
        tasks = session.exec(select(WorkerTask).order_by(col(WorkerTask.name))).all()
    return (
        [
            WorkerState(
                w.id,
                w.host,
                w.pid,
                w.version,
                aware(w.started_at),
                aware(w.heartbeat_at),
                aware(w.stopped_at),
            )
            for w in workers
            if w.stopped_at is None or (aware(w.stopped_at) or since) >= since
        ],
        [
            TaskState(
                t.name,
                aware(t.due_at),
                t.lease_holder,
                aware(t.last_started_at),
                aware(t.last_finished_at),
                t.last_summary,
                t.last_error,
                t.runs,
                t.failures,
            )
            for t in tasks
        ],
    )
