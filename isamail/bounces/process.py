"""Applying returned mail to the database: who bounced, and what follows from it.

For each message, in one short transaction:

1. **Once only.** The sha256 of the raw bytes goes into ``Bounce.digest`` (unique) first;
   a message seen before, in this mailbox or another, changes nothing. Two processes on
   the same mailbox race on that unique key, and the loser backs off.
2. **Mailto unsubscribes.** ``List-Unsubscribe: <mailto:bounces@…?subject=unsubscribe
   TOKEN>`` lands in the bounce mailbox: its token names the subscription, and the one
   service behind web and one-click unsubscribes handles it.
3. **Attribution**, most trustworthy first: the VERP token of our envelope sender (an
   HMAC of the delivery id, so a forged or foreign bounce cannot name anyone), else the
   returned Message-ID ``<nonce.delivery_id@domain>`` with the edition's nonce, else each
   failed recipient address (its subscriber's most recent delivery).
4. **Actions** by class (see ``classify``):

   * hard: delivery ``bounced``; every subscription ``bounced``; the address suppressed
     on all lists (``SuppressionReason.BOUNCED``); a consent event per list left;
   * soft: counted on the delivery; an address with soft bounces on at least
     ``bounces.soft_limit`` editions whose sends lie more than ``bounces.soft_days`` days
     apart is treated as hard;
   * complaint (ARF, JMRP, Amazon SES, Apple's mail unsubscribe): unsubscribed from every
     list at once and suppressed (``COMPLAINT``) — except ``auth-failure`` reports, which
     are DMARC/SPF alerts about *our* setup and are reported like policy refusals;
   * policy: the delivery is ``bounced`` (the mail did not arrive) but the subscriber
     keeps their subscription: the refusal is about the sender, an alert for the operator;
   * auto-reply, not a bounce: recorded as seen, nothing else.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from enum import StrEnum

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from isamail import queue
from isamail.audience.subscribers import unsubscribe_by_token, unsubscribe_in
from isamail.bounces.classify import BounceKind, BounceReport, FailedRecipient, classify
from isamail.bounces.mailbox import ReturnedMail
from isamail.config import Settings
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Bounce,
    ConsentKind,
    Delivery,
    Edition,
    Subscriber,
    SubscriptionStatus,
    SuppressionReason,
)
from isamail.errors import NotFound
from isamail.tokens import read_bounce_token

# The kind stored for a mailto unsubscribe (not a BounceKind: nothing bounced).
UNSUBSCRIBE = "unsubscribe"

_MAILTO_SUBJECT = re.compile(r"^\s*unsubscribe\s+([0-9a-z]+-[0-9a-z]+)\s*$", re.IGNORECASE)
_OUR_MESSAGE_ID = re.compile(r"^<([0-9a-f]+)\.(\d+)@[^>]+>$")
_AUTH_FAILURE = re.compile(rb"^feedback-type:[ \t]*auth-failure", re.IGNORECASE | re.MULTILINE)


class Action(StrEnum):
    SUPPRESSED = "suppressed"  # hard bounce, or soft bounces past the threshold
    UNSUBSCRIBED = "unsubscribed"  # complaint or mailto unsubscribe
    COUNTED = "counted"  # soft bounce below the threshold
    REPORTED = "reported"  # policy refusal, DMARC/SPF failure report: for the operator
    IGNORED = "ignored"  # auto-reply, not a bounce, invalid unsubscribe token
    UNATTRIBUTED = "unattributed"  # a bounce that names no delivery or subscriber we know
    DUPLICATE = "duplicate"  # processed before


@dataclass(frozen=True)
class Outcome:
    """What one message was and what it caused."""

    key: str
    kind: str  # a BounceKind value, or "unsubscribe"
    action: Action
    summary: str
    email: str | None = None
    issue: str | None = None
    delivery_id: int | None = None
    attributed_by: str | None = None  # "token", "message_id", "address"
    status: str = ""
    reporter: str = ""


@dataclass
class ProcessReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def by_kind(self) -> Counter[str]:
        """New messages per class (duplicates are counted under ``duplicates``)."""
        return Counter(o.kind for o in self.outcomes if o.action is not Action.DUPLICATE)

    @property
    def by_action(self) -> Counter[str]:
        return Counter(o.action.value for o in self.outcomes)

    @property
    def duplicates(self) -> int:
        return self.by_action[Action.DUPLICATE]

    @property
    def policy_alerts(self) -> list[Outcome]:
        return [
            o for o in self.outcomes if o.kind == BounceKind.POLICY and o.action is Action.REPORTED
        ]

    def as_json(self) -> dict[str, object]:
        return {
            "processed": len(self.outcomes) - self.duplicates,
            "duplicates": self.duplicates,
            "by_kind": dict(sorted(self.by_kind.items())),
            "by_action": dict(sorted(self.by_action.items())),
            "messages": [
                {
                    "key": o.key,
                    "kind": o.kind,
                    "action": o.action.value,
                    "email": o.email,
                    "issue": o.issue,
                    "attributed_by": o.attributed_by,
                    "status": o.status,
                    "summary": o.summary,
                    "reporter": o.reporter,
                }
                for o in self.outcomes
            ],
        }


@dataclass(frozen=True)
class _Target:
    """One delivery or subscriber a message is about."""

    subscriber_id: int | None
    delivery_id: int | None
    kind: BounceKind
    recipient: FailedRecipient | None


class _AlreadySeen(Exception):
    pass


def process_mailbox(
    engine: Engine,
    settings: Settings,
    messages: Iterable[ReturnedMail],
    *,
    mark_processed: Callable[[str], None] | None = None,
) -> ProcessReport:
    """Classifies and applies every message; ``mark_processed(key)`` runs after each
    message's transaction has committed (IMAP moves or flags it then)."""
    processor = _Processor(engine, settings)
    report = ProcessReport()
    for mail in messages:
        report.outcomes.append(processor.process(mail))
        if mark_processed is not None:
            mark_processed(mail.key)
    return report


def verp_local(settings: Settings) -> str:
    """The local part our envelope senders carry before ``+TOKEN`` (as ``send`` makes it)."""
    bounce = parseaddr(settings["bounce_address"] or settings.from_address)[1]
    return bounce.rpartition("@")[0].split("+")[0] or "bounces"


class _Processor:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.secret = settings.secret_key
        self.verp_local = verp_local(settings)
        self.soft_limit = int(settings["bounces.soft_limit"])
        self.soft_span = timedelta(days=int(settings["bounces.soft_days"]))

    def process(self, mail: ReturnedMail) -> Outcome:
        digest = hashlib.sha256(mail.raw).hexdigest()
        if self._seen(digest):
            return Outcome(mail.key, "", Action.DUPLICATE, "schon verarbeitet")
        token = _mailto_token(mail.raw)
        try:
            if token is not None:
                return self._unsubscribe(mail, digest, token)
            return self._apply(mail, digest, classify(mail.raw, verp_local=self.verp_local))
        except _AlreadySeen:
            return Outcome(mail.key, "", Action.DUPLICATE, "schon verarbeitet")

    def _seen(self, digest: str) -> bool:
        with read_session(self.engine) as session:
            found = session.execute(select(Bounce.id).where(col(Bounce.digest) == digest))  # type: ignore[call-overload]
            return found.first() is not None

    def _claim(self, session: Session, mail: ReturnedMail, digest: str, kind: str) -> Bounce:
        """The Bounce row, inserted first so that a concurrent run fails here, not later."""
        row = Bounce(digest=digest, source=mail.key[:300], kind=kind)
        session.add(row)
        try:
            session.flush()
        except IntegrityError:
            raise _AlreadySeen from None
        return row

    def _unsubscribe(self, mail: ReturnedMail, digest: str, token: str) -> Outcome:
        # The service opens its own transaction; it is idempotent, so a crash between it
        # and the Bounce row below only repeats a no-op on the next run.
        try:
            done = unsubscribe_by_token(self.engine, self.secret, token, source="mailto")
        except NotFound:
            summary = "Abmeldung per E-Mail mit ungültigem Token"
            self._record(mail, digest, UNSUBSCRIBE, summary)
            return Outcome(mail.key, UNSUBSCRIBE, Action.IGNORED, summary)
        summary = f"Abmeldung per E-Mail von {done.list_name}"
        self._record(mail, digest, UNSUBSCRIBE, summary)
        return Outcome(mail.key, UNSUBSCRIBE, Action.UNSUBSCRIBED, summary, email=done.email)

    def _record(self, mail: ReturnedMail, digest: str, kind: str, summary: str) -> None:
        try:
            with unit_of_work(self.engine) as session:
                self._claim(session, mail, digest, kind).summary = summary[:500]
        except _AlreadySeen:
            pass

    def _apply(self, mail: ReturnedMail, digest: str, report: BounceReport) -> Outcome:
        kind = report.kind
        auth_failure = kind is BounceKind.COMPLAINT and (
            bool(_AUTH_FAILURE.search(mail.raw))
            # SES passes the ARF Feedback-Type on as JSON, which the pattern cannot see
            or any("auth-failure" in r.diagnostic.lower() for r in report.recipients)
        )
        if auth_failure:
            kind = BounceKind.POLICY
        with unit_of_work(self.engine) as session:
            row = self._claim(session, mail, digest, kind.value)
            row.summary = report.summary[:500]
            if kind in (BounceKind.AUTOREPLY, BounceKind.NOT_BOUNCE):
                return Outcome(
                    mail.key, kind.value, Action.IGNORED, report.summary, reporter=report.reporter
                )
            targets, method = self._attribute(session, report)
            if auth_failure:
                # The report is about our DKIM/SPF, not about the delivery or the reader.
                targets = [_Target(t.subscriber_id, None, kind, t.recipient) for t in targets]
            first = targets[0] if targets else None
            recipient = first.recipient if first else _worst_recipient(report)
            row.status = ((recipient.status if recipient else None) or "")[:16]
            if first is None:
                action = Action.REPORTED if kind is BounceKind.POLICY else Action.UNATTRIBUTED
                return Outcome(
                    mail.key,
                    kind.value,
                    action,
                    report.summary,
                    email=recipient.address if recipient else None,
                    status=row.status,
                    reporter=report.reporter,
                )
            row.delivery_id, row.subscriber_id = first.delivery_id, first.subscriber_id
            actions = [self._act(session, target) for target in targets]
            email, issue = self._describe(session, first)
            return Outcome(
                mail.key,
                kind.value,
                max(actions, key=_ACTION_WEIGHT.__getitem__),
                report.summary,
                email=email,
                issue=issue,
                delivery_id=first.delivery_id,
                attributed_by=method,
                status=row.status,
                reporter=report.reporter,
            )

    # --- attribution --------------------------------------------------------------------

    def _attribute(self, session: Session, report: BounceReport) -> tuple[list[_Target], str]:
        worst = _worst_recipient(report)
        if report.token and self.secret:
            delivery_id = read_bounce_token(self.secret, report.token)
            delivery = session.get(Delivery, delivery_id) if delivery_id is not None else None
            if delivery is not None:
                return [_Target(delivery.subscriber_id, delivery.id, report.kind, worst)], "token"
        delivery = self._by_message_id(session, report.original_message_id)
        if delivery is not None:
            target = _Target(delivery.subscriber_id, delivery.id, report.kind, worst)
            return [target], "message_id"
        targets = []
        seen: set[int] = set()
        for recipient in report.recipients:
            subscriber_id = session.execute(
                select(Subscriber.id).where(col(Subscriber.email_key) == recipient.address.lower())  # type: ignore[call-overload]
            ).scalar()
            if subscriber_id is None or subscriber_id in seen:
                continue
            seen.add(subscriber_id)
            latest = session.execute(
                select(Delivery.id)  # type: ignore[call-overload]
                .where(col(Delivery.subscriber_id) == subscriber_id)
                .order_by(col(Delivery.id).desc())
                .limit(1)
            ).scalar()
            targets.append(_Target(subscriber_id, latest, recipient.kind, recipient))
        return targets, "address"

    @staticmethod
    def _by_message_id(session: Session, message_id: str | None) -> Delivery | None:
        found = _OUR_MESSAGE_ID.match(message_id or "")
        if found is None:
            return None
        delivery = session.get(Delivery, int(found.group(2)))
        if delivery is None:
            return None
        edition = session.get(Edition, delivery.edition_id)
        # the nonce keeps a Message-ID of another isamail database from naming our rows
        return delivery if edition is not None and edition.nonce == found.group(1) else None

    # --- actions ------------------------------------------------------------------------

    def _act(self, session: Session, target: _Target) -> Action:
        kind = target.kind
        recipient = target.recipient
        if target.delivery_id is not None and kind in (
            BounceKind.HARD,
            BounceKind.SOFT,
            BounceKind.POLICY,
            BounceKind.COMPLAINT,
        ):
            queue.mark_bounced(
                session,
                target.delivery_id,
                kind.value,
                status=recipient.status or "" if recipient else "",
                diagnostic=recipient.diagnostic if recipient else "",
            )
        if kind is BounceKind.POLICY:
            return Action.REPORTED
        subscriber = session.get(Subscriber, target.subscriber_id)
        if subscriber is None or subscriber.email is None:  # forgotten: nothing left to do
            return Action.UNATTRIBUTED if subscriber is None else Action.SUPPRESSED
        if kind is BounceKind.COMPLAINT:
            unsubscribe_in(
                session,
                subscriber,
                None,
                source="complaint",
                kind=ConsentKind.COMPLAINT,
                reason=SuppressionReason.COMPLAINT,
            )
            return Action.UNSUBSCRIBED
        if kind is BounceKind.SOFT and not self._soft_limit_reached(session, subscriber):
            return Action.COUNTED
        unsubscribe_in(
            session,
            subscriber,
            None,
            source="bounce" if kind is BounceKind.HARD else "bounce:soft",
            status=SubscriptionStatus.BOUNCED,
            kind=ConsentKind.BOUNCED,
            reason=SuppressionReason.BOUNCED,
        )
        return Action.SUPPRESSED

    def _soft_limit_reached(self, session: Session, subscriber: Subscriber) -> bool:
        """Soft bounces on enough editions, sent far enough apart (a full mailbox that
        stays full), as opposed to one bad week."""
        session.flush()
        rows = session.execute(
            select(Delivery.edition_id, Delivery.sent_at, Delivery.created_at).where(  # type: ignore[call-overload]
                col(Delivery.subscriber_id) == subscriber.id,
                col(Delivery.bounce_kind) == BounceKind.SOFT.value,
            )
        ).all()
        editions = {edition_id for edition_id, _, _ in rows}
        if len(editions) < self.soft_limit:
            return False
        times: list[datetime] = [sent or created for _, sent, created in rows]
        return max(times) - min(times) > self.soft_span

    @staticmethod
    def _describe(session: Session, target: _Target) -> tuple[str | None, str | None]:
        subscriber = session.get(Subscriber, target.subscriber_id)
        delivery = session.get(Delivery, target.delivery_id) if target.delivery_id else None
        edition = session.get(Edition, delivery.edition_id) if delivery else None
        return (
            subscriber.email if subscriber else None,
            edition.issue if edition else None,
        )


_ACTION_WEIGHT = {
    Action.DUPLICATE: 0,
    Action.IGNORED: 1,
    Action.UNATTRIBUTED: 2,
    Action.REPORTED: 3,
    Action.COUNTED: 4,
    Action.SUPPRESSED: 5,
    Action.UNSUBSCRIBED: 6,
}


def _worst_recipient(report: BounceReport) -> FailedRecipient | None:
    return next(
        (r for r in report.recipients if r.kind is report.kind),
        report.recipients[0] if report.recipients else None,
    )


def _mailto_token(raw: bytes) -> str | None:
    """The token of a ``mailto:…?subject=unsubscribe TOKEN`` mail, read from its Subject."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    subject = str(headers.get("Subject", ""))
    found = _MAILTO_SUBJECT.match(subject)
    return found.group(1).lower() if found else None
