"""`isamail send` against a real SMTP server on 127.0.0.1: exactly once, faults, resume."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import idna
import pytest
from sqlmodel import select

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.db.models import Edition
from isamail.db.models import SendRun as SendRunRow
from tests.conftest import DATA, Cli
from tests.smtpd import SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"


@pytest.fixture
def newsletter(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ISAMAIL_SMTP_FIRST_RETRY", "0.2")
    monkeypatch.setenv("ISAMAIL_BOUNCE_ADDRESS", "bounces@isa-portal.de")
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    import_subscribers(project.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    return project


def confirmed_addresses(project: Project) -> set[str]:
    from isamail.audience.subscribers import list_members

    return {s.email or "" for s, _ in list_members(project.engine, "isa", "confirmed")}


def delivered(server: SmtpTestServer) -> Counter[str]:
    return Counter(r.lower() for m in server.messages for r in m.rcpt_tos)


def keyed(addresses: set[str]) -> set[str]:
    return {a.lower() for a in addresses}


def idna_rcpt(address: str) -> str:
    """The address as it appears in RCPT TO: the domain in its IDNA 2008 ASCII form."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{idna.encode(domain).decode('ascii')}".lower()


def test_everyone_gets_the_issue_exactly_once(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 0, result.output
        expected = {idna_rcpt(a) for a in confirmed_addresses(newsletter)}
        got = delivered(server)
        assert set(got) == expected and len(expected) == 340
        assert max(got.values()) == 1
        message_ids = set()
        for i, received in enumerate(server.messages):
            message = server.parsed(i)
            assert received.mail_from.startswith("bounces+")
            assert received.mail_from.endswith("@isa-portal.de")
            assert message["Subject"] == "ISA-Newsletter Oktober 2020"
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
            assert "<http://127.0.0.1:8000/u/" in message["List-Unsubscribe"]
            message_ids.add(message["Message-ID"])
            assert message.get_content_type() == "multipart/alternative"
            text, html = message.iter_parts()
            assert "BAODING 保定市" in text.get_content()
            assert "保定市" in html.get_content()
        assert len(message_ids) == 340
    report = json.loads(cli("report", "--json").stdout)
    assert report == [
        {
            **report[0],
            "issue": ISSUE,
            "list": "isa",
            "recipients": 340,
            "sent": 340,
            "failed": 0,
            "bounced": 0,
            "queued": 0,
        }
    ]


@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_over_tls_with_login_everyone_gets_it_once(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch, scheme: str
) -> None:
    """The sender drives its TLS sockets without blocking (SSLWantRead/Write); the
    server's certificate is checked against its CA, and the login happens on each of
    the four connections."""
    credentials = ("newsletter@isa-portal.de", "Geheim:1/2")
    with SmtpTestServer(
        tls=scheme == "smtp+starttls",
        implicit_tls=scheme == "smtps",
        require_auth=credentials,
        delay=0.002,
    ) as server:
        monkeypatch.setenv(
            "ISAMAIL_SMTP_URL",
            f"{scheme}://newsletter%40isa-portal.de:Geheim%3A1%2F2@127.0.0.1:{server.port}",
        )
        monkeypatch.setenv("ISAMAIL_SMTP_CA_FILE", server.ca_file)
        monkeypatch.setenv("ISAMAIL_SMTP_MESSAGES_PER_CONNECTION", "60")
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 0, result.output
        got = delivered(server)
        assert set(got) == {idna_rcpt(a) for a in confirmed_addresses(newsletter)}
        assert max(got.values()) == 1
        assert all(m.tls for m in server.messages)
        # 340 messages, at most 60 per connection: reconnected along the way
        assert server.connections >= 340 // 60 + 1
        assert server.parsed(0)["Subject"] == "ISA-Newsletter Oktober 2020"
        assert len(server.messages[0].data) > 30_000


def test_an_address_on_two_lists_gets_one_copy(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_list(newsletter.engine, "presse")
    import_subscribers(newsletter.engine, DATA / "subscribers-intl.csv", "presse", confirmed=True)
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--list", "presse", "--yes")
        assert result.exit_code == 0, result.output
        assert len(server.messages) == 340
        assert max(delivered(server).values()) == 1


def test_rejected_recipients_fail_permanently_and_are_not_retried(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    rejected = {a for a in confirmed_addresses(newsletter) if a.startswith("s")}
    assert rejected
    with SmtpTestServer(reject_rcpt=lambda rcpt: rcpt.startswith("s")) as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 3
        assert f"{len(rejected)} Nachrichten endgültig fehlgeschlagen" in result.stderr
        assert len(server.messages) == 340 - len(rejected)
        again = cli("send", ISSUE, "--list", "isa", "--yes")
        assert again.exit_code == 0, again.output
        assert len(server.messages) == 340 - len(rejected)
    report = json.loads(cli("report", ISSUE, "--json").stdout)
    failed = {d["email"] for d in report["deliveries"] if d["status"] == "failed"}
    assert failed == rejected
    assert {d["smtp_code"] for d in report["deliveries"] if d["status"] == "failed"} == {550}


def test_temporary_failures_and_dropped_connections_are_retried(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer(temp_fail_rcpt=1, drop_in_data_every=37) as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 0, result.output
        got = delivered(server)
        assert len(got) == 340 and max(got.values()) == 1


def test_deferred_beyond_the_window_stay_queued_for_the_next_send(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_RETRY_WINDOW", "0")
    with SmtpTestServer(temp_fail_rcpt=1) as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        first = cli("send", ISSUE, "--list", "isa", "--yes")
        assert first.exit_code == 0, first.output
        assert "zurückgestellt" in first.stderr and "weiter mit: isamail send" in first.stderr
        assert server.messages == []
        monkeypatch.setenv("ISAMAIL_SMTP_FIRST_RETRY", "0.01")
        time.sleep(0.3)
        second = cli("send", ISSUE, "--list", "isa", "--yes")
        assert second.exit_code == 0, second.output
        assert len(delivered(server)) == 340


def test_unreachable_server_changes_nothing(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_URL", "smtp://127.0.0.1:9")
    result = cli("send", ISSUE, "--list", "isa", "--yes")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert "127.0.0.1:9" in lines[-1] and "Traceback" not in result.output
    with read_session(newsletter.engine) as session:
        assert session.exec(select(Edition)).all() == []


def test_an_unknown_issue_is_one_line_and_changes_nothing(newsletter: Project) -> None:
    """The installed command, where the issue is looked for in the forked child."""
    isamail = Path(sys.executable).with_name("isamail")
    env = {**os.environ, "ISAMAIL_SMTP_URL": "smtp://127.0.0.1:9"}
    args = [str(isamail), "-p", str(newsletter.directory), "send", "2099-01", "--list", "isa"]
    done = subprocess.run([*args, "--yes"], env=env, capture_output=True, text=True)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0].endswith(
        "Ausgabe „2099-01“ gibt es nicht in " + str(newsletter.issues_dir) + "."
    )
    assert "2020-10" in done.stderr  # the issues there are named
    with read_session(newsletter.engine) as session:
        assert session.exec(select(Edition)).all() == []


def test_limit_then_resume_sends_the_rest_once(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        assert cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "50").exit_code == 0
        assert len(server.messages) == 50
        assert cli("send", ISSUE, "--list", "isa", "--yes").exit_code == 0
        got = delivered(server)
        assert len(got) == 340 and max(got.values()) == 1


def test_dry_run_and_test_copy_leave_no_delivery_records(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        dry = cli("send", ISSUE, "--list", "isa", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert "340 Nachrichten gebaut" in dry.stderr
        copy = cli("send", ISSUE, "--list", "isa", "--to", "redaktion@isa-portal.de")
        assert copy.exit_code == 0, copy.output
        assert [m.rcpt_tos for m in server.messages] == [["redaktion@isa-portal.de"]]
        assert server.parsed(0)["Subject"] == "[Test] ISA-Newsletter Oktober 2020"
    with read_session(newsletter.engine) as session:
        assert session.exec(select(Edition)).all() == []


@pytest.mark.slow
def test_kill_9_at_random_points_then_resume(
    newsletter: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL the real `isamail send` a few times mid-send; resume; the mailbox then holds
    everyone, and only deliveries reported as possibly duplicated arrived twice."""
    rng = random.Random(20261122)
    isamail = Path(sys.executable).with_name("isamail")
    with SmtpTestServer(delay=0.004) as server:
        # two sending processes of two connections each (isamail.processes)
        env = {**os.environ, "ISAMAIL_SMTP_URL": server.url, "ISAMAIL_SMTP_PROCESSES": "2"}
        args = [
            str(isamail),
            "-p",
            str(newsletter.directory),
            "send",
            ISSUE,
            "--list",
            "isa",
            "--yes",
        ]
        for _ in range(3):
            child = subprocess.Popen(
                args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            time.sleep(rng.uniform(1.0, 2.5))
            child.send_signal(signal.SIGKILL)
            child.wait()
            # the forked sending process dies with the command, sending nothing more
            time.sleep(0.3)
            so_far = len(server.messages)
            time.sleep(0.5)
            assert len(server.messages) == so_far
        final = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        assert final.returncode == 0, final.stderr
        got = delivered(server)
    report = json.loads(
        subprocess.run(
            [str(isamail), "-p", str(newsletter.directory), "report", ISSUE, "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    expected = {idna_rcpt(a) for a in confirmed_addresses(newsletter)}
    assert set(got) == expected
    twice = {a for a, n in got.items() if n > 1}
    flagged = {idna_rcpt(d["email"]) for d in report["deliveries"] if d["possibly_duplicate"]}
    assert twice <= flagged
    assert len(flagged) <= 3 * 4  # at most one in flight per connection per kill
    assert report["sent"] == 340 and report["queued"] == 0


@pytest.mark.parametrize("to_group", [True, False], ids=["ctrl-c", "kill-int"])
def test_two_sending_processes_share_the_send_and_stop_on_ctrl_c(
    newsletter: Project, to_group: bool
) -> None:
    """`smtp.processes = 2`: the installed command forks a second sending process; each
    claims its own deliveries, everyone gets the issue once, the summary counts both.
    Ctrl-C (SIGINT to the terminal's process group) or SIGINT to the command alone stops
    both after what is in flight; the next send mails the rest, once."""
    isamail = Path(sys.executable).with_name("isamail")
    args = [str(isamail), "-p", str(newsletter.directory), "send", ISSUE, "-l", "isa", "-y"]
    with SmtpTestServer(delay=0.02) as server:
        env = {
            **os.environ,
            "ISAMAIL_SMTP_URL": server.url,
            "ISAMAIL_SMTP_PROCESSES": "2",
            "COLUMNS": "200",
        }
        child = subprocess.Popen(
            args,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a process group of its own, as in a terminal
        )
        deadline = time.monotonic() + 30
        while len(server.messages) < 40 and time.monotonic() < deadline:
            time.sleep(0.05)
        if to_group:
            os.killpg(child.pid, signal.SIGINT)
        else:
            os.kill(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert "Traceback" not in err and "weiter mit: isamail send" in err
        first = len(server.messages)
        assert 40 <= first < 340
        assert server.connections >= 2  # both processes sent
        with read_session(newsletter.engine) as session:
            runs = session.exec(select(SendRunRow)).all()
        assert len(runs) == 2 and all(r.finished_at is not None for r in runs)
        assert {r.pid for r in runs} >= {child.pid}
        resumed = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
        assert resumed.returncode == 0, resumed.stderr
        rest = re.search(r"in diesem Lauf versandt\W+(\d+)", resumed.stderr)
        assert rest is not None
        got = delivered(server)
    assert set(got) == {idna_rcpt(a) for a in confirmed_addresses(newsletter)}
    assert max(got.values()) == 1
    assert int(rest[1]) == 340 - first


def test_limit_is_divided_among_the_sending_processes(newsletter: Project) -> None:
    isamail = Path(sys.executable).with_name("isamail")
    args = [str(isamail), "-p", str(newsletter.directory), "send", ISSUE, "-l", "isa", "-y"]
    with SmtpTestServer() as server:
        env = {**os.environ, "ISAMAIL_SMTP_URL": server.url, "ISAMAIL_SMTP_PROCESSES": "2"}
        limited = subprocess.run([*args, "--limit", "51"], env=env, capture_output=True, text=True)
        assert limited.returncode == 0, limited.stderr
        assert len(server.messages) == 51
        assert "in diesem Lauf versandt" in limited.stderr and " 51" in limited.stderr
        rest = subprocess.run(args, env=env, capture_output=True, text=True)
        assert rest.returncode == 0, rest.stderr
        got = delivered(server)
    assert len(got) == 340 and max(got.values()) == 1
