"""Sending an edition: ``execute_send`` (the whole send, resumable) and test copies.

``execute_send`` checks the relay first (a connection, logged in: if that fails,
nothing has changed), freezes the edition, recovers what crashed runs of it left
(journal), queues everyone of the lists who has no delivery yet, and runs the engine
over the edition's deliveries (``EditionSource``). Run again, it sends only what is
missing. Test copies go through the same engine from a source in memory: no delivery
records, the same connections, retry policy and addressing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from isamail.compose.message import PreparedMessage, needs_smtputf8
from isamail.compose.proof import proof_copy
from isamail.config import Settings
from isamail.context import Project
from isamail.db.models import DeliveryStatus, Edition, utcnow
from isamail.errors import IsamailError
from isamail.sending import deliveries, editions, gate, relay
from isamail.sending.addressing import Addressing
from isamail.sending.deliveries import Claimed, Result
from isamail.sending.engine import DeliveryEngine, EngineOptions, Item, RunSummary, Unjournalled
from isamail.sending.journal import Journal, Recovery, recover
from isamail.sending.plan import SendPlan, compose, prepared_message
from isamail.transport.protocol import Transaction
from isamail.transport.smtp import SendOutcome, SmtpConnection, wire_address

TEST_COPY_RETRY_WINDOW = 120.0  # seconds a test copy is retried (the editor waits for it)


def engine_options(settings: Settings, **overrides: object) -> EngineOptions:
    """The engine's options from the settings; ``overrides`` (not None) win."""
    values: dict[str, object] = {
        "connections": settings["smtp.connections"],
        "messages_per_connection": settings["smtp.messages_per_connection"],
        "rate_per_second": settings["smtp.rate_per_second"],
        "rate_per_hour": settings["smtp.rate_per_hour"],
        "domain_rates": settings["smtp.domain_rates"],
        "retry_window": settings["smtp.retry_window"],
        "first_retry": settings["smtp.first_retry"],
        "timeout": settings["smtp.timeout"],
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return EngineOptions(**values)  # type: ignore[arg-type]


class EditionSource:
    """The deliveries of one edition, for one run: claimed, built, journalled, recorded."""

    def __init__(
        self,
        engine: Engine,
        edition: Edition,
        run_id: str,
        prepared: PreparedMessage,
        addressing: Addressing,
        journal: Journal,
    ) -> None:
        assert edition.id is not None
        self.engine = engine
        self.edition_id = edition.id
        self.nonce = edition.nonce
        self.issue = edition.issue
        self.run_id = run_id
        self.prepared = prepared
        self.addressing = addressing
        self.journal = journal

    def claim(self, limit: int, not_after: datetime) -> list[Item]:
        claimed = deliveries.claim(
            self.engine, self.edition_id, self.run_id, limit, not_after=not_after
        )
        return [Item(c.delivery_id, c.email, c.attempts, c) for c in claimed]

    def blocked(self, keys: Collection[int]) -> Mapping[int, str]:
        return gate.blocked(self.engine, keys)

    def build(self, item: Item) -> Transaction:
        claimed: Claimed = item.data
        recipient = self.addressing.delivery_recipient(
            self.issue,
            self.nonce,
            claimed.delivery_id,
            claimed.subscription_id or 0,
            claimed.email,
            claimed.name,
        )
        utf8 = needs_smtputf8(claimed.email)
        return Transaction(
            claimed.delivery_id,
            self.addressing.envelope_from(claimed.delivery_id),
            wire_address(claimed.email),
            self.prepared.smtp_data(recipient),
            smtputf8=utf8,
            eight_bit=utf8,
        )

    def started(self, item: Item) -> None:
        self.journal.started(item.key)

    def finished(self, result: Result) -> None:
        self.journal.finished(result)

    def before_write(self) -> None:
        self.journal.flush()

    def record(self, results: Sequence[Result]) -> None:
        deliveries.record(self.engine, self.run_id, results)

    def next_due(self) -> datetime | None:
        return deliveries.next_due(self.engine, self.edition_id)

    def waiting(self) -> int:
        counts = deliveries.status_counts(self.engine, self.edition_id)
        return counts[DeliveryStatus.QUEUED] + counts[DeliveryStatus.SENDING]

    def finish(self) -> None:
        deliveries.finish_run(self.engine, self.run_id)
        self.journal.close(remove=True)


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


def execute_send(
    project: Project,
    plan: SendPlan,
    *,
    options: EngineOptions,
    refreeze: bool = False,
    on_progress: Callable[[RunSummary], None] | None = None,
    on_engine: Callable[[DeliveryEngine], None] | None = None,
) -> SendReport:
    """Sends what is missing of the plan's issue to the plan's lists."""
    settings = project.settings
    engine = project.engine
    connect = relay.connector(settings)
    first: SmtpConnection | None = connect()  # SmtpError now, before anything changes
    try:
        edition = _frozen(engine, plan, refreeze)
        assert edition.id is not None
        journals = journal_dir(project)
        recovery = recover(engine, edition.id, journals)
        queued_new = deliveries.enqueue(engine, edition.id, plan.list_ids)
        run_id = deliveries.start_run(engine, edition.id)
        source = EditionSource(
            engine,
            edition,
            run_id,
            prepared_message(settings, editions.edition_content(edition), plan.lists[0]),
            Addressing.from_settings(settings),
            Journal(journals, run_id),
        )
        run = DeliveryEngine(
            source,
            connect,
            options,
            first_connection=first,
            on_progress=on_progress,
            describe_server=plan.server,
        )
        first = None  # the engine owns it now
        if on_engine is not None:
            on_engine(run)
        summary = run.run()
    finally:
        if first is not None:
            first.close()
    return SendReport(
        plan=plan,
        edition_id=edition.id,
        queued_new=queued_new,
        recovery=recovery,
        run=summary,
        counts=deliveries.status_counts(engine, edition.id),
        possibly_duplicated=deliveries.possibly_duplicated(engine, edition.id),
    )


def _frozen(engine: Engine, plan: SendPlan, refreeze: bool) -> Edition:
    edition = editions.freeze_edition(engine, plan.rendered, plan.source_hash)
    assert edition.id is not None
    if plan.sources_changed and refreeze:
        if editions.sent_count(engine, edition.id):
            raise IsamailError(
                f"{plan.issue} wurde schon teilweise verschickt; die eingefrorene Fassung "
                "bleibt, damit alle dieselbe Ausgabe bekommen."
            )
        editions.refreeze_edition(engine, edition.id, plan.rendered, plan.source_hash)
        edition = editions.find_edition(engine, plan.issue) or edition
    return edition


# --- test copies ----------------------------------------------------------------------


class TestCopySource(Unjournalled):
    """Test copies of an issue: in memory, outside the delivery records."""

    __test__ = False  # not a pytest class

    def __init__(
        self, addresses: Sequence[str], prepared: PreparedMessage, addressing: Addressing
    ) -> None:
        self.addresses = list(addresses)
        self.prepared = prepared
        self.addressing = addressing
        self.due: dict[int, datetime] = {i: utcnow() for i in range(len(addresses))}
        self.attempts: dict[int, int] = dict.fromkeys(range(len(addresses)), 0)
        self.outcomes: dict[int, Result] = {}

    def claim(self, limit: int, not_after: datetime) -> list[Item]:
        now = utcnow()
        ready = [i for i, at in self.due.items() if at <= min(now, not_after)][:limit]
        for i in ready:
            del self.due[i]
        return [Item(i, self.addresses[i], self.attempts[i]) for i in ready]

    def blocked(self, keys: Collection[int]) -> Mapping[int, str]:
        return {}  # staff asked for these copies themselves

    def build(self, item: Item) -> Transaction:
        email = self.addresses[item.key]
        recipient = self.addressing.sample_recipient(email, "", item.key + 1)
        utf8 = needs_smtputf8(email)
        return Transaction(
            item.key,
            self.addressing.test_envelope_from(),
            wire_address(email),
            self.prepared.smtp_data(recipient),
            smtputf8=utf8,
            eight_bit=utf8,
        )

    def record(self, results: Sequence[Result]) -> None:
        for result in results:
            self.outcomes[result.delivery_id] = result
            if result.status == DeliveryStatus.QUEUED and result.next_attempt_at is not None:
                self.attempts[result.delivery_id] += 1
                self.due[result.delivery_id] = result.next_attempt_at

    def next_due(self) -> datetime | None:
        return min(self.due.values(), default=None)

    def waiting(self) -> int:
        return len(self.due)

    def finish(self) -> None:
        pass


def send_test_copies(
    project: Project, issue: str, addresses: Sequence[str]
) -> list[tuple[str, SendOutcome]]:
    """One copy of the issue, marked as a test, to each address; (address, outcome)."""
    from isamail.audience.addresses import normalise

    settings = project.settings
    normalised = [normalise(a).email for a in addresses]
    connect = relay.connector(settings)
    first = connect()
    rendered, _ = compose(project, issue)
    # images and web version behind signed links that expire: nothing of an unsent
    # issue at a URL anyone could guess
    rendered = proof_copy(rendered, settings)
    rendered = replace(rendered, subject=f"[Test] {rendered.subject}")
    source = TestCopySource(
        normalised, prepared_message(settings, rendered, "test"), Addressing.from_settings(settings)
    )
    options = engine_options(
        settings,
        connections=min(len(normalised), int(settings["smtp.connections"])),
        retry_window=min(TEST_COPY_RETRY_WINDOW, float(settings["smtp.retry_window"])),
        domain_rates={},
    )
    DeliveryEngine(
        source, connect, options, first_connection=first, describe_server=relay.describe(settings)
    ).run()
    results = []
    for i, address in enumerate(normalised):
        result = source.outcomes.get(i)
        if result is None:
            results.append((address, SendOutcome("temporary", None, "nicht versucht")))
            continue
        status = {
            DeliveryStatus.SENT: "sent",
            DeliveryStatus.FAILED: "permanent",
        }.get(DeliveryStatus(result.status), "temporary")
        results.append((address, SendOutcome(status, result.code, result.reply)))  # type: ignore[arg-type]
    return results


def journal_dir(project: Project) -> Path:
    """Where the runs of this project keep their journals."""
    return project.directory / ".isamail" / "journal"
