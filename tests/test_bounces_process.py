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
from datetime import timedelta
from email.message import EmailMessage, Message
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, update
from sqlmodel import col

from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.bounces.classify import BounceKind, classify
from isamail.bounces.mailbox import ReturnedMail, read_maildir
from isamail.bounces.process import Action, process_mailbox, verp_local
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Bounce,
    ConsentEvent,
    Delivery,
    Edition,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
    utcnow,
)
from isamail.tokens import bounce_token, unsubscribe_token
from tests.conftest import DATA, Cli

CORPUS = DATA / "bounces"
SAMPLES = sorted((CORPUS / "bounces").glob("*.eml"))
NOT_BOUNCES = sorted((CORPUS / "not-bounces").glob("*.eml"))


# --- a small world: lists, subscribers, editions, deliveries ------------------------------


def people(project: Project, emails: list[str], lists: tuple[str, ...] = ("isa",)) -> None:
    for name in lists:
        create_list(project.engine, name)
        for email in emails:
            add_subscriber(project.engine, email, name, confirmed=True)


def edition(project: Project, issue: str, *, days_ago: float = 0) -> int:
    sent = utcnow() - timedelta(days=days_ago)
    with unit_of_work(project.engine) as session:
        row = Edition(
            issue=issue,
            title=issue,
            subject=issue,
            html="<p>x</p>",
            text="x",
            source_hash="h",
            nonce=f"{abs(hash(issue)) % 16**12:012x}",
            created_at=sent,
        )
        session.add(row)
        session.flush()
        assert row.id is not None
        rows = session.execute(
            select(Subscription.subscriber_id, Subscription.id, Subscription.list_id)  # type: ignore[call-overload]
        ).all()
        seen: set[int] = set()
        for subscriber_id, subscription_id, list_id in rows:
            if subscriber_id in seen:
                continue
            seen.add(subscriber_id)
            session.execute(
                insert(Delivery).values(
                    edition_id=row.id,
                    subscriber_id=subscriber_id,
                    subscription_id=subscription_id,
                    list_id=list_id,
                    status="sent",
                    attempts=1,
                    last_code=250,
                    last_reply="2.0.0 OK",
                    sent_at=sent,
                    created_at=sent,
                    updated_at=sent,
                )
            )
        return row.id


def delivery_of(engine: Engine, email: str, edition_id: int) -> Delivery:
    with read_session(engine) as session:
        found = session.execute(
            select(Delivery)
            .join(Subscriber, col(Subscriber.id) == Delivery.subscriber_id)
            .where(Subscriber.email_key == email.lower(), Delivery.edition_id == edition_id)
        ).scalar_one()
        assert isinstance(found, Delivery)
        return found


def statuses(engine: Engine, email: str) -> set[str]:
    with read_session(engine) as session:
        return set(
            session.execute(
                select(Subscription.status)  # type: ignore[call-overload]
                .join(Subscriber, col(Subscriber.id) == Subscription.subscriber_id)
                .where(Subscriber.email_key == email.lower())
            ).scalars()
        )


def suppressions(engine: Engine, email: str) -> set[tuple[int | None, str]]:
    from isamail.audience.addresses import address_hash

    with read_session(engine) as session:
        return {
            (s.list_id, s.reason)
            for s in session.execute(
                select(Suppression).where(Suppression.email_hash == address_hash(email))
            ).scalars()
        }


def verp(project: Project, delivery_id: int | None, secret: str | None = None) -> str:
    """The envelope sender `send` uses for that delivery."""
    token = bounce_token(secret or project.settings.secret_key, delivery_id or 0)
    return f"{verp_local(project.settings)}+{token}@isa-portal.de"


def with_token(raw: bytes, project: Project, delivery_id: int | None) -> bytes:
    """The sample as our bounce mailbox receives it: the MDA adds Delivered-To."""
    header = f"Delivered-To: {verp(project, delivery_id)}\n"
    if raw.startswith(b"From "):  # an mbox "From " line must stay first
        first, _, rest = raw.partition(b"\n")
        return first + b"\n" + header.encode() + rest
    return header.encode() + raw


def mails(*raws: bytes) -> list[ReturnedMail]:
    return [ReturnedMail(f"test:{i}", raw) for i, raw in enumerate(raws)]


def dsn(to: str, recipient: str, status: str, diagnostic: str, action: str = "failed") -> bytes:
    """An RFC 3464 report built with the email package, as Postfix sends one."""
    outer = EmailMessage()
    outer["From"] = "MAILER-DAEMON@mx.stadt.example (Mail Delivery System)"
    outer["To"] = to
    outer["Subject"] = "Undelivered Mail Returned to Sender"
    outer.set_content("Ihre Nachricht konnte nicht zugestellt werden.\n")
    outer.make_mixed()
    outer.replace_header("Content-Type", 'multipart/report; report-type="delivery-status"')
    per_message, per_recipient = Message(), Message()
    per_message["Reporting-MTA"] = "dns; mx.stadt.example"
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Action"] = action
    per_recipient["Status"] = status
    per_recipient["Diagnostic-Code"] = f"smtp; {diagnostic}"
    part = Message()
    part["Content-Type"] = "message/delivery-status"
    part.set_payload([per_message, per_recipient])
    outer.attach(part)
    return outer.as_bytes()


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


def test_every_arf_complaint_unsubscribes_from_all_lists(project: Project) -> None:
    samples = [p for p in SAMPLES if p.name.startswith("arf-")]
    reports = {p.name: classify(p.read_bytes()) for p in samples}
    complaints = [p for p in samples if b"auth-failure" not in p.read_bytes()]
    assert len(complaints) >= 12
    emails = [f"leser{i}@stadt.example" for i in range(len(complaints))]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2021-08")
    with read_session(project.engine) as session:
        nonce = session.get(Edition, edition_id).nonce  # type: ignore[union-attr]
    raws, how = [], collections.Counter[str]()
    for path, email in zip(complaints, emails, strict=True):
        raw, report = path.read_bytes(), reports[path.name]
        delivery_id = delivery_of(project.engine, email, edition_id).id
        if report.recipients:  # the complainant named: swap in our subscriber's address
            for r in report.recipients:
                raw = raw.replace(r.address.encode(), email.encode())
            how["address"] += 1
        elif report.original_message_id:  # only the returned Message-ID: make it ours
            ours = f"<{nonce}.{delivery_id}@isa-portal.de>"
            raw = raw.replace(report.original_message_id.strip("<>").encode(), ours[1:-1].encode())
            how["message_id"] += 1
        else:
            raw = with_token(raw, project, delivery_id)
            how["token"] += 1
        raws.append(raw)
    outcomes = process_mailbox(project.engine, project.settings, mails(*raws)).outcomes
    print("\ncomplaint samples attributed by:", dict(how))
    for outcome, email, path in zip(outcomes, emails, complaints, strict=True):
        assert outcome.kind == "complaint", path.name
        assert outcome.action is Action.UNSUBSCRIBED, path.name
        assert outcome.email == email, path.name
        assert statuses(project.engine, email) == {"unsubscribed"}, path.name
        assert suppressions(project.engine, email) == {(None, "complaint")}, path.name
        assert delivery_of(project.engine, email, edition_id).bounce_kind == "complaint"
    assert how["address"] and how["message_id"] and how["token"]


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


def test_attribution_by_message_id_and_by_address(project: Project) -> None:
    people(project, ["a@stadt.example", "b@stadt.example"])
    first = edition(project, "2021-01", days_ago=30)
    second = edition(project, "2021-02")
    with read_session(project.engine) as session:
        nonce = session.get(Edition, first).nonce  # type: ignore[union-attr]
    a_first = delivery_of(project.engine, "a@stadt.example", first).id
    by_id = dsn("info@isa-portal.de", "a@stadt.example", "5.1.1", "550 5.1.1 user unknown")
    by_id = by_id.replace(
        b"Ihre Nachricht", f"Message-ID: <{nonce}.{a_first}@isa-portal.de>\n\nIhre".encode()
    )
    by_address = dsn("info@isa-portal.de", "b@stadt.example", "5.1.1", "550 5.1.1 unknown")
    outcomes = process_mailbox(project.engine, project.settings, mails(by_id, by_address)).outcomes
    assert [(o.attributed_by, o.issue) for o in outcomes] == [
        ("message_id", "2021-01"),
        ("address", "2021-02"),  # the most recent delivery to that address
    ]
    assert delivery_of(project.engine, "a@stadt.example", first).status == "bounced"
    assert delivery_of(project.engine, "b@stadt.example", second).status == "bounced"
    assert delivery_of(project.engine, "b@stadt.example", first).status == "sent"


def test_forged_token_and_foreign_message_id_attribute_nothing(project: Project) -> None:
    people(project, ["a@stadt.example"])
    edition_id = edition(project, "2021-03")
    delivery_id = delivery_of(project.engine, "a@stadt.example", edition_id).id
    forged = dsn(
        verp(project, delivery_id, "another-secret"),
        "nobody@elsewhere.example",
        "5.1.1",
        "550 5.1.1 user unknown",
    )
    outcome = process_mailbox(project.engine, project.settings, mails(forged)).outcomes[0]
    assert outcome.action is Action.UNATTRIBUTED
    assert delivery_of(project.engine, "a@stadt.example", edition_id).status == "sent"


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
    assert "Richtlinie" in result.stdout and "Achtung" in result.stderr
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


@pytest.mark.parametrize("name", ["arf-01.eml"])
def test_mbox_reader_feeds_the_processor(project: Project, tmp_path: Path, name: str) -> None:
    people(project, ["redacted@example.net"])
    edition(project, "2023-02")
    path = tmp_path / "returned.mbox"
    box = mailbox.mbox(path)
    box.add((CORPUS / "bounces" / name).read_bytes())
    box.close()
    result = Cli(project.directory)("bounces", "process", "--mbox", str(path))
    assert result.exit_code == 0, result.output
    assert statuses(project.engine, "redacted@example.net") == {"unsubscribed"}
    with read_session(project.engine) as session:
        session.execute(update(Delivery).values(status="sent"))


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
    emails = [f"{name}@stadt.example" for name in ("token", "msgid", "klage", "voll", "dmarc")]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2024-06")
    ids = {e: delivery_of(project.engine, e, edition_id).id for e in emails}
    with read_session(project.engine) as session:
        nonce = session.get(Edition, edition_id).nonce  # type: ignore[union-attr]
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
                "source": "info@isa-portal.de",
                "messageId": "0100018c-ses-000000",
                "commonHeaders": {"messageId": f"<{nonce}.{ids[emails[1]]}@isa-portal.de>"},
            },
        }
    )
    # the corpus' complaint, about one of our subscribers: attributed by the address
    by_address = (corpus / "lhost-amazonses-11.eml").read_bytes()
    by_address = by_address.replace(b"complaint@simulator.amazonses.com", emails[2].encode())
    soft = ses_mail(
        {
            "notificationType": "Bounce",
            "bounce": {
                "bounceType": "Transient",
                "bounceSubType": "MailboxFull",
                "bouncedRecipients": [{"emailAddress": emails[3], "status": "4.2.2"}],
            },
            "mail": {"source": "info@isa-portal.de"},
        }
    )
    auth_failure = ses_mail(
        {
            "notificationType": "Complaint",
            "complaint": {
                "complainedRecipients": [{"emailAddress": emails[4]}],
                "complaintFeedbackType": "auth-failure",
            },
            "mail": {"source": "info@isa-portal.de"},
        }
    )
    report = process_mailbox(
        project.engine,
        project.settings,
        mails(by_token, by_message_id, by_address, soft, auth_failure),
    )
    assert [(o.kind, o.action, o.attributed_by, o.email) for o in report.outcomes] == [
        ("hard", Action.SUPPRESSED, "token", emails[0]),
        ("hard", Action.SUPPRESSED, "message_id", emails[1]),
        ("complaint", Action.UNSUBSCRIBED, "address", emails[2]),
        ("soft", Action.COUNTED, "address", emails[3]),
        ("policy", Action.REPORTED, "address", emails[4]),
    ]
    expected = [
        ({"bounced"}, {(None, "bounced")}, ("bounced", "hard")),
        ({"bounced"}, {(None, "bounced")}, ("bounced", "hard")),
        ({"unsubscribed"}, {(None, "complaint")}, ("sent", "complaint")),
        ({"confirmed"}, set(), ("sent", "soft")),
        ({"confirmed"}, set(), ("sent", None)),  # about our DMARC setup, not the delivery
    ]
    for email, (subscriptions, suppressed, delivery) in zip(emails, expected, strict=True):
        row = delivery_of(project.engine, email, edition_id)
        assert statuses(project.engine, email) == subscriptions, email
        assert suppressions(project.engine, email) == suppressed, email
        assert (row.status, row.bounce_kind) == delivery, email
    assert len(report.policy_alerts) == 1
