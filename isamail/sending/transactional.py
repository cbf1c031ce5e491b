"""Transactional mail (double opt-in confirmations, welcome mails): one message to one
person, queued as an ``OutgoingMail`` row and sent by the same engine as the newsletter
(the same connections, retry policy, addressing and gate; every attempt on the row).

``queue_mail`` takes the caller's session, so that a confirmation mail exists if and
only if the signup that asked for it was committed. ``deliver_due`` is the one path
that sends those rows, for the CLI (right after ``subscribers add``), the web app's
background thread and the worker. Rows are claimed in one short transaction by
pushing their ``next_attempt_at`` a lease into the future (a second sender skips
them; a crashed one's claim becomes due again after it), sent, and the outcomes
written in one more short transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import Session, col, select

from isamail.compose.message import build_simple_message, needs_smtputf8
from isamail.config import Settings
from isamail.db.engine import is_sqlite, read_session, unit_of_work
from isamail.db.models import DeliveryStatus, OutgoingMail, OutgoingMailStatus, utcnow
from isamail.errors import SmtpError
from isamail.sending import gate, relay
from isamail.sending.addressing import TRANSACTIONAL, Addressing
from isamail.sending.deliveries import Result
from isamail.sending.engine import DeliveryEngine, Item, Unjournalled, retry_later
from isamail.transport.protocol import Transaction, dot_stuffed
from isamail.transport.smtp import wire_address

CONFIRM = "confirm"
WELCOME = "welcome"
LEASE = timedelta(minutes=5)  # a crashed sender's claim becomes due again after this
MAX_ATTEMPTS = 8  # about four hours of retries: a confirmation mail later is useless


@dataclass
class DeliverySummary:
    sent: int = 0
    failed: int = 0  # permanently
    deferred: int = 0  # temporary trouble: retried later
    skipped: int = 0  # the gate held it back (the person complained, was blocked)
    errors: list[str] = field(default_factory=list)
    failures: list[SmtpError] = field(default_factory=list)  # the relay's, as raised

    @property
    def attempted(self) -> int:
        return self.sent + self.failed + self.deferred


def queue_mail(
    session: Session,
    settings: Settings,
    *,
    kind: str,
    subscriber_id: int | None,
    recipient: str,
    subject: str,
    text: str,
    html: str | None,
) -> OutgoingMail:
    """Adds a mail to the outbox within the caller's transaction."""
    row = OutgoingMail(kind=kind, subscriber_id=subscriber_id, recipient=recipient, message=b"")
    session.add(row)
    session.flush()  # its id names it in the Message-ID
    assert row.id is not None
    row.message = build_simple_message(
        subject=subject,
        text=text,
        html=html,
        to=recipient,
        from_=settings.from_address,
        message_id=Addressing.from_settings(settings).message_id(TRANSACTIONAL, row.id),
    )
    return row


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


class OutboxSource(Unjournalled):
    """The engine's work: due rows of the outbox."""

    def __init__(
        self,
        engine: Engine,
        addressing: Addressing,
        limit: int,
        now: datetime | None = None,
        kinds: Collection[str] | None = None,
    ) -> None:
        self.engine = engine
        self.kinds = kinds  # None: every kind
        self.addressing = addressing
        self.limit = limit
        self.now = now  # the clock for what is due (tests move it forward)
        self.held: set[int] = set()  # claimed by this run, not yet recorded
        self.summary = DeliverySummary()

    def claim(self, limit: int, not_after: datetime) -> list[Item]:
        now = self.now or utcnow()
        not_after = max(not_after, now)
        due = (
            select(OutgoingMail)
            .where(
                OutgoingMail.status == OutgoingMailStatus.QUEUED,
                or_(
                    col(OutgoingMail.next_attempt_at).is_(None),
                    col(OutgoingMail.next_attempt_at) <= min(now, not_after),
                ),
            )
            .order_by(col(OutgoingMail.id))
            .limit(min(limit, self.limit))
        )
        if self.kinds is not None:
            due = due.where(col(OutgoingMail.kind).in_(self.kinds))
        with unit_of_work(self.engine) as session:
            if not is_sqlite(self.engine):
                due = due.with_for_update(skip_locked=True)
            rows = list(session.exec(due).all())
            if rows:
                session.execute(
                    update(OutgoingMail)
                    .where(col(OutgoingMail.id).in_([r.id for r in rows]))
                    .values(next_attempt_at=now + LEASE)
                )
        self.limit -= len(rows)
        self.held.update(int(r.id or 0) for r in rows)
        return [Item(int(r.id or 0), r.recipient, r.attempts, r.message) for r in rows]

    def blocked(self, keys: Collection[int]) -> Mapping[int, str]:
        return gate.blocked_transactional(self.engine, keys)

    def build(self, item: Item) -> Transaction:
        utf8 = needs_smtputf8(item.email)
        return Transaction(
            item.key,
            self.addressing.transactional_envelope_from(item.key),
            wire_address(item.email),
            dot_stuffed(item.data),
            smtputf8=utf8,
            eight_bit=utf8 or not item.data.isascii(),
        )

    def record(self, results: Sequence[Result]) -> None:
        now = utcnow()
        summary = self.summary
        with unit_of_work(self.engine) as session:
            for result in results:
                self.held.discard(result.delivery_id)
                row = session.get(OutgoingMail, result.delivery_id)
                if row is None:  # purged or erased meanwhile
                    continue
                if result.status == DeliveryStatus.SKIPPED:
                    row.status, row.next_attempt_at = OutgoingMailStatus.SKIPPED, None
                    row.last_reply = result.reply
                    summary.skipped += 1
                    continue
                row.attempts += 1
                row.last_code, row.last_reply = result.code, result.reply[:500]
                if result.status == DeliveryStatus.SENT:
                    row.status, row.sent_at, row.next_attempt_at = (
                        OutgoingMailStatus.SENT,
                        now,
                        None,
                    )
                    summary.sent += 1
                elif result.status == DeliveryStatus.FAILED or row.attempts >= MAX_ATTEMPTS:
                    row.status, row.next_attempt_at = OutgoingMailStatus.FAILED, None
                    summary.failed += 1
                else:
                    row.next_attempt_at = result.next_attempt_at or now + LEASE
                    summary.deferred += 1

    def next_due(self) -> datetime | None:
        return None  # retries wait for the next call: this one answers a signup

    def waiting(self) -> int:
        with read_session(self.engine) as session:
            rows = session.exec(
                select(col(OutgoingMail.id)).where(OutgoingMail.status == OutgoingMailStatus.QUEUED)
            ).all()
        return len(rows)

    def finish(self) -> None:
        """Claimed and never tried (the run stopped): due again at once."""
        if self.held:
            with unit_of_work(self.engine) as session:
                session.execute(
                    update(OutgoingMail)
                    .where(col(OutgoingMail.id).in_(sorted(self.held)))
                    .values(next_attempt_at=None)
                )
            self.held.clear()


def deliver_due(
    engine: Engine,
    settings: Settings,
    *,
    limit: int = 100,
    now: datetime | None = None,
    kinds: Collection[str] | None = None,
) -> DeliverySummary:
    """Sends queued mails that are due (at ``now``; only those of ``kinds`` if given);
    never raises for SMTP trouble (it is recorded on the rows, in ``failures`` as the
    error, and retried later)."""
    from isamail.sending.newsletter import engine_options

    if not settings["smtp_url"]:
        return DeliverySummary(
            errors=["smtp_url fehlt: Bestätigungsmails bleiben in der Warteschlange"]
        )
    source = OutboxSource(engine, Addressing.from_settings(settings), limit, now, kinds)
    if not _anything_due(engine, now or utcnow(), kinds):
        return source.summary
    connect = relay.connector(settings)
    options = engine_options(settings, connections=1, retry_window=0.0, limit=limit)
    try:
        first = connect()
    except SmtpError as exc:  # every due mail waits for its next attempt, as after a 4xx
        source.summary.errors.append(exc.message)
        source.summary.failures.append(exc)
        items = source.claim(limit, now or utcnow())
        source.record([retry_later(i, None, exc.message, options.first_retry) for i in items])
        return source.summary
    run = DeliveryEngine(
        source, connect, options, first_connection=first, describe_server=relay.describe(settings)
    )
    try:
        run.run()
    except SmtpError as exc:  # the relay refused the sender: recorded, retried later
        source.summary.errors.append(exc.message)
        source.summary.failures.append(exc)
    return source.summary


def _anything_due(engine: Engine, now: datetime, kinds: Collection[str] | None) -> bool:
    query = select(col(OutgoingMail.id)).where(
        OutgoingMail.status == OutgoingMailStatus.QUEUED,
        or_(
            col(OutgoingMail.next_attempt_at).is_(None),
            col(OutgoingMail.next_attempt_at) <= now,
        ),
    )
    if kinds is not None:
        query = query.where(col(OutgoingMail.kind).in_(kinds))
    with read_session(engine) as session:
        return session.exec(query.limit(1)).first() is not None
