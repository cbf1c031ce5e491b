"""The database tables, and nothing else: no queries, no commits.

Times are aware UTC datetimes (``utcnow()``), stored the same on SQLite and PostgreSQL.
A person (``Subscriber``) is separate from their membership in a list
(``Subscription``); consent is an append-only log (``ConsentEvent``) so that
every double opt-in can be proven (BGH I ZR 164/09).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class SubscriberState(StrEnum):
    ACTIVE = "active"
    BLOCKLISTED = "blocklisted"
    FORGOTTEN = "forgotten"


class SubscriptionStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"


class SuppressionReason(StrEnum):
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINT = "complaint"
    FORGOTTEN = "forgotten"
    BLOCKLISTED = "blocklisted"


class ConsentKind(StrEnum):
    SIGNUP = "signup"  # asked to be subscribed (form, add): not yet consent
    CONFIRMED = "confirmed"  # clicked the confirmation link: double opt-in complete
    IMPORTED = "imported"  # imported as pending
    IMPORTED_CONFIRMED = "imported_confirmed"  # consent given elsewhere, recorded on import
    ADDED_CONFIRMED = "added_confirmed"  # added by staff with --confirmed
    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINT = "complaint"
    PENDING_EXPIRED = "pending_expired"
    FORGOTTEN = "forgotten"


class Subscriber(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    # the address as written, domain lower-cased; NULL once forgotten
    email: str | None = Field(default=None, max_length=320)
    # lower-cased address, for matching "A@B.example" with "a@b.example"; NULL once forgotten
    email_key: str | None = Field(default=None, max_length=320, unique=True)
    name: str = Field(default="", max_length=300)
    language: str = Field(default="de", max_length=8)
    organisation: str = Field(default="", max_length=300)
    city: str = Field(default="", max_length=200)
    country: str = Field(default="", max_length=8)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=SubscriberState.ACTIVE, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MailingList(SQLModel, table=True):
    __tablename__ = "mailing_list"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    title: str = Field(default="", max_length=300)
    private: bool = Field(default=False)
    language: str = Field(default="de", max_length=8)
    created_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("subscriber_id", "list_id"),
        Index("ix_subscription_list_status", "list_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", ondelete="CASCADE")
    list_id: int = Field(foreign_key="mailing_list.id", ondelete="CASCADE")
    status: str = Field(default=SubscriptionStatus.PENDING, max_length=16)
    created_at: datetime = Field(default_factory=utcnow)
    confirmed_at: datetime | None = None
    unsubscribed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class ConsentEvent(SQLModel, table=True):
    """Append-only: rows are inserted, never updated or deleted (forget keeps the facts)."""

    __tablename__ = "consent_event"

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    list_id: int | None = Field(default=None, foreign_key="mailing_list.id")
    kind: str = Field(max_length=32)
    at: datetime = Field(default_factory=utcnow)
    source: str = Field(default="", max_length=100)  # cli, import:FILE, web, bounce, ...
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
    consent_text_version: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=2000)


class Suppression(SQLModel, table=True):
    """Addresses that no import or send may mail again. Keyed by a hash of the lower-cased
    address, so that a forgotten address leaves nothing readable behind."""

    __table_args__ = (UniqueConstraint("email_hash", "list_id", name="uq_suppression_hash_list"),)

    id: int | None = Field(default=None, primary_key=True)
    email_hash: str = Field(max_length=64, index=True)
    # NULL: every list
    list_id: int | None = Field(default=None, foreign_key="mailing_list.id", ondelete="CASCADE")
    reason: str = Field(max_length=16)
    created_at: datetime = Field(default_factory=utcnow)


class ConfirmToken(SQLModel, table=True):
    """A double opt-in token, stored only as its hash; single use, short-lived."""

    __tablename__ = "confirm_token"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    subscription_id: int = Field(foreign_key="subscription.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
