"""The plan: what a send would do, before anything changes.

``plan_send`` composes the issue, finds its edition if it was frozen before, and counts
the recipients; ``dry_run`` goes further: it opens a connection to the relay and logs
in (no mail), and builds every message that would go out now, as a real send would.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from isamail.compose.message import PreparedMessage
from isamail.compose.rendered import RenderedIssue
from isamail.config import Settings
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.errors import IsamailError
from isamail.issues.model import Problem
from isamail.sending import deliveries, editions, relay
from isamail.sending.addressing import Addressing


@dataclass
class SendPlan:
    issue: str
    lists: list[str]
    list_ids: list[int]
    rendered: RenderedIssue
    source_hash: str
    edition_id: int | None
    sources_changed: bool
    already_sent: int  # of the edition, sent (or bounced since)
    recipients: int  # everyone the lists reach now
    new: int  # of them, without a delivery of this edition yet
    queued: int  # deliveries of this edition still waiting (retries, a stopped send)
    from_address: str
    server: str
    link_base: str  # what every unsubscribe link, web version and image link starts with
    warnings: list[Problem]  # preflight's: shown, the send goes on

    @property
    def would_send(self) -> int:
        """Messages a send would try now."""
        return self.new + self.queued


def compose(project: Project, issue: str) -> tuple[RenderedIssue, str]:
    """The rendered issue ``issue`` and the hash of its sources (NotFound if none)."""
    from isamail.compose.render import compose_issue
    from isamail.issues.parse import load_issue, resolve_issue, source_hash

    folder = resolve_issue(project.issues_dir, issue)
    return compose_issue(load_issue(folder), project.settings, project.templates_dir), (
        source_hash(folder)
    )


def plan_send(project: Project, issue: str, lists: list[str]) -> SendPlan:
    settings = project.settings
    settings.require(
        "secret_key",
        "ohne diesen Schlüssel kann isamail keine Abmeldelinks signieren und sendet nichts",
    )
    server = relay.describe(settings)
    if not lists:
        raise IsamailError("Welche Liste? Geben Sie mindestens ein --list an.")
    rendered, hash_ = compose(project, issue)
    from isamail.preflight import errors, preflight, warnings

    problems = preflight(project, issue, rendered=rendered)
    if errors(problems):
        raise IssueRefused(issue, errors(problems))
    engine = project.engine
    from isamail.audience.lists import get_list

    with read_session(engine) as session:
        list_ids = [int(get_list(session, name).id or 0) for name in lists]
    edition = editions.find_edition(engine, issue)
    edition_id = edition.id if edition is not None else None
    new, queued = deliveries.pending_counts(engine, edition_id, list_ids)
    return SendPlan(
        issue=issue,
        lists=lists,
        list_ids=list_ids,
        rendered=rendered,
        source_hash=hash_,
        edition_id=edition_id,
        sources_changed=bool(edition and edition.source_hash != hash_),
        already_sent=editions.sent_count(engine, edition_id) if edition_id else 0,
        recipients=deliveries.count_recipients(engine, list_ids),
        new=new,
        queued=queued,
        from_address=settings.from_address,
        server=server,
        link_base=settings.base_url,
        warnings=warnings(problems),
    )


class IssueRefused(IsamailError):
    """The checks before sending found errors: nothing leaves (no option overrides it)."""

    def __init__(self, issue: str, problems: list[Problem]) -> None:
        super().__init__(
            f"{issue} wird nicht verschickt, die Prüfung vor dem Versand fand "
            f"{len(problems)} Fehler:",
            hint=f"Prüfen mit: isamail issue check {issue}",
        )
        self.problems = [str(p) for p in problems]


def prepared_message(
    settings: Settings, rendered: RenderedIssue, list_name: str
) -> PreparedMessage:
    """The edition's message encoded once, with the List-Id of ``list_name``."""
    return PreparedMessage.prepare(
        rendered, settings, list_id=Addressing.from_settings(settings).list_id(list_name)
    )


@dataclass(frozen=True)
class DryRun:
    messages: int
    total_bytes: int
    largest: int
    seconds: float
    server: str  # the relay as it greeted us, logged in


def dry_run(project: Project, plan: SendPlan) -> DryRun:
    """Logs in at the relay (and leaves), then builds every message a send would try
    now, exactly as the send would, and sends nothing."""
    connection = relay.connector(project.settings)()
    connection.close()
    start = time.perf_counter()
    settings = project.settings
    rendered = plan.rendered
    if plan.edition_id is not None and not plan.sources_changed:
        found = editions.find_edition(project.engine, plan.issue)
        if found is not None:
            rendered = editions.edition_content(found)
    prepared = prepared_message(settings, rendered, plan.lists[0])
    addressing = Addressing.from_settings(settings)
    n = total = largest = 0
    for n, (email, name, subscription_id) in enumerate(
        deliveries.iter_pending(project.engine, plan.edition_id, plan.list_ids), start=1
    ):
        recipient = addressing.delivery_recipient(
            plan.issue, "dryrun", n, subscription_id, email, name
        )
        size = len(prepared.smtp_data(recipient))
        total += size
        largest = max(largest, size)
    return DryRun(n, total, largest, time.perf_counter() - start, plan.server)
