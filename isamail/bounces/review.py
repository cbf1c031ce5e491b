"""Reports for staff: listing what was processed, acting on unproven reports by hand.

A hard bounce or complaint that proves no mail of ours changed nothing when it arrived
(``bounces.process``); it is listed with the addresses it names (``review == "open"``).
Staff look at it and either act on those addresses deliberately (``apply``: the same as
a proven report would have done, recorded with the source ``bounce:staff`` or
``complaint:staff``) or leave it (``dismiss``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from isamail.audience.addresses import normalise
from isamail.audience.subscribers import find_subscriber
from isamail.bounces.actions import complain, suppress_bounced
from isamail.bounces.classify import BounceKind
from isamail.bounces.proof import Proof
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Bounce, BounceReview, utcnow
from isamail.errors import IsamailError, NotFound


@dataclass(frozen=True)
class BounceEntry:
    id: int
    created_at: datetime
    kind: str
    action: str
    proof: str | None
    addresses: tuple[str, ...]
    summary: str
    reporter: str
    review: str
    source: str

    def as_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "created_at": self.created_at.isoformat(),
            "kind": self.kind,
            "action": self.action,
            "attributed_by": self.proof,
            "addresses": list(self.addresses),
            "summary": self.summary,
            "reporter": self.reporter,
            "review": self.review,
            "source": self.source,
        }


def _entry(row: Bounce) -> BounceEntry:
    assert row.id is not None
    return BounceEntry(
        row.id,
        row.created_at,
        row.kind,
        row.action,
        row.proof,
        tuple(a for a in row.addresses.split("\n") if a),
        row.summary,
        row.reporter,
        row.review,
        row.source,
    )


def list_reports(
    engine: Engine, *, unattributed: bool = False, limit: int | None = None
) -> list[BounceEntry]:
    """Processed reports, newest first; ``unattributed``: only those waiting for staff."""
    query = select(Bounce).order_by(col(Bounce.id).desc())
    if unattributed:
        query = query.where(Bounce.review == BounceReview.OPEN)
    if limit is not None:
        query = query.limit(limit)
    with read_session(engine) as session:
        return [_entry(row) for row in session.exec(query).all()]


@dataclass(frozen=True)
class Applied:
    id: int
    kind: str
    acted_on: list[str]  # addresses suppressed or unsubscribed now
    unknown: list[str]  # named, but nobody we know (or already forgotten)


def apply_report(engine: Engine, bounce_id: int) -> Applied:
    """Acts on the addresses an unproven hard bounce or complaint names, as a proven one
    would have done. Only for reports still open: applying twice changes nothing."""
    with unit_of_work(engine) as session:
        row = _open_row(session, bounce_id)
        acted, unknown = [], []
        for address in (a for a in row.addresses.split("\n") if a):
            try:
                subscriber = find_subscriber(session, normalise(address))
            except IsamailError:
                subscriber = None
            if subscriber is None or subscriber.email is None:
                unknown.append(address)
                continue
            if row.kind == BounceKind.COMPLAINT:
                complain(session, subscriber, source="complaint:staff", note=row.summary)
            else:
                suppress_bounced(session, subscriber, source="bounce:staff")
            acted.append(subscriber.email)
        row.review, row.reviewed_at, row.proof = BounceReview.APPLIED, utcnow(), Proof.STAFF
        return Applied(bounce_id, row.kind, acted, unknown)


def dismiss_report(engine: Engine, bounce_id: int) -> None:
    """Leaves an unproven report as it is and takes it off the staff list."""
    with unit_of_work(engine) as session:
        row = _open_row(session, bounce_id)
        row.review, row.reviewed_at = BounceReview.DISMISSED, utcnow()


def _open_row(session: Session, bounce_id: int) -> Bounce:
    row = session.get(Bounce, bounce_id, with_for_update=True)
    if row is None:
        raise NotFound(f"Rückläufer Nr. {bounce_id} gibt es nicht.")
    if row.review != BounceReview.OPEN:
        state = {
            BounceReview.APPLIED: "wurde schon angewendet",
            BounceReview.DISMISSED: "wurde verworfen",
        }.get(BounceReview(row.review), "war zugeordnet oder betrifft niemanden")
        raise IsamailError(
            f"Rückläufer Nr. {bounce_id} wartet nicht auf eine Entscheidung (er {state})."
        )
    return row
