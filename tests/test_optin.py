"""Double opt-in services (optin), the outbox, and their CLI commands, on SQLite and
PostgreSQL, with a real SMTP server where mail is sent."""

from __future__ import annotations

import json
import quopri
import re
import socket
from datetime import timedelta

import pytest
from sqlmodel import col, select

from isamail.audience import optin
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber, suppress, unsubscribe
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConfirmToken,
    ConsentEvent,
    ConsentKind,
    OutgoingMail,
    OutgoingMailStatus,
    Subscriber,
    Subscription,
    Suppression,
    SuppressionReason,
    utcnow,
)
from isamail.sending import transactional as outbox
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer


@pytest.fixture
def lists(project: Project) -> Project:
    create_list(project.engine, "isa", title="ISA-Newsletter")
    create_list(project.engine, "presse", title="ISA-Presse", language="en")
    create_list(project.engine, "intern", private=True)
    return project


def web_signup(project: Project, email: str, *names: str) -> optin.SignupOutcome:
    return optin.signup(
        project,
        optin.SignupRequest(
            email=email,
            lists=list(names) or ["isa"],
            ip="203.0.113.7",
            user_agent="Mozilla/5.0 Test",
            form="web form",
        ),
    )


def mails(project: Project) -> list[OutgoingMail]:
    with read_session(project.engine) as session:
        return list(session.exec(select(OutgoingMail).order_by(col(OutgoingMail.id))).all())


def token_of(message: bytes) -> str:
    text = quopri.decodestring(message).decode("utf-8")
    found = re.search(r"/confirm/([A-Za-z0-9_-]+)", text)
    assert found
    return found.group(1)


def statuses(project: Project, email: str) -> dict[str, str]:
    from isamail.audience.subscribers import subscriber_record

    return {
        s["list"]: s["status"] for s in subscriber_record(project.engine, email)["subscriptions"]
    }


def events(project: Project, kind: str | None = None) -> list[ConsentEvent]:
    with read_session(project.engine) as session:
        query = select(ConsentEvent).order_by(col(ConsentEvent.id))
        if kind:
            query = query.where(ConsentEvent.kind == kind)
        return list(session.exec(query).all())


def test_signup_is_pending_logs_consent_and_queues_one_mail(lists: Project) -> None:
    outcome = web_signup(lists, "Anna@Example.org")
    assert outcome.result == "queued" and outcome.pending == ["isa"]
    assert statuses(lists, "anna@example.org") == {"isa": "pending"}
    (signup,) = events(lists, ConsentKind.SIGNUP)
    assert (signup.ip, signup.user_agent, signup.source) == (
        "203.0.113.7",
        "Mozilla/5.0 Test",
        "web",
    )
    assert signup.consent_text_version == lists.settings["consent_text_version"]
    (mail,) = mails(lists)
    assert (
        mail.kind == "confirm" and mail.status == "queued" and mail.recipient == "Anna@example.org"
    )
    token = token_of(mail.message)
    with read_session(lists.engine) as session:
        stored = session.exec(select(ConfirmToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64  # only the hash
    assert timedelta(hours=71) < stored.expires_at - stored.created_at <= timedelta(hours=72)


def test_confirm_completes_the_double_opt_in_once(lists: Project) -> None:
    web_signup(lists, "anna@example.org")
    token = token_of(mails(lists)[0].message)
    assert optin.confirm_view(lists.engine, token).already_confirmed is False
    assert statuses(lists, "anna@example.org") == {"isa": "pending"}  # looking changes nothing
    view = optin.confirm(lists.engine, token, ip="198.51.100.1", user_agent="UA")
    assert [entry.name for entry in view.lists] == ["isa"]
    assert statuses(lists, "anna@example.org") == {"isa": "confirmed"}
    (confirmed,) = events(lists, ConsentKind.CONFIRMED)
    assert confirmed.ip == "198.51.100.1"
    with pytest.raises(optin.LinkUsed):
        optin.confirm(lists.engine, token)
    with pytest.raises(optin.LinkInvalid):
        optin.confirm(lists.engine, token[:-2] + "xx")
    with pytest.raises(optin.LinkInvalid):
        optin.confirm_view(lists.engine, "")


def test_an_expired_token_does_not_confirm(lists: Project) -> None:
    web_signup(lists, "anna@example.org")
    token = token_of(mails(lists)[0].message)
    with unit_of_work(lists.engine) as session:
        row = session.exec(select(ConfirmToken)).one()
        row.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(optin.LinkExpired):
        optin.confirm(lists.engine, token)
    assert statuses(lists, "anna@example.org") == {"isa": "pending"}


def test_one_link_confirms_every_list_of_one_signup(lists: Project) -> None:
    web_signup(lists, "anna@example.org", "isa", "presse")
    (mail,) = mails(lists)
    optin.confirm(lists.engine, token_of(mail.message))
    assert statuses(lists, "anna@example.org") == {"isa": "confirmed", "presse": "confirmed"}


def test_private_and_unknown_lists_look_the_same(lists: Project) -> None:
    for name in ("intern", "gibtsnicht"):
        with pytest.raises(optin.NotFound, match="gibt es nicht"):
            web_signup(lists, "anna@example.org", name)
    assert mails(lists) == []


def test_confirmed_address_gets_no_mail_and_the_same_outcome_kind_to_the_web(
    lists: Project,
) -> None:
    add_subscriber(lists.engine, "anna@example.org", "isa", confirmed=True)
    outcome = web_signup(lists, "anna@example.org")
    assert outcome.result == "confirmed" and mails(lists) == []
    assert statuses(lists, "anna@example.org") == {"isa": "confirmed"}


def test_confirmation_mails_per_address_are_limited(lists: Project) -> None:
    results = [web_signup(lists, "anna@example.org").result for _ in range(5)]
    assert results == ["queued"] * 3 + ["throttled"] * 2
    assert len(mails(lists)) == 3


def test_unsubscribed_person_may_sign_up_again_and_only_their_confirm_lifts_it(
    lists: Project,
) -> None:
    add_subscriber(lists.engine, "anna@example.org", "isa", confirmed=True)
    unsubscribe(lists.engine, "anna@example.org")
    outcome = web_signup(lists, "anna@example.org")
    assert outcome.result == "queued"
    with read_session(lists.engine) as session:
        assert session.exec(select(Suppression)).all()  # still suppressed while pending
    optin.confirm(lists.engine, token_of(mails(lists)[0].message))
    assert statuses(lists, "anna@example.org") == {"isa": "confirmed"}
    with read_session(lists.engine) as session:
        assert session.exec(select(Suppression)).all() == []


def test_complaints_and_blocklist_are_never_mailed(lists: Project) -> None:
    with unit_of_work(lists.engine) as session:
        suppress(session, "anna@example.org", SuppressionReason.COMPLAINT)
    assert web_signup(lists, "anna@example.org").result == "blocked"
    assert mails(lists) == []


def test_purge_keeps_the_fact_and_erases_people_with_nothing_left(lists: Project) -> None:
    web_signup(lists, "old@example.org")
    web_signup(lists, "fresh@example.org")
    add_subscriber(lists.engine, "both@example.org", "presse", confirmed=True)
    web_signup(lists, "both@example.org", "isa")
    add_subscriber(lists.engine, "back@example.org", "isa", confirmed=True)
    unsubscribe(lists.engine, "back@example.org")
    web_signup(lists, "back@example.org", "isa")
    later = utcnow() + timedelta(days=8)
    with unit_of_work(lists.engine) as session:  # only "fresh" signed up recently
        for sub in session.exec(select(Subscription)).all():
            subscriber = session.get(Subscriber, sub.subscriber_id)
            assert subscriber is not None
            if subscriber.email == "fresh@example.org":
                sub.updated_at = later
    result = optin.purge_pending(lists.engine, now=later - timedelta(seconds=1))
    assert result.subscriptions == 3 and result.people_erased == 1
    assert statuses(lists, "fresh@example.org") == {"isa": "pending"}
    assert statuses(lists, "both@example.org") == {"presse": "confirmed"}
    assert statuses(lists, "back@example.org") == {"isa": "unsubscribed"}
    with read_session(lists.engine) as session:
        emails = set(session.exec(select(Subscriber.email)).all())
        tokens = session.exec(select(ConfirmToken)).all()
        expired = session.exec(
            select(ConsentEvent).where(ConsentEvent.kind == ConsentKind.PENDING_EXPIRED)
        ).all()
        recipients = {m.recipient for m in session.exec(select(OutgoingMail)).all()}
    assert "old@example.org" not in emails and None in emails
    assert len(tokens) == 1  # fresh's
    assert len(expired) == 3
    assert "old@example.org" not in recipients
    erased = [e for e in events(lists) if e.subscriber_id == expired[0].subscriber_id]
    assert all(e.ip is None and e.user_agent is None for e in erased)


def test_outbox_sends_retries_and_records(
    lists: Project, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpTestServer
) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_URL", smtp_server.url)
    project = Project.open(lists.directory)
    web_signup(project, "anna@example.org")
    web_signup(project, "bert@example.org")
    smtp_server.temp_fail_rcpt = 1
    smtp_server.temp_fail_match = {"bert@example.org"}
    first = outbox.deliver_due(project.engine, project.settings)
    assert (first.sent, first.deferred, first.failed) == (1, 1, 0)
    again = outbox.deliver_due(project.engine, project.settings)
    assert again.attempted == 0  # bert's retry is not due yet
    later = utcnow() + timedelta(minutes=2)
    retried = outbox.deliver_due(project.engine, project.settings, now=later)
    assert retried.sent == 1
    rows = mails(project)
    assert [(m.status, m.attempts) for m in rows] == [("sent", 1), ("sent", 2)]
    assert rows[1].last_code == 250
    received = smtp_server.parsed(0)
    assert received["Subject"].startswith("Bitte bestätigen")
    assert received["To"] == "anna@example.org"
    smtp_server.reject_rcpt = {"carla@example.org"}
    web_signup(project, "carla@example.org")
    failed = outbox.deliver_due(project.engine, project.settings)
    assert failed.failed == 1 and mails(project)[-1].status == OutgoingMailStatus.FAILED
    project.close()


def test_outbox_without_server_keeps_mail_queued(
    lists: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ISAMAIL_SMTP_URL", f"smtp://127.0.0.1:{port}")
    project = Project.open(lists.directory)
    web_signup(project, "anna@example.org")
    summary = outbox.deliver_due(project.engine, project.settings)
    assert (summary.sent, summary.deferred) == (0, 1) and summary.errors
    (mail,) = mails(project)
    assert mail.status == "queued" and mail.attempts == 1 and mail.next_attempt_at is not None
    project.close()


def test_cli_add_sends_the_confirmation_mail(
    lists: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpTestServer
) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_URL", smtp_server.url)
    result = cli("subscribers", "add", "anna@example.org", "--list", "intern", "--name", "Anna")
    assert result.exit_code == 0, result.output
    assert "verschickt" in result.output
    (received,) = smtp_server.messages
    assert received.rcpt_tos == ["anna@example.org"]
    assert statuses(lists, "anna@example.org") == {"intern": "pending"}
    token = token_of(received.data)
    optin.confirm(lists.engine, token)
    assert statuses(lists, "anna@example.org") == {"intern": "confirmed"}


def test_cli_purge_pending(lists: Project, cli: Cli) -> None:
    web_signup(lists, "old@example.org")
    result = cli("subscribers", "purge-pending", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["subscriptions"] == 0
    with unit_of_work(lists.engine) as session:
        for sub in session.exec(select(Subscription)).all():
            sub.updated_at = utcnow() - timedelta(days=8)
    result = cli("subscribers", "purge-pending", "--json")
    assert json.loads(result.stdout) == {"subscriptions": 1, "people_erased": 1, "mails_deleted": 0}


def test_serve_refuses_to_start_without_a_secret_key(
    lists: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", "")
    result = cli("serve", "--port", "1")
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0].startswith("Fehler: secret_key fehlt")


def test_forget_also_removes_the_confirmation_mails_that_hold_the_address(
    lists: Project,
) -> None:
    from isamail.audience.subscribers import forget

    web_signup(lists, "anna@example.org")
    assert len(mails(lists)) == 1
    forget(lists.engine, "anna@example.org")
    assert mails(lists) == []
    (signup,) = events(lists, ConsentKind.SIGNUP)
    assert signup.ip is None and signup.user_agent is None  # the fact stays, not who
