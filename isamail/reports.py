"""Read-only delivery reports: plain dataclasses, no printing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlmodel import col

from isamail.db.engine import read_session
from isamail.db.models import DeliveryStatus, Edition, MailingList
from isamail.errors import NotFound
from isamail.queue import DELIVERY, SUBSCRIBER


@dataclass
class EditionReport:
    issue: str
    lists: str
    recipients: int
    sent: int
    failed: int
    bounced: int
    queued: int
    sending: int
    created_at: str
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, *, with_deliveries: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["list"] = data.pop("lists")
        if not with_deliveries:
            data.pop("deliveries")
        return data


def edition_reports(engine: Engine, issue: str | None = None) -> list[EditionReport]:
    """One report per edition (or only ``issue``'s), oldest first."""
    query = select(Edition.id, Edition.issue, Edition.created_at).order_by(Edition.created_at)  # type: ignore[call-overload]
    if issue is not None:
        query = query.where(col(Edition.issue) == issue)
    with read_session(engine) as session:
        editions = session.execute(query).all()
        ids = [row[0] for row in editions]
        counts = session.execute(
            select(DELIVERY.c.edition_id, DELIVERY.c.status, func.count())
            .where(DELIVERY.c.edition_id.in_(ids))
            .group_by(DELIVERY.c.edition_id, DELIVERY.c.status)
        ).all()
        lists = session.execute(
            select(DELIVERY.c.edition_id, MailingList.name)  # type: ignore[call-overload]
            .join(MailingList, MailingList.id == DELIVERY.c.list_id)
            .where(DELIVERY.c.edition_id.in_(ids))
            .group_by(DELIVERY.c.edition_id, MailingList.name)
        ).all()
    by_edition: dict[int, dict[str, int]] = {}
    for edition_id, status, n in counts:
        by_edition.setdefault(edition_id, {})[status] = int(n)
    names: dict[int, list[str]] = {}
    for edition_id, name in lists:
        names.setdefault(edition_id, []).append(name)
    reports = []
    for edition_id, issue, created in editions:
        c = by_edition.get(edition_id, {})
        reports.append(
            EditionReport(
                issue=issue,
                lists=", ".join(sorted(names.get(edition_id, []))),
                recipients=sum(c.values()),
                sent=c.get(DeliveryStatus.SENT, 0),
                failed=c.get(DeliveryStatus.FAILED, 0),
                bounced=c.get(DeliveryStatus.BOUNCED, 0),
                queued=c.get(DeliveryStatus.QUEUED, 0),
                sending=c.get(DeliveryStatus.SENDING, 0),
                created_at=created.isoformat(),
            )
        )
    return reports


def edition_report(engine: Engine, issue: str) -> EditionReport:
    found = edition_reports(engine, issue)
    if not found:
        raise NotFound(f"{issue} wurde noch nicht verschickt (keine Ausgabe eingefroren).")
    report = found[0]
    with read_session(engine) as session:
        rows = session.execute(
            select(
                SUBSCRIBER.c.email,
                DELIVERY.c.status,
                DELIVERY.c.last_code,
                DELIVERY.c.last_reply,
                DELIVERY.c.possibly_duplicate,
            )
            .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
            .join(Edition, Edition.id == DELIVERY.c.edition_id)  # type: ignore[arg-type]
            .where(col(Edition.issue) == issue)
            .order_by(DELIVERY.c.id)
        ).all()
    report.deliveries = [
        {
            "email": email,
            "status": status,
            "smtp_code": code,
            "reply": reply,
            "possibly_duplicate": bool(dup),
        }
        for email, status, code, reply, dup in rows
    ]
    return report
