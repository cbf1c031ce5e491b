"""Retention (GDPR Art. 5(1)(e)): people who left are erased on time, and nobody else;
the suppression hash and the consent record (with the wording they agreed to) stay as
long as they must. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col, select

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.audience.retention import RetentionPolicy, apply_retention
from isamail.audience.subscribers import (
    add_subscriber,
    require_subscriber,
    subscriber_record,
    unsubscribe,
    unsubscribe_in,
)
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConsentEvent,
    ConsentText,
    OutgoingMail,
    Subscriber,
    Subscription,
    SubscriptionStatus,
    SuppressionReason,
    utcnow,
)
from isamail.errors import Conflict
from isamail.sending import transactional
from tests.conftest import Cli
from tests.test_web import client_for

POLICY = RetentionPolicy(left_days=30, consent_proof_years=3)
NOW = utcnow()


def left(project: Project, email: str, days_ago: float) -> None:
    """Moves the end of every ended subscription of ``email`` ``days_ago`` into the past."""
    at = NOW - timedelta(days=days_ago)
    with unit_of_work(project.engine) as session:
        subscriber = require_subscriber(session, email)
        session.execute(
            update(Subscription)
            .where(
                col(Subscription.subscriber_id) == subscriber.id,
                col(Subscription.status).in_(
                    [SubscriptionStatus.UNSUBSCRIBED, SubscriptionStatus.BOUNCED]
                ),
            )
            .values(unsubscribed_at=at, updated_at=at)
        )


def ended(project: Project, email: str, status: SubscriptionStatus, reason: str) -> None:
    with unit_of_work(project.engine) as session:
        subscriber = require_subscriber(session, email)
        unsubscribe_in(
            session,
            subscriber,
            None,
            source="bounce",
            status=status,
            kind=reason,  # type: ignore[arg-type]
            reason=reason,  # type: ignore[arg-type]
        )


def flat(text: str) -> str:
    return " ".join(text.split())


def people(project: Project) -> dict[str, Subscriber]:
    """Everyone by the name they were given (erased people by the name they had)."""
    with read_session(project.engine) as session:
        rows = session.exec(select(Subscriber).order_by(col(Subscriber.id))).all()
    names = ["Stays", "Left-Long-Ago", "Left-Recently", "Bounced", "Complained"]
    names += ["Left-One-List", "Left-Years-Ago", "Pending"]
    return dict(zip(names, rows, strict=True))


def events_of(project: Project, subscriber_id: int | None) -> list[ConsentEvent]:
    with read_session(project.engine) as session:
        return list(
            session.exec(
                select(ConsentEvent)
                .where(ConsentEvent.subscriber_id == subscriber_id)
                .order_by(col(ConsentEvent.id))
            ).all()
        )


@pytest.fixture
def town(project: Project) -> Project:
    """Nine people: some still here, some who left long enough ago, some not yet."""
    create_list(project.engine, "isa")
    create_list(project.engine, "presse")
    for name, lists in {
        "stays": ["isa"],
        "left-long-ago": ["isa"],
        "left-recently": ["isa"],
        "bounced": ["isa"],
        "complained": ["isa", "presse"],
        "left-one-list": ["isa", "presse"],
        "left-years-ago": ["isa"],
    }.items():
        for list_name in lists:
            add_subscriber(
                project.engine,
                f"{name}@stadt.example",
                list_name,
                name=name.title(),
                confirmed=True,
                note="Anmeldeliste",
            )
    add_subscriber(project.engine, "pending@stadt.example", "isa", name="Pending")
    unsubscribe(project.engine, "left-long-ago@stadt.example")
    unsubscribe(project.engine, "left-recently@stadt.example")
    unsubscribe(project.engine, "left-one-list@stadt.example", "isa")
    unsubscribe(project.engine, "left-years-ago@stadt.example")
    ended(project, "bounced@stadt.example", SubscriptionStatus.BOUNCED, SuppressionReason.BOUNCED)
    ended(
        project,
        "complained@stadt.example",
        SubscriptionStatus.UNSUBSCRIBED,
        SuppressionReason.COMPLAINT,
    )
    for email, days in {
        "left-long-ago": 31,
        "left-recently": 29,
        "bounced": 45,
        "complained": 400,
        "left-one-list": 300,
        "left-years-ago": 365 * 5,
    }.items():
        left(project, f"{email}@stadt.example", days)
    with unit_of_work(project.engine) as session:  # an old signup, unconfirmed: not "left"
        session.execute(
            update(Subscription)
            .where(col(Subscription.status) == SubscriptionStatus.PENDING)
            .values(updated_at=NOW - timedelta(days=90), created_at=NOW - timedelta(days=90))
        )
    return project


ERASED = {"Left-Long-Ago", "Bounced", "Complained", "Left-Years-Ago"}
KEPT = {"Stays", "Left-Recently", "Left-One-List", "Pending"}


def test_retention_erases_exactly_the_people_who_left_long_enough_ago(town: Project) -> None:
    before = people(town)
    assert set(before) == ERASED | KEPT
    events_before = {name: len(events_of(town, row.id)) for name, row in before.items()}
    dry = apply_retention(town.engine, POLICY, now=NOW, dry_run=True)
    assert (dry.erased, dry.proofs_expired) == (4, 0)
    assert people(town) == before  # a dry run changes nothing

    result = apply_retention(town.engine, POLICY, now=NOW)
    assert (result.erased, result.proofs_expired) == (4, 1)
    after = people(town)
    for name in KEPT:
        row = after[name]
        assert (row.email, row.name, row.state) == (before[name].email, name, "active"), name
        assert len(events_of(town, row.id)) == events_before[name], name
        assert row.consent_proof_hash is None
    for name in ERASED:
        row = after[name]
        assert (row.email, row.email_key, row.name, row.state) == (None, None, "", "forgotten")
        events = events_of(town, row.id)
        # the record keeps every fact and says why the person was erased
        assert len(events) == events_before[name] + 1
        assert (events[-1].kind, events[-1].source) == ("forgotten", "retention")
        assert "30 Tage" in events[-1].note
    # the one who left five years ago: the proof has expired too (hash gone)
    assert after["Left-Years-Ago"].consent_proof_hash is None
    assert after["Left-Long-Ago"].consent_proof_hash is not None

    again = apply_retention(town.engine, POLICY, now=NOW)
    assert (again.erased, again.proofs_expired) == (0, 0)


def test_the_hash_keeps_erased_people_from_being_mailed_again(
    town: Project, tmp_path: Path
) -> None:
    apply_retention(town.engine, POLICY, now=NOW)
    for email in ("left-long-ago@stadt.example", "Complained@Stadt.example"):
        with pytest.raises(Conflict, match="Sperrliste"):
            add_subscriber(town.engine, email, "isa", confirmed=True)
    csv = tmp_path / "wieder.csv"
    csv.write_text("email\nleft-long-ago@stadt.example\nbounced@stadt.example\n", "utf-8")
    result = import_subscribers(town.engine, csv, "isa", confirmed=True)
    assert (result.added, result.updated) == (0, 0)


def test_retention_erases_transactional_mails_and_never_touches_pending_signups(
    town: Project,
) -> None:
    with unit_of_work(town.engine) as session:
        subscriber = require_subscriber(session, "left-long-ago@stadt.example")
        transactional.queue_mail(
            session,
            town.settings,
            kind="confirm",
            subscriber_id=subscriber.id,
            recipient="left-long-ago@stadt.example",
            subject="Bitte bestätigen",
            text="x",
            html=None,
        )
    apply_retention(town.engine, POLICY, now=NOW + timedelta(days=3650))
    with read_session(town.engine) as session:
        assert session.exec(select(OutgoingMail)).all() == []
    pending = people(town)["Pending"]
    assert pending.email == "pending@stadt.example"


def test_the_consent_proof_is_found_by_address_until_it_expires(town: Project, cli: Cli) -> None:
    apply_retention(town.engine, POLICY, now=NOW)
    record = subscriber_record(town.engine, "left-long-ago@stadt.example")
    assert record["erased"] is True and record["email"] is None and record["name"] == ""
    assert [e["kind"] for e in record["consent_events"]][-1] == "forgotten"
    shown = cli("subscribers", "show", "left-long-ago@stadt.example")
    assert shown.exit_code == 0 and "nur das Einwilligungsprotokoll" in flat(shown.output)
    # the end of the third year after leaving: still kept; the year after: gone
    left_year = (NOW - timedelta(days=31)).year
    last_day = datetime(left_year + 3, 12, 31, 12, tzinfo=UTC)
    apply_retention(town.engine, POLICY, now=last_day)
    kept = subscriber_record(town.engine, "left-long-ago@stadt.example")
    assert kept["erased"] and kept["consent_events"][0]["note"] == "Anmeldeliste"
    assert apply_retention(town.engine, POLICY, now=last_day + timedelta(days=1)).proofs_expired
    missing = cli("subscribers", "show", "left-long-ago@stadt.example")
    assert missing.exit_code != 0 and "nicht eingetragen" in missing.output


def test_the_retention_command(town: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAMAIL_RETENTION_LEFT_DAYS", "400")
    dry = cli("subscribers", "retention", "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {"erased": 2, "proofs_expired": 0, "dry_run": True}
    done = cli("subscribers", "retention")
    assert done.exit_code == 0 and "2 Personen wurden gelöscht (400 Tage" in done.output
    monkeypatch.setenv("ISAMAIL_RETENTION_LEFT_DAYS", "-1")
    wrong = cli("subscribers", "retention")
    assert wrong.exit_code == 1 and "retention.left_days" in wrong.output


# --- the wording each person agreed to ------------------------------------------------------


def test_a_web_signup_stores_the_form_s_consent_text_by_version(project: Project) -> None:
    create_list(project.engine, "isa", title="ISA-Newsletter")
    from tests.test_optin import token_of

    def sign_up(client: httpx.Client, email: str) -> None:
        answer = client.post("/subscribe", data={"email": email, "list": "isa", "lang": "de"})
        assert answer.status_code == 200
        with read_session(project.engine) as session:
            mail = session.exec(select(OutgoingMail).where(OutgoingMail.recipient == email)).one()
        assert client.post(f"/confirm/{token_of(mail.message)}").status_code == 200

    with client_for(project, ISAMAIL_CONSENT_TEXT_VERSION="2026-01") as client:
        sign_up(client, "anna@stadt.example")
        sign_up(client, "bert@stadt.example")
    record = subscriber_record(project.engine, "anna@stadt.example")
    signup, confirm = record["consent_events"]
    assert (signup["kind"], confirm["kind"]) == ("signup", "confirmed")
    wording = signup["consent_text"]
    assert confirm["consent_text"] == wording and confirm["consent_text_version"] == "2026-01"
    assert wording["version"] == "2026-01" and wording["language"] == "de"
    assert wording["text"].startswith("Mit „Abonnieren“ willige ich ein")
    assert "(https://isa-portal.de/datenschutz)" in wording["text"]
    with read_session(project.engine) as session:
        assert len(session.exec(select(ConsentText)).all()) == 1  # stored once

    # the office rewords the form without a new version: both wordings are kept apart
    template = project.templates_dir / "web" / "subscribe.html"
    template.write_text(
        template.read_text("utf-8").replace("{{ t.consent }}", "Ja, schickt mir den Newsletter."),
        "utf-8",
    )
    with client_for(project, ISAMAIL_CONSENT_TEXT_VERSION="2026-01") as client:
        sign_up(client, "carl@stadt.example")
    carl = subscriber_record(project.engine, "carl@stadt.example")["consent_events"][0]
    assert carl["consent_text"]["text"].startswith("Ja, schickt mir den Newsletter.")
    anna = subscriber_record(project.engine, "anna@stadt.example")["consent_events"][0]
    assert anna["consent_text"] == wording  # what Anna saw is unchanged
    with read_session(project.engine) as session:
        assert len(session.exec(select(ConsentText)).all()) == 2


def test_the_proof_shows_the_wording_after_a_retention_erasure(project: Project, cli: Cli) -> None:
    test_a_web_signup_stores_the_form_s_consent_text_by_version(project)
    unsubscribe(project.engine, "anna@stadt.example")
    apply_retention(project.engine, POLICY, now=utcnow() + timedelta(days=31))
    record = subscriber_record(project.engine, "anna@stadt.example")
    assert record["erased"] and record["email"] is None
    signup = record["consent_events"][0]
    assert signup["ip"] == "127.0.0.1" and signup["consent_text"]["version"] == "2026-01"
    shown = cli("subscribers", "show", "anna@stadt.example")
    assert "Einwilligungstext 2026-01 (de): „Mit „Abonnieren“ willige ich ein" in flat(shown.output)
    (anna_id,) = {
        e.subscriber_id for e in events_of_kind(project, "forgotten") if e.source == "retention"
    }
    apply_retention(project.engine, POLICY, now=utcnow() + timedelta(days=366 * 5))
    expired = events_of(project, anna_id)
    assert [e.ip for e in expired] == [None] * len(expired)
    assert [e.user_agent for e in expired] == [None] * len(expired)
    assert expired[0].consent_text_id is not None  # the wording itself identifies nobody
    missing = cli("subscribers", "show", "anna@stadt.example")
    assert missing.exit_code == 1


def events_of_kind(project: Project, kind: str) -> list[ConsentEvent]:
    with read_session(project.engine) as session:
        return list(session.exec(select(ConsentEvent).where(ConsentEvent.kind == kind)).all())
