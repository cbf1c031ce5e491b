"""A small world for the bounce tests: lists, subscribers, editions, deliveries, and the
returned mail real servers and providers send about them (DSNs, ARF complaints), genuine
or forged."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage, Message

from sqlalchemy import Engine, insert, select
from sqlmodel import col

from isamail.audience.addresses import address_hash
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.bounces.inbox import ReturnedMail
from isamail.bounces.process import verp_local
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConsentEvent,
    Delivery,
    Edition,
    MailingList,
    Subscriber,
    Subscription,
    Suppression,
    utcnow,
)
from isamail.tokens import bounce_token, message_id_local, unsubscribe_token

DOMAIN = "isa-portal.de"


def people(project: Project, emails: list[str], lists: tuple[str, ...] = ("isa",)) -> None:
    for name in lists:
        with read_session(project.engine) as session:
            known = session.execute(select(MailingList.id).where(MailingList.name == name)).first()  # type: ignore[call-overload]
        if known is None:
            create_list(project.engine, name)
        for email in emails:
            add_subscriber(project.engine, email, name, confirmed=True)


def edition(project: Project, issue: str, *, days_ago: float = 0) -> int:
    """An edition sent to every subscriber (one delivery each, on their first list)."""
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
            .where(col(Subscription.status) == "confirmed")
            .order_by(col(Subscription.id))
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


def delivery_id(engine: Engine, email: str, edition_id: int) -> int:
    found = delivery_of(engine, email, edition_id).id
    assert found is not None
    return found


def subscription_id(engine: Engine, email: str, list_name: str = "isa") -> int:
    with read_session(engine) as session:
        found = session.execute(
            select(Subscription.id)  # type: ignore[call-overload]
            .join(Subscriber, col(Subscriber.id) == Subscription.subscriber_id)
            .join(MailingList, col(MailingList.id) == Subscription.list_id)
            .where(Subscriber.email_key == email.lower(), MailingList.name == list_name)
        ).scalar_one()
        return int(found)


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
    with read_session(engine) as session:
        return {
            (s.list_id, s.reason)
            for s in session.execute(
                select(Suppression).where(Suppression.email_hash == address_hash(email))
            ).scalars()
        }


def consent_kinds(engine: Engine, email: str) -> list[str]:
    with read_session(engine) as session:
        return list(
            session.execute(
                select(ConsentEvent.kind)  # type: ignore[call-overload]
                .join(Subscriber, col(Subscriber.id) == ConsentEvent.subscriber_id)
                .where(Subscriber.email_key == email.lower())
                .order_by(col(ConsentEvent.id))
            ).scalars()
        )


def verp(project: Project, delivery: int, secret: str | None = None) -> str:
    """The envelope sender `send` uses for that delivery."""
    token = bounce_token(secret or project.settings.secret_key, delivery)
    return f"{verp_local(project.settings)}+{token}@{DOMAIN}"


def nonce_of(project: Project, edition_id: int) -> str:
    with read_session(project.engine) as session:
        row = session.get(Edition, edition_id)
        assert row is not None
        return row.nonce


def message_id(project: Project, edition_id: int, delivery: int) -> str:
    """The Message-ID the send pipeline gives that delivery."""
    local = message_id_local(project.settings.secret_key, nonce_of(project, edition_id), delivery)
    return f"<{local}@{DOMAIN}>"


def with_token(raw: bytes, project: Project, delivery: int) -> bytes:
    """The sample as our bounce mailbox receives it: the MDA adds Delivered-To."""
    return with_delivered_to(raw, verp(project, delivery))


def with_delivered_to(raw: bytes, envelope_recipient: str) -> bytes:
    """``raw`` with the Delivered-To line an MDA adds on delivery to our mailbox."""
    header = f"Delivered-To: {envelope_recipient}\n"
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


def our_copy(
    project: Project,
    email: str,
    *,
    message_id: str | None = None,
    unsubscribe: int | None = None,
) -> EmailMessage:
    """A newsletter as the recipient got it: our Message-ID, List-Unsubscribe with the
    recipient's token, the unsubscribe link in the body."""
    copy = EmailMessage()
    copy["From"] = f"ISA-Newsletter <newsletter@{DOMAIN}>"
    copy["To"] = email
    copy["Subject"] = "ISA-Newsletter Juli 2021"
    copy["Message-ID"] = message_id or f"<unknown.1@{DOMAIN}>"
    link = ""
    if unsubscribe is not None:
        token = unsubscribe_token(project.settings.secret_key, unsubscribe)
        url = f"{project.settings.base_url}/u/{token}"
        copy["List-Unsubscribe"] = (
            f"<{url}>, <mailto:bounces@{DOMAIN}?subject=unsubscribe%20{token}>"
        )
        link = f"\nAbmelden: {url}\n"
    copy.set_content("Liebe Leserinnen und Leser,\n\ndie Städte der ISA …\n" + link)
    return copy


def arf(
    original: EmailMessage | None,
    *,
    rcpt_to: str | None = None,
    to: str = f"bounces@{DOMAIN}",
    sender: str = "Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>",
    headers_only: bool = False,
) -> bytes:
    """An ARF complaint (RFC 5965) embedding ``original`` (or its headers)."""
    report = EmailMessage()
    report["From"] = sender
    report["To"] = to
    report["Subject"] = "FW: ISA-Newsletter Juli 2021"
    report["Message-ID"] = f"<arf.{abs(hash((rcpt_to, to))) % 10**9}@arf.example>"
    report.set_content("This is an email abuse report for an email message received.\n")
    report.make_mixed()
    report.replace_header("Content-Type", 'multipart/report; report-type="feedback-report"')
    feedback = Message()
    feedback["Content-Type"] = "message/feedback-report"
    fields = "Feedback-Type: abuse\nUser-Agent: Yahoo!-Mail-Feedback/2.0\nVersion: 1\n"
    if rcpt_to is not None:
        fields += f"Original-Rcpt-To: {rcpt_to}\n"
    feedback.set_payload(fields)
    report.attach(feedback)
    if original is not None:
        part = Message()
        if headers_only:
            part["Content-Type"] = "text/rfc822-headers"
            part.set_payload("".join(f"{k}: {v}\n" for k, v in original.items()))
        else:
            part["Content-Type"] = "message/rfc822"
            part.set_payload([original])
        report.attach(part)
    return report.as_bytes()
