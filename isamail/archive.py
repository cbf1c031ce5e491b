"""The public web archive: which editions it lists, and the editors' choice to take one
out (`isamail archive hide`) or put it back (`show`).

An edition is public when it was sent (sent or later bounced) to someone through a
list that is not private, and neither `archive hide` nor ``archive = false`` in its
issue.toml keeps it out; a choice made with the command wins over issue.toml. Test
copies are never recorded as deliveries, so they never publish anything.

Readers are not bound by the archive: the web version link in each mail is signed for
its reader (weblinks.py) and opens any edition that was sent. Its images are served
for the same editions; those of an unsent issue only behind a proof link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, exists, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ArchiveChoice,
    Delivery,
    DeliveryStatus,
    Edition,
    MailingList,
    utcnow,
)
from isamail.errors import IsamailError, NotFound
from isamail.issues.parse import archive_wanted

_DELIVERED = (DeliveryStatus.SENT, DeliveryStatus.BOUNCED)


class ProofExpired(IsamailError):
    """A test copy's link after its time: the page says so instead of "not found"."""

    http_status = 410


@dataclass(frozen=True)
class ArchiveEntry:
    issue: str
    title: str
    subject: str
    language: str
    sent_at: datetime | None


@dataclass(frozen=True)
class ArchiveState:
    issue: str
    sent: bool  # sent to anyone: readers' links and images work
    sent_publicly: bool  # sent through at least one list that is not private
    choice: bool | None  # `archive show` (True), `hide` (False), or no choice made
    in_toml: bool  # False when issue.toml says archive = false

    @property
    def public(self) -> bool:
        listed = self.choice if self.choice is not None else self.in_toml
        return self.sent_publicly and listed

    @property
    def reason(self) -> str:
        """Why the edition is (not) in the public archive, in German."""
        if not self.sent:
            return "noch nicht verschickt"
        if not self.sent_publicly:
            return "nur an private Listen verschickt"
        if self.choice is False:
            return "mit `isamail archive hide` herausgenommen"
        if self.choice is None and not self.in_toml:
            return "archive = false in issue.toml"
        return "öffentlich im Archiv"


def _sent(*, public_only: bool) -> ColumnElement[bool]:
    condition = exists().where(
        col(Delivery.edition_id) == col(Edition.id),
        col(Delivery.status).in_(_DELIVERED),
    )
    if public_only:
        condition = exists().where(
            col(Delivery.edition_id) == col(Edition.id),
            col(Delivery.status).in_(_DELIVERED),
            col(MailingList.id) == col(Delivery.list_id),
            col(MailingList.private).is_(False),
        )
    return condition


def _choices(engine: Engine) -> dict[str, bool]:
    with read_session(engine) as session:
        rows = session.execute(select(col(ArchiveChoice.issue), col(ArchiveChoice.listed))).all()
    return {issue: listed for issue, listed in rows}


def _listed(issue: str, choices: dict[str, bool], issues_dir: Path) -> bool:
    choice = choices.get(issue)
    return choice if choice is not None else archive_wanted(issues_dir / issue)


def public_editions(engine: Engine, issues_dir: Path) -> list[ArchiveEntry]:
    """The editions /archive lists, newest issue first."""
    with read_session(engine) as session:
        rows = (
            session.execute(
                select(Edition).where(_sent(public_only=True)).order_by(col(Edition.issue).desc())
            )
            .scalars()
            .all()
        )
    choices = _choices(engine)
    return [
        ArchiveEntry(e.issue, e.title, e.subject, e.language, e.created_at)
        for e in rows
        if _listed(e.issue, choices, issues_dir)
    ]


def public_edition(engine: Engine, issues_dir: Path, issue: str) -> Edition:
    """The edition as anyone may open it from the archive; NotFound otherwise (the
    answer for a private or hidden edition is the same as for none)."""
    edition = _edition(engine, issue, public_only=True)
    if edition is None or not _listed(issue, _choices(engine), issues_dir):
        raise NotFound(f"Die Ausgabe {issue} gibt es (noch) nicht im Archiv.")
    return edition


def sent_edition(engine: Engine, issue: str) -> Edition:
    """The edition if it was sent to anyone (for readers' links and images)."""
    edition = _edition(engine, issue, public_only=False)
    if edition is None:
        raise NotFound(f"Die Ausgabe {issue} gibt es (noch) nicht im Archiv.")
    return edition


def _edition(engine: Engine, issue: str, *, public_only: bool) -> Edition | None:
    with read_session(engine) as session:
        found: Edition | None = (
            session.execute(
                select(Edition).where(col(Edition.issue) == issue, _sent(public_only=public_only))
            )
            .scalars()
            .first()
        )
    return found


def archive_state(engine: Engine, issues_dir: Path, issue: str) -> ArchiveState:
    return ArchiveState(
        issue=issue,
        sent=_edition(engine, issue, public_only=False) is not None,
        sent_publicly=_edition(engine, issue, public_only=True) is not None,
        choice=_choices(engine).get(issue),
        in_toml=archive_wanted(issues_dir / issue),
    )


def set_listed(engine: Engine, issues_dir: Path, issue: str, listed: bool) -> ArchiveState:
    """Records `archive show` (``listed``) or `hide` for ``issue``; a second call with
    the same choice changes nothing."""
    known = (issues_dir / issue).is_dir()
    with unit_of_work(engine) as session:
        if (
            not known
            and session.execute(select(col(Edition.id)).where(col(Edition.issue) == issue)).first()
            is None
        ):
            raise NotFound(f"Eine Ausgabe „{issue}“ gibt es weder in issues/ noch verschickt.")
        row = (
            session.execute(select(ArchiveChoice).where(col(ArchiveChoice.issue) == issue))
            .scalars()
            .first()
        )
        if row is None:
            session.add(ArchiveChoice(issue=issue, listed=listed))
        elif row.listed != listed:
            row.listed = listed
            row.changed_at = utcnow()
    return archive_state(engine, issues_dir, issue)
