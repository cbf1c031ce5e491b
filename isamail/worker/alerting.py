"""Raising and resolving alerts (``isamail/alerts.py`` says what they are).

``alert`` records a failure (one row per kind: first and last time, how often, the
newest reason), logs it, and mails ``alerts.to`` unless the kind was mailed within
``alerts.every`` (an hour by default). The mail is queued in the outbox like any
transactional mail and sent at once, over ``alerts.smtp_url`` when set (say, the
server's own MTA): the relay itself cannot carry the news that it refuses logins.
``resolve`` closes a kind once its work succeeds again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from isamail.alerts import describe_kind
from isamail.context import Project
from isamail.db.engine import unit_of_work
from isamail.db.models import Alert, utcnow
from isamail.sending import transactional

log = logging.getLogger("isamail.alerts")

ALERT_MAIL = "alert"  # the outbox kind of alert mails


def alert(project: Project, kind: str, message: str, *, now: datetime | None = None) -> bool:
    """Records that ``kind`` failed with ``message``; mails the office unless this kind
    was mailed within ``alerts.every``. True if a mail went out."""
    now = now or utcnow()
    message = message[:2000]
    every = timedelta(seconds=float(project.settings["alerts.every"]))
    log.error("alert %s: %s", kind, message, extra={"kind": kind})
    recipients = _recipients(project)
    with unit_of_work(project.engine) as session:
        row = _row(session, kind)
        if row is None:
            row = Alert(kind=kind, message=message, first_at=now, last_at=now, count=0)
            session.add(row)
        if row.resolved_at is not None:  # it came back: a new episode
            row.first_at, row.count, row.resolved_at = now, 0, None
        row.message, row.last_at, row.count = message, now, row.count + 1
        due = row.mailed_at is None or now - _aware(row.mailed_at) >= every
        if not (recipients and due):
            return False
        row.mailed_at = now
        ids = _queue(project, session, kind, message, _aware(row.first_at), row.count, recipients)
    return _deliver(project, ids)


def resolve(project: Project, kind: str, *, now: datetime | None = None) -> None:
    """The work of ``kind`` succeeded again: its alert is closed (kept for the record)."""
    with unit_of_work(project.engine) as session:
        result = session.execute(
            update(Alert)
            .where(col(Alert.kind) == kind, col(Alert.resolved_at).is_(None))
            .values(resolved_at=now or utcnow())
        )
    if getattr(result, "rowcount", 0):
        log.info("alert %s resolved", kind, extra={"kind": kind})


def _row(session: Session, kind: str) -> Alert | None:
    query = select(Alert).where(Alert.kind == kind)
    if session.get_bind().dialect.name != "sqlite":  # SQLite: BEGIN IMMEDIATE serialises
        query = query.with_for_update()
    return session.exec(query).first()


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.utcoffset() is None else value


def _recipients(project: Project) -> list[str]:
    return [a.strip() for a in str(project.settings["alerts.to"]).split(",") if a.strip()]


def _queue(
    project: Project,
    session: Session,
    kind: str,
    message: str,
    first: datetime,
    count: int,
    recipients: list[str],
) -> list[int]:
    every = float(project.settings["alerts.every"])
    text = (
        f"{describe_kind(kind)}.\n\n"
        f"Grund: {message}\n\n"
        f"Seit {first.strftime('%d.%m.%Y %H:%M')} UTC, {count}-mal.\n"
        f"Projekt: {project.directory}\n\n"
        "`isamail report` zeigt offene Störungen, `isamail worker status` die Aufgaben "
        "des Workers; das Protokoll von serve und worker nennt jeden Fehlschlag.\n"
        f"Diese Nachricht kommt höchstens einmal alle {every / 60:.0f} Minuten je Art "
        "(alerts.every).\n"
    )
    ids = []
    for recipient in recipients:
        row = transactional.queue_mail(
            session,
            project.settings,
            kind=ALERT_MAIL,
            subscriber_id=None,
            recipient=recipient,
            subject=f"[isamail] Störung: {describe_kind(kind)}",
            text=text,
            html=None,
        )
        assert row.id is not None
        ids.append(row.id)
    return ids


def _deliver(project: Project, mail_ids: list[int]) -> bool:
    """Sends the queued alert mails now, over ``alerts.smtp_url`` if it is set."""
    settings = project.settings
    if settings["alerts.smtp_url"]:
        values = dict(settings.values) | {"smtp_url": settings["alerts.smtp_url"]}
        settings = replace(settings, values=values)
    summary = transactional.deliver_due(
        project.engine, settings, limit=len(mail_ids), kinds={ALERT_MAIL}
    )
    for error in summary.errors:
        log.error("alert mail not sent: %s", error)
    return summary.sent > 0
