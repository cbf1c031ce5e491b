"""Complaints always count: whatever the earlier state, on SQLite and PostgreSQL alike.

Each ordering ends with the same checks: the complaint is in the consent log, the address
is suppressed on every list with the reason ``complaint``, and a web signup for it
answers exactly like any other signup and queues no mail. Only `bounces lift-complaint`
lifts it, with a note; then the person can sign up and confirm again.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from sqlmodel import select

from isamail.audience.subscribers import unsubscribe, unsubscribe_by_token
from isamail.bounces.process import Action, process_mailbox
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.db.models import OutgoingMail
from isamail.tokens import unsubscribe_token
from tests.bounces_helpers import (
    DOMAIN,
    arf,
    consent_kinds,
    delivery_id,
    dsn,
    edition,
    mails,
    message_id,
    our_copy,
    people,
    statuses,
    subscription_id,
    suppressions,
    verp,
)
from tests.conftest import Cli
from tests.test_web import client_for

EMAIL = "leser@stadt.example"
OTHER = "andere@stadt.example"


def complaint_about(project: Project, edition_id: int, email: str = EMAIL) -> bytes:
    """A genuine provider complaint: it embeds the recipient's own copy."""
    copy = our_copy(
        project,
        "redacted@provider.example",  # providers blank the recipient out
        message_id=message_id(project, edition_id, delivery_id(project.engine, email, edition_id)),
        unsubscribe=subscription_id(project.engine, email),
    )
    return arf(copy)


def complain(project: Project, edition_id: int) -> None:
    outcome = process_mailbox(
        project.engine, project.settings, mails(complaint_about(project, edition_id))
    ).outcomes[0]
    assert (outcome.kind, outcome.action, outcome.email) == (
        "complaint",
        Action.UNSUBSCRIBED,
        EMAIL,
    )


def outbox(project: Project) -> list[str]:
    with read_session(project.engine) as session:
        return [m.recipient for m in session.exec(select(OutgoingMail)).all()]


def signup_answer(project: Project, email: str) -> tuple[int, str]:
    with client_for(project) as client:
        response = client.post("/subscribe", data={"email": email, "list": "isa", "lang": "de"})
    return response.status_code, response.text


def assert_complaint_holds(project: Project) -> None:
    assert "complaint" in consent_kinds(project.engine, EMAIL)
    assert (None, "complaint") in suppressions(project.engine, EMAIL)
    assert statuses(project.engine, EMAIL) <= {"unsubscribed", "bounced"}
    before = outbox(project)
    assert signup_answer(project, EMAIL) == signup_answer(project, "neu@stadt.example")
    after = outbox(project)
    assert after == [*before, "neu@stadt.example"]  # none for the complainer


def _nothing(project: Project, edition_id: int) -> None:
    pass


def _unsubscribe_all_cli(project: Project, edition_id: int) -> None:
    unsubscribe(project.engine, EMAIL)


def _unsubscribe_all_web(project: Project, edition_id: int) -> None:
    token = unsubscribe_token(project.settings.secret_key, subscription_id(project.engine, EMAIL))
    unsubscribe_by_token(project.engine, project.settings.secret_key, token, all_lists=True)


def _unsubscribe_one_list(project: Project, edition_id: int) -> None:
    token = unsubscribe_token(project.settings.secret_key, subscription_id(project.engine, EMAIL))
    unsubscribe_by_token(project.engine, project.settings.secret_key, token)


def _unsubscribe_other_list(project: Project, edition_id: int) -> None:
    unsubscribe(project.engine, EMAIL, "presse")


def _hard_bounce(project: Project, edition_id: int) -> None:
    raw = dsn(
        verp(project, delivery_id(project.engine, EMAIL, edition_id)),
        EMAIL,
        "5.1.1",
        "550 5.1.1 user unknown",
    )
    outcome = process_mailbox(project.engine, project.settings, mails(raw)).outcomes[0]
    assert outcome.action is Action.SUPPRESSED


def _earlier_complaint(project: Project, edition_id: int) -> None:
    complain(project, edition_id)


ORDERINGS: dict[str, Callable[[Project, int], None]] = {
    "confirmed": _nothing,
    "after unsubscribe from all lists (cli)": _unsubscribe_all_cli,
    "after unsubscribe from all lists (web)": _unsubscribe_all_web,
    "after a single-list unsubscribe": _unsubscribe_one_list,
    "after an unsubscribe from the other list": _unsubscribe_other_list,
    "after a hard bounce": _hard_bounce,
    "after an earlier complaint": _earlier_complaint,
}


@pytest.mark.parametrize("before", list(ORDERINGS), ids=list(ORDERINGS))
def test_a_complaint_counts_whatever_came_before(project: Project, before: str) -> None:
    people(project, [EMAIL, OTHER], ("isa", "presse"))
    edition_id = edition(project, "2021-07")
    ORDERINGS[before](project, edition_id)
    complaints_before = consent_kinds(project.engine, EMAIL).count("complaint")
    complain(project, edition_id)
    assert consent_kinds(project.engine, EMAIL).count("complaint") > complaints_before
    assert_complaint_holds(project)
    assert statuses(project.engine, OTHER) == {"confirmed"}


@pytest.mark.parametrize(
    "after",
    ["unsubscribe", "single-list unsubscribe", "hard bounce", "staff add"],
)
def test_nothing_after_a_complaint_weakens_it(project: Project, cli: Cli, after: str) -> None:
    people(project, [EMAIL], ("isa", "presse"))
    edition_id = edition(project, "2021-07")
    complain(project, edition_id)
    if after == "unsubscribe":
        unsubscribe(project.engine, EMAIL)
    elif after == "single-list unsubscribe":
        _unsubscribe_one_list(project, edition_id)
    elif after == "hard bounce":
        raw = dsn(
            verp(project, delivery_id(project.engine, EMAIL, edition_id)),
            EMAIL,
            "5.1.1",
            "550 5.1.1 user unknown",
        )
        process_mailbox(project.engine, project.settings, mails(raw))
    else:
        result = cli("subscribers", "add", EMAIL, "--list", "isa", "--confirmed")
        assert result.exit_code == 1 and "Spam-Beschwerde" in result.stderr
    assert_complaint_holds(project)


def test_a_complaint_ends_a_pending_signup_too(project: Project) -> None:
    """A complaint about the confirmation mail (its Message-ID has the kind "t")."""
    with client_for(project) as client:
        from isamail.audience.lists import create_list

        create_list(project.engine, "isa")
        client.post("/subscribe", data={"email": EMAIL, "list": "isa", "lang": "de"})
    with read_session(project.engine) as session:
        mail = session.exec(select(OutgoingMail)).one()
    from isamail.tokens import message_id_local

    copy = our_copy(
        project,
        EMAIL,
        message_id=f"<{message_id_local(project.settings.secret_key, 't', mail.id or 0)}@{DOMAIN}>",
    )
    outcome = process_mailbox(project.engine, project.settings, mails(arf(copy))).outcomes[0]
    assert (outcome.action, outcome.attributed_by, outcome.email) == (
        Action.UNSUBSCRIBED,
        "message_id",
        EMAIL,
    )
    assert statuses(project.engine, EMAIL) == {"unsubscribed"}
    assert_complaint_holds(project)


def test_lift_complaint_needs_a_note_and_lets_the_person_sign_up_again(
    project: Project, cli: Cli
) -> None:
    people(project, [EMAIL], ("isa",))
    complain(project, edition(project, "2021-07"))
    no_note = cli("bounces", "lift-complaint", EMAIL, "--consent-note", "  ")
    assert no_note.exit_code == 1 and "--consent-note" in no_note.stderr
    assert_complaint_holds(project)
    lifted = cli(
        "bounces", "lift-complaint", EMAIL, "--consent-note", "Anruf am 3. Mai 2025, Frau Li"
    )
    assert lifted.exit_code == 0, lifted.output
    assert "aufgehoben" in lifted.stderr
    assert suppressions(project.engine, EMAIL) == {(None, "unsubscribed")}
    assert consent_kinds(project.engine, EMAIL)[-1] == "complaint_lifted"
    before = outbox(project)
    signup_answer(project, EMAIL)
    assert outbox(project) == [*before, EMAIL]
    again = cli("bounces", "lift-complaint", EMAIL, "--consent-note", "x")
    assert again.exit_code == 0 and "keine Beschwerde-Sperre" in again.stderr


def test_web_signup_answer_is_the_same_for_a_complainer(project: Project) -> None:
    """Byte for byte, headers included (a difference would tell who complained)."""
    people(project, [EMAIL], ("isa",))
    complain(project, edition(project, "2021-07"))
    answers = []
    for email in (EMAIL, "neu@stadt.example"):
        with client_for(project) as client:
            response: httpx.Response = client.post(
                "/subscribe", data={"email": email, "list": "isa", "lang": "de"}
            )
        answers.append((response.status_code, response.text, sorted(response.headers.keys())))
    assert answers[0] == answers[1]
