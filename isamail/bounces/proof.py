"""Which of our mails a report proves it is about, or nothing.

A report may act (suppress, unsubscribe, mark a delivery bounced) only if it carries
something nobody but that mail's recipient (or the recipient's mail server) could have:

1. the VERP token of the envelope sender, ``bounces+TOKEN@…``: an HMAC of the delivery id;
   for transactional mail (confirmation and welcome mails) ``bounces+t.TOKEN@…``, an HMAC
   of the ``outgoing_mail`` id made for another purpose, so neither kind passes for the
   other;
2. the returned original's Message-ID ``<KIND.ID-MAC@domain>`` (``tokens.message_id_local``):
   KIND is the edition's nonce for newsletter deliveries, ``t`` for transactional mail
   (confirmation mails: ``outgoing_mail.id``);
3. an unsubscribe token of the returned original (its ``List-Unsubscribe`` header or a
   ``/u/TOKEN`` link): an HMAC of the subscription id;
4. Amazon SES's own message id (``mail.messageId``), which SES returned in its reply to
   DATA when it took the mail: random, and known only to SES, us and the recipient.

Each is checked with every secret key the project has (the current one and, after a key
rotation, the previous ones). What a report *names* (Final-Recipient, Original-Rcpt-To,
To of an embedded copy) is never proof: anyone can mail a report naming anyone to the
public bounce address. The old Message-IDs ``<nonce.id@domain>`` were guessable from one's
own copy and no longer prove anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlmodel import Session, col

from isamail.bounces.evidence import SES_MESSAGE_ID, Evidence
from isamail.config import Settings
from isamail.db.models import Delivery, Edition, OutgoingMail, Subscription
from isamail.tokens import (
    TRANSACTIONAL_PREFIX,
    read_bounce_token,
    read_message_id,
    read_transactional_bounce_token,
    read_unsubscribe_token,
)

TRANSACTIONAL_KIND = "t"  # the KIND of Message-IDs of confirmation and other single mails


class Proof(StrEnum):
    # the names of the kinds of proof, not secrets
    TOKEN = "token"  # noqa: S105
    MESSAGE_ID = "message_id"
    UNSUBSCRIBE_TOKEN = "unsubscribe_token"  # noqa: S105
    RELAY_ID = "relay_id"
    STAFF = "staff"  # not proof: staff acted on the addresses by hand (`bounces apply`)


@dataclass(frozen=True)
class Target:
    """The subscriber a report is proven to be about, and the delivery where known."""

    subscriber_id: int
    delivery_id: int | None
    proof: Proof


def secret_keys(settings: Settings) -> tuple[str, ...]:
    """The current secret key, then the previous ones if the configuration lists them
    (``previous_secret_keys``): a report about mail sent before a key rotation still
    proves what it is about."""
    keys = [settings.secret_key]
    previous = settings.values.get("previous_secret_keys")
    if isinstance(previous, str):
        previous = re.split(r"[\s,]+", previous)
    if isinstance(previous, list | tuple):
        keys += [str(key) for key in previous]
    return tuple(dict.fromkeys(key for key in keys if key))


def prove(session: Session, evidence: Evidence, keys: tuple[str, ...]) -> Target | None:
    """The first candidate of ``evidence`` that verifies, in the order of the module
    docstring; None if none does."""
    for token in evidence.tokens:
        transactional = token.lower().startswith(TRANSACTIONAL_PREFIX)
        for key in keys:
            if transactional:
                mail_id = read_transactional_bounce_token(key, token)
                target = _by_outgoing_mail(session, mail_id, Proof.TOKEN)
            else:
                target = _by_delivery(session, read_bounce_token(key, token), Proof.TOKEN)
            if target is not None:
                return target
    for message_id in evidence.message_ids:
        for key in keys:
            target = _by_message_id(session, read_message_id(key, message_id))
            if target is not None:
                return target
    for token in evidence.unsubscribe_tokens:
        for key in keys:
            target = _by_subscription(session, read_unsubscribe_token(key, token))
            if target is not None:
                return target
    for relay_id in evidence.relay_ids:
        target = _by_delivery(session, delivery_by_relay_id(session, relay_id), Proof.RELAY_ID)
        if target is not None:
            return target
    return None


def _by_delivery(session: Session, delivery_id: int | None, proof: Proof) -> Target | None:
    delivery = session.get(Delivery, delivery_id) if delivery_id is not None else None
    if delivery is None or delivery.id is None:
        return None
    return Target(delivery.subscriber_id, delivery.id, proof)


def _by_message_id(session: Session, found: tuple[str, int] | None) -> Target | None:
    if found is None:
        return None
    kind, ident = found
    if kind == TRANSACTIONAL_KIND:
        return _by_outgoing_mail(session, ident, Proof.MESSAGE_ID)
    delivery = session.get(Delivery, ident)
    if delivery is None or delivery.id is None:
        return None
    edition = session.get(Edition, delivery.edition_id)
    # the MAC covers the nonce; a delivery of another edition under that id is not it
    if edition is None or edition.nonce != kind:
        return None
    return Target(delivery.subscriber_id, delivery.id, Proof.MESSAGE_ID)


def _by_outgoing_mail(session: Session, mail_id: int | None, proof: Proof) -> Target | None:
    """A confirmation or welcome mail: its subscriber, no delivery (it had none)."""
    mail = session.get(OutgoingMail, mail_id) if mail_id is not None else None
    if mail is None or mail.subscriber_id is None:
        return None
    return Target(mail.subscriber_id, None, proof)


def _by_subscription(session: Session, subscription_id: int | None) -> Target | None:
    found = session.get(Subscription, subscription_id) if subscription_id is not None else None
    return Target(found.subscriber_id, None, Proof.UNSUBSCRIBE_TOKEN) if found else None


_REPLY_WORD = re.compile(r"[0-9a-f-]+")


def delivery_by_relay_id(session: Session, relay_id: str) -> int | None:
    """The delivery whose relay took the mail under ``relay_id`` (Amazon SES's message id,
    from its reply to DATA: "250 Ok <id>"); None unless exactly one delivery matches.

    The send pipeline stores that id in ``delivery.relay_id`` (indexed). Mail sent
    before it did has the id only in the DATA reply kept in ``delivery.last_reply``
    (a scan, and only until a bounce overwrites that reply): drop the second query once
    no such mail can still bounce."""
    if not SES_MESSAGE_ID.fullmatch(relay_id):
        return None
    by_column = session.execute(
        select(Delivery.id).where(col(Delivery.relay_id) == relay_id).limit(2)  # type: ignore[call-overload]
    ).all()
    if by_column:
        return int(by_column[0][0]) if len(by_column) == 1 else None
    rows = session.execute(
        select(Delivery.id, Delivery.last_reply)  # type: ignore[call-overload]
        .where(col(Delivery.last_reply).contains(relay_id))
        .limit(2)
    ).all()
    found = [i for i, reply in rows if relay_id in _REPLY_WORD.findall(reply.lower())]
    return found[0] if len(found) == 1 else None
