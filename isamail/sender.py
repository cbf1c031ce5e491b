"""The sending loop: claims deliveries, sends them over several SMTP connections,
retries what the server defers, and records every outcome.

Threads: the calling thread claims batches from the database, feeds a work queue
and records results in batched transactions; one worker thread per SMTP
connection builds each message from the edition prepared once and sends it. No
transaction is open while a worker talks to the server.
"""

from __future__ import annotations

import queue as queues
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine

from isamail import queue
from isamail.compose.message import PreparedMessage, Recipient
from isamail.config import Settings
from isamail.db.models import DeliveryStatus, utcnow
from isamail.errors import SmtpError
from isamail.queue import Claimed, Journal, Result
from isamail.tokens import bounce_token, unsubscribe_token
from isamail.transport.smtp import SendOutcome, SmtpConnection, SmtpEndpoint, open_connection

MAX_RETRY_DELAY = 300.0
RECONNECT_ATTEMPTS = 3
RECORD_EVERY = 0.5  # seconds between result transactions
RECORD_BATCH = 500


@dataclass(frozen=True)
class SendOptions:
    connections: int = 4
    messages_per_connection: int = 500
    rate_per_second: float = 0.0
    rate_per_hour: int = 0
    retry_window: float = 900.0
    first_retry: float = 5.0
    timeout: float = 30.0
    verify_tls: bool = True
    ca_file: str | None = None
    limit: int | None = None
    batch: int = 200

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SendOptions:
        values: dict[str, object] = {
            "connections": settings["smtp.connections"],
            "messages_per_connection": settings["smtp.messages_per_connection"],
            "rate_per_second": settings["smtp.rate_per_second"],
            "rate_per_hour": settings["smtp.rate_per_hour"],
            "retry_window": settings["smtp.retry_window"],
            "first_retry": settings["smtp.first_retry"],
            "timeout": settings["smtp.timeout"],
            "verify_tls": settings["smtp.verify_tls"],
            "ca_file": settings["smtp.ca_file"] or None,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Addressing:
    """How the per-recipient values are made: links, envelope sender, Message-ID."""

    secret_key: str
    base_url: str
    bounce_local: str
    bounce_domain: str
    message_id_domain: str
    nonce: str

    def recipient(self, claimed: Claimed) -> Recipient:
        token = unsubscribe_token(self.secret_key, claimed.subscription_id or 0)
        return Recipient(
            email=claimed.email,
            name=claimed.name,
            unsubscribe_url=f"{self.base_url}/u/{token}",
            unsubscribe_mailto=(
                f"mailto:{self.bounce_local}@{self.bounce_domain}?subject=unsubscribe%20{token}"
            ),
            message_id=f"<{self.nonce}.{claimed.delivery_id}@{self.message_id_domain}>",
        )

    def envelope_from(self, delivery_id: int) -> str:
        token = bounce_token(self.secret_key, delivery_id)
        return f"{self.bounce_local}+{token}@{self.bounce_domain}"


@dataclass
class RunSummary:
    sent: int = 0
    failed: int = 0
    deferred: int = 0  # temporary failures, retried within the run
    stopped: str | None = None  # None, "interrupted", "server_gone"
    elapsed: float = 0.0
    failures: list[tuple[str, int | None, str]] = field(default_factory=list)


class RateLimiter:
    """Messages per second and per hour, shared by all connections."""

    def __init__(self, per_second: float, per_hour: int) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.per_hour = per_hour
        self._next = time.monotonic()
        self._hour: list[float] = []
        self._lock = threading.Lock()

    def wait(self, stop: threading.Event) -> None:
        if not self.interval and not self.per_hour:
            return
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next)
            if self.per_hour:
                self._hour = [t for t in self._hour if t > now - 3600]
                if len(self._hour) >= self.per_hour:
                    at = max(at, self._hour[0] + 3600)
                self._hour.append(at)
            self._next = at + self.interval
        stop.wait(max(0.0, at - time.monotonic()))


class _Worker(threading.Thread):
    def __init__(self, run: SendRun, index: int, connection: SmtpConnection | None) -> None:
        super().__init__(name=f"smtp-{index}", daemon=True)
        self.run_ = run
        self.connection = connection

    def run(self) -> None:
        run = self.run_
        while True:
            item = run.work.get()
            if item is None:
                break
            if run.stopping.is_set():
                run.results.put(None)  # not started: goes back to the queue on finish
                continue
            result = self._deliver(item)
            if result is not None:
                run.results.put(result)
        if self.connection is not None:
            self.connection.close()

    def _connect(self) -> SmtpConnection | None:
        run = self.run_
        for attempt in range(RECONNECT_ATTEMPTS):
            if run.stopping.is_set():
                return None
            try:
                return open_connection(
                    run.endpoint,
                    timeout=run.options.timeout,
                    verify_tls=run.options.verify_tls,
                    ca_file=run.options.ca_file,
                )
            except SmtpError as exc:
                run.last_connect_error = exc.message
                run.stopping.wait(min(run.options.first_retry, 2.0) * (attempt + 1))
        return None

    def _deliver(self, item: Claimed) -> Result | None:
        run = self.run_
        if self.connection is not None and (
            self.connection.sent_count >= run.options.messages_per_connection
            or not self.connection.alive
        ):
            self.connection.close()
            self.connection = None
        if self.connection is None:
            self.connection = self._connect()
            if self.connection is None:
                run.server_gone.set()
                return run.retry_later(item, None, run.last_connect_error or "Server weg")
        recipient = run.addressing.recipient(item)
        data = run.prepared.for_recipient(recipient)
        run.limiter.wait(run.stopping)
        run.journal.started(item.delivery_id)
        outcome: SendOutcome = self.connection.send(
            run.addressing.envelope_from(item.delivery_id),
            item.email,
            data,
            smtputf8=not item.email.rpartition("@")[0].isascii(),
        )
        if outcome.status == "sent":
            result = Result(item.delivery_id, DeliveryStatus.SENT, outcome.code, outcome.text)
        elif outcome.status == "permanent":
            result = Result(item.delivery_id, DeliveryStatus.FAILED, outcome.code, outcome.text)
        else:
            if outcome.status == "connection_lost":
                self.connection.close()
                self.connection = None
            result = run.retry_later(item, outcome.code, outcome.text)
        run.journal.finished(result)
        return result


class SendRun:
    """One run over one edition."""

    def __init__(
        self,
        engine: Engine,
        *,
        edition_id: int,
        run_id: str,
        prepared: PreparedMessage,
        addressing: Addressing,
        endpoint: SmtpEndpoint,
        options: SendOptions,
        journal_dir: Path,
        first_connection: SmtpConnection | None = None,
        on_progress: Callable[[RunSummary], None] | None = None,
    ) -> None:
        self.engine = engine
        self.edition_id = edition_id
        self.run_id = run_id
        self.prepared = prepared
        self.addressing = addressing
        self.endpoint = endpoint
        self.options = options
        self.journal = Journal(journal_dir, run_id)
        self.on_progress = on_progress
        self.work: queues.Queue[Claimed | None] = queues.Queue()
        self.results: queues.Queue[Result | None] = queues.Queue()
        self.stopping = threading.Event()
        self.server_gone = threading.Event()
        self.limiter = RateLimiter(options.rate_per_second, options.rate_per_hour)
        self.deadline = utcnow() + timedelta(seconds=options.retry_window)
        self.last_connect_error: str | None = None
        self.summary = RunSummary()
        self._first = first_connection
        self._in_flight = 0  # claimed and handed to workers, result not yet taken
        self._budget = options.limit
        self._pending: list[Result] = []  # results not yet in the database
        self._last_record = time.monotonic()

    def retry_later(self, item: Claimed, code: int | None, reply: str) -> Result:
        delay = min(self.options.first_retry * (2**item.attempts), MAX_RETRY_DELAY)
        due = utcnow() + timedelta(seconds=delay)
        return Result(item.delivery_id, DeliveryStatus.QUEUED, code, reply, due)

    def stop(self) -> None:
        """Ctrl-C: finish what is in flight, take nothing new."""
        self.stopping.set()

    def run(self) -> RunSummary:
        started = time.monotonic()
        workers = [
            _Worker(self, i, self._first if i == 0 else None)
            for i in range(self.options.connections)
        ]
        for w in workers:
            w.start()
        try:
            self._loop()
        except KeyboardInterrupt:  # a second Ctrl-C: take nothing new, record what finishes
            self.summary.stopped = "interrupted"
            self.stopping.set()
            while self._in_flight:
                self._take(self.results.get())
        finally:
            for _ in workers:
                self.work.put(None)
            for w in workers:
                w.join(timeout=self.options.timeout + 5)
            self._flush()
            queue.finish_run(self.engine, self.run_id)
            self.journal.close(remove=True)
            self.summary.elapsed = time.monotonic() - started
            if self.on_progress:
                self.on_progress(self.summary)
        if self.stopping.is_set() and self.summary.stopped is None:
            self.summary.stopped = "interrupted"
        return self.summary

    def _loop(self) -> None:
        while True:
            if self.server_gone.is_set() and not self.stopping.is_set():
                self.summary.stopped = "server_gone"
                self.stopping.set()
            self._fill()
            if not self._in_flight:
                self._flush()  # retries must be in the database before asking what is due
                if self.stopping.is_set() or self._budget == 0 or not self._wait_for_due():
                    return
                continue
            self._take_ready(timeout=0.05)
            if len(self._pending) >= RECORD_BATCH or (
                self._pending and time.monotonic() - self._last_record >= RECORD_EVERY
            ):
                self._flush()

    def _fill(self) -> None:
        """Keeps about two messages per connection in the work queue."""
        want = self.options.connections * 2 - self._in_flight
        if self.stopping.is_set() or want <= 0 or self._budget == 0:
            return
        size = want if self._in_flight else max(want, self.options.batch)
        if self._budget is not None:
            size = min(size, self._budget)
        claimed = queue.claim(
            self.engine, self.edition_id, self.run_id, size, not_after=self.deadline
        )
        for item in claimed:
            self.work.put(item)
        self._in_flight += len(claimed)
        if self._budget is not None:
            self._budget -= len(claimed)

    def _take_ready(self, timeout: float) -> None:
        """Takes one result (waiting up to ``timeout``), then whatever else is ready."""
        try:
            self._take(self.results.get(timeout=timeout))
        except queues.Empty:
            return
        while True:
            try:
                self._take(self.results.get_nowait())
            except queues.Empty:
                return

    def _take(self, result: Result | None) -> None:
        self._in_flight -= 1
        if result is None:  # a worker skipped the item while stopping
            return
        self._pending.append(result)
        if result.status == DeliveryStatus.SENT:
            self.summary.sent += 1
        elif result.status == DeliveryStatus.FAILED:
            self.summary.failed += 1
            if len(self.summary.failures) < 1000:
                self.summary.failures.append((str(result.delivery_id), result.code, result.reply))
        else:
            self.summary.deferred += 1

    def _flush(self) -> None:
        queue.record(self.engine, self.run_id, self._pending)
        self._pending = []
        self._last_record = time.monotonic()
        if self.on_progress:
            self.on_progress(self.summary)

    def _wait_for_due(self) -> bool:
        """Waits for the next retry if it falls inside the retry window; False when the
        run is done (nothing queued, or only retries due after the window)."""
        due = queue.next_due(self.engine, self.edition_id)
        if due is None or due > self.deadline:
            return False
        pause = (due - utcnow()).total_seconds()
        if pause > 0:
            self.stopping.wait(min(pause, 1.0))
        return not self.stopping.is_set()
