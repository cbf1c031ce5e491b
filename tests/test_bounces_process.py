"""Applying returned mail to the database: attribution, actions, idempotence.

The corpus tests take the real samples of tests/data/bounces and put our VERP token into
them the way our mailbox would see them (a ``Delivered-To: bounces+TOKEN@…`` header added
on delivery), or our Message-ID into the returned headers, so that each sample names a
delivery of its own.
"""

from __future__ import annotations

import collections
import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update
from sqlmodel import col

from isamail.audience import optin
from isamail.audience.lists import create_list
from isamail.bounces.classify import BounceKind, classify
from isamail.bounces.inbox import read_maildir
from isamail.bounces.process import Action, process_mailbox, verp_local
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Bounce,
    ConsentEvent,
    Delivery,
    MailingList,
    OutgoingMail,
    Subscription,
    Suppression,
)
from isamail.sending.transactional import deliver_due
from isamail.tokens import bounce_token, transactional_bounce_token, unsubscribe_token
from tests.bounces_helpers import (
    DOMAIN,
    delivery_id,
    delivery_of,
    dsn,
    edition,
    mails,
    message_id,
    nonce_of,
    people,
    statuses,
    suppressions,
    verp,
    with_delivered_to,
    with_token,
)
from tests.conftest import DATA, Cli
from tests.smtpd import SmtpTestServer

CORPUS = DATA / "bounces"
SAMPLES = sorted((CORPUS / "bounces").glob("*.eml"))
NOT_BOUNCES = sorted((CORPUS / "not-bounces").glob("*.eml"))


# --- the corpus ---------------------------------------------------------------------------


def test_hard_bounces_attributed_by_token_bounce_the_delivery_and_suppress(
    project: Project,
) -> None:
    hard = [p for p in SAMPLES if classify(p.read_bytes()).kind is BounceKind.HARD]
    assert len(hard) >= 250
    emails = [f"person{i}@stadt.example" for i in range(len(hard))]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2021-07")
    ids = {e: delivery_of(project.engine, e, edition_id).id for e in emails}
    raws = [with_token(p.read_bytes(), project, ids[e]) for p, e in zip(hard, emails, strict=True)]
    report = process_mailbox(project.engine, project.settings, mails(*raws))
    for outcome, email, path in zip(report.outcomes, emails, hard, strict=True):
        assert outcome.kind == "hard", path.name
        assert outcome.attributed_by == "token", path.name
        assert outcome.action is Action.SUPPRESSED, path.name
        assert outcome.email == email and outcome.issue == "2021-07"
    for email in emails:
        delivery = delivery_of(project.engine, email, edition_id)
        assert (delivery.status, delivery.bounce_kind) == ("bounced", "hard"), email
        assert statuses(project.engine, email) == {"bounced"}
        assert suppressions(project.engine, email) == {(None, "bounced")}
    with read_session(project.engine) as session:
        kinds = collections.Counter(session.execute(select(ConsentEvent.kind)).scalars())  # type: ignore[call-overload]
    assert kinds["bounced"] == 2 * len(emails)  # one per list left


def test_every_arf_complaint_unsubscribes_the_proven_recipient(project: Project) -> None:
    """The corpus' ARF reports, each about a copy of ours: the returned Message-ID made
    ours where the report embeds one, the token added where it embeds none. The person
    acted on is the one the proof names, whatever address the report shows."""
    samples = [p for p in SAMPLES if p.name.startswith("arf-")]
    complaints = [p for p in samples if b"auth-failure" not in p.read_bytes()]
    assert len(complaints) >= 12
    emails = [f"leser{i}@stadt.example" for i in range(len(complaints))]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2021-08")
    raws, how = [], collections.Counter[str]()
    for path, email in zip(complaints, emails, strict=True):
        raw, report = path.read_bytes(), classify(path.read_bytes())
        delivery = delivery_id(project.engine, email, edition_id)
        if report.original_message_id:  # the returned Message-ID: make it ours
            ours = message_id(project, edition_id, delivery)
            raw = raw.replace(report.original_message_id.strip("<>").encode(), ours[1:-1].encode())
            how["message_id"] += 1
        else:
            raw = with_token(raw, project, delivery)
            how["token"] += 1
        raws.append(raw)
    outcomes = process_mailbox(project.engine, project.settings, mails(*raws)).outcomes
    for outcome, email, path in zip(outcomes, emails, complaints, strict=True):
        assert outcome.kind == "complaint", path.name
        assert outcome.action is Action.UNSUBSCRIBED, path.name
        assert outcome.email == email, path.name
        assert statuses(project.engine, email) == {"unsubscribed"}, path.name
        assert suppressions(project.engine, email) == {(None, "complaint")}, path.name
        assert delivery_of(project.engine, email, edition_id).bounce_kind == "complaint"
    assert how["message_id"] and how["token"]


def test_dmarc_auth_failure_reports_are_operator_alerts(project: Project) -> None:
    samples = [
        p for p in SAMPLES if p.name.startswith("arf-") and b"auth-failure" in p.read_bytes()
    ]
    assert samples
    people(project, ["kijitora@example.com", "kijitora@example.org"])
    edition(project, "2021-09")
    report = process_mailbox(
        project.engine, project.settings, mails(*(p.read_bytes() for p in samples))
    )
    assert {o.kind for o in report.outcomes} == {"policy"}
    assert len(report.policy_alerts) == len(samples)
    for email in ("kijitora@example.com", "kijitora@example.org"):
        assert statuses(project.engine, email) == {"confirmed"}
        assert suppressions(project.engine, email) == set()


def test_auto_replies_and_non_bounces_change_nothing(project: Project) -> None:
    samples = [p for p in SAMPLES if p.name.startswith("rfc3834-")] + NOT_BOUNCES
    emails = [f"urlaub{i}@stadt.example" for i in range(len(samples))]
    people(project, emails)
    edition_id = edition(project, "2021-10")
    raws = [
        with_token(p.read_bytes(), project, delivery_of(project.engine, e, edition_id).id)
        for p, e in zip(samples, emails, strict=True)
    ]
    report = process_mailbox(project.engine, project.settings, mails(*raws))
    assert {o.action for o in report.outcomes} == {Action.IGNORED}
    assert {o.kind for o in report.outcomes} <= {"autoreply", "not_bounce"}
    for email in emails:
        delivery = delivery_of(project.engine, email, edition_id)
        assert (delivery.status, delivery.bounce_kind) == ("sent", None)
        assert statuses(project.engine, email) == {"confirmed"}


# --- attribution without a token, policy, mailto ------------------------------------------


def test_attribution_by_message_id_never_by_address(project: Project) -> None:
    people(project, ["a@stadt.example", "b@stadt.example"])
    first = edition(project, "2021-01", days_ago=30)
    edition(project, "2021-02")
    a_first = delivery_id(project.engine, "a@stadt.example", first)
    b_first = delivery_id(project.engine, "b@stadt.example", first)
    by_id = dsn(f"info@{DOMAIN}", "a@stadt.example", "5.1.1", "550 5.1.1 user unknown")
    by_id = by_id.replace(
        b"Ihre Nachricht", f"Message-ID: {message_id(project, first, a_first)}\n\nIhre".encode()
    )
    by_address = dsn(f"info@{DOMAIN}", "b@stadt.example", "5.1.1", "550 5.1.1 unknown")
    # the Message-IDs of the first versions: nonce and delivery id, guessable
    nonce = nonce_of(project, first)
    old_form = dsn(f"info@{DOMAIN}", "b@stadt.example", "5.1.1", "550 5.1.1 unknown").replace(
        b"Ihre Nachricht", f"Message-ID: <{nonce}.{b_first}@{DOMAIN}>\n\nIhre".encode()
    )
    report = process_mailbox(project.engine, project.settings, mails(by_id, by_address, old_form))
    assert [(o.action, o.attributed_by, o.issue) for o in report.outcomes] == [
        (Action.SUPPRESSED, "message_id", "2021-01"),
        (Action.UNATTRIBUTED, None, None),
        (Action.UNATTRIBUTED, None, None),
    ]
    named = [o.named for o in report.outcomes]
    assert named == [("a@stadt.example",), ("b@stadt.example",), ("b@stadt.example",)]
    assert delivery_of(project.engine, "a@stadt.example", first).status == "bounced"
    assert statuses(project.engine, "b@stadt.example") == {"confirmed"}
    assert suppressions(project.engine, "b@stadt.example") == set()
    with read_session(project.engine) as session:
        open_rows = session.execute(
            select(Bounce.addresses).where(Bounce.review == "open").order_by(col(Bounce.id))  # type: ignore[call-overload]
        ).scalars()
        assert list(open_rows) == ["b@stadt.example", "b@stadt.example"]


def test_forged_token_and_foreign_message_id_attribute_nothing(project: Project) -> None:
    people(project, ["a@stadt.example"])
    edition_id = edition(project, "2021-03")
    delivery = delivery_id(project.engine, "a@stadt.example", edition_id)
    forged = dsn(
        verp(project, delivery, "another-secret"),
        "a@stadt.example",
        "5.1.1",
        "550 5.1.1 user unknown",
    )
    outcome = process_mailbox(project.engine, project.settings, mails(forged)).outcomes[0]
    assert outcome.action is Action.UNATTRIBUTED
    assert delivery_of(project.engine, "a@stadt.example", edition_id).status == "sent"
    assert statuses(project.engine, "a@stadt.example") == {"confirmed"}


def test_a_bounce_of_a_confirmation_mail_is_proven_by_its_transactional_token(
    project: Project, monkeypatch: pytest.MonkeyPatch, smtp_server: SmtpTestServer
) -> None:
    """Confirmation mails go out from ``LOCAL+t.TOKEN@…`` (the MAC of their
    ``outgoing_mail`` id): a notice to that address proves whom it is about even when it
    returns nothing of the original. The same token made with another key, and a
    newsletter delivery's token with "t." put in front, prove nothing."""
    create_list(project.engine, "isa")
    for email in ("neu@stadt.example", "auch@stadt.example"):
        optin.signup(project, optin.SignupRequest(email=email, lists=["isa"], form="web form"))
    monkeypatch.setenv("ISAMAIL_SMTP_URL", smtp_server.url)
    sending = Project.open(project.directory)
    try:
        assert deliver_due(sending.engine, sending.settings).sent == 2
    finally:
        sending.close()
    envelope = {m.rcpt_tos[0]: m.mail_from for m in smtp_server.messages}
    local, _, domain = envelope["neu@stadt.example"].partition("@")
    ours = verp_local(project.settings)
    assert local.startswith(f"{ours}+t.")
    with read_session(project.engine) as session:
        other_mail = session.execute(
            select(OutgoingMail.id).where(OutgoingMail.recipient == "auch@stadt.example")  # type: ignore[call-overload]
        ).scalar_one()
    forged = transactional_bounce_token("another-secret", other_mail)
    newsletter_token = bounce_token(project.settings.secret_key, other_mail)
    raws = [
        with_delivered_to(
            dsn(f"{ours}@{domain}", "neu@stadt.example", "5.1.1", "550 5.1.1 user unknown"),
            envelope["neu@stadt.example"],
        ),
        dsn(f"{ours}+{forged}@{domain}", "auch@stadt.example", "5.1.1", "550 5.1.1 unknown"),
        dsn(f"{ours}+t.{newsletter_token}@{domain}", "auch@stadt.example", "5.1.1", "550 x"),
    ]
    report = process_mailbox(project.engine, project.settings, mails(*raws))
    assert [(o.action, o.attributed_by, o.email) for o in report.outcomes] == [
        (Action.SUPPRESSED, "token", "neu@stadt.example"),
        (Action.UNATTRIBUTED, None, None),
        (Action.UNATTRIBUTED, None, None),
    ]
    assert statuses(project.engine, "neu@stadt.example") == {"bounced"}
    assert suppressions(project.engine, "neu@stadt.example") == {(None, "bounced")}
    assert statuses(project.engine, "auch@stadt.example") == {"pending"}
    assert suppressions(project.engine, "auch@stadt.example") == set()


def test_policy_refusal_bounces_the_delivery_but_keeps_the_subscriber(
    project: Project, cli: Cli
) -> None:
    people(project, ["a@stadt.example"])
    edition_id = edition(project, "2021-04")
    delivery_id = delivery_of(project.engine, "a@stadt.example", edition_id).id or 0
    raw = dsn(
        verp(project, delivery_id),
        "a@stadt.example",
        "5.7.26",
        "550 5.7.26 Unauthenticated email is not accepted due to DMARC policy",
    )
    maildir = project.directory / "bounces"
    mailbox.Maildir(maildir, create=True).add(raw)
    result = cli("bounces", "process", "--maildir", str(maildir))
    assert result.exit_code == 0, result.output
    assert "Richtlinie" in result.stdout and "Richtliniengründen" in result.stderr
    delivery = delivery_of(project.engine, "a@stadt.example", edition_id)
    assert (delivery.status, delivery.bounce_kind, delivery.last_code) == ("bounced", "policy", 550)
    assert statuses(project.engine, "a@stadt.example") == {"confirmed"}


def test_mailto_unsubscribe_by_subject_token(project: Project) -> None:
    people(project, ["a@stadt.example"], ("isa", "presse"))
    with read_session(project.engine) as session:
        subscription_id = session.execute(
            select(Subscription.id)  # type: ignore[call-overload]
            .join(MailingList, col(MailingList.id) == Subscription.list_id)
            .where(MailingList.name == "presse")
        ).scalar_one()
    message = EmailMessage()
    message["From"] = "a@stadt.example"
    message["To"] = "bounces@isa-portal.de"
    message["Subject"] = (
        f"unsubscribe {unsubscribe_token(project.settings.secret_key, subscription_id)}"
    )
    message.set_content("")
    bogus = EmailMessage()
    bogus["From"] = "x@stadt.example"
    bogus["Subject"] = "unsubscribe 1-aaaaaaaaaaaaaaaa"
    bogus.set_content("")
    report = process_mailbox(
        project.engine, project.settings, mails(message.as_bytes(), bogus.as_bytes())
    )
    assert [o.action for o in report.outcomes] == [Action.UNSUBSCRIBED, Action.IGNORED]
    with read_session(project.engine) as session:
        rows = dict(
            session.execute(
                select(MailingList.name, Subscription.status).join(  # type: ignore[call-overload]
                    Subscription, col(Subscription.list_id) == MailingList.id
                )
            ).all()
        )
    assert rows == {"isa": "confirmed", "presse": "unsubscribed"}


# --- soft bounces -------------------------------------------------------------------------


def _soft(project: Project, edition_id: int, email: str) -> Action:
    delivery_id = delivery_of(project.engine, email, edition_id).id or 0
    raw = dsn(
        verp(project, delivery_id),
        email,
        "4.2.2",
        "452 4.2.2 Mailbox full",
    )
    return process_mailbox(project.engine, project.settings, mails(raw)).outcomes[0].action


def test_soft_bounces_on_several_editions_over_more_than_a_week_suppress(
    project: Project,
) -> None:
    people(project, ["voll@stadt.example", "kurz@stadt.example"])
    spread = [edition(project, f"2022-0{i}", days_ago=d) for i, d in ((1, 20), (2, 10), (3, 0))]
    assert [_soft(project, e, "voll@stadt.example") for e in spread] == [
        Action.COUNTED,
        Action.COUNTED,
        Action.SUPPRESSED,
    ]
    assert statuses(project.engine, "voll@stadt.example") == {"bounced"}
    assert suppressions(project.engine, "voll@stadt.example") == {(None, "bounced")}
    # the same edition twice counts once
    assert _soft(project, spread[0], "kurz@stadt.example") is Action.COUNTED
    assert _soft(project, spread[0], "kurz@stadt.example") is Action.COUNTED
    assert statuses(project.engine, "kurz@stadt.example") == {"confirmed"}


def test_soft_bounces_within_a_few_days_only_count(project: Project) -> None:
    people(project, ["voll@stadt.example"])
    close = [edition(project, f"2022-1{i}", days_ago=d) for i, d in ((0, 3), (1, 2), (2, 0))]
    assert [_soft(project, e, "voll@stadt.example") for e in close] == [Action.COUNTED] * 3
    assert statuses(project.engine, "voll@stadt.example") == {"confirmed"}


# --- idempotence --------------------------------------------------------------------------


def _snapshot(engine: Engine) -> dict[str, object]:
    with read_session(engine) as session:
        return {
            "deliveries": sorted(
                session.execute(
                    select(Delivery.id, Delivery.status, Delivery.bounce_kind, Delivery.last_code)  # type: ignore[call-overload]
                ).all()
            ),
            "subscriptions": sorted(
                session.execute(select(Subscription.id, Subscription.status)).all()  # type: ignore[call-overload]
            ),
            "suppressions": session.execute(select(func.count()).select_from(Suppression)).scalar(),
            "consent": session.execute(select(func.count()).select_from(ConsentEvent)).scalar(),
            "bounces": session.execute(select(func.count()).select_from(Bounce)).scalar(),
        }


def test_processing_the_same_maildir_twice_changes_nothing(project: Project, cli: Cli) -> None:
    picks = {
        "hard": next(p for p in SAMPLES if classify(p.read_bytes()).kind is BounceKind.HARD),
        "soft": next(p for p in SAMPLES if classify(p.read_bytes()).kind is BounceKind.SOFT),
        "policy": next(p for p in SAMPLES if classify(p.read_bytes()).kind is BounceKind.POLICY),
        "complaint": CORPUS / "bounces" / "arf-01.eml",
        "autoreply": next(p for p in SAMPLES if p.name.startswith("rfc3834-")),
    }
    emails = [f"{kind}@stadt.example" for kind in picks]
    people(project, emails)
    edition_id = edition(project, "2023-01")
    maildir = project.directory / "returned"
    box = mailbox.Maildir(maildir, create=True)
    for (_kind, path), email in zip(picks.items(), emails, strict=True):
        box.add(
            with_token(
                path.read_bytes(), project, delivery_of(project.engine, email, edition_id).id
            )
        )
    first = cli("bounces", "process", "--maildir", str(maildir), "--json")
    assert first.exit_code == 0, first.output
    import json

    data = json.loads(first.stdout)
    assert data["processed"] == 5 and data["duplicates"] == 0
    assert data["by_kind"] == {kind: 1 for kind in picks}
    before = _snapshot(project.engine)
    second = cli("bounces", "process", "--maildir", str(maildir), "--json")
    assert second.exit_code == 0, second.output
    again = json.loads(second.stdout)
    assert again["processed"] == 0 and again["duplicates"] == 5
    assert _snapshot(project.engine) == before
    # and library-level, with the mailbox reader: every message a duplicate
    report = process_mailbox(project.engine, project.settings, read_maildir(maildir))
    assert {o.action for o in report.outcomes} == {Action.DUPLICATE}


def test_source_must_be_exactly_one(cli: Cli, tmp_path: Path) -> None:
    result = cli("bounces", "process")
    assert result.exit_code == 1 and "Genau eine Quelle" in result.stderr
    both = cli("bounces", "process", "--mbox", str(tmp_path / "x"), "--maildir", str(tmp_path))
    assert both.exit_code == 1


def test_mbox_reader_feeds_the_processor(project: Project, tmp_path: Path) -> None:
    people(project, ["leser@stadt.example"])
    edition_id = edition(project, "2023-02")
    path = tmp_path / "returned.mbox"
    box = mailbox.mbox(path)
    raw = (CORPUS / "bounces" / "arf-01.eml").read_bytes()
    box.add(
        with_token(raw, project, delivery_id(project.engine, "leser@stadt.example", edition_id))
    )
    box.close()
    result = Cli(project.directory)("bounces", "process", "--mbox", str(path))
    assert result.exit_code == 0, result.output
    assert statuses(project.engine, "leser@stadt.example") == {"unsubscribed"}
    assert "leser@stadt.example" in result.stdout


# --- Amazon SES notifications -------------------------------------------------------------


def ses_mail(notification: dict[str, object]) -> bytes:
    """A notification as Amazon SNS mails it to an e-mail subscription."""
    message = EmailMessage()
    message["From"] = "SES <no-reply@sns.amazonaws.com>"
    message["To"] = "bounces@isa-portal.de"
    message["Subject"] = "AWS Notification Message"
    message.set_content(json.dumps(notification) + "\n\n--\nIf you wish to stop ...\n")
    return message.as_bytes()


def test_amazon_ses_notifications(project: Project) -> None:
    names = ("token", "msgid", "klage", "voll", "dmarc", "fremd")
    emails = [f"{name}@stadt.example" for name in names]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2024-06")
    ids = {e: delivery_id(project.engine, e, edition_id) for e in emails}
    corpus = CORPUS / "bounces"
    foreign = b'"source":"kijitora@neko.example.org"'

    # the corpus' bare JSON bounce, sent by us: mail.source is our VERP envelope sender
    by_token = (corpus / "lhost-amazonses-09.eml").read_bytes()
    assert foreign in by_token
    by_token = by_token.replace(foreign, f'"source":"{verp(project, ids[emails[0]])}"'.encode())
    # SES replaced our Message-ID; the original headers it reports still carry it
    by_message_id = ses_mail(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bouncedRecipients": [{"emailAddress": "alias@elsewhere.example"}],
            },
            "mail": {
                "source": f"info@{DOMAIN}",
                "messageId": "0100018c-ses-000000",
                "commonHeaders": {"messageId": message_id(project, edition_id, ids[emails[1]])},
            },
        }
    )
    # the corpus' complaint names SES' own message id, which SES gave in its DATA reply
    by_relay_id = (corpus / "lhost-amazonses-11.eml").read_bytes()
    ses_id = "01010158992bd11e-d46429af-0ec9-4aaf-8503-6f7ca5832ca2-000000"
    assert ses_id.encode() in by_relay_id
    with unit_of_work(project.engine) as session:
        session.execute(
            update(Delivery)
            .where(col(Delivery.id) == ids[emails[2]])
            .values(last_reply=f"Ok {ses_id}")
        )
    soft = ses_mail(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Transient",
                "bounceSubType": "MailboxFull",
                "bouncedRecipients": [{"emailAddress": emails[3], "status": "4.2.2"}],
            },
            "mail": {"source": verp(project, ids[emails[3]])},
        }
    )
    auth_failure = ses_mail(
        {
            "notificationType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": emails[4]}],
                "complaintFeedbackType": "auth-failure",
            },
            "mail": {"source": verp(project, ids[emails[4]])},
        }
    )
    # a complaint that only names an address proves nothing
    unproven = ses_mail(
        {
            "notificationType": "Complaint",
            "complaint": {"complainedRecipients": [{"emailAddress": emails[5]}]},
            "mail": {"source": f"info@{DOMAIN}", "messageId": "0100018c-guess-000000"},
        }
    )
    report = process_mailbox(
        project.engine,
        project.settings,
        mails(by_token, by_message_id, by_relay_id, soft, auth_failure, unproven),
    )
    assert [(o.kind, o.action, o.attributed_by, o.email) for o in report.outcomes] == [
        ("hard", Action.SUPPRESSED, "token", emails[0]),
        ("hard", Action.SUPPRESSED, "message_id", emails[1]),
        ("complaint", Action.UNSUBSCRIBED, "relay_id", emails[2]),
        ("soft", Action.COUNTED, "token", emails[3]),
        ("policy", Action.REPORTED, "token", emails[4]),
        ("complaint", Action.UNATTRIBUTED, None, None),
    ]
    expected = [
        ({"bounced"}, {(None, "bounced")}, ("bounced", "hard")),
        ({"bounced"}, {(None, "bounced")}, ("bounced", "hard")),
        ({"unsubscribed"}, {(None, "complaint")}, ("sent", "complaint")),
        ({"confirmed"}, set(), ("sent", "soft")),
        ({"confirmed"}, set(), ("sent", None)),  # about our DMARC setup, not the delivery
        ({"confirmed"}, set(), ("sent", None)),
    ]
    for email, (subscriptions, suppressed, delivery) in zip(emails, expected, strict=True):
        row = delivery_of(project.engine, email, edition_id)
        assert statuses(project.engine, email) == subscriptions, email
        assert suppressions(project.engine, email) == suppressed, email
        assert (row.status, row.bounce_kind) == delivery, email
    assert len(report.policy_alerts) == 1
    assert report.outcomes[-1].named == (emails[5],) and report.outcomes[-1].review
