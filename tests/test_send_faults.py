"""`isamail send` when the server refuses the envelope sender: a setup problem, not the
recipients'. The run stops with one line, nobody is marked failed, a later send resumes."""

from __future__ import annotations

import json

import pytest

from isamail.compose.message import PreparedMessage, Recipient
from isamail.context import Project
from tests import test_send
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer
from tests.test_send import delivered

ISSUE = "2020-10"
RECIPIENTS = 340

newsletter = test_send.newsletter  # the same project fixture


def report(cli: Cli) -> dict[str, object]:
    rows = json.loads(cli("report", "--json").stdout)
    assert len(rows) == 1
    row = rows[0]
    assert isinstance(row, dict)
    return row


@pytest.mark.parametrize(
    ("server_options", "code"),
    [
        ({"reject_mail_from": "550 5.7.1 <bounces@isa-portal.de>: sender rejected"}, "550"),
        ({"reject_mail_from": "553 5.1.8 sender address domain does not exist"}, "553"),
        # a relay that wants a login isamail was not given: 530 at MAIL FROM
        ({"require_auth": ("newsletter", "geheim")}, "530"),
    ],
    ids=["550", "553", "530-auth-required"],
)
@pytest.mark.parametrize("pipelining", [False, True], ids=["stepwise", "pipelined"])
def test_a_refused_sender_stops_the_run_and_fails_nobody(
    newsletter: Project,
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    server_options: dict[str, object],
    code: str,
    pipelining: bool,
) -> None:
    with SmtpTestServer(pipelining=pipelining, **server_options) as server:  # type: ignore[arg-type]
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 1, result.output
        assert "Traceback" not in result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler:")]
        assert len(errors) == 1, result.stderr
        assert "lehnt den Absender bounces+" in errors[0] and f"({code} " in errors[0]
        assert f"{RECIPIENTS} Nachrichten bleiben in der Warteschlange" in errors[0]
        assert server.messages == []
        # refused at MAIL FROM: no recipient was even named
        assert sum(server.rcpt_attempts.values()) == 0
    row = report(cli)
    assert (row["sent"], row["failed"], row["queued"]) == (0, 0, RECIPIENTS)

    with SmtpTestServer() as fixed:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", fixed.url)
        again = cli("send", ISSUE, "--list", "isa", "--yes")
        assert again.exit_code == 0, again.output
        got = [r.lower() for m in fixed.messages for r in m.rcpt_tos]
        assert len(got) == len(set(got)) == RECIPIENTS
    row = report(cli)
    assert (row["sent"], row["failed"], row["queued"]) == (RECIPIENTS, 0, 0)


def test_a_sender_refused_in_the_middle_keeps_what_was_sent(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server starts refusing the sender after some messages (a quota, a policy
    change): those sent stay sent, the rest stays queued, nobody fails."""
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        original = server._store

        def store_then_refuse(*args: object, **kwargs: object) -> None:
            original(*args, **kwargs)  # type: ignore[arg-type]
            if len(server.messages) >= 50:
                server.reject_mail_from = "550 5.7.1 sending quota exceeded"

        server._store = store_then_refuse  # type: ignore[method-assign]
        result = cli("send", ISSUE, "--list", "isa", "--yes")
        assert result.exit_code == 1, result.output
        assert "lehnt den Absender" in result.stderr and "(550 " in result.stderr
        sent = len(server.messages)
        assert 50 <= sent < RECIPIENTS
    row = report(cli)
    assert (row["sent"], row["failed"], row["queued"]) == (sent, 0, RECIPIENTS - sent)


def test_a_bug_in_a_worker_stops_the_run_and_loses_nobody(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected exception in an SMTP worker (here: building one message) ends the
    run with one line and exit 70 instead of hanging or dying silently; what was sent is
    recorded, the rest stays queued, and the next send mails each of them once."""
    smtp_data = PreparedMessage.smtp_data
    broken = "caojie@luoyang-herald.example"

    def failing(self: PreparedMessage, recipient: Recipient) -> bytes:
        if recipient.email == broken:
            raise RuntimeError("kaputt")
        return smtp_data(self, recipient)

    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        monkeypatch.setattr(PreparedMessage, "smtp_data", failing)
        crashed = cli("send", ISSUE, "--list", "isa", "--yes")
        assert crashed.exit_code == 70, crashed.output
        assert "interner Fehler in isamail (RuntimeError: kaputt)" in crashed.stderr
        assert "Traceback" not in crashed.output
        first = report(cli)
        sent, queued = int(str(first["sent"])), int(str(first["queued"]))
        assert first["failed"] == 0 and sent + queued == RECIPIENTS
        assert queued >= 1 and broken not in delivered(server)
        monkeypatch.setattr(PreparedMessage, "smtp_data", smtp_data)
        resumed = cli("send", ISSUE, "--list", "isa", "--yes")
        assert resumed.exit_code == 0, resumed.output
        got = delivered(server)
    assert len(got) == RECIPIENTS and max(got.values()) == 1 and broken in got
    assert report(cli)["sent"] == RECIPIENTS
