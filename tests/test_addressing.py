"""Addressing: what every mail says about its sender and recipient, derived in one place.

The preview's .eml has the headers a really sent message has; an IDN From domain works
on the wire; ``unsubscribe_address`` reaches real mail; Message-IDs carry a MAC and name
their delivery; the settings refuse a From that is no address.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
from pathlib import Path

import pytest
from sqlmodel import select

from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.config import load_settings
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.db.models import Delivery, Edition, Subscriber
from isamail.errors import ConfigError
from isamail.tokens import read_bounce_token, read_message_id
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
SECRET = "test-secret-key"
READERS = ["anna@example.org", "王伟@例子.example", "Bernd.Bauer@Düsseldorf.example"]


@pytest.fixture
def small(project: Project, monkeypatch: pytest.MonkeyPatch) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", SECRET)
    create_list(project.engine, "isa")
    for address in READERS:
        add_subscriber(project.engine, address, "isa", confirmed=True, name="Leser Name")
    return project


def send(cli: Cli, server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
    result = cli("send", ISSUE, "--list", "isa", "--yes")
    assert result.exit_code == 0, result.output


# the per-recipient parts: tokens, the recipient, the date
_TOKENS = [
    (re.compile(r"^<[^<>@]+@"), "<ID@"),  # the Message-ID's local part
    (re.compile(r"/u/[A-Za-z0-9-]+"), "/u/TOKEN"),
    (re.compile(r"subject=unsubscribe%20[A-Za-z0-9-]+"), "subject=unsubscribe%20TOKEN"),
]
_PER_RECIPIENT = {"to", "date", "content-type"}  # content-type: the random boundary


def header_shapes(raw: bytes) -> dict[str, str]:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    shapes = {}
    for name, value in message.items():
        if name.lower() in _PER_RECIPIENT:
            continue
        value = " ".join(str(value).split())
        for pattern, replacement in _TOKENS:
            value = pattern.sub(replacement, value)
        shapes[name.lower()] = value
    return shapes


def test_the_preview_shows_the_headers_that_really_go_out(
    small: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("ISAMAIL_UNSUBSCRIBE_ADDRESS", "Abmeldung <abmelden@isa-portal.de>")
    monkeypatch.setenv("ISAMAIL_BOUNCE_ADDRESS", "bounces@isa-portal.de")
    preview = cli("issue", "preview", ISSUE, "--list", "isa", "-o", str(tmp_path))
    assert preview.exit_code == 0, preview.output
    previewed = header_shapes((tmp_path / f"{ISSUE}.eml").read_bytes())
    with SmtpTestServer() as server:
        send(cli, server, monkeypatch)
        sent = [header_shapes(m.data) for m in server.messages]
        envelope = server.messages[0].mail_from
    for shape in sent:
        assert shape == previewed
    assert previewed["list-unsubscribe"] == (
        "<http://127.0.0.1:8000/u/TOKEN>, "
        "<mailto:abmelden@isa-portal.de?subject=unsubscribe%20TOKEN>"
    )
    assert previewed["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
    assert previewed["list-id"] == "<isa.isa-portal.de>"
    # the envelope is the bounce address with its VERP token, not the unsubscribe address
    assert re.fullmatch(r"bounces\+[a-z0-9]+-[a-z2-7]{16}@isa-portal\.de", envelope)


def test_message_ids_carry_a_mac_and_name_their_delivery(
    small: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        send(cli, server, monkeypatch)
        received = [
            (m.rcpt_tos[0], m.mail_from, server.parsed(i)["Message-ID"])
            for i, m in enumerate(server.messages)
        ]
    with read_session(small.engine) as session:
        nonce = session.exec(select(Edition.nonce)).one()
        by_id = {
            d.id: (s.email or "").lower()
            for d, s in session.exec(
                select(Delivery, Subscriber).join(
                    Subscriber,
                    Subscriber.id == Delivery.subscriber_id,  # type: ignore[arg-type]
                )
            ).all()
        }
    for rcpt, mail_from, message_id in received:
        kind, delivery_id = read_message_id(SECRET, message_id) or ("", 0)
        assert kind == nonce
        token = mail_from.split("+", 1)[1].split("@")[0]
        assert read_bounce_token(SECRET, token) == delivery_id
        assert by_id[delivery_id].split("@")[0] == rcpt.lower().split("@")[0]
        # the number in it is not enough: another delivery's id needs the key
        local = message_id.strip("<>").split("@")[0]
        assert read_message_id("another-key", message_id) is None
        assert not re.fullmatch(rf"{nonce}\.\d+", local)


def test_an_idn_from_domain_goes_out_in_its_ascii_form(
    small: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAMAIL_FROM", "ISA-Newsletter <newsletter@städte-allianz.example>")
    with SmtpTestServer() as server:
        send(cli, server, monkeypatch)
        assert len(server.messages) == len(READERS)
        ace = "xn--stdte-allianz-cfb.example"
        for i, received in enumerate(server.messages):
            assert received.mail_from.endswith("@" + ace)
            message = server.parsed(i)
            assert message["Message-ID"].endswith(f"@{ace}>")
            assert message["List-Id"] == f"<isa.{ace}>"
            assert "newsletter@" + ace in str(message["From"])
    # a test copy the same way
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        copy = cli("send", ISSUE, "--to", "redaktion@isa-portal.de")
        assert copy.exit_code == 0, copy.output
        assert server.messages[0].mail_from.endswith("@" + ace)


@pytest.mark.parametrize(
    "value",
    ["newsletter", "ISA <>", "ISA <news@>", "news@exa mple.org", "a@b..example", "x@-\u200b.de"],
)
def test_a_from_that_is_no_address_is_refused(tmp_path: Path, value: str) -> None:
    (tmp_path / "isamail.toml").write_text(f'from = "{value}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path, environ={})
    assert ("from" in str(caught.value) and "E-Mail-Adresse" in str(caught.value)) or (
        "Domain" in str(caught.value)
    )
