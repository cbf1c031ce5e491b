"""The engine: claim → gate → transport → record, over several SMTP connections.

Every mail isamail sends goes through here: the newsletter's deliveries, confirmation
and welcome mails, test copies. What differs is the ``Source`` of the work (where it
is claimed, how a message is built, where results are recorded); one connection
factory, one retry policy, one rate limiter, one gate.

Two threads. The calling thread claims batches from the source (one short transaction
each), asks the gate about everything held every ``gate.REFRESH`` seconds, and
records results in batched transactions; no transaction is open while a connection
talks to the server. The SMTP thread drives every connection over non-blocking
sockets with one selector: it takes the next item, checks the gate's latest answer
and the rate limits immediately before the envelope is written, and turns replies
into results. Connections are opened and closed beside it in a small thread pool,
since smtplib blocks. (One thread for all connections: a thread per connection spent
more CPU handing the interpreter lock around than on the mail, bench/README.md.)

Retry policy: a 4xx reply, a lost connection or a timeout queue the item again after
``first_retry`` × 2^attempts seconds (at most ``MAX_RETRY_DELAY``), within the run's
retry window; later retries wait for the next run. A 5xx reply fails the item, except
at MAIL FROM: a refused sender is the setup's fault, not the recipient's, so the run
stops and the item stays queued.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from isamail.audience.addresses import address_forms
from isamail.audience.subscribers import scrub_address
from isamail.db.models import DeliveryStatus, utcnow
from isamail.errors import SmtpError
from isamail.sending import gate
from isamail.sending.deliveries import Result
from isamail.sending.limits import RateLimiter
from isamail.transport.protocol import Outcome, Transaction
from isamail.transport.smtp import SmtpConnection

MAX_RETRY_DELAY = 300.0
RECONNECT_ATTEMPTS = 3
RECORD_EVERY = 0.5  # seconds between result transactions
RECORD_BATCH = 500
CLAIM_PAUSE = 0.5  # seconds between claims after one found less than it asked for
IDLE_POLL = 0.05  # seconds the calling thread waits for the SMTP thread between checks
MAX_HELD_BATCHES = 8  # claimed and held back by per-domain limits, in batches


@dataclass(frozen=True, slots=True)
class Item:
    """One message to send: ``key`` names it for the source (a delivery id)."""

    key: int
    email: str
    attempts: int
    data: Any = None  # what the source needs to build the message

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower()


class Source(Protocol):
    """Where the engine's work comes from and where its results go."""

    def claim(self, limit: int, not_after: datetime) -> list[Item]: ...

    def blocked(self, keys: Collection[int]) -> Mapping[int, str]:
        """The gate: the items among ``keys`` that must not go out, with the reason."""
        ...

    def build(self, item: Item) -> Transaction: ...

    def started(self, item: Item) -> None:
        """Called just before the item's envelope is queued for writing."""
        ...

    def finished(self, result: Result) -> None: ...

    def before_write(self) -> None:
        """Called before any byte is written to a socket (the journal's flush)."""
        ...

    def record(self, results: Sequence[Result]) -> None: ...

    def next_due(self) -> datetime | None:
        """When the next queued item becomes due (None: nothing queued)."""
        ...

    def waiting(self) -> int:
        """How many items still wait to be sent (for messages)."""
        ...

    def finish(self) -> None:
        """The run ends: what it still holds goes back to the queue untouched."""
        ...


class Unjournalled:
    """For sources whose claims need no journal (a lease, or nothing stored, makes a
    crash harmless): the journal's three calls do nothing."""

    def started(self, item: Item) -> None:
        pass

    def finished(self, result: Result) -> None:
        pass

    def before_write(self) -> None:
        pass


@dataclass(frozen=True)
class EngineOptions:
    connections: int = 4
    messages_per_connection: int = 500
    rate_per_second: float = 0.0
    rate_per_hour: int = 0
    domain_rates: Mapping[str, float] = field(default_factory=dict)  # domain -> per second
    retry_window: float = 900.0
    first_retry: float = 5.0
    timeout: float = 30.0
    limit: int | None = None  # at most this many claimed
    batch: int = 200


@dataclass
class RunSummary:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # held back by the gate: the recipient left before it went out
    deferred: int = 0  # temporary failures, retried later
    stopped: str | None = None  # None, "interrupted", "server_gone", "sender_refused"
    elapsed: float = 0.0
    failures: list[tuple[str, int | None, str]] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.sent + self.failed + self.skipped


Connect = Callable[[], SmtpConnection]


class DeliveryEngine:
    """One run over one source. ``run`` sends until nothing is due within the retry
    window, the limit is spent, or ``stop`` was called."""

    def __init__(
        self,
        source: Source,
        connect: Connect,
        options: EngineOptions,
        *,
        first_connection: SmtpConnection | None = None,
        on_progress: Callable[[RunSummary], None] | None = None,
        describe_server: str = "",
    ) -> None:
        self.source = source
        self.connect = connect
        self.options = options
        self.on_progress = on_progress
        self.describe_server = describe_server
        self.summary = RunSummary()
        self.stopping = threading.Event()
        self.deadline = utcnow() + timedelta(seconds=options.retry_window)
        self.limiter = RateLimiter(options.rate_per_second, options.rate_per_hour)
        self.domain_limits = {
            d.lower(): RateLimiter(rate, 0) for d, rate in options.domain_rates.items() if rate
        }
        self.sender_refused: tuple[str, Outcome] | None = None
        self.crashed: BaseException | None = None
        self.last_connect_error: str | None = None
        self._first = first_connection
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)  # the calling thread waits here
        self._ready: deque[Item] = deque()  # claimed, not yet taken by a connection
        self._held: dict[str, deque[Item]] = {}  # claimed, waiting for their domain's limit
        self._taken: dict[int, Item] = {}  # taken by a connection, not yet finished
        self._blocked: Mapping[int, str] = {}  # the gate's latest answer about what is held
        self._done: list[Result] = []  # results the calling thread has not taken yet
        self._closing = False
        self._budget = options.limit
        self._claim_after = 0.0
        self._gate_checked = 0.0
        self._pending: list[Result] = []
        self._last_record = time.monotonic()
        # a byte written here wakes the SMTP thread from its select(): work arrived,
        # a connection opened, the run stops
        self._wake_reader, self._wake_writer = socket.socketpair()
        self._wake_reader.setblocking(False)
        self._wake_writer.setblocking(False)

    def wake_smtp(self) -> None:
        with contextlib.suppress(OSError):  # a full buffer: it wakes anyway
            self._wake_writer.send(b"x")

    # --- the calling thread ---------------------------------------------------------

    def run(self) -> RunSummary:
        """Sends; raises SmtpError, after recording everything, when the server refused
        the envelope sender; re-raises a crash of the SMTP thread the same way."""
        started = time.monotonic()
        smtp = _SmtpThread(self, self._first)
        self._first = None
        smtp.start()
        try:
            self._loop(smtp)
        except KeyboardInterrupt:  # Ctrl-C: take nothing new, record what finishes
            self.summary.stopped = "interrupted"
            self.stopping.set()
        finally:
            with self._lock:
                self._closing = True
                self._wake.notify_all()
            self.wake_smtp()
            smtp.join()
            self._wake_reader.close()
            self._wake_writer.close()
            self._take_results()
            self._flush()
            self.source.finish()
            self.summary.elapsed = time.monotonic() - started
            if self.on_progress:
                self.on_progress(self.summary)
        if self.crashed is not None:
            raise self.crashed
        if self.sender_refused is not None:
            self.summary.stopped = "sender_refused"
            raise self._refusal_error(*self.sender_refused)
        if self.stopping.is_set() and self.summary.stopped is None:
            self.summary.stopped = "interrupted"
        return self.summary

    def stop(self) -> None:
        """Ctrl-C: finish what is in flight, take nothing new."""
        self.stopping.set()
        with self._lock:
            self._wake.notify_all()
        self.wake_smtp()

    def _loop(self, smtp: _SmtpThread) -> None:
        while True:
            if smtp.server_gone and not self.stopping.is_set():
                self.summary.stopped = "server_gone"
                self.stopping.set()
            if not self.stopping.is_set():
                self._fill()
                self._check_gate()
            self._take_results()
            if not smtp.is_alive():  # it ended (a crash, or the server gone): so do we
                return
            with self._lock:
                idle = not self._taken and (self.stopping.is_set() or not self._holding())
                if not idle:
                    self._wake.wait(IDLE_POLL)
            if idle:
                self._take_results()
                self._flush()  # retries must be in the database before asking what is due
                if self.stopping.is_set() or self._budget == 0 or not self._wait_for_due():
                    return
                self._claim_after = 0.0
                continue
            if len(self._pending) >= RECORD_BATCH or (
                self._pending and time.monotonic() - self._last_record >= RECORD_EVERY
            ):
                self._flush()

    def _holding(self) -> bool:
        """With the lock held: whether anything claimed waits to be taken."""
        return bool(self._ready) or any(self._held.values())

    def _held_count(self) -> int:
        return len(self._ready) + sum(len(q) for q in self._held.values())

    def _fill(self) -> None:
        """Claims the next batch once fewer than half a batch are ready: one claim
        transaction per batch, and the connections never wait for one. Items whose
        domain has its own limit wait apart, so they hold up no other domain."""
        batch = self.options.batch
        with self._lock:
            ready, held = len(self._ready), self._held_count()
        if ready >= (batch + 1) // 2 or self._budget == 0 or held >= MAX_HELD_BATCHES * batch:
            return
        if time.monotonic() < self._claim_after:
            return
        size = batch if self._budget is None else min(batch, self._budget)
        claimed = self.source.claim(size, self.deadline)
        if len(claimed) < size:
            self._claim_after = time.monotonic() + CLAIM_PAUSE  # nothing more due now
        if self._budget is not None:
            self._budget -= len(claimed)
        if not claimed:
            return
        held_back = self.source.blocked([i.key for i in claimed])
        self._skip(held_back)
        with self._lock:
            for item in claimed:
                if item.key in held_back:
                    continue
                if item.domain in self.domain_limits:
                    self._held.setdefault(item.domain, deque()).append(item)
                else:
                    self._ready.append(item)
        self.wake_smtp()

    def _check_gate(self) -> None:
        """Asks the gate again about everything held, every gate.REFRESH seconds."""
        now = time.monotonic()
        if now - self._gate_checked < gate.REFRESH:
            return
        self._gate_checked = now
        with self._lock:
            queues = [self._ready, *self._held.values()]
            held = [i.key for q in queues for i in q] + list(self._taken)
        if not held:
            return
        held_back = self.source.blocked(held)
        self._blocked = held_back  # replaced whole: the SMTP thread reads it
        if not held_back:
            return
        removed: dict[int, str] = {}
        with self._lock:
            for queue in [self._ready, *self._held.values()]:
                keep = [i for i in queue if i.key not in held_back]
                removed.update({i.key: held_back[i.key] for i in queue if i.key in held_back})
                queue.clear()
                queue.extend(keep)
        self._skip(removed)

    def _skip(self, reasons: Mapping[int, str]) -> None:
        """Records items the gate held back before a connection took them."""
        if reasons:
            with self._lock:
                self._done.extend(
                    Result(k, DeliveryStatus.SKIPPED, None, why) for k, why in reasons.items()
                )

    def _take_results(self) -> None:
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
        if self._pending:
            self.source.record(self._pending)
            self._pending = []
        self._last_record = time.monotonic()
        if self.on_progress:
            self.on_progress(self.summary)

    def _wait_for_due(self) -> bool:
        """Waits for the next retry if it falls inside the retry window; False when the
        run is done (nothing queued, or only retries due after the window)."""
        due = self.source.next_due()
        if due is None or due > self.deadline:
            return False
        pause = (due - utcnow()).total_seconds()
        if pause > 0:
            self.stopping.wait(min(pause, 1.0))
        return not self.stopping.is_set()

    def _refusal_error(self, sender: str, outcome: Outcome) -> SmtpError:
        return SmtpError(
            f"SMTP-Server {self.describe_server} lehnt den Absender {sender} ab "
            f"({outcome.code} {outcome.text}); Versand angehalten, {self.source.waiting()} "
            "Nachrichten bleiben in der Warteschlange.",
            hint="Prüfen Sie from, bounce_address und die Anmeldung in smtp_url; ein neues "
            "`isamail send` setzt den Versand fort.",
        )

    # --- called by the SMTP thread --------------------------------------------------

    def take(self, now: float) -> Item | float | None:
        """The next item to begin now; or the monotonic time when one may begin (a rate
        limit); or None when nothing is ready. Items the gate blocked are recorded as
        skipped on the way."""
        with self._lock:
            while True:
                if self.stopping.is_set() or (self._closing and not self._holding()):
                    return None
                at = self.limiter.next_allowed(now)
                if at > now:
                    return at if self._holding() else None
                item, wait = self._next_ready(now)
                if item is None:
                    return wait
                why = self._blocked.get(item.key)
                if why is not None:
                    self._done.append(Result(item.key, DeliveryStatus.SKIPPED, None, why))
                    continue
                self.limiter.record(now)
                if item.domain in self.domain_limits:
                    self.domain_limits[item.domain].record(now)
                self._taken[item.key] = item
                if len(self._ready) == self.options.batch // 2:
                    self._wake.notify()  # time to claim the next batch
                return item

    def _next_ready(self, now: float) -> tuple[Item | None, float | None]:
        """With the lock held: the oldest item that its domain's limit lets go now."""
        best: Item | None = None
        source: deque[Item] | None = None
        wait: float | None = None
        for domain, queue in self._held.items():
            if not queue:
                continue
            at = self.domain_limits[domain].next_allowed(now)
            if at > now:
                wait = at if wait is None else min(wait, at)
            elif best is None or queue[0].key < best.key:
                best, source = queue[0], queue
        if self._ready and (best is None or self._ready[0].key < best.key):
            best, source = self._ready[0], self._ready
        if best is None or source is None:
            return None, wait
        source.popleft()
        return best, None

    def give_back(self, item: Item) -> None:
        """An item taken but not begun: it waits again (or, stopping, stays claimed)."""
        with self._lock:
            del self._taken[item.key]
            self._ready.appendleft(item)

    def finished(self, item: Item, outcome: Outcome) -> None:
        result = self._result(item, outcome)
        self.source.finished(result)
        with self._lock:
            self._taken.pop(item.key, None)
            self._done.append(result)
            if not self._taken:
                self._wake.notify()

    def _result(self, item: Item, outcome: Outcome) -> Result:
        key = item.key
        if outcome.status == "sent":
            return Result(key, DeliveryStatus.SENT, outcome.code, outcome.text)
        # a server's reply often quotes the address: it is not kept (erasure, GDPR)
        text = scrub_address(outcome.text, address_forms(item.email))
        if outcome.status == "permanent" and outcome.stage == "mail":
            if self.sender_refused is None:
                self.sender_refused = (self.describe_sender(item), outcome)
            self.stop()
            return Result(key, DeliveryStatus.QUEUED, outcome.code, text)
        if outcome.status == "permanent":
            return Result(key, DeliveryStatus.FAILED, outcome.code, text)
        retry = self.retry_later(item, outcome.code, text)
        if outcome.status == "connection_lost" and outcome.stage == "content":
            retry = replace(retry, uncertain=True)
        return retry

    def describe_sender(self, item: Item) -> str:
        try:
            return self.source.build(item).envelope_from
        except Exception:  # only for the message: the setting is named in the hint
            return "(Absender)"

    def retry_later(self, item: Item, code: int | None, reply: str) -> Result:
        return retry_later(item, code, reply, self.options.first_retry)

    def crash(self, exc: BaseException) -> None:
        """The SMTP thread failed unexpectedly: the run stops, and ``run`` raises ``exc``
        after recording what finished (what was taken and not finished stays claimed:
        the source's ``finish`` puts it back in the queue)."""
        if self.crashed is None:
            self.crashed = exc
        self.stop()

    @property
    def closing(self) -> bool:
        with self._lock:
            return self._closing

    def wants_connections(self) -> bool:
        with self._lock:
            return not self.stopping.is_set() and self._holding()


def retry_later(item: Item, code: int | None, reply: str, first_retry: float) -> Result:
    """The retry policy: queued again after ``first_retry`` × 2^attempts seconds, at most
    MAX_RETRY_DELAY."""
    delay = min(first_retry * (2**item.attempts), MAX_RETRY_DELAY)
    return Result(item.key, DeliveryStatus.QUEUED, code, reply, utcnow() + timedelta(seconds=delay))


class _Lane:
    """One connection slot of the SMTP thread."""

    def __init__(self, index: int, connection: SmtpConnection | None) -> None:
        self.index = index
        self.connection = connection
        self.sock: socket.socket | None = None  # as registered with the selector
        self.registered = 0  # the selector events it is registered for
        self.opening: Future[SmtpConnection] | None = None
        self.failures = 0
        self.retry_at = 0.0
        self.dead = False  # gave up opening a connection
        self.begun = 0  # messages begun on this connection
        self.in_flight: dict[int, Item] = {}
        self.since = 0.0  # waiting for the server since (monotonic)


class _SmtpThread(threading.Thread):
    """Drives every connection of the run: one thread, one selector."""

    def __init__(self, engine: DeliveryEngine, first: SmtpConnection | None) -> None:
        super().__init__(name="smtp", daemon=True)
        self.engine = engine
        count = engine.options.connections
        self.lanes = [_Lane(i, first if i == 0 else None) for i in range(count)]
        self.selector = selectors.DefaultSelector()
        self.selector.register(engine._wake_reader, selectors.EVENT_READ, None)
        self.pool = ThreadPoolExecutor(count, thread_name_prefix="smtp-open")
        self.server_gone = False
        self._timer: float | None = None  # when a rate limit lets the next message begin

    def run(self) -> None:
        try:
            for lane in self.lanes:
                if lane.connection is not None:
                    lane.connection.set_blocking(False)
            self._drive()
        except BaseException as exc:  # a bug here: stop, record what finished
            self.engine.crash(exc)
        finally:
            for lane in self.lanes:
                self._close(lane, "Versand beendet")
            self.pool.shutdown(wait=True)
            for lane in self.lanes:  # a connection that opened after all
                if lane.opening is not None and lane.opening.exception() is None:
                    lane.opening.result().close()
            self.selector.close()

    def _drive(self) -> None:
        engine = self.engine
        timeout = engine.options.timeout
        while True:
            now = time.monotonic()
            self._timer = None
            for lane in self.lanes:
                self._feed(lane, now)
            self._write_all()
            busy = any(lane.in_flight or lane.opening for lane in self.lanes)
            if not busy and (engine.closing or engine.stopping.is_set()):
                return
            if all(lane.dead for lane in self.lanes):
                self.server_gone = True
                engine.stop()
                if not busy:
                    return
            wait = 1.0
            if self._timer is not None:
                wait = min(wait, self._timer - now)
            for lane in self.lanes:
                if lane.in_flight:
                    wait = min(wait, lane.since + timeout - now)
                if lane.connection is None and not lane.dead and lane.retry_at > now:
                    wait = min(wait, lane.retry_at - now)
            for key, mask in self.selector.select(max(wait, 0.0)):
                lane = key.data
                if lane is None:  # woken: drain the wake-up bytes
                    with contextlib.suppress(OSError):
                        engine._wake_reader.recv(4096)
                    continue
                # what is writable is written at the top of the loop, with the rest
                if mask & selectors.EVENT_READ and lane.connection is not None:
                    self._ended(lane, lane.connection.read())
            now = time.monotonic()
            for lane in self.lanes:
                if lane.in_flight and now - lane.since >= timeout and lane.connection:
                    self._ended(lane, lane.connection.timed_out())

    def _feed(self, lane: _Lane, now: float) -> None:
        """Opens, feeds and retires the lane's connection as its state asks; what it
        queues is written by ``_write_all``."""
        engine = self.engine
        if lane.opening is not None:
            if not lane.opening.done():
                return
            self._opened(lane, now)
        connection = lane.connection
        if connection is None:
            if not lane.dead and now >= lane.retry_at and engine.wants_connections():
                lane.opening = self.pool.submit(engine.connect)
                lane.opening.add_done_callback(lambda _: engine.wake_smtp())
            return
        if not connection.alive:
            self._close(lane, connection.protocol.broken or "Verbindung geschlossen")
            return
        limit = engine.options.messages_per_connection
        if connection.protocol.ready and lane.begun < limit:
            self._begin(lane, now)
        elif lane.begun >= limit and not lane.in_flight:
            # the relay's per-session limit: the next message opens a new connection
            self._close(lane, "")

    def _begin(self, lane: _Lane, now: float) -> None:
        engine = self.engine
        taken = engine.take(now)
        if taken is None:
            return
        if isinstance(taken, float):
            self._timer = taken if self._timer is None else min(self._timer, taken)
            return
        item = taken
        assert lane.connection is not None
        try:
            tx = engine.source.build(item)
        except Exception as exc:  # a bug: the run stops once what is in flight is done
            engine.give_back(item)  # still claimed: the source's finish requeues it
            engine.crash(exc)
            return
        engine.source.started(item)
        lane.begun += 1
        if not lane.in_flight:
            lane.since = now
        lane.in_flight[item.key] = item
        immediate = lane.connection.protocol.begin(tx)
        if immediate is not None:
            self._ended(lane, [immediate])

    def _write_all(self) -> None:
        """Writes what every connection has queued: first, once, the journal lines of
        the transactions about to begin (they must be on file before any byte of them
        leaves), then the sockets, as far as each takes it now."""
        writing = [lane for lane in self.lanes if lane.connection and lane.connection.wants_write]
        if writing:
            self.engine.source.before_write()
        for lane in writing:
            if lane.connection is not None:
                self._ended(lane, lane.connection.flush())
        for lane in self.lanes:
            self._register(lane)

    def _ended(self, lane: _Lane, outcomes: list[Outcome]) -> None:
        for outcome in outcomes:
            item = lane.in_flight.pop(outcome.key, None)
            if item is not None:
                self.engine.finished(item, outcome)
        lane.since = time.monotonic()
        connection = lane.connection
        if connection is not None and not connection.alive:
            self._close(lane, connection.protocol.broken or "Verbindung geschlossen")

    def _register(self, lane: _Lane) -> None:
        connection = lane.connection
        wanted = 0
        if connection is not None and connection.sock is not None:
            if connection.wants_read:
                wanted |= selectors.EVENT_READ
            if connection.wants_write:
                wanted |= selectors.EVENT_WRITE
        if wanted == lane.registered:
            return
        if lane.registered:
            if wanted:
                self.selector.modify(lane.sock, wanted, lane)  # type: ignore[arg-type]
            else:
                self.selector.unregister(lane.sock)  # type: ignore[arg-type]
                lane.sock = None
        elif connection is not None:
            lane.sock = connection.sock
            self.selector.register(lane.sock, wanted, lane)  # type: ignore[arg-type]
        lane.registered = wanted

    def _opened(self, lane: _Lane, now: float) -> None:
        assert lane.opening is not None
        future, lane.opening = lane.opening, None
        try:
            connection = future.result()
        except SmtpError as exc:
            self.engine.last_connect_error = exc.message
            lane.failures += 1
            if lane.failures >= RECONNECT_ATTEMPTS:
                lane.dead = True
            else:
                lane.retry_at = now + min(self.engine.options.first_retry, 2.0) * lane.failures
            return
        lane.failures = 0
        lane.begun = 0
        connection.set_blocking(False)
        lane.connection = connection

    def _close(self, lane: _Lane, reason: str) -> None:
        """Retires the lane's connection: what it had in flight ends undecided, and the
        connection is closed (QUIT where the session is idle) beside this thread."""
        connection = lane.connection
        if connection is None:
            return
        lane.connection = None
        if lane.registered:
            self.selector.unregister(lane.sock)  # type: ignore[arg-type]
            lane.sock, lane.registered = None, 0
        for outcome in connection.protocol.connection_lost(reason or "Verbindung geschlossen"):
            item = lane.in_flight.pop(outcome.key, None)
            if item is not None:
                self.engine.finished(item, outcome)
        for item in lane.in_flight.values():  # begun, but refused before any byte went out
            self.engine.finished(item, Outcome(item.key, "connection_lost", None, reason))
        lane.in_flight.clear()
        self.pool.submit(connection.close)
