"""One subscriber as a send would address them, for `issue preview --as ADDRESS`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import col, select

from isamail.audience.subscribers import require_subscriber
from isamail.db.engine import read_session
from isamail.db.models import MailingList, Subscription, SubscriptionStatus
from isamail.errors import NotFound


@dataclass(frozen=True)
class Reader:
    email: str
    name: str
    language: str
    subscription_id: int  # whose unsubscribe and web links the preview shows
    list_name: str
    status: str


def preview_reader(engine: Engine, address: str) -> Reader:
    """The subscriber at ``address`` with the subscription a send would use: a confirmed
    one if there is any (first list by name), else the first one at all."""
    with read_session(engine) as session:
        subscriber = require_subscriber(session, address)
        rows = session.exec(
            select(Subscription, MailingList)
            .join(MailingList, col(MailingList.id) == col(Subscription.list_id))
            .where(col(Subscription.subscriber_id) == subscriber.id)
            .order_by(col(MailingList.name))
        ).all()
    if not rows or subscriber.email is None:
        raise NotFound(f"{address} steht auf keiner Liste.")
    confirmed = [r for r in rows if r[0].status == SubscriptionStatus.CONFIRMED]
    subscription, mailing_list = (confirmed or list(rows))[0]
    return Reader(
        email=subscriber.email,
        name=subscriber.name,
        language=subscriber.language,
        subscription_id=int(subscription.id or 0),
        list_name=mailing_list.name,
        status=subscription.status,
    )
