"""The journal and crash recovery: what a killed run wrote is applied, what it had in
flight is flagged, what it never began is queued again as it was."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import select

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Delivery, SendRun, utcnow
from isamail.sending import deliveries
from isamail.sending.deliveries import Result
from isamail.sending.editions import freeze_edition
from isamail.sending.journal import Journal, read_journal, recover
from isamail.sending.plan import compose
from tests.conftest import DATA

REPO = Path(__file__).resolve().parent.parent


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
    assert read_journal(journal.path) == ({}, set())  # nothing written before a flush
    journal.flush()
    finished, in_flight = read_journal(journal.path)
    assert finished[1] == sent(1)
    # a reply's line breaks must not split the journal's line
    assert finished[2] == Result(2, "queued", 451, "4.3.0 Try again  later", retry_at)
    assert in_flight == {3}
    journal.close(remove=True)
    assert not journal.path.exists()


def test_lines_flushed_before_sigkill_survive_it(tmp_path: Path) -> None:
    """A write() is in the kernel's page cache: SIGKILL, which runs no cleanup of any
    kind, loses nothing flushed; lines not yet flushed are lost, which is why the
    engine flushes before every write to a socket."""
    journal = Journal(tmp_path, "killed")
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        for i in range(1, 20_001):
            journal.started(i)
            journal.finished(sent(i))
            journal.flush()
        journal.started(20_001)
        journal.flush()
        journal.finished(sent(20_001))  # never flushed
        os.kill(os.getpid(), signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    finished, in_flight = read_journal(journal.path)
    assert len(finished) == 20_000 and finished[20_000] == sent(20_000)
    assert in_flight == {20_001}


def test_a_torn_last_line_counts_as_unfinished(tmp_path: Path) -> None:
    path = tmp_path / "torn.log"
    path.write_bytes(b"S 7\nF 7 sent 250 - ok\nS 8\nF 8 se")
    finished, in_flight = read_journal(path)
    assert set(finished) == {7} and in_flight == {8}


def test_a_journal_of_isamail_0_1_reads_too(tmp_path: Path) -> None:
    """isamail 0.1 mapped its journal file: zero bytes after what it wrote."""
    path = tmp_path / "old.log"
    path.write_bytes(b"S 1\nF 1 sent 250 - ok\nS 2\n" + bytes(4096))
    assert read_journal(path) == ({1: Result(1, "sent", 250, "ok")}, {2})


def _dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_recover_a_dead_run(project: Project, tmp_path: Path) -> None:
    """A made-up run, dead (its process is gone), that claimed ten deliveries: its
    journal says three were finished (sent, refused, deferred), two were begun and not
    finished; five were never begun. Another run of a live process is left alone."""
    shutil.copytree(REPO / "issues" / "2020-10", project.issues_dir / "2020-10")
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    rendered, hash_ = compose(project, "2020-10")
    edition = freeze_edition(project.engine, rendered, hash_)
    assert edition.id is not None
    deliveries.enqueue(project.engine, edition.id, [1])
    dead = deliveries.start_run(project.engine, edition.id)
    live = deliveries.start_run(project.engine, edition.id)
    with unit_of_work(project.engine) as session:
        session.get(SendRun, dead).pid = _dead_pid()  # type: ignore[union-attr]
    far = utcnow() + timedelta(days=1)
    claimed = [
        c.delivery_id for c in deliveries.claim(project.engine, edition.id, dead, 10, not_after=far)
    ]
    others = [
        c.delivery_id for c in deliveries.claim(project.engine, edition.id, live, 3, not_after=far)
    ]
    retry_at = datetime(2026, 12, 2, 20, 0, tzinfo=UTC)
    journal = Journal(tmp_path, dead)
    for i in claimed[:5]:
        journal.started(i)
    journal.finished(sent(claimed[0]))
    journal.finished(Result(claimed[1], "failed", 550, "5.1.1 <x@example.org>: unknown"))
    journal.finished(Result(claimed[2], "queued", 451, "4.7.1 later", retry_at))
    journal.close(remove=False)

    recovery = recover(project.engine, edition.id, tmp_path)

    assert (recovery.applied, recovery.in_flight, recovery.requeued) == (3, claimed[3:5], 5)
    with read_session(project.engine) as session:
        rows = {d.id: d for d in session.exec(select(Delivery)).all()}
        runs = {r.id: r for r in session.exec(select(SendRun)).all()}
    assert rows[claimed[0]].status == "sent" and rows[claimed[0]].sent_at is not None
    assert (rows[claimed[1]].status, rows[claimed[1]].last_code) == ("failed", 550)
    assert rows[claimed[2]].status == "queued"
    assert rows[claimed[2]].next_attempt_at == retry_at
    for i in claimed[3:5]:
        assert rows[i].status == "queued" and rows[i].possibly_duplicate and rows[i].run_id is None
    for i in claimed[5:]:
        assert rows[i].status == "queued" and not rows[i].possibly_duplicate
    assert not any(rows[i].possibly_duplicate for i in claimed[:3])
    for i in others:  # the live run keeps what it claimed
        assert rows[i].status == "sending" and rows[i].run_id == live
    assert runs[dead].finished_at is not None and runs[live].finished_at is None
    assert not (tmp_path / f"{dead}.log").exists()
    # recovering again changes nothing
    assert recover(project.engine, edition.id, tmp_path) == type(recovery)(0, [], 0)
