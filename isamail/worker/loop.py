"""The worker's loop: claim a due task, run it, give it back, wait for the next.

One loop per process (`isamail worker`, or a thread of `isamail serve` with
``worker.in_serve``). Between tasks it checks the database's schema: a worker whose
tables were upgraded under it by a newer release stops (exit status 1) rather than
write into a schema it does not know. A heartbeat thread keeps the worker's row and
the running task's lease fresh. ``stop()`` (SIGTERM, SIGINT, the end of `serve`) lets
the task in hand finish its batch, gives back the leases and ends the loop.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import timedelta

from sqlalchemy import Engine

from isamail.context import Project
from isamail.db import SCHEMA_HEAD
from isamail.db.engine import stored_revision
from isamail.db.models import utcnow
from isamail.worker import leases
from isamail.worker.tasks import TASKS, Task, TaskContext

log = logging.getLogger("isamail.worker")


class SchemaChanged(Exception):
    """The database's schema is no longer the one this code knows."""


class WorkerLoop:
    def __init__(
        self,
        project: Project,
        tasks: list[Task] | None = None,
        *,
        once: bool = False,
        force: bool = False,
    ) -> None:
        self.project = project
        self.tasks = list(TASKS if tasks is None else tasks)
        self.once = once  # one round, then return
        self.force = force  # run the tasks whether due or not (still never two at once)
        self.id = secrets.token_hex(8)
        self.lease = timedelta(seconds=float(project.settings["worker.lease"]))
        self.poll = float(project.settings["worker.poll"])
        self._stop = threading.Event()
        self._running: str | None = None
        self._beat: threading.Thread | None = None

    @property
    def engine(self) -> Engine:
        return self.project.engine

    def stop(self) -> None:
        """Ends the loop after the task in hand."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> int:
        """Runs until ``stop()``; 0, or 1 if the schema changed under the worker."""
        names = [t.name for t in self.tasks]
        leases.register_worker(self.engine, self.id)
        leases.ensure_tasks(self.engine, names)
        log.info("worker %s started: %s", self.id, ", ".join(names), extra={"worker": self.id})
        self._beat = threading.Thread(target=self._heartbeat, name="isamail-heartbeat", daemon=True)
        self._beat.start()
        status = 0
        try:
            while not self.stopping:
                self._check_schema()
                for task in self.tasks:
                    if self.stopping:
                        break
                    self._maybe_run(task)
                if self.once:
                    break
                self._stop.wait(self._pause(names))
        except SchemaChanged as exc:
            log.error("%s", exc, extra={"worker": self.id})
            status = 1
        finally:
            self._stop.set()
            if self._beat is not None:
                self._beat.join(10)
            leases.stop_worker(self.engine, self.id)
            log.info("worker %s stopped", self.id, extra={"worker": self.id})
        return status

    def _check_schema(self) -> None:
        current = stored_revision(self.engine)
        if current != SCHEMA_HEAD:
            raise SchemaChanged(
                f"Die Datenbank hat jetzt den Schemastand {current}, dieser Worker kennt "
                f"{SCHEMA_HEAD}: er hört auf (nach einem Upgrade mit der neuen Version starten)."
            )

    def _pause(self, names: list[str]) -> float:
        due = leases.next_due_at(self.engine, names)
        if due is None:
            return self.poll
        return min(self.poll, max((due - utcnow()).total_seconds(), 0.5))

    def _maybe_run(self, task: Task) -> None:
        now = utcnow()
        if not leases.claim(
            self.engine, task.name, self.id, self.lease, now, due_or_not=self.force
        ):
            return
        self._running = task.name
        extra = {"task": task.name, "worker": self.id}
        summary, error = "", ""
        try:
            summary = task.run(TaskContext(self.project, self._stop))
        except Exception as exc:  # a task's failure is an alert, not the end of the worker
            error = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
            log.exception("task %s failed: %s", task.name, error, extra=extra)
            self._alert(task.kind, error)
        else:
            if summary:
                log.info("task %s: %s", task.name, summary, extra=extra)
            self._resolve(task.kind)
        finally:
            self._running = None
            next_due = utcnow() + task.interval(self.project.settings)
            leases.finish(self.engine, task.name, self.id, next_due, summary=summary, error=error)

    def _alert(self, kind: str, message: str) -> None:
        from isamail.worker import alerting

        try:
            alerting.alert(self.project, kind, message)
        except Exception:  # the database itself may be what failed
            log.exception("alert %s could not be recorded", kind)

    def _resolve(self, kind: str) -> None:
        from isamail.worker import alerting

        try:
            alerting.resolve(self.project, kind)
        except Exception:
            log.exception("alert %s could not be resolved", kind)

    def _heartbeat(self) -> None:
        every = max(min(self.lease.total_seconds() / 3, 30.0), 0.2)
        while not self._stop.wait(every):
            try:
                leases.heartbeat(self.engine, self.id, self._running, self.lease, utcnow())
            except Exception:  # a lost beat is retried; a lease may lapse meanwhile
                log.exception("worker heartbeat")


def in_thread(project: Project) -> tuple[WorkerLoop, threading.Thread]:
    """The loop in a thread of this process (`serve` with ``worker.in_serve``)."""
    loop = WorkerLoop(project)
    thread = threading.Thread(target=loop.run, name="isamail-worker", daemon=True)
    return loop, thread


__all__ = ["SchemaChanged", "WorkerLoop", "in_thread"]
