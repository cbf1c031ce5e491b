"""Forged complaints and bounces, tried as an attacker would: only a report that proves
which mail it is about acts, and it acts on that mail's recipient alone.

The attacker is a subscriber who reads his own copy: its Message-ID, its unsubscribe
link, the envelope sender with his VERP token. He mails ARF complaints and DSNs to the
public bounce address. Nobody but himself may be touched; a genuine provider complaint
that embeds the recipient's own copy still unsubscribes.
"""

from __future__ import annotations

import dataclasses

from isamail.bounces.process import Action, process_mailbox
from isamail.bounces.proof import secret_keys
from isamail.context import Project
from isamail.tokens import message_id_local, unsubscribe_token
from tests.bounces_helpers import (
    DOMAIN,
    arf,
    delivery_id,
    delivery_of,
    dsn,
    edition,
    mails,
    message_id,
    nonce_of,
    our_copy,
    people,
    statuses,
    subscription_id,
    suppressions,
    verp,
)
from tests.conftest import Cli

ATTACKER = "mallory@stadt.example"
VICTIMS = [f"leser{i}@stadt.example" for i in range(6)]


def world(project: Project) -> int:
    """The attacker between his neighbours by delivery id, on two lists."""
    people(project, [*VICTIMS[:3], ATTACKER, *VICTIMS[3:]], ("isa", "presse"))
    return edition(project, "2021-07")


def untouched(project: Project, edition_id: int, emails: list[str]) -> None:
    for email in emails:
        assert statuses(project.engine, email) == {"confirmed"}, email
        assert suppressions(project.engine, email) == set(), email
        delivery = delivery_of(project.engine, email, edition_id)
        assert (delivery.status, delivery.bounce_kind) == ("sent", None), email


def attacker_copy(project: Project, edition_id: int, *, to: str = ATTACKER) -> object:
    mine = delivery_id(project.engine, ATTACKER, edition_id)
    return our_copy(
        project,
        to,
        message_id=message_id(project, edition_id, mine),
        unsubscribe=subscription_id(project.engine, ATTACKER),
    )


def test_neighbouring_message_ids_touch_nobody(project: Project) -> None:
    edition_id = world(project)
    mine = delivery_id(project.engine, ATTACKER, edition_id)
    nonce = nonce_of(project, edition_id)
    own = message_id_local(project.settings.secret_key, nonce, mine)  # NONCE.ID-MAC
    value, _, mac = own.partition(".")[2].partition("-")
    forged = []
    for victim in VICTIMS:
        neighbour = delivery_id(project.engine, victim, edition_id)
        for guess in (
            f"<{nonce}.{neighbour}@{DOMAIN}>",  # the old guessable form
            f"<{nonce}.{int(value, 36) + neighbour - mine:x}-{mac}@{DOMAIN}>",  # his MAC
            f"<{nonce}.{neighbour}-{mac}@{DOMAIN}>",
        ):
            forged.append(arf(our_copy(project, victim, message_id=guess), rcpt_to=victim))
            forged.append(
                dsn(f"bounces@{DOMAIN}", victim, "5.1.1", "550 5.1.1 unknown").replace(
                    b"Ihre Nachricht", f"Message-ID: {guess}\n\nIhre".encode()
                )
            )
    report = process_mailbox(project.engine, project.settings, mails(*forged))
    assert {o.action for o in report.outcomes} == {Action.UNATTRIBUTED}
    assert all(o.review and o.email is None for o in report.outcomes)
    untouched(project, edition_id, [*VICTIMS, ATTACKER])


def test_a_bare_address_touches_nobody(project: Project) -> None:
    edition_id = world(project)
    forged = []
    for victim in VICTIMS:
        forged.append(arf(None, rcpt_to=victim))  # the report names the victim, nothing more
        forged.append(arf(our_copy(project, victim), rcpt_to=victim))  # a copy made up
        forged.append(dsn(f"bounces@{DOMAIN}", victim, "5.1.1", "550 5.1.1 user unknown"))
    report = process_mailbox(project.engine, project.settings, mails(*forged))
    assert [o.action for o in report.outcomes] == [Action.UNATTRIBUTED] * len(forged)
    assert [o.named for o in report.outcomes] == [(v,) for v in VICTIMS for _ in range(3)]
    untouched(project, edition_id, [*VICTIMS, ATTACKER])


def test_the_attackers_own_copy_with_another_address_put_in_touches_only_him(
    project: Project,
) -> None:
    edition_id = world(project)
    victim = VICTIMS[0]
    copy = attacker_copy(project, edition_id, to=victim)
    forged = [
        arf(copy, rcpt_to=victim),  # type: ignore[arg-type]
        arf(copy, rcpt_to=victim, headers_only=True),  # type: ignore[arg-type]
        # a DSN to his own VERP address, naming the victim as the failed recipient
        dsn(
            verp(project, delivery_id(project.engine, ATTACKER, edition_id)),
            victim,
            "5.1.1",
            "550 5.1.1 user unknown",
        ),
    ]
    report = process_mailbox(project.engine, project.settings, mails(*forged))
    assert [(o.email, o.named) for o in report.outcomes] == [(ATTACKER, (victim,))] * 3
    assert [o.attributed_by for o in report.outcomes] == ["message_id", "message_id", "token"]
    assert statuses(project.engine, ATTACKER) == {"unsubscribed"}
    assert suppressions(project.engine, ATTACKER) == {(None, "complaint")}
    untouched(project, edition_id, VICTIMS)


def test_a_forged_token_touches_nobody(project: Project) -> None:
    edition_id = world(project)
    forged = [
        dsn(
            verp(project, delivery_id(project.engine, victim, edition_id), "guessed-key"),
            victim,
            "5.1.1",
            "550 5.1.1 user unknown",
        )
        for victim in VICTIMS
    ]
    # unsubscribe tokens of the neighbouring subscriptions, with the attacker's MAC
    own = unsubscribe_token(project.settings.secret_key, subscription_id(project.engine, ATTACKER))
    value, _, mac = own.partition("-")
    for victim in VICTIMS:
        neighbour = subscription_id(project.engine, victim)
        copy = our_copy(project, victim)
        copy["List-Unsubscribe"] = f"<https://x.example/u/{neighbour:x}-{mac}>"
        forged.append(arf(copy, rcpt_to=victim))
    report = process_mailbox(project.engine, project.settings, mails(*forged))
    assert {o.action for o in report.outcomes} == {Action.UNATTRIBUTED}
    untouched(project, edition_id, [*VICTIMS, ATTACKER])
    assert value  # the attacker's own token was real


def test_a_genuine_provider_complaint_embedding_the_recipients_copy_unsubscribes(
    project: Project,
) -> None:
    edition_id = world(project)
    reader = VICTIMS[2]
    copy = our_copy(
        project,
        "redacted@provider.example",
        message_id=message_id(project, edition_id, delivery_id(project.engine, reader, edition_id)),
        unsubscribe=subscription_id(project.engine, reader),
    )
    # only the headers of the copy, and only its List-Unsubscribe: still proof
    headers_only = our_copy(project, "x", unsubscribe=subscription_id(project.engine, VICTIMS[3]))
    report = process_mailbox(
        project.engine,
        project.settings,
        mails(arf(copy, rcpt_to="redacted@provider.example"), arf(headers_only, headers_only=True)),
    )
    assert [(o.action, o.attributed_by, o.email) for o in report.outcomes] == [
        (Action.UNSUBSCRIBED, "message_id", reader),
        (Action.UNSUBSCRIBED, "unsubscribe_token", VICTIMS[3]),
    ]
    assert report.outcomes[0].issue == "2021-07"
    for email in (reader, VICTIMS[3]):
        assert statuses(project.engine, email) == {"unsubscribed"}
        assert suppressions(project.engine, email) == {(None, "complaint")}
    assert delivery_of(project.engine, reader, edition_id).bounce_kind == "complaint"
    untouched(project, edition_id, [*VICTIMS[:2], *VICTIMS[4:], ATTACKER])


def test_reports_under_a_previous_secret_key_still_prove(project: Project) -> None:
    """After a key rotation the mail already out carries tokens of the old key."""
    edition_id = world(project)
    old = "the-key-before-the-rotation"
    rotated = dataclasses.replace(
        project.settings,
        values={**project.settings.values, "previous_secret_keys": [old]},
    )
    assert secret_keys(rotated) == (project.settings.secret_key, old)
    raw = dsn(
        verp(project, delivery_id(project.engine, VICTIMS[0], edition_id), old),
        VICTIMS[0],
        "5.1.1",
        "550 5.1.1 user unknown",
    )
    unrotated = process_mailbox(project.engine, project.settings, mails(raw)).outcomes[0]
    assert unrotated.action is Action.UNATTRIBUTED
    again = raw.replace(b"Undelivered Mail", b"Undelivered mail")  # a second report
    outcome = process_mailbox(project.engine, rotated, mails(again)).outcomes[0]
    assert (outcome.action, outcome.attributed_by) == (Action.SUPPRESSED, "token")
    assert statuses(project.engine, VICTIMS[0]) == {"bounced"}


def test_staff_act_on_an_unproven_report_deliberately(project: Project, cli: Cli) -> None:
    edition_id = world(project)
    raws = [
        arf(None, rcpt_to=VICTIMS[0]),
        dsn(f"bounces@{DOMAIN}", VICTIMS[1], "5.1.1", "550 5.1.1 user unknown"),
        dsn(f"bounces@{DOMAIN}", "fremd@elsewhere.example", "5.1.1", "550 5.1.1 unknown"),
    ]
    report = process_mailbox(project.engine, project.settings, mails(*raws))
    ids = [o.bounce_id for o in report.outcomes]
    listed = cli("bounces", "ls", "--unattributed")
    assert listed.exit_code == 0, listed.output
    named = [VICTIMS[0], VICTIMS[1], "fremd@elsewhere.example"]
    for number, email in zip(ids, named, strict=True):
        assert f"Nr. {number} " in listed.stdout and email in listed.stdout
    untouched(project, edition_id, VICTIMS)

    applied = cli("bounces", "apply", str(ids[0]), str(ids[1]))
    assert applied.exit_code == 0, applied.output
    assert VICTIMS[0] in applied.stderr and VICTIMS[1] in applied.stderr
    assert statuses(project.engine, VICTIMS[0]) == {"unsubscribed"}
    assert suppressions(project.engine, VICTIMS[0]) == {(None, "complaint")}
    assert statuses(project.engine, VICTIMS[1]) == {"bounced"}
    twice = cli("bounces", "apply", str(ids[0]))
    assert twice.exit_code == 1 and "schon angewendet" in twice.stderr

    dismissed = cli("bounces", "dismiss", str(ids[2]))
    assert dismissed.exit_code == 0, dismissed.output
    remaining = cli("bounces", "ls", "--unattributed", "--json")
    assert remaining.exit_code == 0 and remaining.stdout.strip() == "[]"
    missing = cli("bounces", "apply", "99999")
    assert missing.exit_code == 1 and "99999" in missing.stderr
    untouched(project, edition_id, [*VICTIMS[2:], ATTACKER])


def test_ses_message_id_matches_the_relay_id_the_send_stored(project: Project) -> None:
    from sqlalchemy import update
    from sqlmodel import col

    from isamail.db.engine import unit_of_work
    from isamail.db.models import Delivery
    from tests.test_bounces_process import ses_mail

    edition_id = world(project)
    ses_id = "0100018c5f5a8c1e-9d3b9c9e-7c3a-4b3e-9f0e-2f6a8c1b2d3e-000000"
    reader = delivery_id(project.engine, VICTIMS[1], edition_id)
    with unit_of_work(project.engine) as session:
        session.execute(update(Delivery).where(col(Delivery.id) == reader).values(relay_id=ses_id))

    def complaint(own_id: str) -> bytes:
        return ses_mail(
            {
                "notificationType": "Complaint",
                "complaint": {"complainedRecipients": [{"emailAddress": VICTIMS[0]}]},
                "mail": {"source": f"info@{DOMAIN}", "messageId": own_id},
            }
        )

    guessed = ses_id[:-1] + "1"  # a neighbour: no such relay id
    report = process_mailbox(
        project.engine, project.settings, mails(complaint(guessed), complaint(ses_id))
    )
    assert [(o.action, o.email) for o in report.outcomes] == [
        (Action.UNATTRIBUTED, None),
        (Action.UNSUBSCRIBED, VICTIMS[1]),  # the proven recipient, not the address named
    ]
    untouched(project, edition_id, [VICTIMS[0], *VICTIMS[2:], ATTACKER])


def test_forgetting_an_address_takes_it_out_of_unproven_reports(project: Project) -> None:
    from isamail.audience.subscribers import forget
    from isamail.bounces.review import list_reports

    world(project)
    raw = dsn(f"bounces@{DOMAIN}", VICTIMS[0].upper(), "5.1.1", "550 5.1.1 user unknown")
    process_mailbox(project.engine, project.settings, mails(raw))
    forget(project.engine, VICTIMS[0])
    (entry,) = list_reports(project.engine, unattributed=True)
    assert entry.addresses == ("<gelöscht>",)
    assert VICTIMS[0] not in entry.summary.lower()
