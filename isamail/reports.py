"""Read-only delivery reports: plain dataclasses, no printing.

`isamail report` must answer in under a second over a million deliveries, start-up
included (issue 6). So the reports run on a plain DB-API connection
(``isamail.db.readonly``) with hand-written SQL for SQLite and PostgreSQL, and import
neither SQLAlchemy nor the models; delivery states and consent kinds are therefore spelled
out here, and a test holds them equal to the models' enums.

No query reads every delivery except the per-recipient list of ``report ISSUE
--json``/``--csv``, which streams. The numbers are counts of index ranges, which SQLite
steps through four times faster than it groups the same rows: per edition and state on
``ix_delivery_claim``, bounce kinds on ``ix_delivery_report`` (within the five states,
the only ones isamail writes), duplicates on ``ix_delivery_duplicate_list``, whose
(edition, duplicate flag, list) prefix also yields an edition's lists by hopping from one
list to the next, the timeline as at most TIMELINE_BARS ranges of
``ix_delivery_edition_sent``, and the recipients who left from the partial index
``ix_consent_event_left``. Only the recipient domains are grouped row by row.

Rates follow what mail providers measure: the bounce rate is everything refused (at
SMTP time or bounced later) over everything handed to a server; the complaint rate is
complaints over messages delivered.
"""

# ruff: noqa: S608 - SQL is assembled from this module's constants only; what a user types
# (the issue) is always a parameter

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring as _encode_string
from typing import Any

from isamail.config import Settings
from isamail.db.readonly import ReadOnlyDatabase
from isamail.errors import NotFound

# DeliveryStatus, in its order (the order of `states` in `report ISSUE --json`)
QUEUED, SENDING, SENT, FAILED, BOUNCED = "queued", "sending", "sent", "failed", "bounced"
SKIPPED = "skipped"
STATES = (QUEUED, SENDING, SENT, FAILED, BOUNCED, SKIPPED)
# ConsentKind: the recipients who left
LEFT_KINDS = ("unsubscribed", "complaint")

# Gmail's and Yahoo's bulk sender rules: complaints must stay under 0.3 %.
DEFAULT_MAX_BOUNCE_RATE = 0.02
DEFAULT_MAX_COMPLAINT_RATE = 0.003
TOP_DOMAINS = 10
# Gmail sends no complaint reports (feedback loop) to senders; its Postmaster Tools
# show the spam rate instead.
GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})
TIMELINE_BARS = 20
SHOWN_RECIPIENTS = 20
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")


def _sql_list(values: Sequence[str]) -> str:
    """Constants of this module as an SQL list (literals: the partial index and the index
    seeks need them in the statement, not as parameters)."""
    return ", ".join(f"'{v}'" for v in values)


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
    skipped: int = 0  # held back: the recipient left, was erased or suppressed before
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
    skipped: int = 0


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
    # The relay's quota holds the waiting ones back until then (smtp.quota_per_*) ...
    quota_until: datetime | None = None
    quota_limit: str = ""  # ... by this limit, e.g. "10.000 je Tag"

    @property
    def gmail_recipients(self) -> int | None:
        """Messages sent to Gmail's own domains, which send isamail no complaint reports;
        None where they are not among the domains counted (then fewer than the last)."""
        rows = [d for d in self.domains if d.domain.lower() in GMAIL_DOMAINS]
        if not rows and len(self.domains) >= TOP_DOMAINS:
            return None
        return sum(d.sent for d in rows)

    def as_json(self) -> dict[str, Any]:
        data = self.report.as_json()
        data.update(
            {
                "states": self.states,
                "reasons": [asdict(r) for r in self.reasons],
                "domains": [asdict(d) for d in self.domains],
                # a count here as in every edition of `report --json`; who, beside it
                "possibly_duplicated": self.duplicates,
                "possibly_duplicated_examples": self.duplicate_examples,
                "timeline": [asdict(t) for t in self.timeline],
                "waiting": {
                    "count": self.waiting,
                    "examples": self.waiting_examples,
                    "resume": self.resume_command,
                },
                "waiting_for_quota": (
                    {"until": self.quota_until.isoformat(), "limit": self.quota_limit}
                    if self.quota_until
                    else None
                ),
                "gmail_recipients": self.gmail_recipients,
            }
        )
        return data


# --- all editions ---------------------------------------------------------------------

# Per edition: one count per state, duplicates and bounce kinds, each an index range.
_COUNTS = {
    **{state: f"d.status = '{state}'" for state in STATES},
    "duplicates": "d.possibly_duplicate = true",
    **{
        f"kind:{kind}": f"d.status IN ({_sql_list(STATES)}) AND d.bounce_kind = '{kind}'"
        for kind in ("complaint", "soft", "policy")
    },
}
_EDITIONS = (
    "SELECT e.id, e.issue, e.created_at, "
    + ", ".join(
        f"(SELECT count(*) FROM delivery d WHERE d.edition_id = e.id AND {condition})"
        for condition in _COUNTS.values()
    )
    + " FROM edition e {where} ORDER BY e.created_at, e.id"
)
# An edition's lists: the smallest list_id of its deliveries, then the next larger one,
# each a seek, for both values of the duplicate flag that precedes list_id in the index.
_LISTS = """
WITH RECURSIVE found(edition_id, duplicate, list_id) AS (
    SELECT e.id, f.duplicate,
        (SELECT min(d.list_id) FROM delivery d
         WHERE d.edition_id = e.id AND d.possibly_duplicate = f.duplicate)
    FROM edition e CROSS JOIN (SELECT false AS duplicate UNION ALL SELECT true) f
    {where}
    UNION ALL
    SELECT found.edition_id, found.duplicate,
        (SELECT min(d.list_id) FROM delivery d
         WHERE d.edition_id = found.edition_id AND d.possibly_duplicate = found.duplicate
           AND d.list_id > found.list_id)
    FROM found WHERE found.list_id IS NOT NULL
)
SELECT DISTINCT found.edition_id, l.name
FROM found JOIN mailing_list l ON l.id = found.list_id
"""
# Recipients who unsubscribed or complained after the edition was frozen: driven from the
# few who left (the condition is the partial index's, word for word), not the deliveries.
_LEFT_SINCE = f"""
SELECT d.edition_id, count(*)
FROM (
    SELECT subscriber_id, max(at) AS last_left FROM consent_event
    WHERE kind IN ({_sql_list(LEFT_KINDS)})
    GROUP BY subscriber_id
) gone
JOIN delivery d ON d.subscriber_id = gone.subscriber_id
JOIN edition e ON e.id = d.edition_id
WHERE gone.last_left >= e.created_at {{and_where}}
GROUP BY d.edition_id
"""


def edition_reports(
    db: ReadOnlyDatabase, issue: str | None = None, *, settings: Settings | None = None
) -> list[EditionReport]:
    """One report per edition (or only ``issue``'s), oldest first."""
    return [report for _, report in _reports(db, issue, settings)]


def _reports(
    db: ReadOnlyDatabase, issue: str | None, settings: Settings | None
) -> list[tuple[int, EditionReport]]:
    params = {} if issue is None else {"issue": issue}
    condition = "" if issue is None else "e.issue = :issue"
    where = f"WHERE {condition}" if condition else ""
    editions = db.rows(_EDITIONS.format(where=where), params)
    if not editions:
        return []
    lists: dict[int, set[str]] = {}
    for edition_id, name in db.rows(_LISTS.format(where=where), params):
        lists.setdefault(edition_id, set()).add(name)
    and_where = f"AND {condition}" if condition else ""
    left = {e: int(n) for e, n in db.rows(_LEFT_SINCE.format(and_where=and_where), params)}
    limits = _limits(settings)
    reports = []
    for edition_id, name, created, *numbers in editions:
        n = dict(zip(_COUNTS, (int(x) for x in numbers), strict=True))
        at = db.timestamp(created)
        assert at is not None  # created_at is NOT NULL
        report = EditionReport(
            issue=name,
            lists=", ".join(sorted(lists.get(edition_id, set()))),
            recipients=sum(n[state] for state in STATES),
            sent=n[SENT],
            failed=n[FAILED],
            bounced=n[BOUNCED],
            queued=n[QUEUED],
            sending=n[SENDING],
            skipped=n[SKIPPED],
            created_at=at.isoformat(),
            date=at.date().isoformat(),
            complaints=n["kind:complaint"],
            soft_bounces=n["kind:soft"],
            policy_bounces=n["kind:policy"],
            unsubscribed=left.get(edition_id, 0),
            possibly_duplicated=n["duplicates"],
        )
        _rates(report, *limits)
        reports.append((edition_id, report))
    return reports


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
    """Percent as people read it, two decimals: 0.0034 → "0,34 %"."""
    from isamail.i18n.formats import percent as formatted

    return formatted(rate)


# --- one edition ----------------------------------------------------------------------


def edition_report(
    db: ReadOnlyDatabase, issue: str, *, settings: Settings | None = None
) -> EditionReport:
    """The edition's counts plus one entry per delivery (for ``--json``)."""
    report = edition_summary(db, issue, settings=settings)
    report.deliveries = [delivery_entry(row) for row in iter_deliveries(db, issue)]
    return report


def edition_summary(
    db: ReadOnlyDatabase, issue: str, *, settings: Settings | None = None
) -> EditionReport:
    """The counts of one edition; NotFound if it was never sent."""
    return _summary(db, issue, settings)[1]


def _summary(
    db: ReadOnlyDatabase, issue: str, settings: Settings | None
) -> tuple[int, EditionReport]:
    found = _reports(db, issue, settings)
    if not found:
        raise _not_sent(issue)
    return found[0]


def _not_sent(issue: str) -> NotFound:
    return NotFound(f"{issue} wurde noch nicht verschickt (keine Ausgabe eingefroren).")


DeliveryRow = tuple[str | None, str, int | None, str, bool, str | None, str | None, str | None]


def delivery_entry(row: DeliveryRow) -> dict[str, Any]:
    """One delivery as `report ISSUE --json` shows it."""
    email, status, code, reply, dup, kind, sent_at, skip_reason = row
    return {
        "email": email,
        "status": status,
        "smtp_code": code,
        "reply": reply,
        "possibly_duplicate": dup,
        "bounce_kind": kind,
        "sent_at": sent_at,
        "skip_reason": skip_reason,
    }


def delivery_json(row: DeliveryRow) -> str:
    """``json.dumps(delivery_entry(row), ensure_ascii=False)``, written out: the encoder's
    set-up for each of an edition's 200,000 rows took longer than the query."""
    email, status, code, reply, dup, kind, sent_at, skip_reason = row
    text = _encode_string
    return (
        f'{{"email": {"null" if email is None else text(email)}, "status": {text(status)}, '
        f'"smtp_code": {"null" if code is None else int(code)}, "reply": {text(reply)}, '
        f'"possibly_duplicate": {"true" if dup else "false"}, '
        f'"bounce_kind": {"null" if kind is None else text(kind)}, '
        f'"sent_at": {"null" if sent_at is None else text(sent_at)}, '
        f'"skip_reason": {"null" if skip_reason is None else text(skip_reason)}}}'
    )


_DELIVERIES = """
SELECT s.email, d.status, d.last_code, d.last_reply, d.possibly_duplicate, d.bounce_kind,
    {sent_at}, d.skip_reason
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition
ORDER BY d.id
"""


def iter_deliveries(
    db: ReadOnlyDatabase, issue: str, *, chunk: int = 5000
) -> Iterator[DeliveryRow]:
    """(email, status, smtp_code, reply, possibly_duplicate, bounce_kind, sent_at,
    skip_reason) of every delivery, in send order, without holding them all in memory."""
    found = db.one("SELECT id FROM edition WHERE issue = :issue", {"issue": issue})
    if found is None:
        raise _not_sent(issue)
    isoformat = db.isoformat
    for email, status, code, reply, dup, kind, sent_at, skip_reason in db.stream(
        _DELIVERIES.format(sent_at=db.time_text("d.sent_at")), {"edition": found[0]}, chunk=chunk
    ):
        yield (email, status, code, reply or "", bool(dup), kind, isoformat(sent_at), skip_reason)


def issue_detail(
    db: ReadOnlyDatabase, issue: str, *, settings: Settings | None = None
) -> IssueDetail:
    """Everything `isamail report ISSUE` shows, from index range counts and small queries."""
    edition_id, report = _summary(db, issue, settings)
    states = {
        QUEUED: report.queued,
        SENDING: report.sending,
        SENT: report.sent,
        FAILED: report.failed,
        BOUNCED: report.bounced,
        SKIPPED: report.skipped,
    }
    duplicates = report.possibly_duplicated
    waiting = report.queued + report.sending
    detail = IssueDetail(
        report=report,
        states=states,
        reasons=_reasons(db, edition_id),
        domains=_domains(db, edition_id),
        duplicates=duplicates,
        duplicate_examples=(
            _examples(db, edition_id, ["possibly_duplicate = true"]) if duplicates else []
        ),
        timeline=_timeline(db, edition_id),
        waiting=waiting,
        waiting_examples=(
            _examples(db, edition_id, [f"status = '{QUEUED}'", f"status = '{SENDING}'"])
            if waiting
            else []
        ),
        resume_command=None,
    )
    if waiting:
        lists = " ".join(f"--list {name}" for name in report.lists.split(", ") if name)
        detail.resume_command = f"isamail send {issue} {lists}".strip()
        if settings is not None:
            from isamail.deliverability.quotas import quota_wait

            held = quota_wait(settings, db, datetime.now(UTC))
            if held is not None:
                detail.quota_until, detail.quota_limit = held.next_at, held.limit
    return detail


_REFUSED = f"""
SELECT s.email, d.status, d.bounce_kind, d.last_code, d.last_reply
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND d.status IN ({_sql_list((FAILED, BOUNCED))})
ORDER BY d.id
"""
# soft bounces and complaints: the send-time reply was "250 OK"; the bounce says why
_NOTED = f"""
SELECT s.email, d.status, d.bounce_kind, NULL,
    (SELECT b.summary FROM bounce b WHERE b.delivery_id = d.id ORDER BY b.id DESC LIMIT 1)
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND d.status IN ({_sql_list((QUEUED, SENDING, SENT))})
    AND d.bounce_kind IS NOT NULL
ORDER BY d.id
"""
# held back by the gate: the reason is the kind, there is no reply
_SKIPPED = f"""
SELECT s.email, d.status, d.skip_reason, NULL, ''
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND d.status = '{SKIPPED}'
ORDER BY d.id
"""


def _reasons(db: ReadOnlyDatabase, edition_id: int) -> list[ReasonGroup]:
    """Refusals and bounces grouped by (state, kind, code, reply without addresses); the
    examples are the first in send order."""
    groups: dict[tuple[str, str, int | None, str], list[str]] = {}
    counts: dict[tuple[str, str, int | None, str], int] = {}
    for query in (_REFUSED, _NOTED, _SKIPPED):
        for email, status, kind, code, reply in db.rows(query, {"edition": edition_id}):
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


# Recipients per domain need every delivery of the edition joined to its address and
# grouped, the one query that reads them all: it counts only that, while the few failed,
# bounced, waiting and complained-about ones are grouped apart; the rest were sent.
_DOMAIN_TOTALS = f"""
SELECT {{domain}} AS domain, count(*)
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND s.email IS NOT NULL
GROUP BY domain
ORDER BY count(*) DESC, domain
LIMIT {TOP_DOMAINS}
"""
_DOMAIN_OTHERS = f"""
SELECT {{domain}} AS domain, d.status, count(*)
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND s.email IS NOT NULL
    AND d.status IN ({_sql_list((FAILED, BOUNCED, QUEUED, SENDING, SKIPPED))})
GROUP BY domain, d.status
UNION ALL
SELECT {{domain}} AS domain, 'complaint', count(*)
FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id
WHERE d.edition_id = :edition AND s.email IS NOT NULL
    AND d.status IN ({_sql_list(STATES)}) AND d.bounce_kind = 'complaint'
GROUP BY domain
"""


def _domains(db: ReadOnlyDatabase, edition_id: int) -> list[DomainRow]:
    if db.is_sqlite:
        domain = "substr(s.email, instr(s.email, '@') + 1)"
    else:
        domain = "split_part(s.email, '@', 2)"
    params = {"edition": edition_id}
    totals = db.rows(_DOMAIN_TOTALS.format(domain=domain), params)
    others: dict[tuple[str, str], int] = {
        (str(d), what): int(n)
        for d, what, n in db.rows(_DOMAIN_OTHERS.format(domain=domain), params)
    }
    rows = []
    for d, recipients in totals:
        n = {what: others.get((str(d), what), 0) for what in (*STATES, "complaint")}
        failed, bounced, waiting = n[FAILED], n[BOUNCED], n[QUEUED] + n[SENDING]
        sent = int(recipients) - failed - bounced - waiting - n[SKIPPED]
        rows.append(
            DomainRow(
                str(d), int(recipients), sent, failed, bounced, n["complaint"], waiting, n[SKIPPED]
            )
        )
    return rows


def _examples(db: ReadOnlyDatabase, edition_id: int, conditions: Sequence[str]) -> list[str]:
    """The first SHOWN_RECIPIENTS deliveries, in send order, that meet any of
    ``conditions``: each takes its first ones from an index in id order, so that only a
    few dozen ids are sorted however many deliveries match."""
    first = " UNION ALL ".join(
        f"SELECT id FROM (SELECT id FROM delivery WHERE edition_id = :edition AND {condition} "
        f"ORDER BY id LIMIT {SHOWN_RECIPIENTS}) AS first{i}"
        for i, condition in enumerate(conditions)
    )
    rows = db.rows(
        "SELECT s.email FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id "
        f"WHERE d.id IN ({first}) ORDER BY d.id LIMIT {SHOWN_RECIPIENTS}",
        {"edition": edition_id},
    )
    return [email or "(gelöscht)" for (email,) in rows]


def _timeline(db: ReadOnlyDatabase, edition_id: int) -> list[TimeBar]:
    """Sends per minute, merged into at most TIMELINE_BARS bars (empty ones dropped): the
    first and last send, then one range count per bar."""
    ends = db.one(
        "SELECT (SELECT min(sent_at) FROM delivery WHERE edition_id = :edition), "
        "(SELECT max(sent_at) FROM delivery WHERE edition_id = :edition)",
        {"edition": edition_id},
    )
    assert ends is not None
    first_at, last_at = db.timestamp(ends[0]), db.timestamp(ends[1])
    if first_at is None or last_at is None:
        return []
    first = first_at.replace(second=0, microsecond=0)
    last = last_at.replace(second=0, microsecond=0)
    span = int((last - first).total_seconds() // 60) + 1
    width = max(1, math.ceil(span / TIMELINE_BARS))
    starts = [first + timedelta(minutes=i * width) for i in range(math.ceil(span / width) + 1)]
    params: dict[str, Any] = {"edition": edition_id}
    for i, start in enumerate(starts):
        params[f"t{i}"] = db.time_param(start)
    counts = db.one(
        "SELECT "
        + ", ".join(
            "(SELECT count(*) FROM delivery WHERE edition_id = :edition "
            f"AND sent_at >= :t{i} AND sent_at < :t{i + 1})"
            for i in range(len(starts) - 1)
        ),
        params,
    )
    assert counts is not None
    return [
        TimeBar(start.strftime("%Y-%m-%d %H:%M"), width, int(n))
        for start, n in zip(starts, counts, strict=False)
        if n
    ]
