"""The database tables, and nothing else: no queries, no commits.

Times are aware UTC datetimes (``utcnow()``), stored the same on SQLite and PostgreSQL.
A person (``Subscriber``) is separate from their membership in a list
(``Subscription``); consent is an append-only log (``ConsentEvent``) so that
every double opt-in can be proven (BGH I ZR 164/09).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, cast

from sqlalchemy import JSON, Column, Index, LargeBinary, Table, Text, UniqueConstraint, text
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
    COMPLAINT_LIFTED = "complaint_lifted"  # staff, on the person's word (note says how)
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
    # set when the retention period erased the person (not on a request to be forgotten):
    # the address hash that finds their consent record while it must be kept, then NULL
    consent_proof_hash: str | None = Field(default=None, max_length=64, index=True)


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


class ConsentText(SQLModel, table=True):
    """The wording a person agreed to, by version and language, as the signup form showed
    it; a consent event points to it, so the proof shows what they saw. Never changed or
    deleted: a new wording is a new row (the digest tells a changed text under an old
    version apart)."""

    __tablename__ = "consent_text"
    __table_args__ = (UniqueConstraint("version", "language", "digest"),)

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=64)
    language: str = Field(max_length=8)
    text: str = Field(sa_column=Column(Text, nullable=False))
    digest: str = Field(max_length=64)  # sha256 of the text
    created_at: datetime = Field(default_factory=utcnow)


class ConsentEvent(SQLModel, table=True):
    """Append-only: rows are inserted, never updated or deleted (forget keeps the facts)."""

    __tablename__ = "consent_event"
    __table_args__ = (
        # `isamail report` counts the recipients who left since an edition went out: only
        # these few rows are indexed, so imports (which log consent) pay nothing for it
        # (migration 0006; the report's query repeats the condition word for word, which
        # SQLite needs to use a partial index)
        Index(
            "ix_consent_event_left",
            "subscriber_id",
            "at",
            sqlite_where=text("kind IN ('unsubscribed', 'complaint')"),
            postgresql_where=text("kind IN ('unsubscribed', 'complaint')"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    subscriber_id: int = Field(foreign_key="subscriber.id", index=True)
    list_id: int | None = Field(default=None, foreign_key="mailing_list.id")
    kind: str = Field(max_length=32)
    at: datetime = Field(default_factory=utcnow)
    source: str = Field(default="", max_length=100)  # cli, import:FILE, web, bounce, ...
    ip: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=500)
    consent_text_version: str | None = Field(default=None, max_length=64)
    consent_text_id: int | None = Field(default=None, foreign_key="consent_text.id")
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


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting, or waiting for a retry (next_attempt_at)
    SENDING = "sending"  # claimed by a run
    SENT = "sent"
    FAILED = "failed"  # permanently
    BOUNCED = "bounced"
    # not sent: the recipient left, was erased or suppressed before it went out (the gate)
    SKIPPED = "skipped"


class SkipReason(StrEnum):
    """Why the gate held a delivery back (``Delivery.skip_reason``)."""

    UNSUBSCRIBED = "unsubscribed"
    BOUNCED = "bounced"
    COMPLAINT = "complaint"
    ERASED = "erased"
    BLOCKLISTED = "blocklisted"
    NOT_CONFIRMED = "not_confirmed"


class Edition(SQLModel, table=True):
    """An issue frozen for sending: what every recipient gets, whatever happens to the
    sources afterwards. One per issue; later sends of the issue reuse it."""

    id: int | None = Field(default=None, primary_key=True)
    issue: str = Field(max_length=100, unique=True)
    title: str = Field(max_length=300)
    subject: str = Field(max_length=300)
    preheader: str = Field(default="", max_length=500)
    language: str = Field(default="de", max_length=8)
    html: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    source_hash: str = Field(max_length=64)
    nonce: str = Field(max_length=32)  # makes Message-IDs unique across databases
    created_at: datetime = Field(default_factory=utcnow)


class Delivery(SQLModel, table=True):
    """One recipient of one edition. Holds no address: a forgotten subscriber leaves only
    the fact that something was sent."""

    __table_args__ = (
        UniqueConstraint("edition_id", "subscriber_id"),
        # claims take the due deliveries of an edition in id order: the index gives that
        # order without sorting every queued row (PostgreSQL sorted them on each claim)
        Index("ix_delivery_claim", "edition_id", "status", "id"),
        # `isamail report` reads only these two (migration 0004): counts by state, bounce
        # kind, list and duplicate flag plus the join to subscribers for recipient domains;
        # sends over time
        Index(
            "ix_delivery_report",
            "edition_id",
            "status",
            "bounce_kind",
            "list_id",
            "possibly_duplicate",
            "subscriber_id",
        ),
        Index("ix_delivery_edition_sent", "edition_id", "sent_at"),
        # the lists an edition went to, found by hopping from one list_id to the next
        # instead of reading every delivery, and its possibly duplicated ones (migration 0006)
        Index("ix_delivery_duplicate_list", "edition_id", "possibly_duplicate", "list_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    edition_id: int = Field(foreign_key="edition.id", ondelete="CASCADE")
    subscriber_id: int = Field(foreign_key="subscriber.id", ondelete="CASCADE", index=True)
    subscription_id: int | None = Field(
        default=None, foreign_key="subscription.id", ondelete="SET NULL"
    )
    list_id: int | None = Field(default=None, foreign_key="mailing_list.id", ondelete="SET NULL")
    status: str = Field(default=DeliveryStatus.QUEUED, max_length=16)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = None
    last_code: int | None = None
    last_reply: str = Field(default="", max_length=500)
    run_id: str | None = Field(default=None, max_length=32, index=True)
    possibly_duplicate: bool = Field(default=False)
    bounce_kind: str | None = Field(default=None, max_length=16)
    skip_reason: str | None = Field(default=None, max_length=16)  # SkipReason, when skipped
    # the relay's own id for the message, from its reply to DATA ("250 Ok <id>"): some
    # relays (Amazon SES) name the message by it in their bounce and complaint reports
    relay_id: str | None = Field(default=None, max_length=200, index=True)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class SendRun(SQLModel, table=True):
    """One `isamail send` process. Its heartbeat tells other runs whether the deliveries it
    claimed are still being worked on or were left behind by a crash."""

    __tablename__ = "send_run"

    id: str = Field(primary_key=True, max_length=32)
    edition_id: int = Field(foreign_key="edition.id", ondelete="CASCADE")
    host: str = Field(max_length=200)
    pid: int
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class BounceReview(StrEnum):
    """What staff still have to do about a report (``Bounce.review``)."""

    NONE = ""  # nothing: it acted (proven), or there is nothing to act on
    OPEN = "open"  # a hard bounce or complaint that proved nothing: listed for staff
    APPLIED = "applied"  # staff acted on the addresses it names (`bounces apply`)
    DISMISSED = "dismissed"  # staff looked and left it (`bounces dismiss`)


class Bounce(SQLModel, table=True):
    """One returned message as processed; the digest makes processing a mailbox twice a no-op."""

    __table_args__ = (Index("ix_bounce_review", "review", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    # sha256 over what stays the same however the message was fetched (bounces.process);
    # rows written before 0009 hold the sha256 of the raw bytes
    digest: str = Field(max_length=64, unique=True)
    source: str = Field(default="", max_length=300)  # mailbox key, for the operator
    kind: str = Field(max_length=16)  # hard, soft, policy, complaint, autoreply, not_bounce
    delivery_id: int | None = Field(
        default=None, foreign_key="delivery.id", ondelete="SET NULL", index=True
    )
    subscriber_id: int | None = Field(
        default=None, foreign_key="subscriber.id", ondelete="SET NULL", index=True
    )
    status: str = Field(default="", max_length=16)  # e.g. 5.1.1
    summary: str = Field(default="", max_length=500)
    # how the report proved which mail it is about (token, message_id, unsubscribe_token,
    # relay_id; staff for `bounces apply`); NULL: it proved nothing and changed nothing
    proof: str | None = Field(default=None, max_length=20)
    action: str = Field(default="", max_length=16)  # what it caused (bounces.process.Action)
    # the addresses the report names, one per line: for staff, never used to attribute
    addresses: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    reporter: str = Field(default="", max_length=200)
    review: str = Field(default=BounceReview.NONE, max_length=16)
    reviewed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


class OutgoingMailStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"  # the gate held it back


class OutgoingMail(SQLModel, table=True):
    """A single transactional mail (double opt-in confirmation, …), queued and sent through
    the same transport as the newsletter so that every attempt is recorded."""

    __tablename__ = "outgoing_mail"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)  # "confirm", "welcome"
    subscriber_id: int | None = Field(
        default=None, foreign_key="subscriber.id", ondelete="CASCADE", index=True
    )
    recipient: str = Field(max_length=320)
    message: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    status: str = Field(default=OutgoingMailStatus.QUEUED, max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = None
    last_code: int | None = None
    last_reply: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class ArchiveChoice(SQLModel, table=True):
    """An edition taken out of the public web archive (`isamail archive hide`) or put back
    (`show`). Without a row, the issue's ``archive`` key in issue.toml decides. Keyed by
    the issue's name, so a choice made before the issue is sent holds when it is."""

    __tablename__ = "archive_choice"

    id: int | None = Field(default=None, primary_key=True)
    issue: str = Field(max_length=100, unique=True)
    listed: bool
    changed_at: datetime = Field(default_factory=utcnow)


class Worker(SQLModel, table=True):
    """One `isamail worker` process (or `serve` running the worker's loop). Its heartbeat
    tells `isamail db upgrade|restore` and `report` whether it is alive."""

    id: str = Field(primary_key=True, max_length=32)
    host: str = Field(max_length=200)
    pid: int
    version: str = Field(max_length=32)
    started_at: datetime = Field(default_factory=utcnow)
    heartbeat_at: datetime = Field(default_factory=utcnow)
    stopped_at: datetime | None = None


class WorkerTask(SQLModel, table=True):
    """A task of the worker's loop, shared by every worker: whoever holds the lease runs
    it; when it is due again is kept here, so several workers run it once."""

    __tablename__ = "worker_task"

    name: str = Field(primary_key=True, max_length=64)
    due_at: datetime = Field(default_factory=utcnow)
    lease_holder: str | None = Field(default=None, max_length=32)  # a worker's id
    lease_until: datetime | None = None
    last_started_at: datetime | None = None
    last_finished_at: datetime | None = None
    last_summary: str = Field(default="", max_length=500)
    last_error: str = Field(default="", max_length=2000)
    runs: int = Field(default=0)
    failures: int = Field(default=0)  # in a row


class Alert(SQLModel, table=True):
    """Unattended work that failed, one row per kind: the office is mailed at most once
    per ``alerts.every``; `isamail report` shows the open ones."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=64, unique=True)
    message: str = Field(default="", max_length=2000)
    first_at: datetime = Field(default_factory=utcnow)
    last_at: datetime = Field(default_factory=utcnow)
    count: int = Field(default=1)
    mailed_at: datetime | None = None
    resolved_at: datetime | None = None


def table(model: type[SQLModel]) -> Table:
    """The model's Core table, for bulk statements that skip the ORM's per-row work."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]
