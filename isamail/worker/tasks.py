"""The worker's tasks: the work nobody should have to remember, each a function of a
``TaskContext`` that returns a one-line summary for the log.

``TASKS`` is the registry. A module with work of its own plugs in with one line here,
a ``Task(name, every, run)``; scheduled sends (`isamail send --at`) and sends waiting
for a relay quota are meant to come in this way. A task's failure (an exception) is
logged and raised as an alert of its ``alert_kind``; its next success resolves it. A
task that works in batches asks ``ctx.stopping()`` between them, so that a SIGTERM
ends the worker after the batch in hand.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from isamail.config import Settings
from isamail.context import Project
from isamail.errors import SmtpLoginRefused
from isamail.sending import transactional
from isamail.worker import alerting

BATCH = 20  # transactional mails sent between two looks at ``stopping``


@dataclass
class TaskContext:
    project: Project
    stop: threading.Event

    def stopping(self) -> bool:
        return self.stop.is_set()

    def alert(self, kind: str, message: str) -> None:
        alerting.alert(self.project, kind, message)

    def resolve(self, kind: str) -> None:
        alerting.resolve(self.project, kind)


@dataclass(frozen=True)
class Task:
    name: str
    every: float | Callable[[Settings], float]  # seconds between two runs
    run: Callable[[TaskContext], str]
    alert_kind: str = ""  # default: "task:NAME"

    def interval(self, settings: Settings) -> timedelta:
        seconds = self.every(settings) if callable(self.every) else self.every
        return timedelta(seconds=seconds)

    @property
    def kind(self) -> str:
        return self.alert_kind or f"task:{self.name}"


# --- the tasks ----------------------------------------------------------------------------


def _transactional_batch(project: Project, limit: int) -> transactional.DeliverySummary:
    """The one call into the transactional mail of the send pipeline."""
    return transactional.deliver_due(project.engine, project.settings, limit=limit)


def transactional_mail(ctx: TaskContext) -> str:
    """Confirmation and welcome mails that are due (new, or waiting for a retry)."""
    if not ctx.project.settings["smtp_url"]:
        return "smtp_url fehlt: Bestätigungsmails bleiben in der Warteschlange"
    sent = deferred = failed = 0
    while not ctx.stopping():
        summary = _transactional_batch(ctx.project, BATCH)
        sent, deferred, failed = (
            sent + summary.sent,
            deferred + summary.deferred,
            failed + summary.failed,
        )
        if summary.failures:
            error = summary.failures[0]
            kind = "relay_login" if isinstance(error, SmtpLoginRefused) else "relay"
            ctx.alert(kind, error.message)
            break
        if summary.sent:
            ctx.resolve("relay_login")
            ctx.resolve("relay")
        if summary.attempted < BATCH:
            break
    if not (sent or deferred or failed):
        return ""
    return f"{sent} Mails versandt, {deferred} später erneut, {failed} endgültig fehlgeschlagen"


def bounce_mailbox(ctx: TaskContext) -> str:
    """The configured bounce mailbox (``bounces.imap_url`` or ``bounces.maildir``)."""
    from isamail.bounces.auto import process_configured_mailbox

    report = process_configured_mailbox(ctx.project)
    if report is None:
        return ""
    for spike in report.spikes:
        ctx.alert(
            "spike",
            f"Liste {spike.list_name}: {spike.removed} von {spike.members} Empfängern auf "
            "einmal durch Bounces und Beschwerden verloren",
        )
    return ", ".join(f"{n} {action}" for action, n in sorted(report.by_action.items()))


def stale_signups(ctx: TaskContext) -> str:
    """Pending signups nobody confirmed within 7 days."""
    from isamail.audience.optin import purge_pending

    result = purge_pending(ctx.project.engine)
    if not (result.subscriptions or result.mails_deleted):
        return ""
    return (
        f"{result.subscriptions} unbestätigte Anmeldungen beendet, "
        f"{result.mails_deleted} alte Mails entfernt"
    )


def retention(ctx: TaskContext) -> str:
    """People who left, erased on time (``audience/retention.py``)."""
    from isamail.audience.retention import RetentionPolicy, apply_retention

    result = apply_retention(
        ctx.project.engine, RetentionPolicy.from_settings(ctx.project.settings)
    )
    if not (result.erased or result.proofs_expired):
        return ""
    return f"{result.erased} gelöscht, {result.proofs_expired} Einwilligungsnachweise abgelaufen"


def _bounce_interval(settings: Settings) -> float:
    return float(settings["bounces.interval"])


TASKS: list[Task] = [
    Task("transactional", 60.0, transactional_mail),
    Task("bounces", _bounce_interval, bounce_mailbox, alert_kind="bounces"),
    Task("stale_signups", 3600.0, stale_signups),
    Task("retention", 86400.0, retention),
    # scheduled sends and quota resumes plug in here, one line each, e.g.
    # Task("scheduled_sends", 60.0, scheduled.send_due),
]


def by_name(names: list[str]) -> list[Task]:
    known = {task.name: task for task in TASKS}
    return [known[name] for name in names]
