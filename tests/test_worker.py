"""`isamail worker` as a real process: tasks shared by two workers run once, a SIGTERM in
the middle of work loses nothing, a refused relay login is mailed to the office once an
hour, and a schema it does not know stops it. Every test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import email
import email.policy
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import col, select

from isamail.audience import optin
from isamail.audience.lists import create_list
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Alert, OutgoingMail, Worker, WorkerTask
from tests.smtpd import SmtpTestServer

ISAMAIL = Path(sys.executable).with_name("isamail")


def signups(project: Project, n: int) -> list[str]:
    """``n`` web signups, each with its confirmation mail queued (not sent)."""
    create_list(project.engine, "isa", title="ISA-Newsletter")
    addresses = [f"leser{i:02d}@stadt.example" for i in range(n)]
    for address in addresses:
        optin.signup(project, optin.SignupRequest(email=address, lists=["isa"], ip="192.0.2.1"))
    return addresses


def environment(project: Project, smtp_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env |= {
        "ISAMAIL_DATABASE_URL": project.settings.database_url,
        "ISAMAIL_SMTP_URL": smtp_url,
        "ISAMAIL_WORKER_POLL": "0.2",
        "ISAMAIL_WORKER_LEASE": "3",
        **extra,
    }
    return env


@contextmanager
def worker(
    project: Project, env: dict[str, str], log: Path, *args: str
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(
            [str(ISAMAIL), "-p", str(project.directory), "worker", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def wait_for(condition, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"waited in vain for {what}"
        time.sleep(0.05)


def outbox_states(project: Project) -> Counter[str]:
    with read_session(project.engine) as session:
        return Counter(session.exec(select(OutgoingMail.status)).all())


def tasks(project: Project) -> dict[str, WorkerTask]:
    with read_session(project.engine) as session:
        return {t.name: t for t in session.exec(select(WorkerTask)).all()}


def received_by(server: SmtpTestServer) -> Counter[str]:
    return Counter(r.lower() for m in server.messages for r in m.rcpt_tos)


def test_two_workers_share_the_tasks_and_run_each_once(project: Project, tmp_path: Path) -> None:
    addresses = signups(project, 40)
    with SmtpTestServer() as server:
        env = environment(project, server.url)
        logs = [tmp_path / "a.log", tmp_path / "b.log"]
        with worker(project, env, logs[0]) as a, worker(project, env, logs[1]) as b:
            wait_for(lambda: len(server.messages) >= 40, "40 confirmation mails")
            wait_for(lambda: all(t.runs for t in tasks(project).values()), "every task once")
            time.sleep(1.0)  # both go on looking for due tasks: nothing runs twice
            for child in (a, b):
                child.send_signal(signal.SIGTERM)
            assert a.wait(30) == 0 and b.wait(30) == 0
        got = received_by(server)
    assert sorted(got) == addresses and set(got.values()) == {1}
    state = tasks(project)
    assert {name: t.runs for name, t in state.items()} == {
        "transactional": 1,
        "bounces": 1,
        "stale_signups": 1,
        "retention": 1,
    }
    assert all(t.lease_holder is None for t in state.values())
    with read_session(project.engine) as session:
        workers = session.exec(select(Worker)).all()
    assert len(workers) == 2 and all(w.stopped_at is not None for w in workers)
    for log in logs:
        assert "started: transactional, bounces, stale_signups, retention" in log.read_text()


def test_a_sigterm_in_the_middle_of_work_loses_nothing(project: Project, tmp_path: Path) -> None:
    addresses = signups(project, 30)
    log = tmp_path / "worker.log"
    with SmtpTestServer(hold_after=5) as server:
        env = environment(project, server.url)
        with worker(project, env, log) as child:
            assert server.holding.wait(60), "the worker never reached the held message"
            child.send_signal(signal.SIGTERM)  # while mail 6 of the first batch of 20 waits
            time.sleep(0.3)
            assert child.poll() is None  # it finishes the batch in hand first
            server.release()
            assert child.wait(60) == 0
        first = received_by(server)
        assert len(first) == 20 and set(first.values()) == {1}
        # what went out is recorded as sent, the rest waits, due at once, no lease held
        assert outbox_states(project) == Counter({"sent": 20, "queued": 10})
        with read_session(project.engine) as session:
            waiting = session.exec(
                select(OutgoingMail).where(OutgoingMail.status == "queued")
            ).all()
        assert all(m.attempts == 0 and m.next_attempt_at is None for m in waiting)
        assert tasks(project)["transactional"].lease_holder is None
        assert "stopped" in log.read_text()

        done = subprocess.run(
            [str(ISAMAIL), "-p", str(project.directory), "worker", "--task", "transactional"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        got = received_by(server)
    assert sorted(got) == addresses and set(got.values()) == {1}
    assert outbox_states(project) == Counter({"sent": 30})


def test_a_refused_relay_login_is_mailed_to_the_office_once_an_hour(
    project: Project, tmp_path: Path
) -> None:
    signups(project, 1)
    log = tmp_path / "worker.log"
    with (
        SmtpTestServer(require_auth=("newsletter", "richtig")) as relay,
        SmtpTestServer() as office_mta,
    ):
        wrong = f"smtp://newsletter:falsch-4711@127.0.0.1:{relay.port}"
        env = environment(
            project,
            wrong,
            ISAMAIL_SMTP_ALLOW_PLAINTEXT_LOGIN="true",
            ISAMAIL_ALERTS_TO="geschaeftsstelle@isa-portal.de",
            ISAMAIL_ALERTS_SMTP_URL=office_mta.url,
        )
        run = [str(ISAMAIL), "-p", str(project.directory), "worker", "--task", "transactional"]
        for n in range(2):
            if n:  # a new signup: its confirmation mail is due, the relay refuses again
                optin.signup(project, optin.SignupRequest(email="neu@stadt.example", lists=["isa"]))
            with log.open("a") as out:
                done = subprocess.run(run, env=env, stderr=out, timeout=120)
            assert done.returncode == 0
        assert relay.messages == [] and len(relay.auth_attempts) >= 2
        (mail,) = office_mta.messages  # the second failure within the hour: no second mail
        assert mail.rcpt_tos == ["geschaeftsstelle@isa-portal.de"]
        message = email.message_from_bytes(mail.data, policy=email.policy.default)
        assert message["Subject"] == "[isamail] Störung: Der SMTP-Server lehnt die Anmeldung ab"
        body = message.get_body(("plain",))
        assert body is not None
        assert "Anmeldung am SMTP-Server" in body.get_content()
        assert "falsch-4711" not in mail.data.decode("utf-8", "replace")
        written = log.read_text()
        assert "alert relay_login: Anmeldung am SMTP-Server" in written
        assert "falsch-4711" not in written
        with read_session(project.engine) as session:
            (alert,) = session.exec(select(Alert)).all()
        assert (alert.kind, alert.count, alert.resolved_at) == ("relay_login", 2, None)

        report = subprocess.run(
            [str(ISAMAIL), "-p", str(project.directory), "report"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert "Der SMTP-Server lehnt die Anmeldung ab: Anmeldung am SMTP-Server" in " ".join(
            report.stderr.split()
        )

        env["ISAMAIL_SMTP_URL"] = f"smtp://newsletter:richtig@127.0.0.1:{relay.port}"
        with unit_of_work(project.engine) as session:  # their retry is due (time passes)
            session.execute(text("UPDATE outgoing_mail SET next_attempt_at = NULL"))
        fixed = subprocess.run(run, env=env, capture_output=True, text=True, timeout=120)
        assert fixed.returncode == 0, fixed.stderr
        assert len(relay.messages) == 2  # the confirmation mails are out
    report = subprocess.run(
        [str(ISAMAIL), "-p", str(project.directory), "report"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert "Störung" not in report.stderr
    with read_session(project.engine) as session:
        assert session.exec(select(Alert)).one().resolved_at is not None


def test_a_failing_task_is_an_alert_and_the_worker_goes_on(
    project: Project, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with SmtpTestServer() as office_mta:
        env = environment(
            project,
            office_mta.url,
            ISAMAIL_BOUNCES_IMAP_URL="imaps://bounces:geheim-123@127.0.0.1:9/INBOX",
            ISAMAIL_ALERTS_TO="it@isa-portal.de",
        )
        with log.open("a") as out:
            done = subprocess.run(
                [str(ISAMAIL), "-p", str(project.directory), "worker", "--task", "bounces",
                 "--task", "retention"],
                env=env,
                stderr=out,
                timeout=120,
            )  # fmt: skip
        assert done.returncode == 0
        (mail,) = office_mta.messages
    message = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert message["Subject"] == "[isamail] Störung: Das Bounce-Postfach lässt sich nicht lesen"
    state = tasks(project)
    assert state["bounces"].failures == 1 and state["bounces"].last_error
    assert state["retention"].runs == 1 and not state["retention"].last_error
    written = log.read_text()
    assert "task bounces failed" in written and "geheim-123" not in written
    assert all(line.count("\n") == 0 for line in written.splitlines(keepends=False))


def test_a_worker_stops_when_the_schema_changes_under_it(project: Project, tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    env = environment(project, "smtp://127.0.0.1:9")
    with worker(project, env, log) as child:
        wait_for(lambda: "started" in log.read_text(), "the worker to start")
        with unit_of_work(project.engine) as session:
            session.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        assert child.wait(60) == 1
    assert "Schemastand 9999" in log.read_text()
    refused = subprocess.run(
        [str(ISAMAIL), "-p", str(project.directory), "worker"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert refused.returncode == 1
    assert "Schemastand 9999, den isamail" in refused.stderr
    with read_session(project.engine) as session:
        assert session.exec(select(Worker).where(col(Worker.stopped_at).is_(None))).all() == []


def test_restore_and_upgrade_refuse_while_a_worker_runs(project: Project, tmp_path: Path) -> None:
    if not project.settings.database_url.startswith("sqlite"):
        pytest.skip("isamail restores SQLite itself")
    backup = tmp_path / "b.db"
    env = environment(project, "smtp://127.0.0.1:9")
    cli = [str(ISAMAIL), "-p", str(project.directory)]
    assert subprocess.run([*cli, "db", "backup", str(backup)], env=env).returncode == 0
    log = tmp_path / "worker.log"
    with worker(project, env, log) as child:
        wait_for(lambda: "started" in log.read_text(), "the worker to start")
        refused = subprocess.run(
            [*cli, "db", "restore", str(backup), "--yes"], env=env, capture_output=True, text=True
        )
        assert refused.returncode == 1
        assert f"Worker (Prozess {child.pid}" in refused.stderr
        child.send_signal(signal.SIGTERM)
        assert child.wait(30) == 0
    restored = subprocess.run(
        [*cli, "db", "restore", str(backup), "--yes"], env=env, capture_output=True, text=True
    )
    assert restored.returncode == 0, restored.stderr


def test_serve_runs_the_worker_loop_with_worker_in_serve(project: Project, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = tmp_path / "serve.log"
    env = environment(project, "smtp://127.0.0.1:9", ISAMAIL_WORKER_IN_SERVE="true")
    cli = [str(ISAMAIL), "-p", str(project.directory)]
    with log.open("wb") as out:
        child = subprocess.Popen(
            [*cli, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=out
        )
    try:
        wait_for(lambda: len(tasks(project)) == 4 and all(
            t.runs for t in tasks(project).values()), "the loop inside serve")  # fmt: skip
        status = subprocess.run(
            [*cli, "worker", "status", "--json"], env=env, capture_output=True, text=True
        )
        (running,) = [w for w in json.loads(status.stdout)["workers"] if w["alive"]]
        assert running["pid"] == child.pid
    finally:
        child.send_signal(signal.SIGTERM)
        # uvicorn ends by re-raising the signal it caught, after the lifespan's shutdown
        assert child.wait(60) in (0, -signal.SIGTERM)
    assert "worker " in log.read_text() and " stopped" in log.read_text()
    with read_session(project.engine) as session:
        (row,) = session.exec(select(Worker)).all()
    assert row.stopped_at is not None
    assert all(t.lease_holder is None for t in tasks(project).values())
