"""`isamail report` after a real send: SMTP rejections, later DSNs, a complaint.

The issue goes to a real SMTP server that refuses some recipients with 550; for others
the test then writes the kind of returned mail a remote MTA would send, built with the
email package (multipart/report with message/delivery-status, an ARF feedback report),
addressed to the VERP envelope sender the server received, into a Maildir, runs
`bounces process --maildir`, and checks the report against what happened.
"""

from __future__ import annotations

import csv
import io
import json
import mailbox
import re
import shutil
from email.message import EmailMessage, Message
from pathlib import Path

import pytest

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from tests.conftest import DATA, Cli
from tests.smtpd import Received, SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"


@pytest.fixture
def newsletter(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ISAMAIL_BOUNCE_ADDRESS", "bounces@isa-portal.de")
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    return project


def _report_part(content_type: str, blocks: list[dict[str, str]]) -> Message:
    part = Message()
    part["Content-Type"] = content_type
    payload = []
    for fields in blocks:
        block = Message()
        for name, value in fields.items():
            block[name] = value
        payload.append(block)
    part.set_payload(payload)
    return part


def _returned(received: Received, *, subject: str, text: str, report: Message) -> bytes:
    """A report to the envelope sender of ``received``, with the original's headers."""
    original = received.data.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    outer = EmailMessage()
    outer["From"] = "Mail Delivery System <MAILER-DAEMON@mx.stadt.example>"
    outer["To"] = received.mail_from
    outer["Subject"] = subject
    outer.set_content(text)
    outer.make_mixed()
    kind = "feedback-report" if "feedback" in report.get_content_type() else "delivery-status"
    outer.replace_header("Content-Type", f'multipart/report; report-type="{kind}"')
    outer.attach(report)
    headers = Message()
    headers["Content-Type"] = "text/rfc822-headers"
    headers.set_payload(original.replace("\r\n", "\n"))
    outer.attach(headers)
    return outer.as_bytes()


def dsn(received: Received, status: str, diagnostic: str, action: str = "failed") -> bytes:
    recipient = received.rcpt_tos[0]
    return _returned(
        received,
        subject="Undelivered Mail Returned to Sender",
        text=f"Die Nachricht an {recipient} konnte nicht zugestellt werden.\n",
        report=_report_part(
            "message/delivery-status",
            [
                {"Reporting-MTA": "dns; mx.stadt.example"},
                {
                    "Final-Recipient": f"rfc822; {recipient}",
                    "Action": action,
                    "Status": status,
                    "Diagnostic-Code": f"smtp; {diagnostic}",
                },
            ],
        ),
    )


def arf(received: Received) -> bytes:
    return _returned(
        received,
        subject="Complaint about message",
        text="This is an email abuse report.\n",
        report=_report_part(
            "message/feedback-report",
            [
                {
                    "Feedback-Type": "abuse",
                    "User-Agent": "ISP-FBL/1.0",
                    "Version": "1",
                    "Original-Rcpt-To": received.rcpt_tos[0],
                }
            ],
        ),
    )


def test_send_bounce_and_report(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    rejected = lambda rcpt: rcpt.startswith("s")  # noqa: E731
    long_domain = "wirtschaftsregion-suedschwarzwald-und-hochrhein.example"  # wider than 36
    for i in range(12):  # enough to be among the top domains
        add_subscriber(newsletter.engine, f"zz{i}@{long_domain}", "isa", confirmed=True)
    with SmtpTestServer(reject_rcpt=rejected) as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        sent = cli("send", ISSUE, "--list", "isa", "--yes")
        assert sent.exit_code == 3, sent.output
        accepted = {m.rcpt_tos[0]: m for m in server.messages}
    everyone = json.loads(cli("report", ISSUE, "--json").stdout)["deliveries"]
    failed = {d["email"] for d in everyone if d["status"] == "failed"}
    assert failed and all(e.startswith("s") for e in failed)
    later = sorted(accepted)
    hard, soft, complaint, policy = later[:4], later[4:6], later[6], later[7]
    maildir = newsletter.directory / "returned"
    box = mailbox.Maildir(maildir, create=True)
    for rcpt in hard:
        box.add(dsn(accepted[rcpt], "5.1.1", f"550 5.1.1 <{rcpt}>: Recipient address rejected"))
    for rcpt in soft:
        box.add(dsn(accepted[rcpt], "4.2.2", "452 4.2.2 Mailbox full", action="delayed"))
    box.add(arf(accepted[complaint]))
    box.add(dsn(accepted[policy], "5.7.1", "554 5.7.1 blocked using zen.spamhaus.org"))
    processed = cli("bounces", "process", "--maildir", str(maildir))
    assert processed.exit_code == 0, processed.output
    assert "Richtliniengründen" in processed.stderr  # the policy refusal

    total = len(everyone)
    summary = json.loads(cli("report", "--json").stdout)
    assert summary == [
        {
            **summary[0],
            "issue": ISSUE,
            "list": "isa",
            "recipients": total,
            "sent": total - len(failed) - len(hard) - 1,
            "failed": len(failed),
            "bounced": len(hard) + 1,
            "queued": 0,
            "complaints": 1,
            "soft_bounces": 2,
            "policy_bounces": 1,
            "unsubscribed": 1,
        }
    ]
    detail = json.loads(cli("report", ISSUE, "--json").stdout)
    by_email = {d["email"].lower(): d for d in detail["deliveries"]}
    for rcpt in hard:
        assert (by_email[rcpt]["status"], by_email[rcpt]["smtp_code"]) == ("bounced", 550)
    assert by_email[policy]["status"] == "bounced"
    assert by_email[policy]["bounce_kind"] == "policy"
    for rcpt in soft:
        assert (by_email[rcpt]["status"], by_email[rcpt]["bounce_kind"]) == ("sent", "soft")
    assert by_email[complaint]["bounce_kind"] == "complaint"
    assert {by_email[e.lower()]["smtp_code"] for e in failed} == {550}
    assert detail["states"]["failed"] == len(failed)
    reasons = {(r["kind"], r["code"]): r["count"] for r in detail["reasons"]}
    assert reasons[("", 550)] == len(failed) and reasons[("hard", 550)] == len(hard)
    assert sum(d["recipients"] for d in detail["domains"]) <= total
    assert sum(bar["count"] for bar in detail["timeline"]) == total - len(failed)
    assert detail["waiting"] == {"count": 0, "examples": [], "resume": None}

    # CSV: the same numbers, for German Excel (BOM, semicolons) or, asked, with commas
    excel = cli("report", "--csv").stdout
    assert excel.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(excel[1:]), delimiter=";"))
    assert [
        (r["issue"], int(r["sent"]), int(r["bounced"]), int(r["complaints"])) for r in rows
    ] == [(ISSUE, summary[0]["sent"], summary[0]["bounced"], 1)]
    plain = cli("report", ISSUE, "--csv", "--delimiter", ",").stdout
    per_recipient = list(csv.DictReader(io.StringIO(plain)))
    assert len(per_recipient) == total
    assert sum(r["status"] == "bounced" for r in per_recipient) == len(hard) + 1

    # tables: tab-separated (not a terminal), no colours, the warnings on stderr
    table = cli("report")
    assert table.exit_code == 0
    assert "Bounce-Rate" in table.stderr and "Beschwerderate" in table.stderr
    detail_text = cli("report", ISSUE)
    for output in (table.stdout, detail_text.stdout):
        assert "\x1b[" not in output
    assert "Fehler und Rückläufer" in detail_text.stdout
    assert "Empfänger-Domains" in detail_text.stdout
    assert "Versand über die Zeit" in detail_text.stdout
    # one line per domain, every domain whole (grep finds it)
    section = detail_text.stdout.split("Empfänger-Domains")[1].split("Versand über die Zeit")[0]
    shown = [line.split("\t")[0] for line in section.splitlines()[2:] if line.strip()]
    assert shown == [d["domain"] for d in detail["domains"]]
    assert long_domain in shown


def test_waiting_recipients_and_resume_command(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        assert cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "10").exit_code == 0
    detail = json.loads(cli("report", ISSUE, "--json").stdout)
    assert detail["waiting"]["count"] == detail["recipients"] - 10
    assert detail["waiting"]["resume"] == f"isamail send {ISSUE} --list isa"
    text = cli("report", ISSUE).stdout
    assert re.search(rf"Weiter mit: isamail send {ISSUE} --list isa", text)


def test_report_of_an_unknown_issue_is_a_user_error(cli: Cli) -> None:
    for args in (["report", "1999-01"], ["report", "1999-01", "--csv"]):
        result = cli(*args)
        assert result.exit_code == 1 and "1999-01" in result.stderr
    assert cli("report", "--json").stdout.strip() == "[]"


def test_a_long_list_name_stays_on_its_row(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, the editions table is tab-separated under a header: a long list name stays
    whole on its edition's row (at a terminal, tests/test_terminal.py)."""
    create_list(newsletter.engine, "isa-newsletter-international")
    import_subscribers(
        newsletter.engine,
        DATA / "subscribers-intl.csv",
        "isa-newsletter-international",
        confirmed=True,
    )
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        sent = cli("send", ISSUE, "-l", "isa", "-l", "isa-newsletter-international", "--yes")
        assert sent.exit_code == 0, sent.output
    table = cli("report").stdout
    rows = [line.split("\t") for line in table.splitlines()]
    assert len(rows) == 2  # the header and the one edition
    assert rows[0][:3] == ["Datum", "Ausgabe", "Liste"]
    assert rows[1][1:3] == [ISSUE, "isa, isa-newsletter-international"]
    listed = json.loads(cli("report", "--json").stdout)[0]["list"]
    assert listed == "isa, isa-newsletter-international"
