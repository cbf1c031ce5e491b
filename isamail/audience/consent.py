"""The wording of consent, stored by version and language, so that a consent record shows
what the person agreed to (GDPR Art. 7(1): the controller must be able to demonstrate
consent, which includes what it was given for).

The web app takes the wording from the signup form as it renders it (the element with
class "consent" in ``templates/web/subscribe.html``), so a project that adapts its
template records its own text. ``consent_text_version`` names the version; if the
wording changes without a new version, the new wording is still stored (as a second
row of that version, told apart by its digest) and a warning is logged.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from isamail.db.models import ConsentText

log = logging.getLogger("isamail.consent")


@dataclass(frozen=True)
class Wording:
    """What a signup form showed: the settings' version, the page's language, the text."""

    version: str
    language: str
    text: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def text_id(session: Session, wording: Wording) -> int:
    """The row holding ``wording``, added within the caller's transaction if new."""
    digest = wording.digest
    found = _find(session, wording, digest)
    if found is not None:
        return found
    others = session.exec(
        select(ConsentText.digest).where(
            ConsentText.version == wording.version, ConsentText.language == wording.language
        )
    ).all()
    if others:
        log.warning(
            "consent text %s (%s) changed without a new consent_text_version; "
            "both wordings are kept",
            wording.version,
            wording.language,
        )
    row = ConsentText(
        version=wording.version, language=wording.language, text=wording.text, digest=digest
    )
    try:
        with session.begin_nested():  # a second signup may store the same text at once
            session.add(row)
            session.flush()
    except IntegrityError:
        found = _find(session, wording, digest)
        assert found is not None
        return found
    assert row.id is not None
    return row.id


def _find(session: Session, wording: Wording, digest: str) -> int | None:
    return session.exec(
        select(col(ConsentText.id)).where(
            ConsentText.version == wording.version,
            ConsentText.language == wording.language,
            ConsentText.digest == digest,
        )
    ).first()


def texts_by_id(session: Session, ids: set[int]) -> dict[int, ConsentText]:
    if not ids:
        return {}
    rows = session.exec(select(ConsentText).where(col(ConsentText.id).in_(ids))).all()
    return {row.id: row for row in rows if row.id is not None}
