"""Applying returned mail to the database: who bounced, and what follows from it.

For each message, in one short transaction:

1. **Once only.** A digest over what does not change however the message was fetched
   (``message_digest``: a few header fields and the body with line endings normalised)
   goes into ``Bounce.digest`` (unique) first; a message seen before, in this mailbox or
   another, over IMAP or from a Maildir, changes nothing. Two processes on the same
   mailbox race on that unique key, and the loser backs off.
2. **Mailto unsubscribes.** ``List-Unsubscribe: <mailto:bounces@…?subject=unsubscribe
   TOKEN>`` lands in the bounce mailbox: its token names the subscription, and the one
   service behind web and one-click unsubscribes handles it.
3. **Proof** (``bounces.proof``): only a report that proves which of our mails it is
   about acts, and it acts on that mail's recipient, never on an address it names.
   A report without proof is recorded with the addresses it names and changes nothing;
   hard bounces and complaints among them are listed for staff (``bounces ls
   --unattributed``), who act on them deliberately (``bounces apply ID``).
4. **Actions** by class (see ``classify``), at once (holding a genuine complaint back
   keeps mailing the person who complained):

   * hard: delivery ``bounced``; every subscription ``bounced``; the address suppressed
     on all lists; a consent event per list left;
   * soft: counted on the delivery; an address with soft bounces on at least
     ``bounces.soft_limit`` editions whose sends lie more than ``bounces.soft_days`` days
     apart is treated as hard;
   * complaint (ARF, JMRP, Amazon SES, Apple's mail unsubscribe): recorded whatever the
     earlier state, unsubscribed from every list, suppressed (``bounces.actions``) —
     except ``auth-failure`` reports, DMARC/SPF alerts about *our* setup, which are
     reported like policy refusals;
   * policy: the delivery is ``bounced`` (the mail did not arrive) but the subscriber
     keeps their subscription: the refusal is about the sender, an alert for the operator;
   * auto-reply: recorded, nothing else; not a bounce (a reader's reply): recorded and
     left unread in the mailbox for a person.

A run that suppresses more than ``bounces.spike_share`` of a list's members, or more than
``bounces.spike_count`` of them, is reported loudly with the addresses (``Spike``);
nothing is held back.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import parseaddr
from enum import StrEnum

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from isamail.audience.subscribers import unsubscribe_by_token
from isamail.bounces.actions import complain, soft_limit_reached, suppress_bounced
from isamail.bounces.classify import BounceKind, BounceReport, FailedRecipient, classify
from isamail.bounces.inbox import ReturnedMail
from isamail.bounces.proof import Proof, Target, prove, secret_keys
from isamail.config import Settings
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Bounce,
    BounceReview,
    Delivery,
    Edition,
    MailingList,
    Subscriber,
    Subscription,
    SubscriptionStatus,
)
from isamail.errors import NotFound
from isamail.sending import deliveries

# The kind stored for a mailto unsubscribe (not a BounceKind: nothing bounced).
UNSUBSCRIBE = "unsubscribe"

_MAILTO_SUBJECT = re.compile(r"^\s*unsubscribe\s+([0-9a-z]+-[0-9a-z]+)\s*$", re.IGNORECASE)
_AUTH_FAILURE = re.compile(rb"^feedback-type:[ \t]*auth-failure", re.IGNORECASE | re.MULTILINE)


class Action(StrEnum):
    SUPPRESSED = "suppressed"  # hard bounce, or soft bounces past the threshold
    UNSUBSCRIBED = "unsubscribed"  # complaint or mailto unsubscribe
    COUNTED = "counted"  # soft bounce below the threshold
    REPORTED = "reported"  # policy refusal, DMARC/SPF failure report: for the operator
    IGNORED = "ignored"  # auto-reply, not a bounce, invalid unsubscribe token
    UNATTRIBUTED = "unattributed"  # proves no mail of ours: recorded, nothing changed
    DUPLICATE = "duplicate"  # processed before


@dataclass(frozen=True)
class Outcome:
    """What one message was and what it caused."""

    key: str
    kind: str  # a BounceKind value, or "unsubscribe"
    action: Action
    summary: str
    email: str | None = None  # the subscriber acted on (proven), else None
    issue: str | None = None
    delivery_id: int | None = None
    attributed_by: str | None = None  # a Proof value
    status: str = ""
    reporter: str = ""
    named: tuple[str, ...] = ()  # the addresses the report names (not proof of anything)
    lists_left: tuple[str, ...] = ()
    bounce_id: int | None = None
    review: bool = False  # listed for staff (`bounces ls --unattributed`)

    @property
    def for_a_person(self) -> bool:
        """A reader's reply, not a bounce: left unread in the mailbox."""
        return self.kind == BounceKind.NOT_BOUNCE


@dataclass(frozen=True)
class Spike:
    """A list that lost an unusual share of its members in one run."""

    list_name: str
    removed: int
    members: int  # before the run
    addresses: tuple[str, ...]


@dataclass
class ProcessReport:
    outcomes: list[Outcome] = field(default_factory=list)
    spikes: list[Spike] = field(default_factory=list)

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

    def acted_on(self, kind: str) -> list[str]:
        """The addresses a kind of report suppressed or unsubscribed in this run."""
        acted = (Action.SUPPRESSED, Action.UNSUBSCRIBED)
        return sorted(
            {o.email for o in self.outcomes if o.kind == kind and o.action in acted and o.email}
        )

    @property
    def unattributed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.action is Action.UNATTRIBUTED]

    def as_json(self) -> dict[str, object]:
        return {
            "processed": len(self.outcomes) - self.duplicates,
            "duplicates": self.duplicates,
            "by_kind": dict(sorted(self.by_kind.items())),
            "by_action": dict(sorted(self.by_action.items())),
            "spikes": [
                {
                    "list": s.list_name,
                    "removed": s.removed,
                    "members": s.members,
                    "addresses": list(s.addresses),
                }
                for s in self.spikes
            ],
            "messages": [
                {
                    "key": o.key,
                    "id": o.bounce_id,
                    "kind": o.kind,
                    "action": o.action.value,
                    "email": o.email,
                    "issue": o.issue,
                    "attributed_by": o.attributed_by,
                    "addresses": list(o.named),
                    "lists_left": list(o.lists_left),
                    "review": o.review,
                    "status": o.status,
                    "summary": o.summary,
                    "reporter": o.reporter,
                }
                for o in self.outcomes
            ],
        }


class _AlreadySeen(Exception):
    pass


def process_mailbox(
    engine: Engine,
    settings: Settings,
    messages: Iterable[ReturnedMail],
    *,
    mark_processed: Callable[[str], None] | None = None,
) -> ProcessReport:
    """Classifies and applies every message. ``mark_processed(key)`` runs after each
    message's transaction has committed (IMAP moves or flags it then, a Maildir moves it
    to cur/ as seen); it is not called for a message that is no bounce (a reader's
    reply), which stays unread for a person."""
    processor = _Processor(engine, settings)
    report = ProcessReport()
    for mail in messages:
        outcome = processor.process(mail)
        report.outcomes.append(outcome)
        if mark_processed is not None and not outcome.for_a_person:
            mark_processed(mail.key)
    report.spikes = find_spikes(
        engine,
        report.outcomes,
        share=float(settings["bounces.spike_share"]),
        count=int(settings["bounces.spike_count"]),
    )
    return report


def verp_local(settings: Settings) -> str:
    """The local part our envelope senders carry before ``+TOKEN`` (as ``send`` makes it)."""
    bounce = parseaddr(settings["bounce_address"] or settings.from_address)[1]
    return bounce.rpartition("@")[0].split("+")[0] or "bounces"


# Header fields a message keeps wherever it is fetched from. Received and Return-Path
# lines and a mail store's own fields (Status, X-UID, X-Keywords, Content-Length) are left
# out: delivery and storage add or rewrite them. Delivered-To and X-Original-To name the
# envelope recipient, our VERP address, the same however the message is read; they keep
# two returns of one message, each to its own delivery's address, apart.
_STABLE_FIELDS = ("message-id", "date", "from", "to", "subject")
_ENVELOPE_FIELDS = ("delivered-to", "x-original-to")


def message_digest(raw: bytes) -> str:
    """sha256 over what does not change between a Maildir file and the same message
    fetched over IMAP: the stable header fields and the body, line endings and trailing
    white space normalised."""
    head, sep, body = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    if not sep:
        head, body = raw.replace(b"\r\n", b"\n"), b""
    headers = BytesHeaderParser(policy=compat32).parsebytes(head + b"\n\n")
    digest = hashlib.sha256()
    for name in _STABLE_FIELDS:
        for value in headers.get_all(name) or []:
            digest.update(f"{name}:{' '.join(str(value).split())}\n".encode("utf-8", "replace"))
    for name in _ENVELOPE_FIELDS:
        # a set: an MDA may add the line once more, in another order or case
        values = sorted({str(v).strip().lower() for v in headers.get_all(name) or []})
        digest.update(f"{name}:{','.join(values)}\n".encode("utf-8", "replace"))
    digest.update(b"\n")
    lines = [line.rstrip() for line in body.split(b"\n")]
    while lines and not lines[-1]:
        lines.pop()
    digest.update(b"\n".join(lines))
    return digest.hexdigest()


class _Processor:
    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine = engine
        self.keys = secret_keys(settings)
        self.secret = settings.secret_key
        self.verp_local = verp_local(settings)
        self.soft_limit = int(settings["bounces.soft_limit"])
        self.soft_span = timedelta(days=int(settings["bounces.soft_days"]))

    def process(self, mail: ReturnedMail) -> Outcome:
        digest = message_digest(mail.raw)
        # rows written before 0009 hold the sha256 of the raw bytes
        seen = self._seen(digest, hashlib.sha256(mail.raw).hexdigest())
        if seen is not None:
            return Outcome(mail.key, seen, Action.DUPLICATE, "schon verarbeitet")
        token = _mailto_token(mail.raw)
        try:
            if token is not None:
                return self._unsubscribe(mail, digest, token)
            return self._apply(mail, digest, classify(mail.raw, verp_local=self.verp_local))
        except _AlreadySeen:
            return Outcome(mail.key, "", Action.DUPLICATE, "schon verarbeitet")

    def _seen(self, *digests: str) -> str | None:
        """The kind the message was recorded with, or None if it is new."""
        with read_session(self.engine) as session:
            found = session.execute(
                select(Bounce.kind).where(col(Bounce.digest).in_(digests))  # type: ignore[call-overload]
            ).first()
            return None if found is None else str(found[0])

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
        for key in self.keys:
            try:
                done = unsubscribe_by_token(self.engine, key, token, source="mailto")
            except NotFound:
                continue
            summary = f"Abmeldung per E-Mail von {done.list_name}"
            self._record(mail, digest, UNSUBSCRIBE, summary, Action.UNSUBSCRIBED)
            return Outcome(
                mail.key,
                UNSUBSCRIBE,
                Action.UNSUBSCRIBED,
                summary,
                email=done.email,
                attributed_by=Proof.UNSUBSCRIBE_TOKEN,
            )
        summary = "Abmeldung per E-Mail mit ungültigem Token"
        self._record(mail, digest, UNSUBSCRIBE, summary, Action.IGNORED)
        return Outcome(mail.key, UNSUBSCRIBE, Action.IGNORED, summary)

    def _record(
        self, mail: ReturnedMail, digest: str, kind: str, summary: str, action: Action
    ) -> None:
        try:
            with unit_of_work(self.engine) as session:
                row = self._claim(session, mail, digest, kind)
                row.summary, row.action = summary[:500], action.value
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
        named = tuple(dict.fromkeys(r.address for r in report.recipients))
        worst = _worst_recipient(report)
        with unit_of_work(self.engine) as session:
            row = self._claim(session, mail, digest, kind.value)
            row.summary = report.summary[:500]
            row.reporter = report.reporter[:200]
            row.addresses = "\n".join(named)[:10_000]
            row.status = ((worst.status if worst else None) or "")[:16]
            base = Outcome(
                mail.key,
                kind.value,
                Action.IGNORED,
                report.summary,
                status=row.status,
                reporter=report.reporter,
                named=named,
            )
            target = None
            if kind not in (BounceKind.AUTOREPLY, BounceKind.NOT_BOUNCE):
                target = prove(session, report.evidence, self.keys)
            outcome = self._outcome(session, base, kind, target, worst, auth_failure)
            row.action = outcome.action.value
            row.proof = outcome.attributed_by
            row.delivery_id = outcome.delivery_id
            row.subscriber_id = target.subscriber_id if target else None
            if outcome.review:
                row.review = BounceReview.OPEN
            session.flush()
            return replace(outcome, bounce_id=row.id)

    def _outcome(
        self,
        session: Session,
        base: Outcome,
        kind: BounceKind,
        target: Target | None,
        worst: FailedRecipient | None,
        auth_failure: bool,
    ) -> Outcome:
        if kind in (BounceKind.AUTOREPLY, BounceKind.NOT_BOUNCE):
            return base
        if target is None:
            if kind is BounceKind.POLICY:
                return replace(base, action=Action.REPORTED)
            review = kind in (BounceKind.HARD, BounceKind.COMPLAINT)
            return replace(base, action=Action.UNATTRIBUTED, review=review)
        email, issue = _describe(session, target)
        proven = replace(base, email=email, attributed_by=target.proof.value)
        if auth_failure:
            # about our DKIM/SPF, not about the delivery or the reader
            return replace(proven, action=Action.REPORTED)
        action, left = self._act(session, target, kind, worst, base.summary)
        return replace(
            proven,
            action=action,
            issue=issue,
            delivery_id=target.delivery_id,
            lists_left=tuple(left),
        )

    def _act(
        self,
        session: Session,
        target: Target,
        kind: BounceKind,
        recipient: FailedRecipient | None,
        summary: str,
    ) -> tuple[Action, list[str]]:
        if target.delivery_id is not None:
            deliveries.mark_bounced(
                session,
                target.delivery_id,
                kind.value,
                status=recipient.status or "" if recipient else "",
                diagnostic=recipient.diagnostic if recipient else "",
            )
        if kind is BounceKind.POLICY:
            return Action.REPORTED, []
        subscriber = session.get(Subscriber, target.subscriber_id)
        if subscriber is None:
            return Action.UNATTRIBUTED, []
        if subscriber.email is None:  # forgotten: a hash keeps the address suppressed
            return (Action.UNSUBSCRIBED if kind is BounceKind.COMPLAINT else Action.SUPPRESSED), []
        if kind is BounceKind.COMPLAINT:
            return Action.UNSUBSCRIBED, complain(
                session, subscriber, source="complaint", note=summary
            )
        if kind is BounceKind.SOFT:
            assert subscriber.id is not None
            if not soft_limit_reached(
                session, subscriber.id, limit=self.soft_limit, span=self.soft_span
            ):
                return Action.COUNTED, []
            return Action.SUPPRESSED, suppress_bounced(session, subscriber, source="bounce:soft")
        return Action.SUPPRESSED, suppress_bounced(session, subscriber, source="bounce")


def _describe(session: Session, target: Target) -> tuple[str | None, str | None]:
    subscriber = session.get(Subscriber, target.subscriber_id)
    delivery = session.get(Delivery, target.delivery_id) if target.delivery_id else None
    edition = session.get(Edition, delivery.edition_id) if delivery else None
    return (
        subscriber.email if subscriber else None,
        edition.issue if edition else None,
    )


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


# --- spikes ---------------------------------------------------------------------------------


def find_spikes(
    engine: Engine, outcomes: Iterable[Outcome], *, share: float, count: int
) -> list[Spike]:
    """Lists from which bounces and complaints of one run removed more than ``share`` of
    the members (confirmed before the run) or more than ``count`` addresses."""
    removed: dict[str, set[str]] = {}
    for o in outcomes:
        if o.kind != UNSUBSCRIBE and o.email:
            for name in o.lists_left:
                removed.setdefault(name, set()).add(o.email)
    if not removed:
        return []
    with read_session(engine) as session:
        confirmed: dict[str, int] = dict(
            session.execute(
                select(MailingList.name, func.count(col(Subscription.id)))  # type: ignore[call-overload]
                .join(Subscription, col(Subscription.list_id) == MailingList.id)
                .where(
                    col(MailingList.name).in_(sorted(removed)),
                    col(Subscription.status) == SubscriptionStatus.CONFIRMED,
                )
                .group_by(MailingList.name)
            ).all()
        )
    spikes = []
    for name, emails in sorted(removed.items()):
        members = int(confirmed.get(name, 0)) + len(emails)
        if len(emails) > count or len(emails) > share * members:
            spikes.append(Spike(name, len(emails), members, tuple(sorted(emails))))
    return spikes
