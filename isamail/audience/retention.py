"""Storage limitation (GDPR Art. 5(1)(e)): people who left are forgotten on time.

Two clocks, both counted from the moment a person left their last list (unsubscribed,
bounced, complained; the newest end of any of their subscriptions):

- after ``retention.left_days`` (default 30) their personal data is erased by the same
  code path as `isamail subscribers forget` (``forget_subscriber``): address, name,
  organisation, attributes, transactional mails, the address in stored server replies.
  The suppression hash stays, so an import can never mail them again; their consent
  record stays with the IP address and browser of signup and confirmation, and with the
  address hash that finds it, because it must be kept as proof;
- at the end of the year ``retention.consent_proof_years`` (default 3) after they left,
  that proof expires: IP address and browser leave the consent log and the hash leaves
  the row. What remains (what happened when, on which list) identifies nobody.

People with a pending signup are not "left": ``optin.purge_pending`` ends those. Each
run works in short transactions of at most ``BATCH`` people, so `serve` and `send` keep
going while it runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, exists, func
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col, select

from isamail.audience.subscribers import forget_subscriber, scrub_consent_events
from isamail.config import Settings
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    utcnow,
)

BATCH = 200
SOURCE = "retention"


@dataclass(frozen=True)
class RetentionPolicy:
    left_days: int
    consent_proof_years: int

    @classmethod
    def from_settings(cls, settings: Settings) -> RetentionPolicy:
        return cls(
            int(settings["retention.left_days"]), int(settings["retention.consent_proof_years"])
        )

    def erase_before(self, now: datetime) -> datetime:
        """People who left before this time are erased."""
        return now - timedelta(days=self.left_days)

    def proof_before(self, now: datetime) -> datetime:
        """Consent proofs of people who left before this time expire: kept to the end of
        the year ``consent_proof_years`` after leaving (§§ 195, 199 BGB)."""
        return datetime(now.year - self.consent_proof_years, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RetentionResult:
    erased: int  # people whose personal data was erased
    proofs_expired: int  # erased people whose consent proof (IP, browser, hash) expired
    dry_run: bool = False


def _left_at() -> ColumnElement[datetime]:
    """When the person left: the newest end of their subscriptions (the row's last change
    for someone without any, e.g. after their list was deleted)."""
    ended = (
        select(func.max(func.coalesce(Subscription.unsubscribed_at, Subscription.updated_at)))
        .where(Subscription.subscriber_id == Subscriber.id)
        .scalar_subquery()
    )
    return func.coalesce(ended, Subscriber.updated_at)


def _still_subscribed() -> ColumnElement[bool]:
    return exists().where(
        col(Subscription.subscriber_id) == col(Subscriber.id),
        col(Subscription.status).in_([SubscriptionStatus.PENDING, SubscriptionStatus.CONFIRMED]),
    )


def due_for_erasure(session: Session, before: datetime, limit: int = BATCH) -> list[int]:
    """Subscribers who left every list before ``before`` and still have personal data."""
    return _ids(
        session.exec(
            select(col(Subscriber.id))
            .where(
                col(Subscriber.state) != SubscriberState.FORGOTTEN,
                ~_still_subscribed(),
                _left_at() < before,
            )
            .order_by(col(Subscriber.id))
            .limit(limit)
        ).all()
    )


def proofs_due(session: Session, before: datetime, limit: int = BATCH) -> list[int]:
    """Erased subscribers whose consent proof is kept and who left before ``before``."""
    return _ids(
        session.exec(
            select(col(Subscriber.id))
            .where(
                col(Subscriber.consent_proof_hash).is_not(None),
                ~_still_subscribed(),
                _left_at() < before,
            )
            .order_by(col(Subscriber.id))
            .limit(limit)
        ).all()
    )


def _ids(found: Sequence[int | None]) -> list[int]:
    return [i for i in found if i is not None]


def apply_retention(
    engine: Engine, policy: RetentionPolicy, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionResult:
    """Erases the people whose time is up and lets expired consent proofs go."""
    now = now or utcnow()
    if dry_run:
        with read_session(engine) as session:
            erased = len(due_for_erasure(session, policy.erase_before(now), limit=10**9))
            expired = len(proofs_due(session, policy.proof_before(now), limit=10**9))
        return RetentionResult(erased, expired, dry_run=True)
    note = f"Aufbewahrungsfrist: {policy.left_days} Tage nach der Abmeldung"
    erased = expired = 0
    while True:
        with unit_of_work(engine) as session:
            ids = due_for_erasure(session, policy.erase_before(now))
            for subscriber_id in ids:
                subscriber = session.get(Subscriber, subscriber_id)
                assert subscriber is not None
                forget_subscriber(
                    session, subscriber, source=SOURCE, note=note, keep_consent_proof=True
                )
        erased += len(ids)
        if len(ids) < BATCH:
            break
    while True:
        with unit_of_work(engine) as session:
            ids = proofs_due(session, policy.proof_before(now))
            for subscriber_id in ids:
                scrub_consent_events(session, subscriber_id)
                subscriber = session.get(Subscriber, subscriber_id)
                assert subscriber is not None
                subscriber.consent_proof_hash = None
        expired += len(ids)
        if len(ids) < BATCH:
            break
    return RetentionResult(erased, expired)
