"""Transactional mail (double opt-in confirmations): queued as ``OutgoingMail`` rows,
delivered through the one SMTP transport, every attempt recorded on the row.

``queue_mail`` takes the caller's session, so that a confirmation mail exists if and
only if the signup that asked for it was committed. ``deliver_due`` is the one path
that sends those rows, for the CLI (right after ``subscribers add``) and for the web
app (its background worker, woken after each signup). No transaction is open while
talking to the server: rows are claimed in one short transaction by pushing their
``next_attempt_at`` a lease into the future (so a second worker skips them), sent,
and the outcomes written in one more short transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from isamail.config import Settings
from isamail.db.engine import is_sqlite, unit_of_work
from isamail.db.models import OutgoingMail, OutgoingMailStatus, utcnow
from isamail.deliverability.relay import relay_endpoint
from isamail.errors import SmtpError
from isamail.transport.smtp import SendOutcome, open_connection

CONFIRM = "confirm"
LEASE = timedelta(minutes=5)  # a crashed worker's claim becomes due again after this
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 8  # ~4 hours of retries: a confirmation mail later than that is useless


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0  # permanently
    deferred: int = 0  # temporary trouble: retried later
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.deferred


def queue_mail(
    session: Session, *, kind: str, subscriber_id: int | None, recipient: str, message: bytes
) -> OutgoingMail:
    """Adds a mail to the outbox within the caller's transaction."""
    row = OutgoingMail(kind=kind, subscriber_id=subscriber_id, recipient=recipient, message=message)
    session.add(row)
    return row


def message_domain(settings: Settings) -> str:
    return parseaddr(settings.from_address)[1].rpartition("@")[2] or "localhost"


def envelope_sender(settings: Settings) -> str:
    """Bounces of confirmation mails go where the newsletter's bounces go."""
    return parseaddr(settings["bounce_address"] or settings.from_address)[1]


def unique_id() -> str:
    return f"confirm.{secrets.token_hex(10)}"


def deliver_due(
    engine: Engine, settings: Settings, *, limit: int = 100, now: datetime | None = None
) -> DeliverySummary:
    """Sends queued mails that are due, over one connection; never raises for SMTP
    trouble (it is recorded on the rows and retried later)."""
    summary = DeliverySummary()
    if not settings["smtp_url"]:
        summary.errors.append("smtp_url fehlt: Bestätigungsmails bleiben in der Warteschlange")
        return summary
    claimed = _claim(engine, limit, now or utcnow())
    if not claimed:
        return summary
    outcomes: dict[int, SendOutcome] = {}
    try:
        connection = open_connection(
            relay_endpoint(settings),
            timeout=settings["smtp.timeout"],
            verify_tls=settings["smtp.verify_tls"],
            ca_file=settings["smtp.ca_file"] or None,
        )
    except SmtpError as exc:
        summary.errors.append(exc.message)
        outcomes = {row.id or 0: SendOutcome("temporary", None, exc.message) for row in claimed}
    else:
        with connection:
            sender = envelope_sender(settings)
            for row in claimed:
                if not connection.alive:
                    outcomes[row.id or 0] = SendOutcome("connection_lost", None, "Verbindung weg")
                    continue
                outcomes[row.id or 0] = connection.send(sender, row.recipient, row.message)
    _record(engine, claimed, outcomes, summary)
    return summary


def _claim(engine: Engine, limit: int, now: datetime) -> list[OutgoingMail]:
    due = (
        select(OutgoingMail)
        .where(
            OutgoingMail.status == OutgoingMailStatus.QUEUED,
            or_(
                col(OutgoingMail.next_attempt_at).is_(None),
                col(OutgoingMail.next_attempt_at) <= now,
            ),
        )
        .order_by(col(OutgoingMail.id))
        .limit(limit)
    )
    with unit_of_work(engine) as session:
        if not is_sqlite(engine):
            due = due.with_for_update(skip_locked=True)
        rows = list(session.exec(due).all())
        if rows:
            session.execute(
                update(OutgoingMail)
                .where(col(OutgoingMail.id).in_([r.id for r in rows]))
                .values(next_attempt_at=now + LEASE)
            )
        return rows


def _record(
    engine: Engine,
    claimed: list[OutgoingMail],
    outcomes: dict[int, SendOutcome],
    summary: DeliverySummary,
) -> None:
    now = utcnow()
    with unit_of_work(engine) as session:
        for claimed_row in claimed:
            row = session.get(OutgoingMail, claimed_row.id)
            if row is None:  # purged meanwhile
                continue
            outcome = outcomes[row.id or 0]
            row.attempts += 1
            row.last_code = outcome.code
            row.last_reply = outcome.text[:500]
            if outcome.ok:
                row.status, row.sent_at, row.next_attempt_at = OutgoingMailStatus.SENT, now, None
                summary.sent += 1
            elif outcome.status == "permanent" or row.attempts >= MAX_ATTEMPTS:
                row.status, row.next_attempt_at = OutgoingMailStatus.FAILED, None
                summary.failed += 1
            else:
                row.next_attempt_at = now + min(FIRST_RETRY * 2 ** (row.attempts - 1), MAX_RETRY)
                summary.deferred += 1


def sent_recently(session: Session, subscriber_id: int, kind: str, since: datetime) -> int:
    """How many mails of ``kind`` were queued for the subscriber since ``since``."""
    rows = session.exec(
        select(col(OutgoingMail.id)).where(
            OutgoingMail.subscriber_id == subscriber_id,
            OutgoingMail.kind == kind,
            col(OutgoingMail.created_at) >= since,
        )
    ).all()
    return len(rows)
