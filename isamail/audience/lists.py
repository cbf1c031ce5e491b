"""Mailing lists: creating them and counting their subscribers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import get_close_matches

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import MailingList, Subscription, SubscriptionStatus
from isamail.errors import Conflict, IsamailError, NotFound

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,99}")


@dataclass(frozen=True)
class ListSummary:
    name: str
    title: str
    private: bool
    language: str
    counts: dict[str, int] = field(default_factory=dict)


def create_list(
    engine: Engine, name: str, *, title: str = "", private: bool = False, language: str = "de"
) -> ListSummary:
    if not _NAME.fullmatch(name):
        raise IsamailError(
            f"Listenname „{name}“ ist ungültig: nur Kleinbuchstaben, Ziffern, - und _ "
            "(z. B. isa-newsletter)."
        )
    with unit_of_work(engine) as session:
        if session.exec(select(MailingList).where(MailingList.name == name)).first():
            raise Conflict(f"Die Liste „{name}“ gibt es schon.")
        session.add(MailingList(name=name, title=title or name, private=private, language=language))
    return ListSummary(name, title or name, private, language, _zero_counts())


def get_list(session: Session, name: str) -> MailingList:
    found = session.exec(select(MailingList).where(MailingList.name == name)).first()
    if found is None:
        known = list(session.exec(select(MailingList.name).order_by(MailingList.name)))
        raise NotFound(_missing_list_message(name, known))
    return found


def _missing_list_message(name: str, known: list[str]) -> str:
    """What to say about a list name that does not exist: the existing name it was
    probably meant to be, never an invitation to create the typo."""
    close = get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"Die Liste „{name}“ gibt es nicht. Meinten Sie {close[0]}?"
    if known:
        return f"Die Liste „{name}“ gibt es nicht. Vorhandene Listen: {', '.join(known)}."
    return (
        f"Die Liste „{name}“ gibt es nicht; es gibt noch keine Liste "
        "(anlegen mit: isamail lists create NAME)."
    )


def list_summaries(engine: Engine, *, public_only: bool = False) -> list[ListSummary]:
    with read_session(engine) as session:
        query = select(MailingList).order_by(MailingList.name)
        if public_only:
            query = query.where(MailingList.private == False)  # noqa: E712 - SQL expression
        lists = session.exec(query).all()
        rows = session.exec(
            select(col(Subscription.list_id), col(Subscription.status), func.count()).group_by(
                col(Subscription.list_id), col(Subscription.status)
            )
        ).all()
    counts: dict[int, dict[str, int]] = {}
    for list_id, status, n in rows:
        counts.setdefault(list_id, _zero_counts())[status] = n
    return [
        ListSummary(m.name, m.title, m.private, m.language, counts.get(m.id or 0, _zero_counts()))
        for m in lists
    ]


def _zero_counts() -> dict[str, int]:
    return {s.value: 0 for s in SubscriptionStatus}
