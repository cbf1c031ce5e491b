"""What a proven report does to a subscriber, in the caller's transaction.

* **hard** (or soft past the threshold): every subscription ``bounced``, the address
  suppressed on all lists;
* **complaint**: every subscription ended, the address suppressed on all lists with the
  reason ``complaint``, and a ``complaint`` consent event recorded *whatever the earlier
  state*: after an unsubscribe from all lists, a single-list unsubscribe or a bounce the
  complaint is still a fact, and it outweighs those reasons (``audience.subscribers``
  keeps the strongest), so a later web signup sends no mail. Only staff lift it
  (``lift_complaint``), with a note saying on what the person's word was given.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select
from sqlmodel import Session, col
from sqlmodel import select as select_rows

from isamail.audience.addresses import address_hash
from isamail.audience.subscribers import record_consent, require_subscriber, unsubscribe_in
from isamail.bounces.classify import BounceKind
from isamail.db.engine import unit_of_work
from isamail.db.models import (
    ConsentKind,
    Delivery,
    Subscriber,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
)
from isamail.errors import IsamailError


def suppress_bounced(session: Session, subscriber: Subscriber, *, source: str) -> list[str]:
    """Hard bounce: ends every subscription as ``bounced``; returns the lists left."""
    return unsubscribe_in(
        session,
        subscriber,
        None,
        source=source,
        status=SubscriptionStatus.BOUNCED,
        kind=ConsentKind.BOUNCED,
        reason=SuppressionReason.BOUNCED,
    )


def complain(session: Session, subscriber: Subscriber, *, source: str, note: str) -> list[str]:
    """Complaint: ends every subscription and suppresses the address for good; returns
    the lists left (empty when the person had left them all before)."""
    assert subscriber.id is not None
    left = unsubscribe_in(
        session,
        subscriber,
        None,
        source=source,
        kind=ConsentKind.COMPLAINT,
        reason=SuppressionReason.COMPLAINT,
    )
    if not left:
        # nothing left to end, but the complaint itself is recorded all the same
        record_consent(session, subscriber.id, ConsentKind.COMPLAINT, source=source, note=note)
    return left


def soft_limit_reached(
    session: Session, subscriber_id: int, *, limit: int, span: timedelta
) -> bool:
    """Soft bounces on ``limit`` editions whose sends lie more than ``span`` apart (a full
    mailbox that stays full), as opposed to one bad week."""
    session.flush()
    rows = session.execute(
        select(Delivery.edition_id, Delivery.sent_at, Delivery.created_at).where(  # type: ignore[call-overload]
            col(Delivery.subscriber_id) == subscriber_id,
            col(Delivery.bounce_kind) == BounceKind.SOFT.value,
        )
    ).all()
    if len({edition_id for edition_id, _, _ in rows}) < limit:
        return False
    times: list[datetime] = [sent or created for _, sent, created in rows]
    return max(times) - min(times) > span


@dataclass(frozen=True)
class LiftedComplaint:
    email: str
    lifted: bool  # False: there was no complaint to lift


def lift_complaint(
    engine: Engine, email: str, *, note: str, source: str = "cli"
) -> LiftedComplaint:
    """Lifts the complaint suppression of an address on the person's own word (``note``
    says when and how it was given). The subscriptions stay ended: the person signs up
    again and confirms (double opt-in), which lifts the remaining unsubscribe."""
    note = " ".join(note.split())
    if not note:
        raise IsamailError(
            "Bitte mit --consent-note festhalten, wann und wie die Person darum gebeten hat."
        )
    with unit_of_work(engine) as session:
        subscriber = require_subscriber(session, email)
        assert subscriber.id is not None and subscriber.email is not None
        rows = session.exec(
            select_rows(Suppression).where(
                Suppression.email_hash == address_hash(subscriber.email),
                Suppression.reason == SuppressionReason.COMPLAINT,
            )
        ).all()
        for row in rows:
            row.reason = SuppressionReason.UNSUBSCRIBED
        if rows:
            record_consent(
                session, subscriber.id, ConsentKind.COMPLAINT_LIFTED, source=source, note=note
            )
        return LiftedComplaint(subscriber.email, bool(rows))
