"""DKIM signing: signatures verified by dkimpy against keys served by a local DNS
server, on the bytes as they arrived at a real SMTP server."""

from __future__ import annotations

import email
import email.policy
import os
import re
import stat
from pathlib import Path

import dkim as dkimpy
import pytest

from isamail.compose.message import PreparedMessage, Recipient
from isamail.compose.render import compose_issue
from isamail.config import Settings, load_settings
from isamail.deliverability import dkim
from isamail.errors import ConfigError, IsamailError
from isamail.issues import load_issue
from isamail.transport.smtp import open_connection, parse_smtp_url
from tests.dnsd import DnsTestServer
from tests.smtpd import SmtpTestServer
from tests.test_issues import CORPUS

BASE = "https://newsletter.isa-portal.de"
RECIPIENTS = [
    Recipient(
        "max.muster@stadt.example",
        "Max Muster",
        f"{BASE}/u/AbCdEfGhIjKlMnOpQrStUvWxYz0123",
        "mailto:bounces+AbCdEfGhIjKlMnOpQrStUvWxYz0123@isa-portal.de",
        "<d1.x7@isa-portal.de>",
    ),
    Recipient(
        "王伟@例子.example",
        "王伟 (保定市)",
        f"{BASE}/u/t3",
        "mailto:bounces+t3@isa-portal.de",
        "<d3.x7@isa-portal.de>",
    ),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(tmp_path_factory.mktemp("p"), {"ISAMAIL_BASE_URL": BASE})


@pytest.fixture(scope="module")
def prepared(settings: Settings) -> PreparedMessage:
    rendered = compose_issue(load_issue(CORPUS / "2020-10"), settings)
    return PreparedMessage.prepare(rendered, settings, list_id="<isa-newsletter.isa-portal.de>")


@pytest.fixture(scope="module", params=["rsa", "ed25519"])
def key(request: pytest.FixtureRequest) -> dkim.DkimKey:
    return dkim.generate_key(request.param)


def publish(dns: DnsTestServer, signer: dkim.Signer) -> None:
    dns.txt(signer.record_name, signer.key.record)


def verify(message: bytes, dns: DnsTestServer) -> bool:
    return bool(dkimpy.verify(message, dnsfunc=dns.dkim_dnsfunc))


def signed_headers(message: bytes) -> list[str]:
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    signature = re.sub(r"\s+", "", str(parsed["DKIM-Signature"]))
    tags = dict(part.split("=", 1) for part in signature.split(";") if "=" in part)
    return tags["h"].split(":")


def test_the_signature_verifies_and_covers_the_unsubscribe_headers(
    prepared: PreparedMessage, key: dkim.DkimKey, dns_server: DnsTestServer
) -> None:
    signer = dkim.Signer(key, "isa2026", "isa-portal.de")
    publish(dns_server, signer)
    for recipient in RECIPIENTS:
        message = prepared.for_recipient(recipient)
        signed = signer.sign(message)
        assert signed.endswith(message) and signed.startswith(b"DKIM-Signature: ")
        assert verify(signed, dns_server), recipient.email
        covered = signed_headers(signed)
        for name in dkim.SIGNED_HEADERS:
            # each twice: once for the header, once against a second one added later
            assert covered.count(name.lower()) == 2, name
    assert ("isa2026._domainkey.isa-portal.de", "TXT") in dns_server.queries


@pytest.mark.parametrize(
    ("header", "changed"),
    [
        (b"List-Unsubscribe: <", b"List-Unsubscribe: <https://evil.example/u>, <"),
        (b"List-Unsubscribe-Post: List-Unsubscribe=One-Click", b"List-Unsubscribe-Post: x"),
        (b"Subject: ", b"Subject: Re: "),
        (b"To: ", b"Subject: Gewinnspiel\r\nTo: "),  # a second Subject added
    ],
    ids=["list-unsubscribe", "list-unsubscribe-post", "subject", "added-subject"],
)
def test_a_changed_header_breaks_the_signature(
    prepared: PreparedMessage,
    key: dkim.DkimKey,
    dns_server: DnsTestServer,
    header: bytes,
    changed: bytes,
) -> None:
    signer = dkim.Signer(key, "isa2026", "isa-portal.de")
    publish(dns_server, signer)
    signed = signer.sign(prepared.for_recipient(RECIPIENTS[0]))
    assert header in signed
    assert not verify(signed.replace(header, changed, 1), dns_server)


def test_a_signature_against_another_published_key_fails(
    prepared: PreparedMessage, key: dkim.DkimKey, dns_server: DnsTestServer
) -> None:
    signer = dkim.Signer(key, "isa2026", "isa-portal.de")
    dns_server.txt(signer.record_name, dkim.generate_key(key.algorithm).record)
    assert not verify(signer.sign(prepared.for_recipient(RECIPIENTS[0])), dns_server)


@pytest.mark.parametrize("pipelining", [False, True], ids=["stepwise", "pipelined"])
def test_signed_mail_verifies_as_it_arrived_at_the_server(
    prepared: PreparedMessage,
    key: dkim.DkimKey,
    dns_server: DnsTestServer,
    pipelining: bool,
) -> None:
    signer = dkim.Signer(key, "isa2026", "isa-portal.de")
    publish(dns_server, signer)
    with SmtpTestServer(pipelining=pipelining) as server:
        with open_connection(parse_smtp_url(server.url), timeout=5) as connection:
            for recipient in RECIPIENTS:
                signed = signer.sign(prepared.for_recipient(recipient))
                outcome = connection.send("bounces+x@isa-portal.de", recipient.email, signed)
                assert outcome.ok, outcome
        arrived = [m.data for m in server.messages]
    assert len(arrived) == 2
    for data in arrived:
        assert verify(data, dns_server)


def test_key_files(tmp_path: Path, key: dkim.DkimKey) -> None:
    path = tmp_path / "dkim" / "isa2026.pem"
    dkim.write_key(path, key)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert dkim.load_key(path) == key
    with pytest.raises(IsamailError, match="wird nicht überschrieben"):
        dkim.write_key(path, dkim.generate_key())
    assert dkim.load_key(path) == key


def test_unusable_key_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="fehlt"):
        dkim.load_key(tmp_path / "fehlt.pem")
    garbage = tmp_path / "kaputt.pem"
    garbage.write_text("kein Schlüssel", encoding="utf-8")
    with pytest.raises(ConfigError, match="keinen unverschlüsselten privaten Schlüssel"):
        dkim.load_key(garbage)


def test_signer_for_the_settings(tmp_path: Path) -> None:
    assert dkim.signer_for(load_settings(tmp_path, {})) is None
    key = dkim.generate_key("ed25519")
    dkim.write_key(tmp_path / "dkim" / "s1.pem", key)
    env = {"ISAMAIL_DKIM_KEY_FILE": "dkim/s1.pem", "ISAMAIL_FROM": "ISA <news@Isa-Portal.de>"}
    with pytest.raises(ConfigError, match=r"dkim\.selector fehlt"):
        dkim.signer_for(load_settings(tmp_path, env))
    signer = dkim.signer_for(load_settings(tmp_path, {**env, "ISAMAIL_DKIM_SELECTOR": "s1"}))
    assert signer is not None
    assert (signer.record_name, signer.algorithm) == (
        "s1._domainkey.isa-portal.de",
        "ed25519-sha256",
    )
    assert key.public not in repr(signer) and "PRIVATE" not in repr(signer)
    other = {**env, "ISAMAIL_DKIM_SELECTOR": "s1", "ISAMAIL_DKIM_DOMAIN": "müller.example"}
    signer = dkim.signer_for(load_settings(tmp_path, other))
    assert signer is not None and signer.domain == "xn--mller-kva.example"


def test_keygen_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from isamail.project import init_project
    from tests.conftest import Cli

    monkeypatch.setenv("ISAMAIL_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    directory = tmp_path / "projekt"
    init_project(directory).close()
    cli = Cli(directory)
    result = cli("dkim", "keygen", "--selector", "isa2026", "--algorithm", "ed25519")
    assert result.exit_code == 0, result.output
    path = directory / "dkim" / "isa2026.pem"
    key = dkim.load_key(path)
    assert (
        f'isa2026._domainkey.isa-portal.de. TXT "v=DKIM1; k=ed25519; p={key.public}"'
        in result.stdout
    )
    assert (
        'selector = "isa2026"' in result.stderr and 'key_file = "dkim/isa2026.pem"' in result.stderr
    )
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "dkim/" in (directory / ".gitignore").read_text(encoding="utf-8").splitlines()
    again = cli("dkim", "keygen", "--selector", "isa2026")
    assert again.exit_code == 1 and "wird nicht überschrieben" in again.stderr
    bad = cli("dkim", "keygen", "--selector", "isa 2026")
    assert bad.exit_code == 1 and "--selector isa 2026" in bad.stderr
    assert os.listdir(directory / "dkim") == ["isa2026.pem"]
