"""Editions: an issue frozen for sending (the public archive of them: isamail.archive).

``send`` freezes the rendered issue once (``freeze_edition``): whatever happens to the
sources afterwards, every recipient gets the same edition, and a resumed send goes on
with it. While nothing of it has been sent it may be frozen anew.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from isamail.compose.rendered import RenderedIssue
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Delivery, DeliveryStatus, Edition, table

DELIVERY = table(Delivery)


def _edition_fields(rendered: RenderedIssue, source_hash: str) -> dict[str, Any]:
    """What an edition stores: the rendered issue before per-recipient values."""
    return {
        "issue": rendered.name,
        "title": rendered.title,
        "subject": rendered.subject,
        "preheader": rendered.preheader,
        "language": rendered.language,
        "html": rendered.html,
        "text": rendered.text,
        "source_hash": source_hash,
    }


def edition_content(edition: Edition) -> RenderedIssue:
    """The frozen rendered issue, as compose made it."""
    return RenderedIssue(
        name=edition.issue,
        title=edition.title,
        subject=edition.subject,
        preheader=edition.preheader,
        language=edition.language,
        html=edition.html,
        text=edition.text,
    )


def find_edition(engine: Engine, issue: str) -> Edition | None:
    with read_session(engine) as session:
        return session.execute(select(Edition).where(col(Edition.issue) == issue)).scalars().first()


def freeze_edition(engine: Engine, rendered: RenderedIssue, source_hash: str) -> Edition:
    """Stores the rendered issue; returns the existing edition if it was frozen before."""
    try:
        with unit_of_work(engine) as session:
            found = (
                session.execute(select(Edition).where(col(Edition.issue) == rendered.name))
                .scalars()
                .first()
            )
            if found is not None:
                return cast(Edition, found)
            edition = Edition(**_edition_fields(rendered, source_hash), nonce=secrets.token_hex(6))
            session.add(edition)
            session.flush()
            return edition
    except IntegrityError:
        # Another send of the issue froze it at the same moment (PostgreSQL; on SQLite
        # BEGIN IMMEDIATE serialises the two): theirs is the edition.
        found = find_edition(engine, rendered.name)
        if found is None:
            raise
        return found


def refreeze_edition(
    engine: Engine, edition_id: int, rendered: RenderedIssue, source_hash: str
) -> None:
    """Replaces the frozen content; only allowed while nothing of it has been sent."""
    with unit_of_work(engine) as session:
        edition = session.get(Edition, edition_id)
        assert edition is not None
        for key, value in _edition_fields(rendered, source_hash).items():
            setattr(edition, key, value)


def sent_count(engine: Engine, edition_id: int) -> int:
    with read_session(engine) as session:
        return int(
            session.execute(
                select(func.count()).where(
                    DELIVERY.c.edition_id == edition_id,
                    DELIVERY.c.status.in_([DeliveryStatus.SENT, DeliveryStatus.BOUNCED]),
                )
            ).scalar_one()
        )
