"""`isamail issue ls`: every issue with its state, as an editor plans the month.

- ``draft``: the issue has errors (format or scaffold text), it cannot be sent;
- ``checked``: `issue check` finds no error (warnings may remain);
- ``sent``: it went to someone (``queued`` says how many still wait).

Issues whose folder is gone but which were sent are listed from their edition.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, select
from sqlmodel import col

from isamail.archive import archive_state
from isamail.db.engine import read_session
from isamail.db.models import Delivery, DeliveryStatus, Edition

DRAFT, CHECKED, SENT = "draft", "checked", "sent"


@dataclass(frozen=True)
class IssueState:
    issue: str
    title: str
    date: datetime.date | None  # the issue's month (issue.toml)
    state: str  # DRAFT, CHECKED or SENT
    errors: int
    warnings: int
    sections: int
    sent: int  # deliveries sent (bounced ones included)
    waiting: int  # queued or being sent
    first_sent_at: datetime.datetime | None
    last_sent_at: datetime.datetime | None
    archive: str  # why it is (not) in the public archive


@dataclass(frozen=True)
class _Sends:
    title: str
    sent: int
    waiting: int
    first: datetime.datetime | None
    last: datetime.datetime | None


def issue_states(engine: Engine, issues_dir: Path) -> list[IssueState]:
    """Every issue folder and every edition, newest name first."""
    from isamail.issues.checks import content_problems
    from isamail.issues.parse import draft_issue, known_issues

    sends = _sends(engine)
    states = []
    for name in sorted(set(known_issues(issues_dir)) | set(sends), reverse=True):
        folder = issues_dir / name
        done = sends.get(name)
        if folder.is_dir():
            issue, problems = draft_issue(folder)
            problems = problems + content_problems(issue)
            title, date, sections = issue.title, issue.date, len(issue.sections)
        else:
            problems, title, date, sections = [], done.title if done else name, None, 0
        errors = sum(p.is_error for p in problems)
        state = SENT if done and done.sent else DRAFT if errors else CHECKED
        states.append(
            IssueState(
                issue=name,
                title=title,
                date=date,
                state=state,
                errors=errors,
                warnings=len(problems) - errors,
                sections=sections,
                sent=done.sent if done else 0,
                waiting=done.waiting if done else 0,
                first_sent_at=done.first if done else None,
                last_sent_at=done.last if done else None,
                archive=archive_state(engine, issues_dir, name).reason,
            )
        )
    return states


def _sends(engine: Engine) -> dict[str, _Sends]:
    sent_states = (DeliveryStatus.SENT, DeliveryStatus.BOUNCED)
    waiting_states = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
    query = (
        select(
            col(Edition.issue),
            col(Edition.title),
            col(Delivery.status),
            func.count(),
            func.min(Delivery.sent_at),
            func.max(Delivery.sent_at),
        )
        .select_from(Edition)
        .outerjoin(Delivery, col(Delivery.edition_id) == col(Edition.id))
        .group_by(col(Edition.issue), col(Edition.title), col(Delivery.status))
    )
    with read_session(engine) as session:
        rows = session.execute(query).all()
    found: dict[str, _Sends] = {}
    for issue, title, status, count, first, last in rows:
        before = found.get(issue, _Sends(title, 0, 0, None, None))
        sent = count if status in sent_states else 0
        found[issue] = _Sends(
            title,
            before.sent + sent,
            before.waiting + (count if status in waiting_states else 0),
            min(filter(None, [before.first, first if sent else None]), default=None),
            max(filter(None, [before.last, last if sent else None]), default=None),
        )
    return found
