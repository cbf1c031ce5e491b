"""`isamail doctor` against a local DNS server (dnslib), a real SMTP relay (aiosmtpd with
STARTTLS and AUTH) and an https endpoint with a certificate from a test CA."""

from __future__ import annotations

import json
import os
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from isamail.config import load_settings
from isamail.deliverability import dkim
from isamail.deliverability.doctor import Level, diagnose
from isamail.project import init_project
from tests.conftest import Cli
from tests.dnsd import DnsTestServer
from tests.smtpd import SmtpTestServer

DOMAIN = "isa-portal.example"
PASSWORD = "Relay-Geheim-31"


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.path == "/healthz" else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def https_site(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An https server on 127.0.0.1 whose certificate the test CA signed; OpenSSL's
    SSL_CERT_FILE makes that CA the one the doctor trusts."""
    import trustme

    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with ca.cert_pem.tempfile() as ca_file:
        monkeypatch.setenv("SSL_CERT_FILE", ca_file)
        yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def relay() -> Iterator[SmtpTestServer]:
    with SmtpTestServer(tls=True, require_auth=("newsletter", PASSWORD)) as server:
        yield server


def make_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **env: str) -> Path:
    directory = tmp_path / "projekt"
    monkeypatch.setenv("ISAMAIL_DATABASE_URL", f"sqlite:///{directory / 'subscribers.db'}")
    init_project(directory).close()
    os.chmod(directory / "subscribers.db", 0o600)
    for key, value in env.items():
        monkeypatch.setenv(f"ISAMAIL_{key}", value)
    return directory


def good_dns(dns: DnsTestServer, key: dkim.DkimKey) -> None:
    dns.txt(DOMAIN, "v=spf1 mx ip4:127.0.0.1 -all", "google-site-verification=abc")
    dns.mx(DOMAIN, (10, f"mx.{DOMAIN}"))
    dns.a(f"mx.{DOMAIN}", "192.0.2.25")
    dns.txt(f"isa2026._domainkey.{DOMAIN}", key.record)
    dns.txt(f"_dmarc.{DOMAIN}", f"v=DMARC1; p=quarantine; rua=mailto:dmarc@{DOMAIN}")


@pytest.fixture
def good(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dns_server: DnsTestServer,
    relay: SmtpTestServer,
    https_site: str,
) -> Path:
    directory = make_project(
        tmp_path,
        monkeypatch,
        FROM=f"ISA-Newsletter <newsletter@{DOMAIN}>",
        BOUNCE_ADDRESS=f"bounces@{DOMAIN}",
        BASE_URL=https_site,
        SMTP_URL=f"smtp+starttls://newsletter:{PASSWORD}@127.0.0.1:{relay.port}",
        SMTP_CA_FILE=relay.ca_file,
        DNS_NAMESERVERS=dns_server.nameserver,
        DKIM_SELECTOR="isa2026",
        DKIM_KEY_FILE="dkim/isa2026.pem",
    )
    result = Cli(directory)("dkim", "keygen", "--selector", "isa2026")
    assert result.exit_code == 0, result.output
    good_dns(dns_server, dkim.load_key(directory / "dkim" / "isa2026.pem"))
    return directory


def test_a_good_setup_can_deliver(good: Path, relay: SmtpTestServer) -> None:
    result = Cli(good)("doctor")
    assert result.exit_code == 0, result.output
    assert "Alles bereit für die Zustellung." in result.stdout
    report = json.loads(Cli(good)("doctor", "--json").stdout)
    assert report["can_deliver"] is True
    levels = {f["check"]: f["level"] for f in report["findings"] if f["level"] != "ok"}
    # the relay on 127.0.0.1: SPF cannot see the address it sends out from
    assert levels == {"spf": "info"}
    texts = " ".join(f["text"] for f in report["findings"])
    assert "isamail signiert mit rsa-sha256 als d=isa-portal.example, s=isa2026" in texts
    assert "DMARC von isa-portal.example: p=quarantine" in texts
    assert "DMARC-Ausrichtung zu isa-portal.example über SPF und DKIM" in texts
    assert "verschlüsselt mit TLSv1.3" in texts
    assert "Anmeldung als newsletter mit Passwort gelingt" in texts
    assert "nimmt Nachrichten bis 32,0 MB an" in texts
    assert "Rückläufer an isa-portal.example gehen an mx.isa-portal.example" in texts
    # the doctor logged in, over TLS; the password is in no output
    assert relay.auth_attempts == [("PLAIN", "newsletter", PASSWORD, True)] * 2  # two runs
    assert PASSWORD not in result.output


def test_the_record_to_publish_is_shown(good: Path) -> None:
    key = dkim.load_key(good / "dkim" / "isa2026.pem")
    shown = Cli(good)("dkim", "record").stdout.strip()
    assert shown == f'isa2026._domainkey.{DOMAIN}. TXT "v=DKIM1; k=rsa; p={key.public}"'
    assert f"p={key.public}" in Cli(good)("doctor").stdout.replace("\n", "")


def test_a_broken_setup_says_what_to_change(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    dns_server: DnsTestServer,
    smtp_server: SmtpTestServer,
) -> None:
    """No SPF, a DKIM record that is not isamail's key, DMARC p=reject that nothing
    passes, a null MX, base_url over http, a relay without STARTTLS given a password,
    a short secret key, a world-readable DKIM key."""
    smtp_server.require_auth = ("newsletter", PASSWORD)  # AUTH offered in clear text
    directory = make_project(
        tmp_path,
        monkeypatch,
        FROM=f"ISA-Newsletter <newsletter@{DOMAIN}>",
        BOUNCE_ADDRESS="bounces@isa-versand.example",
        BASE_URL="http://newsletter.isa-portal.example",
        SMTP_URL=f"smtp://newsletter:{PASSWORD}@127.0.0.1:{smtp_server.port}",
        DNS_NAMESERVERS=dns_server.nameserver,
        DKIM_SELECTOR="isa2026",
        DKIM_KEY_FILE="dkim/isa2026.pem",
        SECRET_KEY="kurz",
    )
    assert Cli(directory)("dkim", "keygen", "--selector", "isa2026").exit_code == 0
    os.chmod(directory / "dkim" / "isa2026.pem", 0o644)
    other = dkim.generate_key("rsa", 1024)
    dns_server.txt(f"isa2026._domainkey.{DOMAIN}", other.record)
    dns_server.txt(f"_dmarc.{DOMAIN}", "v=DMARC1; p=reject")
    dns_server.mx("isa-versand.example", (0, "."))

    result = Cli(directory)("doctor")
    assert result.exit_code == 1, result.output
    assert "Zustellung gefährdet" in result.stdout
    assert "Traceback" not in result.output
    report = json.loads(Cli(directory)("doctor", "--json").stdout)
    assert report["can_deliver"] is False
    failed = {f["check"] for f in report["findings"] if f["level"] == "fail"}
    assert failed == {"spf", "dkim", "dmarc", "mx", "web", "relay_tls"}
    by_text = {f["text"]: f for f in report["findings"]}

    def finding(start: str) -> dict[str, str]:
        return next(f for text, f in by_text.items() if text.startswith(start))

    spf = finding("isa-versand.example (Domain der Absenderadresse im Umschlag) hat keinen SPF")
    assert spf["record"].startswith('isa-versand.example. TXT "v=spf1 ')
    mismatch = finding(f"Der DKIM-Schlüssel unter isa2026._domainkey.{DOMAIN} passt nicht")
    mine = dkim.load_key(directory / "dkim" / "isa2026.pem")
    assert mismatch["record"].endswith(f'p={mine.public}"')
    assert finding(f"Der DKIM-Schlüssel unter isa2026._domainkey.{DOMAIN} hat 1024 Bit")
    dmarc = finding("Weder SPF (isa-versand.example) noch DKIM (isa-portal.example)")
    assert dmarc["level"] == "fail" and "isamail dkim keygen" in dmarc["fix"]
    assert finding("isa-versand.example nimmt ausdrücklich keine Mail an (Null-MX)")
    assert finding("base_url http://newsletter.isa-portal.example ist kein https")
    assert "bietet kein STARTTLS an" in finding("SMTP-Server smtp://newsletter:********@")["text"]
    assert finding("secret_key hat nur 4 Zeichen")["level"] == "warn"
    key_mode = finding(f"{directory / 'dkim' / 'isa2026.pem'} (enthält der private")
    assert key_mode["fix"] == f"chmod 600 {directory / 'dkim' / 'isa2026.pem'}"
    # the relay was asked what it offers, and got no password
    assert smtp_server.auth_commands == [] and smtp_server.auth_attempts == []
    assert PASSWORD not in result.output


def test_dns_failures_are_reported_as_not_checkable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dns_server: DnsTestServer
) -> None:
    directory = make_project(
        tmp_path,
        monkeypatch,
        FROM=f"newsletter@{DOMAIN}",
        DNS_NAMESERVERS=dns_server.nameserver,
        DNS_TIMEOUT="2",
    )
    dns_server.servfail.add(DOMAIN)
    diagnosis = diagnose(load_settings(directory), relay=False, web=False)
    spf = diagnosis.by_check("spf")
    assert [f.level for f in spf] == [Level.WARN]
    assert "nicht prüfbar" in spf[0].text and "SERVFAIL" in spf[0].text


def test_spf_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dns_server: DnsTestServer
) -> None:
    directory = make_project(
        tmp_path, monkeypatch, FROM=f"newsletter@{DOMAIN}", DNS_NAMESERVERS=dns_server.nameserver
    )
    settings = load_settings(directory)

    def spf_text() -> tuple[str, str]:
        found = diagnose(settings, relay=False, web=False).by_check("spf")[0]
        return found.level.value, found.text

    dns_server.txt(DOMAIN, "v=spf1 -all", "v=spf1 mx -all")
    assert spf_text() == (
        "fail",
        f"SPF von {DOMAIN}: {DOMAIN} hat 2 SPF-Einträge; erlaubt ist genau einer.",
    )
    dns_server.txt(DOMAIN, "v=spf1 mx +all")
    assert spf_text()[0] == "fail" and "+all" in spf_text()[1]
    chain = [f"include:n{i}.{DOMAIN}" for i in range(11)]
    dns_server.txt(DOMAIN, "v=spf1 " + " ".join(chain) + " -all")
    for i in range(11):
        dns_server.txt(f"n{i}.{DOMAIN}", "v=spf1 ip4:192.0.2.1 -all")
    assert spf_text() == (
        "fail",
        f"SPF von {DOMAIN}: der SPF-Eintrag von {DOMAIN} braucht 11 DNS-Abfragen, erlaubt sind 10.",
    )


def test_a_known_relay_needs_its_spf_include_and_quota(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dns_server: DnsTestServer
) -> None:
    directory = make_project(
        tmp_path,
        monkeypatch,
        FROM=f"newsletter@{DOMAIN}",
        SMTP_URL="smtp+starttls://newsletter%40isa-portal.example:x@smtp.office365.com:587",
        DNS_NAMESERVERS=dns_server.nameserver,
    )
    dns_server.txt(DOMAIN, "v=spf1 mx -all")
    diagnosis = diagnose(load_settings(directory), relay=False, web=False)
    spf = diagnosis.by_check("spf")[0]
    assert spf.level is Level.FAIL and "include:spf.protection.outlook.com fehlt" in spf.text
    assert spf.record == f'{DOMAIN}. TXT "v=spf1 include:spf.protection.outlook.com mx -all"'
    quota = diagnosis.by_check("quota")[0]
    assert quota.level is Level.WARN
    assert "30 je Minute, 10.000 je Tag" in quota.text
    assert quota.fix == "Setzen Sie in [smtp]: quota_per_minute = 30, quota_per_day = 10000."
    dns_server.txt(DOMAIN, "v=spf1 include:spf.protection.outlook.com -all")
    dns_server.txt("spf.protection.outlook.com", "v=spf1 ip4:40.92.0.0/15 -all")
    monkeypatch.setenv("ISAMAIL_SMTP_QUOTA_PER_MINUTE", "30")
    monkeypatch.setenv("ISAMAIL_SMTP_QUOTA_PER_DAY", "10000")
    diagnosis = diagnose(load_settings(directory), relay=False, web=False)
    assert [f.level for f in diagnosis.by_check("spf")] == [Level.OK]
    assert [f.level for f in diagnosis.by_check("quota")] == [Level.OK]


def test_isamail_toml_of_a_new_project_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = make_project(tmp_path, monkeypatch)
    assert (directory / "isamail.toml").stat().st_mode & 0o077 == 0
    (directory / "isamail.toml").chmod(0o644)
    found = [
        f
        for f in diagnose(load_settings(directory), relay=False, web=False).by_check("permissions")
        if "isamail.toml" in f.text
    ]
    assert found and found[0].level is Level.WARN and found[0].fix.startswith("chmod 600 ")
