"""`isamail send` against a real SMTP server on 127.0.0.1: exactly once, faults, resume."""

from __future__ import annotations

import json
import os
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
from isamail.db.models import Delivery, Edition
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
        assert "340 Nachrichten würden jetzt gesendet" in dry.stderr
        assert "http://127.0.0.1:8000" in dry.stderr  # the link base is shown
        assert server.connections == 1 and server.messages == []  # logged in, sent nothing
        copy = cli("send", ISSUE, "--to", "redaktion@isa-portal.de", "--to", "chef@isa-portal.de")
        assert copy.exit_code == 0, copy.output
        assert sorted(r for m in server.messages for r in m.rcpt_tos) == [
            "chef@isa-portal.de",
            "redaktion@isa-portal.de",
        ]
        assert server.parsed(0)["Subject"] == "[Test] ISA-Newsletter Oktober 2020"
    with read_session(newsletter.engine) as session:
        assert session.exec(select(Edition)).all() == []


def send_command(project: Project) -> list[str]:
    isamail = Path(sys.executable).with_name("isamail")
    return [str(isamail), "-p", str(project.directory), "send", ISSUE, "--list", "isa", "--yes"]


def wait_for_messages(server: SmtpTestServer, n: int, child: subprocess.Popen[str]) -> None:
    """Until ``n`` messages have arrived (the send still running)."""
    deadline = time.monotonic() + 120
    while len(server.messages) < n:
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, f"only {len(server.messages)} arrived"
        time.sleep(0.005)


@pytest.mark.slow
def test_kill_9_after_n_messages_arrived_then_resume(
    newsletter: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL the real `isamail send` three times, each once N messages have arrived at
    a deliberately slow server (so the run holds claimed, begun and finished work the
    database has not seen yet); resume; the mailbox then holds everyone, and only
    deliveries reported as possibly duplicated arrived twice."""
    with SmtpTestServer(delay=0.03) as server:
        env = {**os.environ, "ISAMAIL_SMTP_URL": server.url}
        for n in (30, 90, 200):
            child = subprocess.Popen(
                send_command(newsletter),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            wait_for_messages(server, n, child)
            child.kill()
            child.communicate()
            assert child.returncode == -signal.SIGKILL
        with read_session(newsletter.engine) as session:
            # what the killed runs held: claimed and not recorded
            held = session.exec(select(Delivery).where(Delivery.status == "sending")).all()
        assert held, "the kill found nothing in flight: recovery would have no work"
        final = subprocess.run(send_command(newsletter), env=env, capture_output=True, text=True)
        assert final.returncode == 0, final.stderr
        assert "Nach einem Abbruch aufgeräumt" in final.stderr
        got = delivered(server)
    report = json.loads(
        subprocess.run(
            [*send_command(newsletter)[:3], "report", ISSUE, "--json"],
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
    assert len(flagged) <= 3 * 4 * 2  # at most two in flight per connection per kill
    assert report["sent"] == 340 and report["queued"] == 0


def test_ctrl_c_finishes_what_is_in_flight_and_the_rest_goes_later(
    newsletter: Project,
) -> None:
    """SIGINT once 40 messages arrived: the command stops taking new work, finishes
    and records what is in flight, says how to go on and exits 130; the next send
    mails exactly the rest."""
    with SmtpTestServer(delay=0.02) as server:
        env = {**os.environ, "ISAMAIL_SMTP_URL": server.url, "COLUMNS": "200"}
        child = subprocess.Popen(
            send_command(newsletter),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # a process group of its own, as in a terminal
        )
        wait_for_messages(server, 40, child)
        os.killpg(child.pid, signal.SIGINT)
        _, err = child.communicate(timeout=60)
        assert child.returncode == 130, err
        assert "Traceback" not in err and "weiter mit: isamail send" in err
        first = len(server.messages)
        assert 40 <= first < 340
        with read_session(newsletter.engine) as session:
            runs = session.exec(select(SendRunRow)).all()
            sending = session.exec(select(Delivery).where(Delivery.status == "sending")).all()
        assert len(runs) == 1 and runs[0].finished_at is not None and not sending
        resumed = subprocess.run(send_command(newsletter), env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        rest = re.search(r"in diesem Lauf versandt\W+(\d+)", resumed.stderr)
        assert rest is not None
        got = delivered(server)
    assert set(got) == {idna_rcpt(a) for a in confirmed_addresses(newsletter)}
    assert max(got.values()) == 1
    assert int(rest[1]) == 340 - first


def test_limit_then_nothing_to_do_then_new_signups(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from isamail.audience.subscribers import add_subscriber

    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        limited = cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "51")
        assert limited.exit_code == 0, limited.output
        assert len(server.messages) == 51
        assert "289 Nachrichten nicht in diesem Lauf (--limit)" in limited.stderr
        assert cli("send", ISSUE, "--list", "isa", "--yes").exit_code == 0
        done = cli("send", ISSUE, "--list", "isa", "--yes")
        assert done.exit_code == 0 and "Nichts zu tun" in done.stderr
        dry = cli("send", ISSUE, "--list", "isa", "--dry-run")
        assert "Nichts zu tun" in dry.stderr
        add_subscriber(newsletter.engine, "neu@example.org", "isa", confirmed=True)
        late = cli("send", ISSUE, "--list", "isa", "--yes")
        assert late.exit_code == 0, late.output
        assert "1 Empfänger ist seit dem ersten Versand" in late.stderr
        got = delivered(server)
    assert len(got) == 341 and max(got.values()) == 1


def test_a_rate_of_zero_or_less_is_refused(newsletter: Project, cli: Cli) -> None:
    for rate in ("0", "-2"):
        result = cli("send", ISSUE, "--list", "isa", "--yes", "--rate", rate)
        assert result.exit_code == 2 and "größer als 0" in result.output


def arrivals_per_window(times: list[float], window: float) -> int:
    """The most arrivals in any window of ``window`` seconds."""
    times = sorted(times)
    most, start = 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


@pytest.mark.parametrize("rate", ["2", "5"])
def test_rate_is_never_exceeded_in_any_second(
    project: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch, rate: str
) -> None:
    """The start included: no burst. Arrival times at the server (a few milliseconds
    after each message began) are allowed 2 % of a window's slack."""
    from isamail.audience.subscribers import add_subscriber

    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "isa")
    count = int(rate) * 3 + 1
    for i in range(count):
        add_subscriber(project.engine, f"leser{i}@example.org", "isa", confirmed=True)
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes", "--rate", rate)
        assert result.exit_code == 0, result.output
        times = [m.received_at for m in server.messages]
    assert len(times) == count
    assert arrivals_per_window(times, 0.98) <= int(rate)


def test_a_domain_limit_holds_up_no_other_domain(
    project: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """qq.com at 2 a second: its six recipients are spaced half a second apart while
    the forty others go out at once, although all were claimed in one batch, the QQ
    ones first."""
    from isamail.audience.subscribers import add_subscriber

    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "isa")
    qq = [f"user{i}@qq.com" for i in range(6)]
    others = [f"leser{i}@example.org" for i in range(40)]
    for address in qq + others:
        add_subscriber(project.engine, address, "isa", confirmed=True)
    (project.directory / "isamail.toml").write_text(
        (project.directory / "isamail.toml").read_text() + '\n[smtp.domain_rates]\n"QQ.com" = 2\n'
    )
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 0, result.output
        arrived = {m.rcpt_tos[0]: m.received_at for m in server.messages}
    assert set(arrived) == set(qq + others)
    qq_times = sorted(arrived[a] for a in qq)
    assert arrivals_per_window(qq_times, 0.49) <= 1
    # every other recipient had the issue before the third QQ message was even due
    assert max(arrived[a] for a in others) < qq_times[2]
