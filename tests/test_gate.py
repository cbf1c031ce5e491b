"""The gate: only those who may still have the issue get it.

Every exit (unsubscribe from the CLI or the web's one-click, complaint, hard bounce,
erasure, block) committed between a partial send and its resume, or during a live send,
keeps the issue from that person; the delivery ends as ``skipped`` with its reason.
Each runs the real `isamail send` against a real SMTP server, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlmodel import select

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.audience.subscribers import (
    add_subscriber,
    forget,
    suppress,
    unsubscribe,
    unsubscribe_in,
)
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConsentKind,
    Delivery,
    Subscriber,
    SubscriberState,
    SubscriptionStatus,
    SuppressionReason,
)
from isamail.sending import gate
from isamail.tokens import unsubscribe_token
from tests.conftest import DATA, Cli
from tests.smtpd import SmtpTestServer
from tests.test_web import live_server

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
SECRET = "test-secret-key"


@pytest.fixture
def newsletter(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", SECRET)
    monkeypatch.setenv("ISAMAIL_BOUNCE_ADDRESS", "bounces@isa-portal.de")
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    return project


def received(server: SmtpTestServer) -> Counter[str]:
    return Counter(r.lower() for m in server.messages for r in m.rcpt_tos)


def queued_addresses(project: Project) -> list[str]:
    """The recipients whose delivery is still queued, in the order they would be sent."""
    with read_session(project.engine) as session:
        rows = session.exec(
            select(Subscriber.email)
            .join(Delivery, Delivery.subscriber_id == Subscriber.id)  # type: ignore[arg-type]
            .where(Delivery.status == "queued")
            .order_by(Delivery.id)  # type: ignore[arg-type]
        ).all()
    return [r or "" for r in rows]


def report(cli: Cli) -> dict:  # type: ignore[type-arg]
    result = cli("report", ISSUE, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_exits_between_a_partial_send_and_its_resume_are_honoured(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        first = cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "2")
        assert first.exit_code == 0, first.output
        left, complained, erased, blocked, bounced, *rest = queued_addresses(newsletter)
        assert cli("subscribers", "unsubscribe", left).exit_code == 0
        with unit_of_work(newsletter.engine) as session:
            person = session.exec(select(Subscriber).where(Subscriber.email == complained)).one()
            unsubscribe_in(
                session,
                person,
                None,
                source="bounce",
                kind=ConsentKind.COMPLAINT,
                reason=SuppressionReason.COMPLAINT,
            )
            person = session.exec(select(Subscriber).where(Subscriber.email == bounced)).one()
            unsubscribe_in(
                session,
                person,
                None,
                source="bounce",
                status=SubscriptionStatus.BOUNCED,
                kind=ConsentKind.BOUNCED,
                reason=SuppressionReason.BOUNCED,
            )
            person = session.exec(select(Subscriber).where(Subscriber.email == blocked)).one()
            person.state = SubscriberState.BLOCKLISTED
        forgotten = cli("subscribers", "forget", erased, "--yes")
        assert forgotten.exit_code == 0, forgotten.output

        resumed = cli("send", ISSUE, "--list", "isa", "--yes")
        assert resumed.exit_code == 0, resumed.output
        got = received(server)
    gone = {left, complained, erased, blocked, bounced}
    assert not {a.lower() for a in gone} & set(got)
    assert {a.lower() for a in rest} <= set(got) and max(got.values()) == 1
    assert "übersprungen" in resumed.stderr

    data = report(cli)
    assert data["skipped"] == 5 and data["queued"] == 0
    reasons = Counter(d["skip_reason"] for d in data["deliveries"] if d["status"] == "skipped")
    assert reasons == Counter(
        {"unsubscribed": 1, "complaint": 1, "erased": 1, "blocklisted": 1, "bounced": 1}
    )
    # a send resumed later skips them again, and changes nothing
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        again = cli("send", ISSUE, "--list", "isa", "--yes")
        assert again.exit_code == 0, again.output
        assert server.messages == []
    assert report(cli)["skipped"] == 5


def test_an_erasure_between_sends_never_breaks_the_send_and_leaves_no_address(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    refused = "niemand@example.org"
    add_subscriber(newsletter.engine, refused, "isa", confirmed=True)
    with SmtpTestServer(reject_rcpt={refused}) as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        assert cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "1").exit_code == 0
        erased = queued_addresses(newsletter)[0]
        assert cli("subscribers", "forget", erased, "--yes").exit_code == 0
        resumed = cli("send", ISSUE, "--list", "isa", "--yes")
        # one recipient refused (5xx): exit 3, everyone else sent, the erased one skipped
        assert resumed.exit_code == 3, resumed.output
        assert len(received(server)) == 300 - 1 + 1 - 1
        # the refused one leaves, and is erased: the server's reply quoted the address
        assert cli("subscribers", "forget", refused, "--yes").exit_code == 0
        assert cli("send", ISSUE, "--list", "isa", "--yes").exit_code == 0
    assert erased.lower() not in received(server)
    data = report(cli)
    assert data["skipped"] == 1 and data["failed"] == 1 and data["queued"] == 0
    table = cli("report", ISSUE, "--csv", "--delimiter", ",")
    assert table.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(rows) == 301
    for gone in (refused, erased):
        assert gone.lower() not in table.stdout.lower()
    (failed,) = [r for r in rows if r["status"] == "failed"]
    assert failed["reply"] and "niemand" not in failed["reply"]


def test_the_gate_names_each_reason(newsletter: Project) -> None:
    """The gate itself, on deliveries made by a real enqueue."""
    from isamail.sending.deliveries import enqueue
    from isamail.sending.editions import freeze_edition
    from isamail.sending.plan import compose

    create_list(newsletter.engine, "presse")
    rendered, source_hash = compose(newsletter, ISSUE)
    edition = freeze_edition(newsletter.engine, rendered, source_hash)
    with read_session(newsletter.engine) as session:
        isa_id = 1
        people = session.exec(select(Subscriber).order_by(Subscriber.id)).all()  # type: ignore[arg-type]
    emails = [p.email or "" for p in people[:6]]
    # on two lists; the delivery goes with the first list's subscription
    add_subscriber(newsletter.engine, emails[5], "presse", confirmed=True)
    assert edition.id is not None
    enqueue(newsletter.engine, edition.id, [isa_id])
    with read_session(newsletter.engine) as session:
        by_email = {
            s.email: d.id
            for d, s in session.exec(
                select(Delivery, Subscriber).join(
                    Subscriber,
                    Subscriber.id == Delivery.subscriber_id,  # type: ignore[arg-type]
                )
            ).all()
        }
    ids = [int(by_email[e] or 0) for e in emails]
    assert gate.blocked(newsletter.engine, ids) == {}

    unsubscribe(newsletter.engine, emails[0], "isa")
    forget(newsletter.engine, emails[1])
    with unit_of_work(newsletter.engine) as session:
        # a suppression on its own (say, written by an older release) also holds
        suppress(session, emails[2], SuppressionReason.COMPLAINT)
        # suppressed on another list only: may still have this one
        suppress(session, emails[3], SuppressionReason.UNSUBSCRIBED, list_id=2)
    unsubscribe(newsletter.engine, emails[5], "presse")
    assert gate.blocked(newsletter.engine, ids) == {
        ids[0]: "unsubscribed",
        ids[1]: "erased",
        ids[2]: "complaint",
    }


@pytest.mark.slow
def test_exits_during_a_live_send_are_honoured_within_a_second(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rate-limited send of 100 is under way; after its 8th message arrived, four people
    queued near the end leave (two through the CLI, two by one-click on the web app).
    They are due about nine seconds later, long after the gate has seen their exit:
    none gets it, everyone else does."""
    from isamail.web.app import create_app

    monkeypatch.setenv("ISAMAIL_SECRET_KEY", SECRET)
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "live")
    addresses = [f"leser{i:03d}@example.org" for i in range(100)]
    subscription_ids = {
        a: add_subscriber(project.engine, a, "live", confirmed=True).subscription_id
        for a in addresses
    }
    cli_leavers, web_leavers = addresses[-8:-6], addresses[-4:-2]
    command = [str(Path(sys.executable).with_name("isamail")), "-p", str(project.directory)]
    with SmtpTestServer() as server:
        env = {
            **os.environ,
            "ISAMAIL_SMTP_URL": server.url,
            "ISAMAIL_SECRET_KEY": SECRET,
            "ISAMAIL_DATABASE_URL": project.settings.database_url,
        }
        sender = subprocess.Popen(
            [*command, "send", ISSUE, "--list", "live", "--yes", "--rate", "10"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 60
            while len(server.messages) < 8:
                assert sender.poll() is None, sender.communicate()
                assert time.monotonic() < deadline, "the send did not start"
                time.sleep(0.02)
            for address in cli_leavers:
                done = subprocess.run(
                    [*command, "subscribers", "unsubscribe", address],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                assert done.returncode == 0, done.stderr
            site = Project.open(project.directory)
            try:
                with (
                    live_server(create_app(site, background=False)) as url,
                    httpx.Client(base_url=url) as client,
                ):
                    for address in web_leavers:
                        token = unsubscribe_token(SECRET, subscription_ids[address])
                        answer = client.post(
                            f"/u/{token}",
                            content=b"List-Unsubscribe=One-Click",
                            headers={"content-type": "application/x-www-form-urlencoded"},
                        )
                        assert answer.status_code == 200
            finally:
                site.close()
            _, err = sender.communicate(timeout=120)
        finally:
            if sender.poll() is None:
                sender.kill()
        assert sender.returncode == 0, err
        got = received(server)
    leavers = {a.lower() for a in cli_leavers + web_leavers}
    assert not leavers & set(got)
    assert set(got) == {a.lower() for a in addresses} - leavers
    assert max(got.values()) == 1
