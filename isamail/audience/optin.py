"""Double opt-in: signup, confirmation mail, confirm, and the lookups behind the public
pages (confirm and unsubscribe links, the archive); housekeeping of stale signups.

A signup makes (or keeps) the subscriptions pending and logs a ``signup`` consent
event; the confirmation mail goes to the outbox in the same transaction as its token.
Only a ``POST`` of the mailed token confirms: it logs the ``confirmed`` event and
lifts an earlier unsubscribe of that person (their own new consent).

Confirm tokens are random (``secrets``), kept only as a SHA-256 hash, single use and
valid for 72 hours. One link confirms every list chosen in one signup: the first
subscription's row stores ``hash(token)``, the n-th ``hash(token + "." + n)``.

Front ends never learn from a signup whether the address was new, pending or
confirmed: ``SignupOutcome`` tells the CLI, the web app shows one page for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from sqlalchemy import Engine, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from isamail.audience.addresses import address_hash, mask, normalise
from isamail.audience.consent import Wording
from isamail.audience.subscribers import (
    AddResult,
    add_subscriber,
    erase_personal_data,
    lift_suppression,
    record_consent,
    suppression_for,
)
from isamail.compose.render import template_environment
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConfirmToken,
    ConsentEvent,
    ConsentKind,
    MailingList,
    OutgoingMail,
    OutgoingMailStatus,
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
    utcnow,
)
from isamail.errors import IsamailError, NotFound
from isamail.tokens import confirm_token_hash, new_confirm_token, read_unsubscribe_token

TOKEN_VALID = timedelta(hours=72)
PENDING_KEPT = timedelta(days=7)
MAX_LISTS = 20  # lists one signup may name (and hashes one confirm looks up)
# reasons no signup can override: the person complained, or staff blocked the address
_HARD_BLOCKS = {SuppressionReason.COMPLAINT, SuppressionReason.BLOCKLISTED}


class LinkInvalid(NotFound):
    """A token that is forged, mangled, a preview's placeholder, or names nothing."""


class NoListChosen(IsamailError):
    """The form was sent without a list while it offers several."""


class LinkExpired(IsamailError):
    http_status = 410


class LinkUsed(IsamailError):
    http_status = 410


# --- signup ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SignupRequest:
    email: str
    lists: Sequence[str]
    name: str = ""
    language: str | None = None  # None: the first list's language
    source: str = "web"
    ip: str | None = None
    user_agent: str | None = None
    form: str = ""  # where the signup came from (page, origin), kept in the consent log
    consent: Wording | None = None  # the consent text the form showed


@dataclass(frozen=True)
class SignupOutcome:
    email: str
    pending: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # already confirmed: nothing to do
    mail_id: int | None = None  # the queued confirmation mail
    # "queued", "confirmed" (nothing pending), "throttled", "blocked" (hard suppression)
    result: str = "queued"


@dataclass(frozen=True)
class ListInfo:
    name: str
    title: str
    language: str


def public_lists(engine: Engine) -> list[ListInfo]:
    """The lists offered on the signup form."""
    with read_session(engine) as session:
        rows = session.exec(
            select(MailingList)
            .where(col(MailingList.private).is_(False))
            .order_by(col(MailingList.name))
        ).all()
    return [ListInfo(m.name, m.title or m.name, m.language) for m in rows]


def signup(project: Project, request: SignupRequest, *, public_only: bool = True) -> SignupOutcome:
    """Records a signup and queues the confirmation mail (sent by
    sending.transactional.deliver_due, not here)."""
    from isamail.sending import transactional

    address = normalise(request.email)
    names = _list_names(project.engine, request.lists, public_only=public_only)
    if _hard_blocked(project.engine, address.email, address.key, names):
        return SignupOutcome(address.email, result="blocked")
    settings = project.settings
    results = [_add(project, address.email, name, request) for name in names]
    pending = [r for r in results if r.status == SubscriptionStatus.PENDING]
    confirmed = [r.list_name for r in results if r.status == SubscriptionStatus.CONFIRMED]
    if not pending:
        return SignupOutcome(address.email, confirmed=confirmed, result="confirmed")
    limit = int(settings["web.confirmations_per_address_per_day"])
    now = utcnow()
    with unit_of_work(project.engine) as session:
        first = session.get(Subscription, pending[0].subscription_id)
        assert first is not None
        subscriber = session.get(Subscriber, first.subscriber_id)
        assert subscriber is not None and subscriber.id is not None
        recent = transactional.sent_recently(
            session, subscriber.id, transactional.CONFIRM, now - timedelta(1)
        )
        if recent >= limit:
            return SignupOutcome(
                address.email, [r.list_name for r in pending], confirmed, result="throttled"
            )
        token, _ = new_confirm_token()
        for n, result in enumerate(pending):
            session.add(
                ConfirmToken(
                    token_hash=_token_hash(token, n),
                    subscription_id=result.subscription_id,
                    created_at=now,
                    expires_at=now + TOKEN_VALID,
                )
            )
        titles = _titles(session, [r.list_name for r in pending])
        subject, text, html = confirmation_message(project, subscriber, titles, token)
        mail = transactional.queue_mail(
            session,
            settings,
            kind=transactional.CONFIRM,
            subscriber_id=subscriber.id,
            recipient=address.email,
            subject=subject,
            text=text,
            html=html,
        )
        session.flush()
        return SignupOutcome(
            address.email, [r.list_name for r in pending], confirmed, mail.id, "queued"
        )


def _add(project: Project, email: str, list_name: str, request: SignupRequest) -> AddResult:
    for attempt in (1, 2):
        try:
            return add_subscriber(
                project.engine,
                email,
                list_name,
                name=request.name.strip()[:300],
                language=request.language,
                source=request.source,
                note=request.form[:2000],
                ip=request.ip,
                user_agent=request.user_agent,
                consent_text_version=project.settings["consent_text_version"],
                consent_text=request.consent,
            )
        except IntegrityError:
            # the same new address signed up twice at once (PostgreSQL): the second
            # attempt finds the first one's row
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _list_names(engine: Engine, requested: Sequence[str], *, public_only: bool) -> list[str]:
    names = list(dict.fromkeys(n.strip() for n in requested if n.strip()))
    with read_session(engine) as session:
        query = select(MailingList.name, MailingList.private)
        known = {name: private for name, private in session.exec(query).all()}
    if not names:
        offered = [n for n, private in known.items() if not private]
        if len(offered) != 1:
            raise NoListChosen("Bitte wählen Sie mindestens eine Liste.")
        names = offered
    if len(names) > MAX_LISTS:
        raise IsamailError(f"Höchstens {MAX_LISTS} Listen auf einmal.")
    for name in names:
        # a private list is answered like an unknown one: the form does not reveal it
        if name not in known or (public_only and known[name]):
            raise NotFound(f"Die Liste „{name}“ gibt es nicht.")
    return names


def _hard_blocked(engine: Engine, email: str, key: str, names: list[str]) -> bool:
    email_hash = address_hash(email)
    with read_session(engine) as session:
        found = session.exec(select(Subscriber).where(Subscriber.email_key == key)).first()
        if found is not None and found.state == SubscriberState.BLOCKLISTED:
            return True
        for name in names:
            list_id = session.exec(select(MailingList.id).where(MailingList.name == name)).one()
            if suppression_for(session, email_hash, list_id) in _HARD_BLOCKS:
                return True
    return False


def _titles(session: Session, names: list[str]) -> list[str]:
    rows = session.exec(select(MailingList).where(col(MailingList.name).in_(names))).all()
    by_name = {m.name: m.title or m.name for m in rows}
    return [by_name[n] for n in names]


def _token_hash(token: str, n: int) -> str:
    return confirm_token_hash(token if n == 0 else f"{token}.{n}")


# --- the confirmation mail ------------------------------------------------------------

MAIL_TEXTS: dict[str, dict[str, str]] = {
    "de": {
        "subject": "Bitte bestätigen Sie Ihre Anmeldung zum ISA-Newsletter",
        "hello": "Guten Tag,",
        "hello_name": "Guten Tag {name},",
        "intro": "Sie (oder jemand mit Ihrer Adresse) möchten folgenden Newsletter erhalten:",
        "action": "Bitte bestätigen Sie Ihre Anmeldung mit einem Klick auf diesen Link:",
        "button": "Anmeldung bestätigen",
        "valid": "Der Link ist 72 Stunden gültig.",
        "ignore": "Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese Mail einfach: "
        "ohne Bestätigung erhalten Sie nichts, und Ihre Adresse wird nach 7 Tagen gelöscht.",
        "privacy": "Datenschutzerklärung",
    },
    "en": {
        "subject": "Please confirm your subscription to the ISA newsletter",
        "hello": "Hello,",
        "hello_name": "Hello {name},",
        "intro": "You (or someone using your address) asked to receive:",
        "action": "Please confirm your subscription by opening this link:",
        "button": "Confirm subscription",
        "valid": "The link is valid for 72 hours.",
        "ignore": "If you did not sign up, simply ignore this mail: without confirmation you "
        "will receive nothing, and your address is deleted after 7 days.",
        "privacy": "Privacy policy",
    },
    "zh": {
        "subject": "请确认订阅 ISA 新闻简报",
        "hello": "您好，",
        "hello_name": "{name}，您好：",
        "intro": "您（或使用您邮箱地址的人）申请订阅：",
        "action": "请点击以下链接确认订阅：",
        "button": "确认订阅",
        "valid": "该链接 72 小时内有效。",
        "ignore": "如果您没有申请订阅，请忽略此邮件：未经确认您不会收到任何邮件，"
        "您的地址将在 7 天后删除。",
        "privacy": "隐私政策",
    },
}


@lru_cache(maxsize=8)
def _mail_templates(templates_dir: Path) -> jinja2.Environment:
    # compiled once per process: compiling both templates costs ~30 ms a signup
    return template_environment(templates_dir)


def confirmation_message(
    project: Project, subscriber: Subscriber, list_titles: list[str], token: str
) -> tuple[str, str, str]:
    """(subject, text, html) of the confirmation mail, in the subscriber's language."""
    settings = project.settings
    language = subscriber.language if subscriber.language in MAIL_TEXTS else "de"
    t = MAIL_TEXTS[language]
    greeting = t["hello_name"].format(name=subscriber.name) if subscriber.name else t["hello"]
    context = {
        "t": t,
        "language": language,
        "greeting": greeting,
        "lists": list_titles,
        "confirm_url": f"{settings.base_url}/confirm/{token}",
        "organisation": settings["imprint.organisation"],
        "publisher": settings["imprint.publisher"],
        "address": settings["imprint.address"],
        "contact": settings["imprint.contact"],
        "privacy_url": settings["imprint.privacy_url"],
    }
    env = _mail_templates(project.templates_dir)
    text = env.get_template("mail/confirm.txt").render(context)
    html = env.get_template("mail/confirm.html").render(context)
    return t["subject"], text, html


# --- confirm --------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfirmView:
    lists: list[ListInfo]
    language: str
    already_confirmed: bool


def _tokens(session: Session, token: str, *, lock: bool = False) -> list[ConfirmToken]:
    if not token or len(token) > 100:
        return []
    hashes = [_token_hash(token, n) for n in range(MAX_LISTS)]
    query = select(ConfirmToken).where(col(ConfirmToken.token_hash).in_(hashes))
    if lock:
        query = query.with_for_update()
    return list(session.exec(query).all())


def _check(rows: list[ConfirmToken], now: datetime) -> None:
    if not rows:
        raise LinkInvalid("Dieser Bestätigungslink ist ungültig.")
    if any(r.used_at is not None for r in rows):
        raise LinkUsed("Dieser Bestätigungslink wurde schon verwendet.")
    if min(_aware(r.expires_at) for r in rows) <= now:
        raise LinkExpired("Dieser Bestätigungslink ist abgelaufen.")


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; they were written as UTC
    return value if value.tzinfo else value.replace(tzinfo=utcnow().tzinfo)


def _subscription_lists(
    session: Session, rows: list[ConfirmToken]
) -> list[tuple[Subscription, MailingList]]:
    ids = [r.subscription_id for r in rows]
    found = session.exec(
        select(Subscription, MailingList)
        .join(MailingList, col(MailingList.id) == Subscription.list_id)
        .where(col(Subscription.id).in_(ids))
        .order_by(col(Subscription.id))
    ).all()
    return list(found)


def confirm_view(engine: Engine, token: str) -> ConfirmView:
    """What the confirm page shows (GET: changes nothing). Raises LinkInvalid/Expired/Used."""
    with read_session(engine) as session:
        rows = _tokens(session, token)
        _check(rows, utcnow())
        pairs = _subscription_lists(session, rows)
        language = _language(session, pairs)
    return ConfirmView(
        lists=[ListInfo(m.name, m.title or m.name, m.language) for _, m in pairs],
        language=language,
        already_confirmed=all(s.status == SubscriptionStatus.CONFIRMED for s, _ in pairs),
    )


def _language(session: Session, pairs: list[tuple[Subscription, MailingList]]) -> str:
    if not pairs:
        return "de"
    subscriber = session.get(Subscriber, pairs[0][0].subscriber_id)
    return subscriber.language if subscriber is not None else pairs[0][1].language


def confirm(
    engine: Engine,
    token: str,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
    consent_text_version: str | None = None,
    source: str = "web",
) -> ConfirmView:
    """Completes the double opt-in of every subscription the token names (POST only)."""
    now = utcnow()
    with unit_of_work(engine) as session:
        rows = _tokens(session, token, lock=True)
        _check(rows, now)
        pairs = _subscription_lists(session, rows)
        subscriber = session.get(Subscriber, pairs[0][0].subscriber_id) if pairs else None
        if subscriber is None or subscriber.email is None or subscriber.id is None:
            raise LinkInvalid("Dieser Bestätigungslink gehört zu keiner Anmeldung mehr.")
        for row in rows:
            row.used_at = now
        for subscription, mailing_list in pairs:
            assert mailing_list.id is not None
            if subscription.status != SubscriptionStatus.CONFIRMED:
                subscription.status = SubscriptionStatus.CONFIRMED
                subscription.confirmed_at = subscription.updated_at = now
            record_consent(
                session,
                subscriber.id,
                ConsentKind.CONFIRMED,
                list_id=mailing_list.id,
                source=source,
                ip=ip,
                user_agent=user_agent,
                **_agreed_to(session, subscriber.id, mailing_list.id, consent_text_version),
            )
            lift_suppression(session, subscriber.email, mailing_list.id)
        return ConfirmView(
            lists=[ListInfo(m.name, m.title or m.name, m.language) for _, m in pairs],
            language=subscriber.language,
            already_confirmed=True,
        )


def _agreed_to(
    session: Session, subscriber_id: int, list_id: int, version: str | None
) -> dict[str, Any]:
    """The consent text of the signup this confirmation completes: what the person agreed
    to (its version and wording), else the version the caller names."""
    signup = session.exec(
        select(ConsentEvent.consent_text_version, ConsentEvent.consent_text_id)
        .where(
            ConsentEvent.subscriber_id == subscriber_id,
            ConsentEvent.list_id == list_id,
            ConsentEvent.kind == ConsentKind.SIGNUP,
            col(ConsentEvent.consent_text_id).is_not(None),
        )
        .order_by(col(ConsentEvent.at).desc(), col(ConsentEvent.id).desc())
    ).first()
    if signup is None:
        return {"consent_text_version": version}
    return {"consent_text_version": signup[0], "consent_text_id": signup[1]}


def request_confirmation(
    project: Project, email: str, list_name: str, *, name: str = "", language: str | None = None
) -> SignupOutcome:
    """`isamail subscribers add` without --confirmed: staff asked, the person confirms."""
    return signup(
        project,
        SignupRequest(
            email=email,
            lists=[list_name],
            name=name,
            language=language,
            source="cli",
            form="isamail subscribers add",
        ),
        public_only=False,
    )


# --- unsubscribe page -----------------------------------------------------------------


@dataclass(frozen=True)
class UnsubscribeView:
    list_title: str
    language: str
    address: str  # masked (an•••@example.org): the page says which address leaves
    subscribed: bool  # False: already unsubscribed from this list (the page says so)
    other_lists: int  # other lists the person is still subscribed to


def unsubscribe_view(engine: Engine, secret: str, token: str) -> UnsubscribeView:
    """What the unsubscribe page shows (GET: changes nothing)."""
    subscription_id = read_unsubscribe_token(secret, token) if secret else None
    with read_session(engine) as session:
        found = session.get(Subscription, subscription_id) if subscription_id else None
        subscriber = session.get(Subscriber, found.subscriber_id) if found else None
        if found is None or subscriber is None or subscriber.email is None:
            raise LinkInvalid("Dieser Abmeldelink ist ungültig.")
        mailing_list = session.get(MailingList, found.list_id)
        assert mailing_list is not None
        others = session.exec(
            select(func.count()).where(
                Subscription.subscriber_id == subscriber.id,
                Subscription.id != found.id,
                col(Subscription.status).in_(
                    [SubscriptionStatus.CONFIRMED, SubscriptionStatus.PENDING]
                ),
            )
        ).one()
    return UnsubscribeView(
        list_title=mailing_list.title or mailing_list.name,
        language=subscriber.language,
        address=mask(subscriber.email),
        subscribed=found.status in (SubscriptionStatus.CONFIRMED, SubscriptionStatus.PENDING),
        other_lists=int(others),
    )


# --- archive --------------------------------------------------------------------------


# --- housekeeping ---------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    subscriptions: int  # pending subscriptions removed (or set back to unsubscribed)
    people_erased: int  # people with nothing else left: personal data erased
    mails_deleted: int  # finished transactional mails older than the cut-off


def purge_pending(
    engine: Engine, older_than: timedelta = PENDING_KEPT, *, now: datetime | None = None
) -> PurgeResult:
    """Ends signups nobody confirmed within ``older_than``.

    Each one leaves a ``pending_expired`` consent event (the log keeps the fact). A
    subscription that was once active goes back to ``unsubscribed`` (its history and
    suppression stay); a new one is deleted with its tokens. A person left with no
    subscription at all is erased like ``forget`` does (address, name, IP and user
    agent gone, their transactional mails deleted), but not suppressed: they never
    consented, so they may sign up again. The anonymous subscriber row remains
    because the consent log refers to it.
    """
    cutoff = (now or utcnow()) - older_than
    subscriptions = erased = 0
    with unit_of_work(engine) as session:
        stale = session.exec(
            select(Subscription).where(
                Subscription.status == SubscriptionStatus.PENDING,
                col(Subscription.updated_at) < cutoff,
            )
        ).all()
        touched: set[int] = set()
        for subscription in stale:
            record_consent(
                session,
                subscription.subscriber_id,
                ConsentKind.PENDING_EXPIRED,
                list_id=subscription.list_id,
                source="purge",
            )
            session.execute(
                delete(ConfirmToken).where(col(ConfirmToken.subscription_id) == subscription.id)
            )
            if subscription.unsubscribed_at is not None or subscription.confirmed_at is not None:
                subscription.status = SubscriptionStatus.UNSUBSCRIBED
                subscription.updated_at = utcnow()
            else:
                session.delete(subscription)
            touched.add(subscription.subscriber_id)
            subscriptions += 1
        session.flush()
        for subscriber_id in touched:
            left = session.exec(
                select(func.count()).where(Subscription.subscriber_id == subscriber_id)
            ).one()
            if not left:
                _erase_by_id(session, subscriber_id)
                erased += 1
        result = session.execute(
            delete(OutgoingMail).where(
                col(OutgoingMail.status).in_([OutgoingMailStatus.SENT, OutgoingMailStatus.FAILED]),
                col(OutgoingMail.created_at) < cutoff,
            )
        )
        mails = max(int(getattr(result, "rowcount", 0) or 0), 0)
    return PurgeResult(subscriptions, erased, mails)


def _erase_by_id(session: Session, subscriber_id: int) -> None:
    subscriber = session.get(Subscriber, subscriber_id)
    if subscriber is not None:
        erase_personal_data(session, subscriber)


__all__ = [
    "ConfirmView",
    "LinkExpired",
    "LinkInvalid",
    "LinkUsed",
    "ListInfo",
    "PurgeResult",
    "SignupOutcome",
    "SignupRequest",
    "UnsubscribeView",
    "confirm",
    "confirm_view",
    "public_lists",
    "purge_pending",
    "request_confirmation",
    "signup",
    "unsubscribe_view",
]
