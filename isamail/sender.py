"""The sending loop: claims deliveries, sends them over several SMTP connections,
retries what the server defers, and records every outcome.

Threads: the calling thread claims batches from the database and records results
in batched transactions. One SMTP thread (``_SmtpLoop``) drives every connection
over non-blocking sockets: each connection is a ``_Slot``, whose steps take
deliveries from the claimed batch, build each message from the edition prepared
once and send it, and say when they wait for the socket, a timer or a new
connection (opened and closed in a small thread pool, as it blocks). No
transaction is open while a connection talks to the server.

One thread for all connections because a thread per connection was slower than a
single connection: each system call let another connection's thread take the
interpreter lock, and those hand-offs cost more CPU than the mail itself
(bench/README.md).

A server that refuses the envelope sender itself (a 5xx reply to MAIL FROM) stops
the run: that is the sender's setup, not the recipient's address, so the delivery
stays queued and ``run`` raises SmtpError once everything is recorded.
"""

from __future__ import annotations

import heapq
import selectors
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
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
from isamail.sending import gate
from isamail.tokens import bounce_token, unsubscribe_token
from isamail.transport.smtp import (
    Outgoing,
    SendOutcome,
    SmtpConnection,
    SmtpEndpoint,
    Wait,
    open_connection,
)

MAX_RETRY_DELAY = 300.0
RECONNECT_ATTEMPTS = 3
RECORD_EVERY = 0.5  # seconds between result transactions
RECORD_BATCH = 500
CLAIM_PAUSE = 0.5  # seconds between claims after one found less than it asked for
IDLE_POLL = 0.05  # seconds the calling thread waits for workers between its checks
PARK_POLL = 0.01  # seconds a connection without work waits before it looks again


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
    processes: int = 0  # 0: one per CPU core, at most 4 (see isamail.processes)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: object) -> SendOptions:
        values: dict[str, object] = {
            "connections": settings["smtp.connections"],
            "processes": settings["smtp.processes"],
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
    skipped: int = 0  # held back by the gate: the recipient left before it went out
    deferred: int = 0  # temporary failures, retried within the run
    stopped: str | None = None  # None, "interrupted", "server_gone", "sender_refused"
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

    @property
    def active(self) -> bool:
        return bool(self.interval or self.per_hour)

    def reserve(self) -> float:
        """The monotonic time at which the next message may go out."""
        if not self.active:
            return 0.0
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next)
            if self.per_hour:
                self._hour = [t for t in self._hour if t > now - 3600]
                if len(self._hour) >= self.per_hour:
                    at = max(at, self._hour[0] + 3600)
                self._hour.append(at)
            self._next = at + self.interval
        return at


class _Park:
    """What a slot yields when no delivery is ready: look again shortly."""


PARK = _Park()
# What a slot's steps wait for: the socket ("read", "write"), a monotonic time, a
# connection being opened, or work.
Request = Wait | float | Future[SmtpConnection] | _Park
SlotSteps = Generator[Request, None, None]


class _Slot:
    """One SMTP connection of the run, and its steps: take a delivery, send it, record
    the outcome, again, until there is nothing more to take."""

    def __init__(self, run: SendRun, index: int, connection: SmtpConnection | None) -> None:
        self.run = run
        self.index = index
        self.connection = connection
        if connection is not None:
            connection.set_blocking(False)
        self.steps = self._work()

    def _work(self) -> SlotSteps:
        run = self.run
        outgoing: Outgoing | None = None  # item's message, when built ahead as ``then``
        try:
            item = yield from self._next_item()
            while item is not None:
                # The next item is taken before this one goes out, so that its envelope
                # can travel with this message's content (see transport.smtp).
                following = run.next_item_nowait() if self._may_pipeline() else None
                then: Outgoing | None = None
                result: Result | None = None
                try:
                    outgoing = outgoing or self._outgoing(item)
                    then = self._outgoing(following) if following is not None else None
                    result = yield from self._deliver(item, outgoing, then)
                finally:
                    # None (a bug here) leaves the delivery claimed: finish_run puts it
                    # back in the queue.
                    run.done(item, result)
                    if following is not None and (then is None or run.stopping.is_set()):
                        # Taken but not begun: not in flight, so Ctrl-C does not wait for
                        # it; still claimed, so finish_run puts it back in the queue.
                        run.done(following, None)
                        following = None
                if following is None:
                    item, outgoing = (yield from self._next_item()), None
                else:
                    item, outgoing = following, then
        finally:
            self._retire()

    def _next_item(self) -> Generator[Request, None, Claimed | None]:
        while True:
            item, more = self.run.poll_item()
            if item is not None or not more:
                return item
            yield PARK

    def _retire(self) -> None:
        if self.connection is not None:
            self.run.retire(self.connection)
            self.connection = None

    def _may_pipeline(self) -> bool:
        """Only without a rate limit: a server waits for content after DATA only so long
        (RFC 5321 4.5.3.2), and the limiter may hold the next message back."""
        connection = self.connection
        return (
            not self.run.limiter.active
            and connection is not None
            and connection.alive
            and connection.supports_pipelining
            and connection.sent_count + 1 < self.run.options.messages_per_connection
        )

    def _connect(self) -> Generator[Request, None, SmtpConnection | None]:
        run = self.run
        for attempt in range(RECONNECT_ATTEMPTS):
            if run.stopping.is_set():
                return None
            opening = run.open_connection()
            yield opening
            try:
                connection = opening.result()
            except SmtpError as exc:
                run.last_connect_error = exc.message
                yield time.monotonic() + min(run.options.first_retry, 2.0) * (attempt + 1)
                continue
            connection.set_blocking(False)
            return connection
        return None

    def _deliver(
        self, item: Claimed, outgoing: Outgoing, then: Outgoing | None
    ) -> Generator[Request, None, Result]:
        run = self.run
        if self.connection is not None and (
            self.connection.sent_count >= run.options.messages_per_connection
            or not self.connection.alive
        ):
            self._retire()
        if self.connection is None:
            self.connection = yield from self._connect()
            if self.connection is None:
                run.server_gone.set()
                return run.retry_later(item, None, run.last_connect_error or "Server weg")
        connection = self.connection
        envelope_from = outgoing.envelope_from
        at = run.limiter.reserve()
        if at > time.monotonic():
            yield at
        reason = run.gate_reason(item.delivery_id)
        if reason is not None:
            if connection.envelope_ahead:
                # its envelope went out with the last message's content: closing the
                # connection before the content follows aborts the transaction
                self._retire()
            return Result(item.delivery_id, DeliveryStatus.SKIPPED, None, reason)
        run.journal.started(item.delivery_id)
        outcome: SendOutcome = yield from connection.steps(
            envelope_from,
            outgoing.recipient,
            outgoing.message,
            smtputf8=outgoing.smtputf8,
            stuffed=outgoing.stuffed,
            then=then,
        )
        if outcome.status == "sent":
            result = Result(item.delivery_id, DeliveryStatus.SENT, outcome.code, outcome.text)
        elif outcome.status == "permanent" and outcome.stage == "mail":
            # The server refuses the sender or the session (530 authentication required,
            # 550 sender rejected): every other recipient would fail the same way, and
            # none of them is at fault. Stop; the delivery stays queued.
            run.refuse_sender(envelope_from, outcome)
            result = Result(item.delivery_id, DeliveryStatus.QUEUED, outcome.code, outcome.text)
        elif outcome.status == "permanent":
            result = Result(item.delivery_id, DeliveryStatus.FAILED, outcome.code, outcome.text)
        else:
            if outcome.status == "connection_lost":
                self._retire()
            result = run.retry_later(item, outcome.code, outcome.text)
        run.journal.finished(result)
        return result

    def _outgoing(self, item: Claimed) -> Outgoing:
        run = self.run
        return Outgoing(
            run.addressing.envelope_from(item.delivery_id),
            item.email,
            run.prepared.smtp_data(run.addressing.recipient(item)),
            smtputf8=not item.email.rpartition("@")[0].isascii(),
            stuffed=True,
        )


class _SmtpLoop(threading.Thread):
    """Drives the steps of every slot: one thread, one selector over their sockets."""

    def __init__(self, run: SendRun, slots: list[_Slot]) -> None:
        super().__init__(name="smtp", daemon=True)
        self.run_ = run
        self.slots = slots

    def run(self) -> None:
        try:
            self._drive()
        except Exception as exc:  # a bug in the loop itself: stop, record what finished
            self.run_.crash(exc)
        finally:
            for slot in self.slots:
                slot.steps.close()  # their clean-up: deliveries handed back, connections closed

    def _drive(self) -> None:
        run, timeout = self.run_, self.run_.options.timeout
        selector = selectors.DefaultSelector()
        runnable: deque[tuple[_Slot, BaseException | None]] = deque(
            (slot, None) for slot in self.slots
        )
        on_socket: dict[_Slot, float] = {}  # waiting for its socket, since
        timers: list[tuple[float, int, _Slot]] = []
        opening: dict[_Slot, Future[SmtpConnection]] = {}
        parked: list[_Slot] = []
        live = len(self.slots)
        while live:
            while runnable:
                slot, error = runnable.popleft()
                try:
                    request = slot.steps.throw(error) if error else next(slot.steps)
                except StopIteration:
                    live -= 1
                    continue
                except Exception as exc:  # a bug in a slot: the run stops
                    run.crash(exc)
                    live -= 1
                    continue
                if request == "read" or request == "write":
                    assert slot.connection is not None and slot.connection.sock is not None
                    events = selectors.EVENT_READ if request == "read" else selectors.EVENT_WRITE
                    selector.register(slot.connection.sock, events, slot)
                    on_socket[slot] = time.monotonic()
                elif isinstance(request, _Park):
                    parked.append(slot)
                elif isinstance(request, Future):
                    opening[slot] = request
                else:
                    heapq.heappush(timers, (request, slot.index, slot))
            if not live:
                break
            now = time.monotonic()
            wait = float("inf")
            if parked or opening:
                wait = PARK_POLL
            if timers:
                wait = min(wait, 0.0 if run.stopping.is_set() else timers[0][0] - now)
            if on_socket:
                wait = min(wait, min(on_socket.values()) + timeout - now)
            for key, _ in selector.select(max(wait, 0.0)):
                selector.unregister(key.fileobj)
                del on_socket[key.data]
                runnable.append((key.data, None))
            now = time.monotonic()
            for slot, since in list(on_socket.items()):
                if now - since >= timeout:
                    assert slot.connection is not None and slot.connection.sock is not None
                    selector.unregister(slot.connection.sock)
                    del on_socket[slot]
                    runnable.append((slot, TimeoutError("timed out")))
            while timers and (timers[0][0] <= now or run.stopping.is_set()):
                runnable.append((heapq.heappop(timers)[2], None))
            for slot, future in list(opening.items()):
                if future.done():
                    del opening[slot]
                    runnable.append((slot, None))
            runnable.extend((slot, None) for slot in parked)
            parked.clear()
        selector.close()


class SendRun:
    """One run over one edition.

    The calling thread claims deliveries ``options.batch`` at a time into ``_ready``
    and records results in batches; the workers take from ``_ready`` and put their
    results in ``_done`` themselves. Per message there is no hand-off through the
    calling thread: claiming or recording message by message costs more than the SMTP
    work of the message (measured with bench/bench_send.py).
    """

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
        self.stopping = threading.Event()
        self.server_gone = threading.Event()
        self.sender_refused: SendOutcome | None = None
        self.crashed: Exception | None = None  # raised by run() once everything is recorded
        self.refused_sender = ""
        self.limiter = RateLimiter(options.rate_per_second, options.rate_per_hour)
        self.deadline = utcnow() + timedelta(seconds=options.retry_window)
        self.last_connect_error: str | None = None
        self.summary = RunSummary()
        self._first = first_connection
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)  # the calling thread waits here
        # Opens and closes connections (blocking: connect, TLS, login, QUIT) beside the
        # SMTP thread; made in run().
        self._pool: ThreadPoolExecutor | None = None
        # Claimed for this run, not yet taken by a worker; what is left here when the run
        # ends goes back to the queue with finish_run (or recover, after a crash).
        self._ready: deque[Claimed] = deque()
        # taken by the SMTP thread, transaction not finished: the gate checks these too
        self._taken: set[int] = set()
        self._blocked: dict[int, str] = {}  # the gate's latest answer for what is held
        self._gate_checked = 0.0
        self._done: list[Result] = []  # results the calling thread has not taken yet
        self._busy = 0  # taken by a worker, result not yet in _done
        self._closing = False
        self._claim_after = 0.0  # monotonic time before which claiming is pointless
        self._budget = options.limit
        self._refill_below = max(1, (options.batch + 1) // 2)  # claim the next batch then
        self._pending: list[Result] = []  # results not yet in the database
        self._last_record = time.monotonic()

    # --- called by the workers ------------------------------------------------

    def poll_item(self) -> tuple[Claimed | None, bool]:
        """(the next delivery to send, or None; whether to look again later): False
        once the run stops or ends."""
        with self._lock:
            if self.stopping.is_set() or self._closing:
                return None, False
            if self._ready:
                return self._take_ready(), True
            self._idle.notify()
            return None, True

    def next_item_nowait(self) -> Claimed | None:
        """The next delivery if one is ready now; never waits for a claim."""
        with self._lock:
            if self.stopping.is_set() or self._closing or not self._ready:
                return None
            return self._take_ready()

    def gate_reason(self, delivery_id: int) -> str | None:
        """Why the delivery must not go out, as of the gate's latest check; None: it may."""
        return self._blocked.get(delivery_id)

    def _take_ready(self) -> Claimed:
        """With the lock held: the next claimed delivery. The calling thread is woken
        as the buffer falls below its refill mark, so that it claims the next batch
        while the workers still have some to send; waking it only once the buffer was
        empty left all workers waiting for each claim, about a quarter of their time."""
        self._busy += 1
        item = self._ready.popleft()
        self._taken.add(item.delivery_id)
        if len(self._ready) == self._refill_below - 1:
            self._idle.notify()
        return item

    def done(self, item: Claimed, result: Result | None) -> None:
        with self._lock:
            self._busy -= 1
            self._taken.discard(item.delivery_id)
            if result is not None:
                self._done.append(result)
            if not self._busy:
                self._idle.notify()

    def open_connection(self) -> Future[SmtpConnection]:
        assert self._pool is not None
        options = self.options
        return self._pool.submit(
            open_connection,
            self.endpoint,
            timeout=options.timeout,
            verify_tls=options.verify_tls,
            ca_file=options.ca_file,
        )

    def retire(self, connection: SmtpConnection) -> None:
        """Closes the connection (QUIT) beside the SMTP thread."""
        if self._pool is None:
            connection.close()
        else:
            self._pool.submit(connection.close)

    def retry_later(self, item: Claimed, code: int | None, reply: str) -> Result:
        delay = min(self.options.first_retry * (2**item.attempts), MAX_RETRY_DELAY)
        due = utcnow() + timedelta(seconds=delay)
        return Result(item.delivery_id, DeliveryStatus.QUEUED, code, reply, due)

    def crash(self, exc: Exception) -> None:
        """A worker failed unexpectedly: the run stops, and ``run`` raises ``exc`` after
        recording what finished (the worker's claimed deliveries go back to the queue)."""
        with self._lock:
            if self.crashed is None:
                self.crashed = exc
            self._idle.notify()
        self.stopping.set()

    def refuse_sender(self, envelope_from: str, outcome: SendOutcome) -> None:
        with self._lock:
            if self.sender_refused is None:
                self.sender_refused, self.refused_sender = outcome, envelope_from
        self.stopping.set()

    def stop(self) -> None:
        """Ctrl-C: finish what is in flight, take nothing new."""
        self.stopping.set()

    # --- the calling thread ---------------------------------------------------

    def run(self) -> RunSummary:
        """Sends until nothing is due within the retry window, the budget is spent or
        the run is stopped. Raises SmtpError, after recording everything, when the
        server refused the envelope sender."""
        started = time.monotonic()
        connections = self.options.connections
        self._pool = ThreadPoolExecutor(connections, thread_name_prefix="smtp-connect")
        slots = [_Slot(self, i, self._first if i == 0 else None) for i in range(connections)]
        smtp = _SmtpLoop(self, slots)
        smtp.start()
        try:
            self._loop()
        except KeyboardInterrupt:  # a second Ctrl-C: take nothing new, record what finishes
            self.summary.stopped = "interrupted"
            self.stopping.set()
            with self._lock:
                while self._busy:
                    self._idle.wait(0.1)
            self._take()
        finally:
            with self._lock:
                self._closing = True
            smtp.join(timeout=self.options.timeout + 5)
            self._pool.shutdown(wait=True)
            self._take()
            self._flush()
            queue.finish_run(self.engine, self.run_id)
            self.journal.close(remove=True)
            self.summary.elapsed = time.monotonic() - started
            if self.on_progress:
                self.on_progress(self.summary)
        if self.crashed is not None:
            raise self.crashed
        if self.sender_refused is not None:
            self.summary.stopped = "sender_refused"
            raise self._refusal_error(self.sender_refused)
        if self.stopping.is_set() and self.summary.stopped is None:
            self.summary.stopped = "interrupted"
        return self.summary

    def _refusal_error(self, outcome: SendOutcome) -> SmtpError:
        waiting = queue.status_counts(self.engine, self.edition_id)[DeliveryStatus.QUEUED]
        return SmtpError(
            f"SMTP-Server {self.endpoint.display()} lehnt den Absender {self.refused_sender} "
            f"ab ({outcome.code} {outcome.text}); Versand angehalten, {waiting} Nachrichten "
            "bleiben in der Warteschlange.",
            hint="Prüfen Sie from, bounce_address und die Anmeldung in smtp_url; ein neues "
            "`isamail send` setzt den Versand fort.",
        )

    def _loop(self) -> None:
        while True:
            if self.server_gone.is_set() and not self.stopping.is_set():
                self.summary.stopped = "server_gone"
                self.stopping.set()
            if not self.stopping.is_set():
                self._fill()
                self._check_gate()
            with self._lock:
                idle = not self._busy and (not self._ready or self.stopping.is_set())
                if not idle:
                    self._idle.wait(IDLE_POLL)
            self._take()
            if idle:
                self._flush()  # retries must be in the database before asking what is due
                if self.stopping.is_set() or self._budget == 0 or not self._wait_for_due():
                    return
                self._claim_after = 0.0
                continue
            if len(self._pending) >= RECORD_BATCH or (
                self._pending and time.monotonic() - self._last_record >= RECORD_EVERY
            ):
                self._flush()

    def _fill(self) -> None:
        """Claims the next batch once fewer than half a batch are ready: one claim
        transaction per batch, and the workers never wait for one."""
        with self._lock:
            ready = len(self._ready)
        if ready >= self._refill_below or self._budget == 0:
            return
        if time.monotonic() < self._claim_after:
            return
        size = self.options.batch
        if self._budget is not None:
            size = min(size, self._budget)
        claimed = queue.claim(
            self.engine, self.edition_id, self.run_id, size, not_after=self.deadline
        )
        if len(claimed) < size:
            # Nothing more is due now: do not ask again at every poll.
            self._claim_after = time.monotonic() + CLAIM_PAUSE
        if self._budget is not None:
            self._budget -= len(claimed)
        if claimed:
            held_back = gate.blocked(self.engine, [c.delivery_id for c in claimed])
            self._skip(held_back)
            with self._lock:
                self._ready.extend(c for c in claimed if c.delivery_id not in held_back)

    def _check_gate(self) -> None:
        """Asks the gate again about everything held, every gate.REFRESH seconds: what
        waits in the claimed buffer and what the SMTP thread has taken."""
        now = time.monotonic()
        if now - self._gate_checked < gate.REFRESH:
            return
        self._gate_checked = now
        with self._lock:
            held = [c.delivery_id for c in self._ready] + list(self._taken)
        if not held:
            return
        held_back = gate.blocked(self.engine, held)
        self._blocked = dict(held_back)  # replaced whole: the SMTP thread reads it
        if held_back:
            with self._lock:
                waiting = [c for c in self._ready if c.delivery_id not in held_back]
                removed = {c.delivery_id for c in self._ready} - {c.delivery_id for c in waiting}
                self._ready = deque(waiting)
            self._skip({i: held_back[i] for i in removed})

    def _skip(self, reasons: Mapping[int, str]) -> None:
        """Records deliveries the gate held back before the SMTP thread took them."""
        if reasons:
            with self._lock:
                self._done.extend(
                    Result(i, DeliveryStatus.SKIPPED, None, reason) for i, reason in reasons.items()
                )

    def _take(self) -> None:
        """Moves the workers' results into the summary and the batch to record."""
        with self._lock:
            done, self._done = self._done, []
        summary = self.summary
        for result in done:
            if result.status == DeliveryStatus.SENT:
                summary.sent += 1
            elif result.status == DeliveryStatus.FAILED:
                summary.failed += 1
                if len(summary.failures) < 1000:
                    summary.failures.append((str(result.delivery_id), result.code, result.reply))
            elif result.status == DeliveryStatus.SKIPPED:
                summary.skipped += 1
            elif result.next_attempt_at is not None:
                summary.deferred += 1
        self._pending += done

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
