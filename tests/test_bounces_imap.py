"""`isamail bounces process --imap` against a real IMAP server (Dovecot, see tests/imapd.py).

The returned mail is real: samples of the bounce corpus, with our VERP token added the way
our mailbox would receive them, appended over IMAP to a folder of a fresh account. What
the command did is read back from the server (which messages are where, with which
flags) and from the database through `subscribers show --json`.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import trustme

from isamail.bounces.classify import BounceKind, classify
from isamail.context import Project
from tests.conftest import Cli
from tests.imapd import ImapAccount, ImapTestServer, require_dovecot
from tests.test_bounces_process import CORPUS, SAMPLES, delivery_of, edition, people, with_token

KEYWORD = "IsamailProcessed"


def _first(kind: BounceKind) -> Path:
    return next(p for p in SAMPLES if classify(p.read_bytes()).kind is kind)


@pytest.fixture(scope="module")
def picks() -> dict[str, Path]:
    """One corpus sample per class the processor acts on differently."""
    return {
        "hard": _first(BounceKind.HARD),
        "soft": _first(BounceKind.SOFT),
        "policy": _first(BounceKind.POLICY),
        "complaint": CORPUS / "bounces" / "arf-01.eml",
        "autoreply": next(p for p in SAMPLES if p.name.startswith("rfc3834-")),
    }


# what each class does to its subscriber: subscription states, delivery state, suppression
EXPECTED = {
    "hard": ({"bounced"}, "bounced", [{"list": None, "reason": "bounced"}]),
    "soft": ({"confirmed"}, "sent", []),
    "policy": ({"confirmed"}, "bounced", []),
    "complaint": ({"unsubscribed"}, "sent", [{"list": None, "reason": "complaint"}]),
    "autoreply": ({"confirmed"}, "sent", []),
}


@pytest.fixture
def trusted(imap_server: ImapTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The client trusts the test CA the way an operator trusts a private one."""
    monkeypatch.setenv("SSL_CERT_FILE", imap_server.ca_file)


def _returned_mail(project: Project, picks: dict[str, Path]) -> dict[str, bytes]:
    """email → the sample as our bounce mailbox receives it, naming that email's delivery."""
    emails = [f"{kind}@stadt.example" for kind in picks]
    people(project, emails, ("isa", "presse"))
    edition_id = edition(project, "2024-05")
    return {
        email: with_token(
            path.read_bytes(), project, delivery_of(project.engine, email, edition_id).id
        )
        for email, path in zip(emails, picks.values(), strict=True)
    }


def _state(cli: Cli, emails: list[str]) -> dict[str, tuple[set[str], str, list[Any]]]:
    found = {}
    for email in emails:
        result = cli("subscribers", "show", email, "--json")
        assert result.exit_code == 0, result.output
        record = json.loads(result.stdout)
        found[email] = (
            {s["status"] for s in record["subscriptions"]},
            record["deliveries"][0]["status"],
            record["suppressions"],
        )
    return found


def _bodies(messages: dict[int, tuple[set[str], bytes]]) -> set[bytes]:
    return {raw.replace(b"\r\n", b"\n") for _, raw in messages.values()}


def _process(cli: Cli, url: str) -> dict[str, Any]:
    result = cli("bounces", "process", "--imap", url, "--json")
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.usefixtures("trusted")
def test_flags_processed_messages_and_a_second_run_changes_nothing(
    project: Project, cli: Cli, imap_account: ImapAccount, picks: dict[str, Path]
) -> None:
    mail = _returned_mail(project, picks)
    imap_account.append("Bounces", *mail.values())
    url = imap_account.url("Bounces")

    first = _process(cli, url)
    assert first["processed"] == 5 and first["duplicates"] == 0
    assert first["by_kind"] == {kind: 1 for kind in picks}
    by_email = {m["email"]: m for m in first["messages"]}
    for kind, email in zip(picks, mail, strict=True):
        if kind != "autoreply":
            assert by_email[email]["kind"] == kind and by_email[email]["attributed_by"] == "token"
    state = _state(cli, list(mail))
    assert state == dict(zip(mail, EXPECTED.values(), strict=True))

    # the messages stay where they were, flagged as read and processed
    on_server = imap_account.messages("Bounces")
    assert _bodies(on_server) == {raw.replace(b"\r\n", b"\n") for raw in mail.values()}
    assert all({"\\Seen", KEYWORD} <= flags for flags, _ in on_server.values())

    second = _process(cli, url)
    assert (second["processed"], second["duplicates"], second["messages"]) == (0, 0, [])
    assert _state(cli, list(mail)) == state
    assert {uid: flags for uid, (flags, _) in imap_account.messages("Bounces").items()} == {
        uid: flags for uid, (flags, _) in on_server.items()
    }


@pytest.mark.usefixtures("trusted")
def test_a_run_interrupted_before_flagging_flags_on_the_next_run(
    project: Project, cli: Cli, imap_account: ImapAccount, picks: dict[str, Path]
) -> None:
    """Recorded in the database but never flagged (a crash in between): duplicates, flagged."""
    mail = _returned_mail(project, picks)
    imap_account.append("INBOX", *mail.values())
    _process(cli, imap_account.url())
    state = _state(cli, list(mail))
    with imap_account.client() as conn:
        assert conn.select("INBOX")[0] == "OK"
        assert conn.uid("STORE", "1:*", "-FLAGS", f"(\\Seen {KEYWORD})")[0] == "OK"
    again = _process(cli, imap_account.url())
    assert (again["processed"], again["duplicates"]) == (0, 5)
    assert _state(cli, list(mail)) == state
    assert all(KEYWORD in flags for flags, _ in imap_account.messages("INBOX").values())


@pytest.mark.usefixtures("trusted")
def test_moves_processed_messages_into_a_folder_it_creates(
    project: Project, cli: Cli, imap_account: ImapAccount, picks: dict[str, Path]
) -> None:
    mail = _returned_mail(project, picks)
    # non-ASCII folder names travel in IMAP's modified UTF-7
    imap_account.append("Rückläufer", *mail.values())
    url = imap_account.url("Rückläufer", query=urlencode({"processed": "Rückläufer erledigt"}))
    assert "R&APw-ckl&AOQ-ufer erledigt" not in imap_account.folders()

    first = _process(cli, url)
    assert first["processed"] == 5
    assert _state(cli, list(mail)) == dict(zip(mail, EXPECTED.values(), strict=True))
    assert imap_account.messages("Rückläufer") == {}
    assert "R&APw-ckl&AOQ-ufer erledigt" in imap_account.folders()
    moved = imap_account.messages("Rückläufer erledigt")
    assert _bodies(moved) == {raw.replace(b"\r\n", b"\n") for raw in mail.values()}

    second = _process(cli, url)
    assert (second["processed"], second["duplicates"]) == (0, 0)
    assert imap_account.messages("Rückläufer erledigt") == moved


def test_without_move_it_copies_and_expunges_only_its_own_messages(
    project: Project, cli: Cli, picks: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_dovecot()
    mail = _returned_mail(project, picks)
    with ImapTestServer(without_move=True) as server:
        account = server.add_account()
        account.append("Bounces", *mail.values())
        # someone deleted this one in their mail program, without expunging yet
        account.append("Bounces", b"Subject: weg damit\r\n\r\nalt\r\n", flags="(\\Deleted)")
        with account.client() as conn:  # the fallback is what this test is about
            assert b"MOVE" not in conn.capability()[1][0].split()
        monkeypatch.setenv("SSL_CERT_FILE", server.ca_file)
        data = _process(cli, account.url("Bounces", query="processed=Done"))
        left = account.messages("Bounces")
        done = account.messages("Done")
        log = server.log()
    assert data["processed"] == 5
    assert [raw for _, raw in left.values()] == [b"Subject: weg damit\r\n\r\nalt\r\n"]
    assert _bodies(done) == {raw.replace(b"\r\n", b"\n") for raw in mail.values()}
    assert "expunged=5" in log  # what the IMAP session itself reports on logout


@pytest.mark.usefixtures("trusted")
def test_utf8_password(project: Project, cli: Cli, imap_server: ImapTestServer) -> None:
    account = imap_server.add_account(password="Grüße-aus-Baoding-保定")
    account.append("INBOX", (CORPUS / "bounces" / "arf-01.eml").read_bytes())
    assert _process(cli, account.url())["by_kind"] == {"complaint": 1}


# --- errors: one German line, no traceback, exit 1, mailbox untouched ---------------------


def _fails(cli: Cli, url: str, *words: str) -> str:
    result = cli("bounces", "process", "--imap", url)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Fehler: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.usefixtures("trusted")
def test_wrong_password(cli: Cli, imap_account: ImapAccount) -> None:
    raw = (CORPUS / "bounces" / "arf-01.eml").read_bytes()
    imap_account.append("Bounces", raw)
    line = _fails(
        cli, imap_account.url("Bounces", password="falsch-123"), "Anmeldung", "fehlgeschlagen"
    )
    assert "falsch-123" not in line and imap_account.password not in line
    assert [flags for flags, _ in imap_account.messages("Bounces").values()] == [set()]


@pytest.mark.usefixtures("trusted")
def test_missing_folder(cli: Cli, imap_account: ImapAccount) -> None:
    _fails(cli, imap_account.url("Gibtsnicht"), "Gibtsnicht", "nicht öffnen")
    assert "Gibtsnicht" not in imap_account.folders()


@pytest.mark.usefixtures("trusted")
def test_unreachable_server(cli: Cli, imap_account: ImapAccount) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = imap_account.url().replace(f":{imap_account.server.port}/", f":{port}/")
    _fails(cli, url, f"127.0.0.1:{port}", "nicht erreichbar")


def test_untrusted_certificate(
    cli: Cli, imap_account: ImapAccount, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    monkeypatch.setenv("SSL_CERT_FILE", str(other))
    imap_account.append("Bounces", (CORPUS / "bounces" / "arf-01.eml").read_bytes())
    _fails(cli, imap_account.url("Bounces"), "Zertifikat", "SSL_CERT_FILE")
    assert [flags for flags, _ in imap_account.messages("Bounces").values()] == [set()]
    assert "unknown ca" in imap_account.server.log()  # the handshake really failed
