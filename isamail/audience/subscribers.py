"""Subscribers and their subscriptions: add, unsubscribe, forget, look up.

Every change of consent writes a ``ConsentEvent``; every address that must not
be mailed again goes on the suppression list. Only the person themself can
lift a suppression, by confirming a new signup (double opt-in); staff commands
and imports never do.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, func, or_
from sqlmodel import Session, col, select

from isamail.audience.addresses import Address, address_forms, address_hash, normalise
from isamail.audience.consent import Wording, text_id, texts_by_id
from isamail.audience.lists import get_list
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    Bounce,
    ConsentEvent,
    ConsentKind,
    ConsentText,
    Delivery,
    Edition,
    MailingList,
    OutgoingMail,
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    Suppression,
    SuppressionReason,
    utcnow,
)
from isamail.errors import Conflict, IsamailError, NotFound
from isamail.tokens import read_unsubscribe_token


@dataclass(frozen=True)
class AddResult:
    email: str
    list_name: str
    status: str
    subscription_id: int
    created: bool  # False: the address was already on the list


def find_subscriber(session: Session, address: Address) -> Subscriber | None:
    return session.exec(select(Subscriber).where(Subscriber.email_key == address.key)).first()


def require_subscriber(session: Session, email: str) -> Subscriber:
    address = normalise(email)
    found = find_subscriber(session, address)
    if found is None:
        raise NotFound(f"{address.email} ist nicht eingetragen.")
    return found


# The weight of a suppression's reason: a weaker reason never replaces a stronger one, and
# of an address's rows (one for every list, some for single lists) the strongest counts. A
# complaint outweighs an earlier unsubscribe, so that nothing but staff can lift it.
SUPPRESSION_STRENGTH = {
    SuppressionReason.UNSUBSCRIBED: 1,
    SuppressionReason.BOUNCED: 2,
    SuppressionReason.FORGOTTEN: 3,
    SuppressionReason.COMPLAINT: 4,
    SuppressionReason.BLOCKLISTED: 5,
}


def _strength(reason: str) -> int:
    return SUPPRESSION_STRENGTH.get(reason, 0)  # type: ignore[call-overload]


def suppression_for(session: Session, email_hash: str, list_id: int | None) -> str | None:
    """The strongest reason ``email_hash`` must not be mailed on that list, or None."""
    scope = or_(col(Suppression.list_id).is_(None), col(Suppression.list_id) == list_id)
    reasons = session.exec(
        select(Suppression.reason).where(Suppression.email_hash == email_hash, scope)
    ).all()
    return max(reasons, key=_strength, default=None)


def suppress(
    session: Session, email: str, reason: SuppressionReason, list_id: int | None = None
) -> None:
    """Suppresses the address (on one list, or on all for None); an existing row keeps
    the stronger of its reason and ``reason``."""
    email_hash = address_hash(email)
    exists = session.exec(
        select(Suppression).where(
            Suppression.email_hash == email_hash, Suppression.list_id == list_id
        )
    ).first()
    if exists is None:
        session.add(Suppression(email_hash=email_hash, list_id=list_id, reason=reason))
    elif _strength(reason) > _strength(exists.reason):
        exists.reason = reason


def lift_suppression(session: Session, email: str, list_id: int) -> None:
    """Called only when the person confirms a new signup to ``list_id`` themself."""
    email_hash = address_hash(email)
    for row in session.exec(
        select(Suppression).where(
            Suppression.email_hash == email_hash,
            or_(
                col(Suppression.list_id) == list_id,
                col(Suppression.reason) == SuppressionReason.UNSUBSCRIBED,
            ),
        )
    ):
        if row.reason in (SuppressionReason.UNSUBSCRIBED, SuppressionReason.BOUNCED):
            session.delete(row)


def record_consent(
    session: Session,
    subscriber_id: int,
    kind: ConsentKind,
    *,
    list_id: int | None = None,
    source: str = "cli",
    note: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
    consent_text_version: str | None = None,
    consent_text: Wording | None = None,
    consent_text_id: int | None = None,
) -> None:
    """Appends to the consent log; ``consent_text`` (the wording the person saw) is stored
    once and referred to (or give the id of one stored before)."""
    if consent_text is not None:
        consent_text_id = text_id(session, consent_text)
        consent_text_version = consent_text_version or consent_text.version
    session.add(
        ConsentEvent(
            subscriber_id=subscriber_id,
            list_id=list_id,
            kind=kind,
            source=source[:100],
            note=note[:2000],
            ip=ip,
            user_agent=(user_agent or None) and user_agent[:500],
            consent_text_version=consent_text_version,
            consent_text_id=consent_text_id,
        )
    )


def add_subscriber(
    engine: Engine,
    email: str,
    list_name: str,
    *,
    name: str = "",
    language: str | None = None,
    confirmed: bool = False,
    source: str = "cli",
    note: str = "",
    ip: str | None = None,
    user_agent: str | None = None,
    consent_text_version: str | None = None,
    consent_text: Wording | None = None,
) -> AddResult:
    """Puts ``email`` on the list: confirmed (consent given elsewhere, ``note`` says where)
    or pending (a confirmation mail completes the double opt-in)."""
    address = normalise(email)
    now = utcnow()
    with unit_of_work(engine) as session:
        mailing_list = get_list(session, list_name)
        assert mailing_list.id is not None
        reason = suppression_for(session, address_hash(address.email), mailing_list.id)
        subscriber = find_subscriber(session, address)
        if subscriber is not None and subscriber.state != SubscriberState.ACTIVE:
            reason = subscriber.state
        if reason is not None and (confirmed or source != "web"):
            raise Conflict(
                f"{address.email} steht auf der Sperrliste ({_reason_de(reason)}) und wird "
                "nicht wieder eingetragen; nur eine neue Anmeldung mit Bestätigung durch die "
                "Person selbst hebt das auf."
            )
        if subscriber is None:
            subscriber = Subscriber(
                email=address.email,
                email_key=address.key,
                name=name,
                language=language or mailing_list.language,
            )
            session.add(subscriber)
            session.flush()
        elif name and subscriber.name != name:
            subscriber.name, subscriber.updated_at = name, now
        assert subscriber.id is not None
        subscription = session.exec(
            select(Subscription).where(
                Subscription.subscriber_id == subscriber.id,
                Subscription.list_id == mailing_list.id,
            )
        ).first()
        created = subscription is None
        if subscription is None:
            subscription = Subscription(subscriber_id=subscriber.id, list_id=mailing_list.id)
            session.add(subscription)
        if confirmed and subscription.status != SubscriptionStatus.CONFIRMED:
            subscription.status = SubscriptionStatus.CONFIRMED
            subscription.confirmed_at = subscription.updated_at = now
            record_consent(
                session,
                subscriber.id,
                ConsentKind.ADDED_CONFIRMED,
                list_id=mailing_list.id,
                source=source,
                note=note,
            )
        elif not confirmed and subscription.status != SubscriptionStatus.CONFIRMED:
            # a repeated signup while pending stays pending; unsubscribed ones start again
            subscription.status = SubscriptionStatus.PENDING
            subscription.updated_at = now
            record_consent(
                session,
                subscriber.id,
                ConsentKind.SIGNUP,
                list_id=mailing_list.id,
                source=source,
                note=note,
                ip=ip,
                user_agent=user_agent,
                consent_text_version=consent_text_version,
                consent_text=consent_text,
            )
        session.flush()
        assert subscription.id is not None
        return AddResult(address.email, list_name, subscription.status, subscription.id, created)


def unsubscribe(
    engine: Engine, email: str, list_name: str | None = None, *, source: str = "cli"
) -> list[str]:
    """Unsubscribes from one list or from all; returns the names of the lists left."""
    with unit_of_work(engine) as session:
        subscriber = require_subscriber(session, email)
        list_id = get_list(session, list_name).id if list_name else None
        return unsubscribe_in(session, subscriber, list_id, source=source)


def unsubscribe_in(
    session: Session,
    subscriber: Subscriber,
    list_id: int | None,
    *,
    source: str,
    status: SubscriptionStatus = SubscriptionStatus.UNSUBSCRIBED,
    kind: ConsentKind = ConsentKind.UNSUBSCRIBED,
    reason: SuppressionReason = SuppressionReason.UNSUBSCRIBED,
) -> list[str]:
    """Ends the subscriptions (one list, or all when ``list_id`` is None) and suppresses the
    address there. Idempotent: ending an ended subscription changes nothing."""
    assert subscriber.id is not None and subscriber.email is not None
    now = utcnow()
    query = (
        select(Subscription, MailingList)
        .join(MailingList, col(MailingList.id) == Subscription.list_id)
        .where(Subscription.subscriber_id == subscriber.id)
    )
    if list_id is not None:
        query = query.where(Subscription.list_id == list_id)
    left = []
    for subscription, mailing_list in session.exec(query).all():
        if subscription.status in (SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.BOUNCED):
            continue
        subscription.status = status
        subscription.unsubscribed_at = subscription.updated_at = now
        record_consent(session, subscriber.id, kind, list_id=mailing_list.id, source=source)
        left.append(mailing_list.name)
    suppress(session, subscriber.email, reason, list_id)
    return left


def forget(engine: Engine, email: str, *, source: str = "cli") -> None:
    """GDPR Art. 17: erases the person's data; a hash stays so the address is never mailed."""
    with unit_of_work(engine) as session:
        forget_subscriber(session, require_subscriber(session, email), source=source)


def forget_subscriber(
    session: Session,
    subscriber: Subscriber,
    *,
    source: str,
    note: str = "",
    keep_consent_proof: bool = False,
) -> None:
    """The one erasure, for a request (`forget`) and for the retention period: ends every
    subscription, suppresses the address on every list, logs the fact, erases the data.

    ``keep_consent_proof`` (retention): the consent record keeps the IP address and
    browser of signup and confirmation, and the address hash stays on the row so that the
    record can be found by address, until the retention module lets that proof expire.
    A request to be forgotten takes those at once."""
    assert subscriber.id is not None and subscriber.email is not None
    unsubscribe_in(session, subscriber, None, source=source)
    suppress(session, subscriber.email, SuppressionReason.FORGOTTEN)
    record_consent(session, subscriber.id, ConsentKind.FORGOTTEN, source=source, note=note)
    erase_personal_data(session, subscriber, keep_consent_proof=keep_consent_proof)


def erase_personal_data(
    session: Session, subscriber: Subscriber, *, keep_consent_proof: bool = False
) -> None:
    """Removes everything that identifies the person; the consent log keeps the facts
    (what, when, which list) as proof, without who and from where (unless
    ``keep_consent_proof``, see ``forget_subscriber``). Deliveries hold no address;
    queued or sent confirmation mails do, so they go."""
    if subscriber.state == SubscriberState.FORGOTTEN:
        return
    assert subscriber.id is not None and subscriber.email is not None
    if keep_consent_proof:
        subscriber.consent_proof_hash = address_hash(subscriber.email)
    else:
        scrub_consent_events(session, subscriber.id)
    session.execute(delete(OutgoingMail).where(col(OutgoingMail.subscriber_id) == subscriber.id))
    _scrub_replies(session, subscriber)
    subscriber.email = subscriber.email_key = None
    subscriber.name = subscriber.organisation = subscriber.city = subscriber.country = ""
    subscriber.attributes = {}
    subscriber.state = SubscriberState.FORGOTTEN
    subscriber.updated_at = utcnow()


def scrub_consent_events(session: Session, subscriber_id: int) -> None:
    """Takes who and from where (IP address, browser) out of the person's consent log."""
    for event in session.exec(
        select(ConsentEvent).where(ConsentEvent.subscriber_id == subscriber_id)
    ):
        event.ip = event.user_agent = None


def _scrub_replies(session: Session, subscriber: Subscriber) -> None:
    """Takes the address out of what servers replied about the person's mail (stored
    SMTP replies and bounce summaries often quote it), so that no report shows it."""
    assert subscriber.email is not None
    forms = address_forms(subscriber.email)
    for delivery in session.exec(select(Delivery).where(Delivery.subscriber_id == subscriber.id)):
        delivery.last_reply = scrub_address(delivery.last_reply, forms)
    # reports name addresses too, also the unproven ones no subscriber is attached to
    named = or_(*(func.lower(Bounce.addresses).contains(form.lower()) for form in forms))
    for bounce in session.exec(
        select(Bounce).where(or_(col(Bounce.subscriber_id) == subscriber.id, named))
    ):
        bounce.summary = scrub_address(bounce.summary, forms)
        bounce.addresses = scrub_address(bounce.addresses, forms)


def scrub_address(text: str, forms: Iterable[str]) -> str:
    """``text`` with every form of an address replaced by "<gelöscht>", case ignored."""
    for form in sorted(forms, key=len, reverse=True):
        if form.lower() in text.lower():
            text = re.sub(re.escape(form), "<gelöscht>", text, flags=re.IGNORECASE)
    return text


def subscriber_record(engine: Engine, email: str) -> dict[str, Any]:
    """Everything stored about one address (GDPR Art. 15). For a person whom the retention
    period erased, the consent record that is still kept (``erased`` is true)."""
    with read_session(engine) as session:
        subscriber = _with_consent_proof(session, email) or require_subscriber(session, email)
        subscriptions = session.exec(
            select(Subscription, MailingList)
            .join(MailingList, col(MailingList.id) == Subscription.list_id)
            .where(Subscription.subscriber_id == subscriber.id)
            .order_by(MailingList.name)
        ).all()
        list_names = {m.id: m.name for _, m in subscriptions}
        events = session.exec(
            select(ConsentEvent)
            .where(ConsentEvent.subscriber_id == subscriber.id)
            .order_by(col(ConsentEvent.at), col(ConsentEvent.id))
        ).all()
        suppressed = session.exec(
            select(Suppression).where(
                Suppression.email_hash == address_hash(subscriber.email or "")
            )
        ).all()
        deliveries = _delivery_history(session, subscriber)
        texts = texts_by_id(session, {e.consent_text_id for e in events if e.consent_text_id})
    return {
        "email": subscriber.email,
        "erased": subscriber.state == SubscriberState.FORGOTTEN,
        "name": subscriber.name,
        "language": subscriber.language,
        "organisation": subscriber.organisation,
        "city": subscriber.city,
        "country": subscriber.country,
        "attributes": subscriber.attributes,
        "state": subscriber.state,
        "created_at": _iso(subscriber.created_at),
        "updated_at": _iso(subscriber.updated_at),
        "subscriptions": [
            {
                "list": m.name,
                "status": s.status,
                "created_at": _iso(s.created_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
            }
            for s, m in subscriptions
        ],
        "consent_events": [
            {
                "kind": e.kind,
                "at": _iso(e.at),
                "list": list_names.get(e.list_id) if e.list_id else None,
                "source": e.source,
                "ip": e.ip,
                "user_agent": e.user_agent,
                "consent_text_version": e.consent_text_version,
                "consent_text": _wording(texts.get(e.consent_text_id or 0)),
                "note": e.note,
            }
            for e in events
        ],
        "suppressions": [
            {"list": list_names.get(s.list_id, "?") if s.list_id else None, "reason": s.reason}
            for s in suppressed
        ],
        "deliveries": deliveries,
    }


def _with_consent_proof(session: Session, email: str) -> Subscriber | None:
    """The erased person whose consent record is kept under this address's hash."""
    if find_subscriber(session, normalise(email)) is not None:
        return None
    return session.exec(
        select(Subscriber).where(Subscriber.consent_proof_hash == address_hash(email))
    ).first()


def _wording(text: ConsentText | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"version": text.version, "language": text.language, "text": text.text}


def _delivery_history(session: Session, subscriber: Subscriber) -> list[dict[str, Any]]:
    rows = session.exec(
        select(Edition.issue, Delivery.status, Delivery.sent_at, Delivery.last_code)
        .join(Edition, col(Edition.id) == Delivery.edition_id)
        .where(Delivery.subscriber_id == subscriber.id)
        .order_by(col(Edition.created_at))
    ).all()
    return [
        {"issue": issue, "status": status, "sent_at": _iso(sent_at), "smtp_code": code}
        for issue, status, sent_at, code in rows
    ]


def list_members(
    engine: Engine, list_name: str, status: str | None = None
) -> list[tuple[Subscriber, Subscription]]:
    if status is not None and status not in {s.value for s in SubscriptionStatus}:
        raise IsamailError(
            f"Unbekannter Status „{status}“: möglich sind "
            + ", ".join(s.value for s in SubscriptionStatus)
            + "."
        )
    with read_session(engine) as session:
        mailing_list = get_list(session, list_name)
        query = (
            select(Subscriber, Subscription)
            .join(Subscription, col(Subscription.subscriber_id) == Subscriber.id)
            .where(Subscription.list_id == mailing_list.id)
            .order_by(col(Subscriber.email_key))
        )
        if status:
            query = query.where(Subscription.status == status)
        return list(session.exec(query).all())


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _reason_de(reason: str) -> str:
    return {
        "unsubscribed": "abgemeldet",
        "bounced": "unzustellbar",
        "complaint": "Spam-Beschwerde",
        "forgotten": "gelöscht",
        "blocklisted": "gesperrt",
    }.get(reason, reason)


@dataclass(frozen=True)
class TokenUnsubscribe:
    email: str
    list_name: str
    left: list[str]  # lists actually left now (empty: already unsubscribed: idempotent)


def unsubscribe_by_token(
    engine: Engine, secret: str, token: str, *, all_lists: bool = False, source: str = "web"
) -> TokenUnsubscribe:
    """Unsubscribes the subscription a mail's token names (or all of the person's lists).
    The token is an HMAC of the subscription id: it cannot name anyone else's."""
    subscription_id = read_unsubscribe_token(secret, token)
    with unit_of_work(engine) as session:
        found = session.get(Subscription, subscription_id) if subscription_id else None
        subscriber = session.get(Subscriber, found.subscriber_id) if found else None
        if found is None or subscriber is None or subscriber.email is None:
            raise NotFound("Dieser Abmeldelink ist ungültig oder gehört zu keiner Anmeldung mehr.")
        mailing_list = session.get(MailingList, found.list_id)
        assert mailing_list is not None
        left = unsubscribe_in(
            session, subscriber, None if all_lists else found.list_id, source=source
        )
        return TokenUnsubscribe(subscriber.email, mailing_list.name, left)
