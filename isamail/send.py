"""`send_issue`: from an issue folder to mail on the server, resumable.

plan_send() reads, checks and renders the issue and counts recipients without
changing anything; execute_send() checks the server, freezes the edition,
recovers what a crashed run left, queues new recipients and runs the sender.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from email.utils import parseaddr

from isamail import queue
from isamail.audience.lists import get_list
from isamail.compose.background import Composition, compose_source, start_composition
from isamail.compose.message import PreparedMessage, Recipient, make_message_id
from isamail.compose.rendered import RenderedIssue
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.deliverability.relay import relay_endpoint
from isamail.errors import IsamailError
from isamail.processes import run_shared
from isamail.queue import Claimed, Recovery
from isamail.sender import Addressing, RunSummary, SendOptions, SendRun
from isamail.transport.smtp import (
    SendOutcome,
    SmtpConnection,
    open_connection,
    parse_smtp_url,
)


@dataclass
class SendPlan:
    issue: str
    lists: list[str]
    list_ids: list[int]
    rendered: RenderedIssue
    source_hash: str
    edition_id: int | None
    sources_changed: bool
    already_sent: int
    recipients: int
    from_address: str
    server: str


@dataclass
class SendReport:
    plan: SendPlan
    edition_id: int
    queued_new: int
    recovery: Recovery
    run: RunSummary
    counts: dict[str, int]
    possibly_duplicated: list[str] = field(default_factory=list)

    @property
    def resume_command(self) -> str:
        lists = " ".join(f"--list {name}" for name in self.plan.lists)
        return f"isamail send {self.plan.issue} {lists}"


def _render(project: Project, issue: str) -> tuple[RenderedIssue, str]:
    from isamail.issues.parse import resolve_issue  # Markdown: see compose.rendered

    path = resolve_issue(project.issues_dir, issue)
    return compose_source(path, project.settings, project.templates_dir)


def plan_send(
    project: Project, issue: str, lists: list[str], *, composition: Composition | None = None
) -> SendPlan:
    """What a send would do. ``composition``: the issue already being composed (see
    compose.background; the CLI starts it before importing this module)."""
    settings = project.settings
    settings.require("secret_key", "keine Abmeldelinks signieren und daher")
    smtp_url = settings.require("smtp_url", "ohne SMTP-Server nicht senden; sie")
    if not lists:
        raise IsamailError("Welche Liste? Geben Sie mindestens ein --list an.")
    if composition is None:
        composition = start_composition(project, issue)
    rendered, hash_ = composition.result()
    engine = project.engine
    with read_session(engine) as session:
        list_ids = [int(get_list(session, name).id or 0) for name in lists]
    edition = queue.find_edition(engine, issue)
    return SendPlan(
        issue=issue,
        lists=lists,
        list_ids=list_ids,
        rendered=rendered,
        source_hash=hash_,
        edition_id=edition.id if edition else None,
        sources_changed=bool(edition and edition.source_hash != hash_),
        already_sent=queue.sent_count(engine, edition.id) if edition and edition.id else 0,
        recipients=queue.count_recipients(engine, list_ids),
        from_address=settings.from_address,
        server=parse_smtp_url(smtp_url).display(),
    )


def addressing_for(project: Project, nonce: str) -> Addressing:
    settings = project.settings
    from_domain = parseaddr(settings.from_address)[1].rpartition("@")[2] or "localhost"
    bounce = parseaddr(settings["bounce_address"] or settings.from_address)[1]
    local, _, domain = bounce.rpartition("@")
    return Addressing(
        secret_key=settings.secret_key,
        base_url=settings.base_url,
        bounce_local=local.split("+")[0] or "bounces",
        bounce_domain=domain or from_domain,
        message_id_domain=from_domain,
        nonce=nonce,
    )


def execute_send(
    project: Project,
    plan: SendPlan,
    *,
    options: SendOptions,
    refreeze: bool = False,
    on_progress: Callable[[RunSummary], None] | None = None,
    on_run: Callable[[SendRun], None] | None = None,
) -> SendReport:
    """Sends what is missing. The server is checked first: if it cannot be reached or
    refuses the login, SmtpError is raised and nothing has changed."""
    settings = project.settings
    engine = project.engine
    endpoint = relay_endpoint(settings)
    first: SmtpConnection | None = open_connection(
        endpoint, timeout=options.timeout, verify_tls=options.verify_tls, ca_file=options.ca_file
    )
    try:
        edition = queue.freeze_edition(engine, plan.rendered, plan.source_hash)
        assert edition.id is not None
        if plan.sources_changed and refreeze:
            if queue.sent_count(engine, edition.id):
                raise IsamailError(
                    f"{plan.issue} wurde schon teilweise verschickt; die eingefrorene Fassung "
                    "bleibt, damit alle dieselbe Ausgabe bekommen."
                )
            queue.refreeze_edition(engine, edition.id, plan.rendered, plan.source_hash)
            edition = queue.find_edition(engine, plan.issue) or edition
        assert edition.id is not None
        edition_id: int = edition.id
        journal_dir = project.directory / ".isamail" / "journal"
        recovery = queue.recover(engine, edition_id, journal_dir)
        queued_new = queue.enqueue(engine, edition_id, plan.list_ids)
        prepared = PreparedMessage.prepare(
            queue.edition_content(edition), settings, list_name=plan.lists[0]
        )
        addressing = addressing_for(project, edition.nonce)

        def start(
            part: SendOptions,
            connection: SmtpConnection | None,
            progress: Callable[[RunSummary], None],
        ) -> SendRun:
            return SendRun(
                engine,
                edition_id=edition_id,
                run_id=queue.start_run(engine, edition_id),
                prepared=prepared,
                addressing=addressing,
                endpoint=endpoint,
                options=part,
                journal_dir=journal_dir,
                first_connection=connection,
                on_progress=progress,
            )

        opened, first = first, None  # the runs own it now
        summary = run_shared(engine, options, start, opened, on_progress, on_run)
    finally:
        if first is not None:
            first.close()
    return SendReport(
        plan=plan,
        edition_id=edition.id,
        queued_new=queued_new,
        recovery=recovery,
        run=summary,
        counts=queue.status_counts(engine, edition_id),
        possibly_duplicated=queue.possibly_duplicated(engine, edition_id),
    )


def send_test_copy(project: Project, issue: str, to: str) -> SendOutcome:
    """One copy to ``to``, outside the delivery records, marked as a test."""
    from isamail.audience.addresses import normalise

    address = normalise(to)
    settings = project.settings
    settings.require("smtp_url", "ohne SMTP-Server nicht senden; sie")
    rendered, _ = _render(project, issue)
    rendered = replace(rendered, subject=f"[Test] {rendered.subject}")
    prepared = PreparedMessage.prepare(rendered, settings, list_name="test")
    addressing = addressing_for(project, "test")
    recipient = Recipient(
        email=address.email,
        name="",
        unsubscribe_url=f"{settings.base_url}/u/test",
        unsubscribe_mailto=f"mailto:{addressing.bounce_local}@{addressing.bounce_domain}",
        message_id=make_message_id(f"test.{int(time.time() * 1000)}", addressing.message_id_domain),
    )
    endpoint = relay_endpoint(settings)
    connection = open_connection(
        endpoint,
        timeout=settings["smtp.timeout"],
        verify_tls=settings["smtp.verify_tls"],
        ca_file=settings["smtp.ca_file"] or None,
    )
    try:
        return connection.send(
            f"{addressing.bounce_local}@{addressing.bounce_domain}",
            address.email,
            prepared.for_recipient(recipient),
            smtputf8=address.needs_smtputf8,
        )
    finally:
        connection.close()


@dataclass(frozen=True)
class DryRun:
    recipients: int
    total_bytes: int
    largest: int
    seconds: float


def dry_run(project: Project, plan: SendPlan) -> DryRun:
    """Builds every message as a real send would, and sends nothing."""
    start = time.perf_counter()
    prepared = PreparedMessage.prepare(plan.rendered, project.settings, list_name=plan.lists[0])
    addressing = addressing_for(project, "dryrun")
    n = total = largest = 0
    for n, (email, name, subscription_id) in enumerate(
        queue.iter_recipients(project.engine, plan.list_ids), start=1
    ):
        data = prepared.for_recipient(
            addressing.recipient(Claimed(n, email, name, subscription_id, 0, False))
        )
        total += len(data)
        largest = max(largest, len(data))
    return DryRun(n, total, largest, time.perf_counter() - start)
