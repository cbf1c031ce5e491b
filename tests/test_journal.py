"""The send journal: what a killed process wrote is there for the next run to read."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path

from isamail.queue import Journal, Result, read_journal


def sent(delivery_id: int, reply: str = "2.0.0 Ok: queued") -> Result:
    return Result(delivery_id, "sent", 250, reply)


def test_finished_and_in_flight_lines_read_back(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "run")
    retry_at = datetime(2026, 12, 1, 20, 15, tzinfo=UTC)
    journal.started(1)
    journal.finished(sent(1))
    journal.started(2)
    journal.finished(Result(2, "queued", 451, "4.3.0 Try again\r\nlater", retry_at))
    journal.started(3)
    finished, in_flight = read_journal(journal.path)
    assert finished[1] == sent(1)
    # a reply's line breaks must not split the journal's line
    assert finished[2] == Result(2, "queued", 451, "4.3.0 Try again  later", retry_at)
    assert in_flight == {3}
    journal.close(remove=False)
    assert journal.path.read_bytes().endswith(b"S 3\n")  # cut to what was written


def test_lines_copied_before_sigkill_survive_it(tmp_path: Path) -> None:
    """The mapping's pages belong to the kernel: a process killed with SIGKILL, which
    runs no cleanup of any kind, still leaves every line it had copied in the file."""
    journal = Journal(tmp_path, "killed")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        for i in range(1, 40_001):  # past the first size: the file grows on the way
            journal.started(i)
            journal.finished(sent(i))
        journal.started(40_001)
        os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert journal.path.stat().st_size > Journal.INITIAL_SIZE
    finished, in_flight = read_journal(journal.path)
    assert len(finished) == 40_000 and finished[40_000] == sent(40_000)
    assert in_flight == {40_001}


def test_a_torn_last_line_counts_as_unfinished(tmp_path: Path) -> None:
    path = tmp_path / "torn.log"
    # as a kill in the middle of copying "F 8 sent …" leaves it, zero bytes after it
    path.write_bytes(b"S 7\nF 7 sent 250 - ok\nS 8\nF 8 se" + bytes(100))
    finished, in_flight = read_journal(path)
    assert set(finished) == {7} and in_flight == {8}


def test_threads_append_whole_lines(tmp_path: Path) -> None:
    journal = Journal(tmp_path, "threads")

    def write(first: int) -> None:
        for i in range(first, first + 5_000):
            journal.started(i)
            journal.finished(sent(i, "2.0.0 Ok " + "x" * (i % 50)))

    workers = [threading.Thread(target=write, args=(n * 10_000,)) for n in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    finished, in_flight = read_journal(journal.path)
    assert len(finished) == 20_000 and not in_flight
    assert finished[30_049].reply == "2.0.0 Ok " + "x" * 49
    journal.close(remove=True)
    assert not journal.path.exists()


def test_a_journal_of_an_older_isamail_reads_too(tmp_path: Path) -> None:
    """Written with write() before the journal was mapped: no zero bytes at the end."""
    path = tmp_path / "old.log"
    path.write_bytes(b"S 1\nF 1 sent 250 - ok\nS 2\n")
    assert read_journal(path) == ({1: Result(1, "sent", 250, "ok")}, {2})
