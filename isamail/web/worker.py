"""The web app's one background thread: sends queued confirmation mails (woken right
after a signup, so the response never waits on SMTP; otherwise every minute for
retries) and purges stale pending signups once an hour.

One thread, not one per request: SMTP is serialised, a burst of signups shares a
connection, and a slow mail server cannot pile up threads.
"""

from __future__ import annotations

import logging
import threading
import time

from isamail.audience import optin
from isamail.context import Project
from isamail.sending import transactional

log = logging.getLogger("isamail.web")


class OutboxWorker:
    def __init__(
        self, project: Project, *, interval: float = 60.0, purge_every: float = 3600.0
    ) -> None:
        self.project = project
        self.interval = interval
        self.purge_every = purge_every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_purge = 0.0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="isamail-transactional", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._idle.clear()
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """For tests and the benchmark: True once the queue was drained after a wake."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            if self._stop.is_set():
                break
            self.run_once()

    def run_once(self) -> None:
        try:
            self._drain()
            if time.monotonic() - self._last_purge >= self.purge_every:
                self._last_purge = time.monotonic()
                result = optin.purge_pending(self.project.engine)
                if result.subscriptions or result.mails_deleted:
                    log.info(
                        "purged %d stale pending signups, %d old mails",
                        result.subscriptions,
                        result.mails_deleted,
                    )
        except Exception:  # the worker must survive a database or template hiccup
            log.exception("outbox worker")
        finally:
            if not self._wake.is_set():
                self._idle.set()

    def _drain(self) -> None:
        batch = 100
        while not self._stop.is_set():
            summary = transactional.deliver_due(
                self.project.engine, self.project.settings, limit=batch
            )
            for error in summary.errors:
                log.warning("confirmation mail: %s", error)
            if summary.attempted < batch:
                return
