"""Read-only delivery reports: plain dataclasses, no printing.

Every number comes from a handful of grouped queries, never from loading one row per
delivery, so that a report over a million deliveries stays well under a second: the
per-edition counts are one scan of the covering index ``ix_delivery_report`` (edition,
status, bounce kind, list, subscriber; migration 0004). Only the per-recipient list of
``report ISSUE --json``/``--csv`` reads every delivery, and it streams.

Rates follow what mail providers measure: the bounce rate is everything refused (at
SMTP time or bounced later) over everything handed to a server; the complaint rate is
complaints over messages delivered.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement

from isamail.config import Settings
from isamail.db.engine import is_sqlite, read_session
from isamail.db.models import (
    Bounce,
    ConsentEvent,
    ConsentKind,
    Delivery,
    DeliveryStatus,
    Edition,
    MailingList,
    Subscriber,
    table,
)
from isamail.errors import NotFound

DELIVERY = table(Delivery)
SUBSCRIBER = table(Subscriber)
EDITION = table(Edition)
CONSENT = table(ConsentEvent)
BOUNCE = table(Bounce)
LIST = table(MailingList)

# Gmail's and Yahoo's bulk sender rules: complaints must stay under 0.3 %.
DEFAULT_MAX_BOUNCE_RATE = 0.02
DEFAULT_MAX_COMPLAINT_RATE = 0.003
TOP_DOMAINS = 10
TIMELINE_BARS = 20
SHOWN_RECIPIENTS = 20
_LEFT = (ConsentKind.UNSUBSCRIBED.value, ConsentKind.COMPLAINT.value)
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")


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
    date: str = ""
    complaints: int = 0
    soft_bounces: int = 0
    policy_bounces: int = 0  # of ``bounced``: refused for the sender's sake (DMARC, block lists)
    unsubscribed: int = 0  # recipients who unsubscribed or complained since it was sent
    possibly_duplicated: int = 0  # sent twice, maybe: a crash hit them in flight
    bounce_rate: float = 0.0
    complaint_rate: float = 0.0
    warnings: list[str] = field(default_factory=list)
    deliveries: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self, *, with_deliveries: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["list"] = data.pop("lists")
        data["bounce_rate"] = round(self.bounce_rate, 6)
        data["complaint_rate"] = round(self.complaint_rate, 6)
        if not with_deliveries:
            data.pop("deliveries")
        return data


@dataclass(frozen=True)
class ReasonGroup:
    """Deliveries that failed or bounced for the same reason."""

    status: str  # failed, bounced, or sent (soft bounce, complaint)
    kind: str  # "" (refused at SMTP time), hard, policy, soft, complaint
    code: int | None
    reply: str  # the server's reply with addresses blanked, or the bounce's summary
    count: int
    examples: tuple[str, ...]


@dataclass(frozen=True)
class DomainRow:
    domain: str
    recipients: int
    sent: int
    failed: int
    bounced: int
    complaints: int
    queued: int


@dataclass(frozen=True)
class TimeBar:
    start: str  # "YYYY-MM-DD HH:MM" UTC
    minutes: int
    count: int


@dataclass
class IssueDetail:
    report: EditionReport
    states: dict[str, int]
    reasons: list[ReasonGroup]
    domains: list[DomainRow]
    duplicates: int
    duplicate_examples: list[str]
    timeline: list[TimeBar]
    waiting: int  # queued or being sent
    waiting_examples: list[str]
    resume_command: str | None

    def as_json(self) -> dict[str, Any]:
        data = self.report.as_json()
        data.update(
            {
                "states": self.states,
                "reasons": [asdict(r) for r in self.reasons],
                "domains": [asdict(d) for d in self.domains],
                "possibly_duplicated": {
                    "count": self.duplicates,
                    "examples": self.duplicate_examples,
                },
                "timeline": [asdict(t) for t in self.timeline],
                "waiting": {
                    "count": self.waiting,
                    "examples": self.waiting_examples,
                    "resume": self.resume_command,
                },
            }
        )
        return data


# --- all editions ---------------------------------------------------------------------


def edition_reports(
    engine: Engine, issue: str | None = None, *, settings: Settings | None = None
) -> list[EditionReport]:
    """One report per edition (or only ``issue``'s), oldest first."""
    query = select(EDITION.c.id, EDITION.c.issue, EDITION.c.created_at).order_by(
        EDITION.c.created_at, EDITION.c.id
    )
    if issue is not None:
        query = query.where(EDITION.c.issue == issue)
    with read_session(engine) as session:
        editions = session.execute(query).all()
        ids = [row[0] for row in editions]
        counts = session.execute(
            select(
                DELIVERY.c.edition_id,
                DELIVERY.c.status,
                DELIVERY.c.bounce_kind,
                DELIVERY.c.list_id,
                DELIVERY.c.possibly_duplicate,
                func.count(),
            )
            .where(DELIVERY.c.edition_id.in_(ids))
            .group_by(
                DELIVERY.c.edition_id,
                DELIVERY.c.status,
                DELIVERY.c.bounce_kind,
                DELIVERY.c.list_id,
                DELIVERY.c.possibly_duplicate,
            )
        ).all()
        list_names = {i: n for i, n in session.execute(select(LIST.c.id, LIST.c.name))}
        left = _unsubscribed_since(session, ids)
    limits = _limits(settings)
    tallies: dict[int, dict[str, int]] = {}
    lists: dict[int, set[str]] = {}
    for edition_id, status, kind, list_id, duplicate, n in counts:
        tally = tallies.setdefault(edition_id, {})
        tally[status] = tally.get(status, 0) + int(n)
        if kind:
            tally[f"kind:{kind}"] = tally.get(f"kind:{kind}", 0) + int(n)
        if duplicate:
            tally["duplicates"] = tally.get("duplicates", 0) + int(n)
        if list_id in list_names:
            lists.setdefault(edition_id, set()).add(list_names[list_id])
    reports = []
    for edition_id, name, created in editions:
        tally = tallies.get(edition_id, {})
        report = EditionReport(
            issue=name,
            lists=", ".join(sorted(lists.get(edition_id, set()))),
            recipients=sum(tally.get(s.value, 0) for s in DeliveryStatus),
            sent=tally.get(DeliveryStatus.SENT, 0),
            failed=tally.get(DeliveryStatus.FAILED, 0),
            bounced=tally.get(DeliveryStatus.BOUNCED, 0),
            queued=tally.get(DeliveryStatus.QUEUED, 0),
            sending=tally.get(DeliveryStatus.SENDING, 0),
            created_at=created.isoformat(),
            date=created.date().isoformat(),
            complaints=tally.get("kind:complaint", 0),
            soft_bounces=tally.get("kind:soft", 0),
            policy_bounces=tally.get("kind:policy", 0),
            unsubscribed=left.get(edition_id, 0),
            possibly_duplicated=tally.get("duplicates", 0),
        )
        _rates(report, *limits)
        reports.append(report)
    return reports


def _unsubscribed_since(session: Any, edition_ids: list[int]) -> dict[int, int]:
    """Per edition: its recipients who unsubscribed or complained after it was frozen.

    Driven from the few people who left (IN subquery, then the unique index on edition and
    subscriber), not from the deliveries, which are many."""
    if not edition_ids:
        return {}
    later = CONSENT.alias("later")
    last_left = (
        select(func.max(later.c.at))
        .where(later.c.subscriber_id == DELIVERY.c.subscriber_id, later.c.kind.in_(_LEFT))
        .scalar_subquery()
    )
    rows = session.execute(
        select(DELIVERY.c.edition_id, func.count())
        .join(EDITION, EDITION.c.id == DELIVERY.c.edition_id)
        .where(
            DELIVERY.c.edition_id.in_(edition_ids),
            DELIVERY.c.subscriber_id.in_(
                select(CONSENT.c.subscriber_id).where(CONSENT.c.kind.in_(_LEFT))
            ),
            last_left >= EDITION.c.created_at,
        )
        .group_by(DELIVERY.c.edition_id)
    ).all()
    return {edition_id: int(n) for edition_id, n in rows}


def _limits(settings: Settings | None) -> tuple[float, float]:
    if settings is None:
        return DEFAULT_MAX_BOUNCE_RATE, DEFAULT_MAX_COMPLAINT_RATE
    return float(settings["bounces.max_bounce_rate"]), float(settings["bounces.max_complaint_rate"])


def _rates(report: EditionReport, max_bounce: float, max_complaint: float) -> None:
    attempted = report.sent + report.failed + report.bounced
    refused = report.failed + report.bounced
    report.bounce_rate = refused / attempted if attempted else 0.0
    report.complaint_rate = report.complaints / report.sent if report.sent else 0.0
    if attempted and report.bounce_rate > max_bounce:
        report.warnings.append(
            f"{report.issue}: Bounce-Rate {percent(report.bounce_rate)} über dem Grenzwert "
            f"{percent(max_bounce)} – Adressliste prüfen, Anbieter drosseln oder sperren sonst."
        )
    if report.sent and report.complaint_rate > max_complaint:
        report.warnings.append(
            f"{report.issue}: Beschwerderate {percent(report.complaint_rate)} über dem "
            f"Grenzwert {percent(max_complaint)} (Gmail und Yahoo verlangen unter 0,3 %)."
        )


def percent(rate: float) -> str:
    """German percent with two decimals: 0.0034 → "0,34 %"."""
    return f"{rate * 100:.2f}".replace(".", ",") + " %"


# --- one edition ----------------------------------------------------------------------


def edition_report(
    engine: Engine, issue: str, *, settings: Settings | None = None
) -> EditionReport:
    """The edition's counts plus one entry per delivery (for ``--json``)."""
    report = edition_summary(engine, issue, settings=settings)
    report.deliveries = [delivery_entry(row) for row in iter_deliveries(engine, issue)]
    return report


def edition_summary(
    engine: Engine, issue: str, *, settings: Settings | None = None
) -> EditionReport:
    """The counts of one edition; NotFound if it was never sent."""
    found = edition_reports(engine, issue, settings=settings)
    if not found:
        raise NotFound(f"{issue} wurde noch nicht verschickt (keine Ausgabe eingefroren).")
    return found[0]


def _edition_id(session: Any, issue: str) -> int:
    return int(session.execute(select(EDITION.c.id).where(EDITION.c.issue == issue)).scalar_one())


DeliveryRow = tuple[str | None, str, int | None, str, bool, str | None, str | None]


def delivery_entry(row: DeliveryRow) -> dict[str, Any]:
    """One delivery as `report ISSUE --json` shows it."""
    email, status, code, reply, dup, kind, sent_at = row
    return {
        "email": email,
        "status": status,
        "smtp_code": code,
        "reply": reply,
        "possibly_duplicate": dup,
        "bounce_kind": kind,
        "sent_at": sent_at,
    }


def iter_deliveries(engine: Engine, issue: str, *, chunk: int = 5000) -> Iterator[DeliveryRow]:
    """(email, status, smtp_code, reply, possibly_duplicate, bounce_kind, sent_at) of every
    delivery, in send order, without holding them all in memory."""
    with read_session(engine) as session:
        edition_id = _edition_id(session, issue)
        result = session.execute(
            select(
                SUBSCRIBER.c.email,
                DELIVERY.c.status,
                DELIVERY.c.last_code,
                DELIVERY.c.last_reply,
                DELIVERY.c.possibly_duplicate,
                DELIVERY.c.bounce_kind,
                DELIVERY.c.sent_at,
            )
            .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
            .where(DELIVERY.c.edition_id == edition_id)
            .order_by(DELIVERY.c.id)
            .execution_options(yield_per=chunk)
        )
        for email, status, code, reply, dup, kind, sent_at in result:
            yield (
                email,
                status,
                code,
                reply or "",
                bool(dup),
                kind,
                sent_at.isoformat() if isinstance(sent_at, datetime) else None,
            )


def issue_detail(engine: Engine, issue: str, *, settings: Settings | None = None) -> IssueDetail:
    """Everything `isamail report ISSUE` shows, from grouped queries."""
    report = edition_summary(engine, issue, settings=settings)
    sqlite = is_sqlite(engine)
    with read_session(engine) as session:
        edition_id = _edition_id(session, issue)
        states = {s.value: 0 for s in DeliveryStatus}
        for status, n in session.execute(
            select(DELIVERY.c.status, func.count())
            .where(DELIVERY.c.edition_id == edition_id)
            .group_by(DELIVERY.c.status)
        ):
            states[status] = int(n)
        reasons = _reasons(session, edition_id)
        domains = _domains(session, edition_id, sqlite)
        duplicates = report.possibly_duplicated
        duplicate_examples = _examples(
            session, edition_id, DELIVERY.c.possibly_duplicate.is_(True), duplicates
        )
        waiting = report.queued + report.sending
        waiting_examples = _examples(
            session,
            edition_id,
            DELIVERY.c.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING]),
            waiting,
        )
        timeline = _timeline(session, edition_id, sqlite)
    resume = None
    if waiting:
        lists = " ".join(f"--list {name}" for name in report.lists.split(", ") if name)
        resume = f"isamail send {issue} {lists}".strip()
    return IssueDetail(
        report=report,
        states=states,
        reasons=reasons,
        domains=domains,
        duplicates=duplicates,
        duplicate_examples=duplicate_examples,
        timeline=timeline,
        waiting=waiting,
        waiting_examples=waiting_examples,
        resume_command=resume,
    )


def _reasons(session: Any, edition_id: int) -> list[ReasonGroup]:
    """Refusals and bounces grouped by (state, kind, code, reply without addresses)."""
    columns = (
        SUBSCRIBER.c.email,
        DELIVERY.c.status,
        DELIVERY.c.bounce_kind,
        DELIVERY.c.last_code,
        DELIVERY.c.last_reply,
    )
    refused = (
        select(*columns)
        .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
        .where(
            DELIVERY.c.edition_id == edition_id,
            DELIVERY.c.status.in_([DeliveryStatus.FAILED, DeliveryStatus.BOUNCED]),
        )
    )
    # soft bounces and complaints: the send-time reply was "250 OK"; the bounce says why
    summary = (
        select(BOUNCE.c.summary)
        .where(BOUNCE.c.delivery_id == DELIVERY.c.id)
        .order_by(BOUNCE.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    noted = (
        select(*columns[:3], literal_column("NULL"), summary)
        .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
        .where(
            DELIVERY.c.edition_id == edition_id,
            DELIVERY.c.status.not_in([DeliveryStatus.FAILED, DeliveryStatus.BOUNCED]),
            DELIVERY.c.bounce_kind.is_not(None),
        )
    )
    groups: dict[tuple[str, str, int | None, str], list[str]] = {}
    counts: dict[tuple[str, str, int | None, str], int] = {}
    for query in (refused, noted):
        for email, status, kind, code, reply in session.execute(query):
            key = (status, kind or "", code, _blank_addresses(reply or ""))
            counts[key] = counts.get(key, 0) + 1
            examples = groups.setdefault(key, [])
            if len(examples) < 3:
                examples.append(email or "(gelöscht)")
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0][0], item[0][3]))
    return [
        ReasonGroup(status, kind, code, reply, n, tuple(groups[(status, kind, code, reply)]))
        for (status, kind, code, reply), n in ordered
    ]


def _blank_addresses(reply: str) -> str:
    """The reply with the recipient's address taken out, so equal reasons group together."""
    return " ".join(_ADDRESS.sub("<…>", reply).split())[:200]


def _domain_of(email: ColumnElement[Any], sqlite: bool) -> ColumnElement[Any]:
    if sqlite:
        return func.substr(email, func.instr(email, "@") + 1)
    return func.split_part(email, "@", 2)


def _domains(session: Any, edition_id: int, sqlite: bool) -> list[DomainRow]:
    domain = _domain_of(SUBSCRIBER.c.email, sqlite).label("domain")
    status, kind = DELIVERY.c.status, DELIVERY.c.bounce_kind

    def share(condition: ColumnElement[bool]) -> ColumnElement[Any]:
        return func.sum(case((condition, 1), else_=0))

    rows = session.execute(
        select(
            domain,
            func.count(),
            share(status == DeliveryStatus.SENT),
            share(status == DeliveryStatus.FAILED),
            share(status == DeliveryStatus.BOUNCED),
            share(kind == "complaint"),
            share(status.in_([DeliveryStatus.QUEUED, DeliveryStatus.SENDING])),
        )
        .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
        .where(DELIVERY.c.edition_id == edition_id, SUBSCRIBER.c.email.is_not(None))
        .group_by(literal_column("domain"))
        .order_by(func.count().desc(), literal_column("domain"))
        .limit(TOP_DOMAINS)
    ).all()
    return [DomainRow(str(d), *(int(x or 0) for x in rest)) for d, *rest in rows]


def _examples(session: Any, edition_id: int, condition: Any, total: int) -> list[str]:
    if not total:
        return []
    return [
        email or "(gelöscht)"
        for email in session.execute(
            select(SUBSCRIBER.c.email)
            .join(DELIVERY, DELIVERY.c.subscriber_id == SUBSCRIBER.c.id)
            .where(DELIVERY.c.edition_id == edition_id, condition)
            .order_by(DELIVERY.c.id)
            .limit(SHOWN_RECIPIENTS)
        ).scalars()
    ]


def _timeline(session: Any, edition_id: int, sqlite: bool) -> list[TimeBar]:
    """Sends per minute, merged into at most TIMELINE_BARS bars (empty stretches dropped)."""
    sent_at = DELIVERY.c.sent_at
    if sqlite:
        minute: ColumnElement[Any] = func.substr(sent_at, 1, 16)
    else:
        minute = func.to_char(func.timezone("UTC", sent_at), "YYYY-MM-DD HH24:MI")
    rows = session.execute(
        select(minute.label("minute"), func.count())
        .where(DELIVERY.c.edition_id == edition_id, sent_at.is_not(None))
        .group_by(literal_column("minute"))
        .order_by(literal_column("minute"))
    ).all()
    if not rows:
        return []
    per_minute = [(datetime.strptime(m, "%Y-%m-%d %H:%M"), int(n)) for m, n in rows]
    first, last = per_minute[0][0], per_minute[-1][0]
    span = int((last - first).total_seconds() // 60) + 1
    width = max(1, math.ceil(span / TIMELINE_BARS))
    bars: dict[int, int] = {}
    for at, n in per_minute:
        index = int((at - first).total_seconds() // 60) // width
        bars[index] = bars.get(index, 0) + n
    return [
        TimeBar((first + timedelta(minutes=i * width)).strftime("%Y-%m-%d %H:%M"), width, n)
        for i, n in sorted(bars.items())
    ]
