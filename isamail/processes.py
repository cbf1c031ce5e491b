"""One send shared among several processes, each with its part of the connections.

One process sends only as fast as one core runs Python: its SMTP thread and its
claiming thread share the interpreter lock, and on 1.5 KB messages the lock is busy
nearly all the time while the machine's cores are not (bench/README.md). So the send
forks once the edition is frozen and queued; each process starts its own run of the
edition and claims deliveries from the database exactly as two ``isamail send`` on
two machines do (queue.claim), with its own journal and its own connections. Nothing
about exactly-once changes: that rests on the claims and the journals, per run.

The calling process shows the progress of all of them (the others count into a
shared memory page), waits for them, and adds up their summaries. A forked process
dies with the calling one (``PR_SET_PDEATHSIG``): ``kill -9`` of the command stops
every process of the send, and the next ``send`` recovers each dead run from its
journal. Where that cannot be arranged (not Linux), where other threads run (a fork
copies only the calling thread), or under a rate limit, one process sends.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import signal
import struct
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from mmap import mmap
from types import FrameType
from typing import TYPE_CHECKING

from isamail.errors import SmtpError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from isamail.sender import RunSummary, SendOptions, SendRun
    from isamail.transport.smtp import SmtpConnection

MAX_AUTO = 4
_PR_SET_PDEATHSIG = 1
_COUNTS = struct.Struct("qq")  # one process's (sent, failed) so far

# (its options, the connection it may start with, its progress callback) -> a run
StartRun = Callable[
    ["SendOptions", "SmtpConnection | None", "Callable[[RunSummary], None]"], "SendRun"
]


def process_count(options: SendOptions) -> int:
    """How many processes this send uses."""
    wanted = options.processes or min(os.cpu_count() or 1, MAX_AUTO)
    if (
        wanted <= 1
        or options.rate_per_second
        or options.rate_per_hour
        or not hasattr(os, "fork")
        or not sys.platform.startswith("linux")
        or threading.active_count() > 1
    ):
        return 1
    return max(1, min(wanted, options.connections))


def shares(options: SendOptions, count: int) -> list[SendOptions]:
    """The options of each process: the connections and the --limit divided up."""
    result = []
    for i in range(count):
        connections = options.connections // count + (i < options.connections % count)
        limit = options.limit
        if limit is not None:
            limit = limit // count + (i < limit % count)
        result.append(replace(options, connections=connections, limit=limit, processes=1))
    return result


@dataclass(frozen=True)
class _Outcome:
    summary: RunSummary | None
    refused: tuple[str, str | None] | None = None  # SmtpError's message and hint
    crashed: str = ""


def run_shared(
    engine: Engine,
    options: SendOptions,
    start: StartRun,
    first: SmtpConnection | None,
    on_progress: Callable[[RunSummary], None] | None,
    on_run: Callable[[SendRun], None] | None = None,
) -> RunSummary:
    """Runs the send in ``process_count(options)`` processes; returns the summary of
    all. ``on_run`` gets this process's run before it starts. Raises as
    ``SendRun.run`` does, once every process has ended."""
    parts = shares(options, process_count(options))
    counts = mmap(-1, _COUNTS.size * len(parts))  # shared with the forked processes
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe)
    if len(parts) > 1:
        # No pooled database connection may live on in a child: both would use it.
        engine.dispose()
        parent = os.getpid()
        for index, part in enumerate(parts[1:], start=1):
            reader, writer = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(reader)
                _child(engine, parent, index, part, start, first, counts, writer)
            os.close(writer)
            children.append((pid, reader))

    def progress(summary: RunSummary) -> None:
        if on_progress is None:
            return
        sent, failed = summary.sent, summary.failed
        for index in range(1, len(parts)):
            more_sent, more_failed = _COUNTS.unpack_from(counts, index * _COUNTS.size)
            sent, failed = sent + more_sent, failed + more_failed
        on_progress(replace(summary, sent=sent, failed=failed))

    run: SendRun | None = None
    try:
        run = start(parts[0], first, progress)
        if on_run is not None:
            on_run(run)
        summary = run.run()
    finally:
        if run is None or run.stopping.is_set():
            # Stopped here (Ctrl-C, or the server gone): the others stop too, after what
            # they have in flight. Ctrl-C in a terminal reached them already; a signal
            # sent to this process alone did not.
            for pid, _ in children:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGINT)
        outcomes = [_wait(pid, reader) for pid, reader in children]
    total = _add_up(summary, outcomes)
    if on_progress is not None:
        on_progress(total)
    return total


def _child(
    engine: Engine,
    parent: int,
    index: int,
    options: SendOptions,
    start: StartRun,
    first: SmtpConnection | None,
    counts: mmap,
    writer: int,
) -> None:
    """The forked process: its own run of the edition; never returns."""
    outcome = _Outcome(None, crashed="Sendeprozess ohne Ergebnis")
    try:
        _die_with(parent)
        if first is not None:
            first.abandon()
        stopping: list[SendRun] = []

        def stop(_signum: int, _frame: FrameType | None) -> None:
            # Ctrl-C reaches every process of the terminal's group, and the calling
            # process passes its own stop on: finish what is in flight and record it.
            # Later ones are ignored here: a second Ctrl-C ends the calling process,
            # and this one with it (see _die_with).
            for run in stopping:
                run.stop()
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        signal.signal(signal.SIGINT, stop)

        def progress(summary: RunSummary) -> None:
            _COUNTS.pack_into(counts, index * _COUNTS.size, summary.sent, summary.failed)

        run = start(options, None, progress)
        stopping.append(run)
        try:
            outcome = _Outcome(run.run())
        except SmtpError as exc:
            outcome = _Outcome(run.summary, refused=(exc.message, exc.hint))
    except BaseException as exc:  # reported by the calling process as a bug
        outcome = _Outcome(None, crashed=f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(BaseException):
            engine.dispose()  # its own connections: closed, not just dropped
        with contextlib.suppress(BaseException), os.fdopen(writer, "wb") as stream:
            stream.write(pickle.dumps(outcome))
        os._exit(0)


def _die_with(parent: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG)")
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


def _wait(pid: int, reader: int) -> _Outcome:
    with os.fdopen(reader, "rb") as stream:
        data = stream.read()
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
    try:
        outcome = pickle.loads(data)  # noqa: S301 - our own child, through a pipe
    except Exception:
        outcome = None
    if not isinstance(outcome, _Outcome):
        return _Outcome(None, crashed="Sendeprozess unerwartet beendet")
    return outcome


def _add_up(summary: RunSummary, outcomes: list[_Outcome]) -> RunSummary:
    total = replace(summary, failures=list(summary.failures))
    refused = crashed = None
    for outcome in outcomes:
        if outcome.summary is not None:
            part = outcome.summary
            total.sent += part.sent
            total.failed += part.failed
            total.deferred += part.deferred
            total.skipped += part.skipped
            total.failures += part.failures[: max(0, 1000 - len(total.failures))]
            total.elapsed = max(total.elapsed, part.elapsed)
            total.stopped = total.stopped or part.stopped
        refused = refused or outcome.refused
        crashed = crashed or outcome.crashed or None
    if crashed:
        raise RuntimeError(crashed)
    if refused:
        raise SmtpError(refused[0], hint=refused[1])
    return total
