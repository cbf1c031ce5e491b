"""The SMTP transport against a real SMTP server (aiosmtpd on 127.0.0.1, tests/smtpd.py)."""

from __future__ import annotations

import dataclasses
import email.policy
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest

from isamail.errors import SmtpError
from isamail.transport.protocol import Transaction
from isamail.transport.protocol import dot_stuffed as _dot_stuffed
from isamail.transport.smtp import (
    SmtpConnection,
    SmtpEndpoint,
    _refuse_plaintext_login,
    is_local_host,
    open_connection,
    parse_smtp_url,
)
from tests import smtpd
from tests.smtpd import SmtpTestServer

# The fixture, until tests/conftest.py registers tests.smtpd with pytest_plugins.
smtp_server = smtpd.smtp_server

SENDER = "bounces+AbC123_x@isa-portal.de"


def make_message(to: str = "max@stadt.example", *, utf8: bool = False, body: str = "") -> bytes:
    msg = EmailMessage()
    msg["From"] = "ISA-Newsletter <newsletter@isa-portal.de>"
    msg["To"] = to
    msg["Subject"] = "Neuigkeiten aus Wuhan und Düsseldorf"
    msg["Message-ID"] = "<1.2@isa-portal.de>"
    msg.set_content(
        body
        or "Liebe Leserinnen und Leser,\n.eine Zeile mit Punkt am Anfang\n..zwei Punkte\n.\nEnde.\n"
    )
    policy = email.policy.SMTPUTF8 if utf8 else email.policy.SMTP
    return msg.as_bytes(policy=policy)


def connect(server: SmtpTestServer, **kwargs: object) -> SmtpConnection:
    url = kwargs.pop("url", server.url)
    assert isinstance(url, str)
    kwargs.setdefault("timeout", 5)
    return open_connection(parse_smtp_url(url), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(params=[False, True], ids=["stepwise", "pipelined"])
def server(request: pytest.FixtureRequest) -> Iterator[SmtpTestServer]:
    """The test server, once without and once with PIPELINING advertised."""
    with SmtpTestServer(pipelining=request.param) as srv:
        yield srv


# --- delivery -------------------------------------------------------------------


def test_message_arrives_byte_exact(server: SmtpTestServer) -> None:
    message = make_message()
    with connect(server) as conn:
        outcome = conn.send(SENDER, "max@stadt.example", message)
    assert outcome.ok and outcome.code == 250 and outcome.stage == "content"
    [received] = server.messages
    assert received.data == message
    assert received.mail_from == SENDER
    assert received.rcpt_tos == ["max@stadt.example"]
    parsed = server.parsed(0)
    assert parsed["Subject"] == "Neuigkeiten aus Wuhan und Düsseldorf"
    assert parsed["To"] == "max@stadt.example"
    body = parsed.get_content().replace("\r\n", "\n")
    assert ".eine Zeile mit Punkt am Anfang\n..zwei Punkte\n.\nEnde.\n" in body


def test_message_without_trailing_crlf_and_leading_dot(smtp_server: SmtpTestServer) -> None:
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "a@stadt.example", b"Subject: x\r\n\r\nletzte Zeile").ok
        assert conn.send(SENDER, "a@stadt.example", b".Subject: y\r\n\r\n.\r\n").ok
    assert smtp_server.messages[0].data == b"Subject: x\r\n\r\nletzte Zeile\r\n"
    assert smtp_server.messages[1].data == b".Subject: y\r\n\r\n.\r\n"


@pytest.mark.parametrize(
    ("message", "payload"),
    [
        (b"a\r\n.b\r\n", b"a\r\n..b\r\n.\r\n"),
        (b".a\r\n", b"..a\r\n.\r\n"),
        (b"a\r\n.", b"a\r\n..\r\n.\r\n"),
        (b"a", b"a\r\n.\r\n"),
        (b"a\r\n..\r\n", b"a\r\n...\r\n.\r\n"),
    ],
)
def test_dot_stuffing(message: bytes, payload: bytes) -> None:
    assert _dot_stuffed(message) == payload


def test_connection_is_reused_for_many_messages(server: SmtpTestServer) -> None:
    with connect(server) as conn:
        for i in range(50):
            assert conn.send(SENDER, f"leser{i}@stadt.example", make_message()).ok
    assert server.connections == 1
    assert len(server.messages) == 50
    assert set(server.by_recipient()) == {f"leser{i}@stadt.example" for i in range(50)}


# --- pipelining across transactions ----------------------------------------------------


def wait_for(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "the server did not get there in time"
        time.sleep(0.01)


def transaction(key: int, recipient: str) -> Transaction:
    return Transaction(key, SENDER, recipient, _dot_stuffed(make_message(recipient)))


def until_ended(conn: SmtpConnection, *keys: int) -> list[str]:
    """Moves bytes until the transactions ``keys`` ended; their statuses."""
    ended: dict[int, str] = {}
    while not set(keys) <= set(ended):
        for outcome in conn.flush() + conn.read():
            ended[outcome.key] = outcome.status
    return [ended[k] for k in keys]


def test_the_next_envelope_goes_out_with_the_content() -> None:
    """PIPELINING across transactions on a real session: once DATA is answered, the
    next envelope goes in the same write as this message's content."""
    with SmtpTestServer(pipelining=True) as server, connect(server) as conn:
        protocol = conn.protocol
        protocol.begin(transaction(1, "eins@stadt.example"))
        conn.flush()
        while not protocol.ready:  # MAIL, RCPT, DATA answered: 354
            assert conn.read() == []
        protocol.begin(transaction(2, "zwei@stadt.example"))
        conn.flush()  # eins's content and zwei's envelope, one write
        wait_for(lambda: server.data_commands == 2)
        assert until_ended(conn, 1) == ["sent"]
        while not protocol.ready:
            conn.read()
        assert until_ended(conn, 2) == ["sent"]
    assert [m.rcpt_tos for m in server.messages] == [["eins@stadt.example"], ["zwei@stadt.example"]]
    assert server.connections == 1


def test_closing_with_an_envelope_ahead_delivers_nothing_for_it() -> None:
    with SmtpTestServer(pipelining=True) as server:
        conn = connect(server)
        conn.protocol.begin(transaction(1, "eins@stadt.example"))
        conn.flush()
        while not conn.protocol.ready:
            conn.read()
        conn.protocol.begin(transaction(2, "zwei@stadt.example"))
        conn.flush()
        wait_for(lambda: server.data_commands == 2)
        assert until_ended(conn, 1) == ["sent"]
        conn.close()  # no QUIT: zwei's DATA waits for content, QUIT would become its text
        assert not conn.alive
        with connect(server) as again:
            assert again.send(SENDER, "drei@stadt.example", make_message()).ok
        wait_for(lambda: len(server.messages) == 2)
    assert [m.rcpt_tos for m in server.messages] == [["eins@stadt.example"], ["drei@stadt.example"]]


# --- per-message failures ------------------------------------------------------------


def test_451_is_temporary_and_the_retry_goes_through(server: SmtpTestServer) -> None:
    server.temp_fail_rcpt = 1
    with connect(server) as conn:
        first = conn.send(SENDER, "max@stadt.example", make_message())
        assert (first.status, first.code, first.stage) == ("temporary", 451, "rcpt")
        assert "greylisted" in first.text
        assert conn.alive
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert len(server.messages) == 1


def test_temporary_window(smtp_server: SmtpTestServer) -> None:
    smtp_server.temp_fail_for(0.3)
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).status == "temporary"
        time.sleep(0.35)
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok


def test_550_is_permanent_and_the_connection_still_works(server: SmtpTestServer) -> None:
    server.reject_rcpt = {"weg@stadt.example"}
    with connect(server) as conn:
        outcome = conn.send(SENDER, "weg@stadt.example", make_message())
        assert (outcome.status, outcome.code, outcome.stage) == ("permanent", 550, "rcpt")
        assert outcome.text == "5.1.1 user unknown"
        assert conn.alive
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert server.by_recipient().keys() == {"max@stadt.example"}
    assert server.connections == 1


def test_refusal_at_mail_from_says_so(smtp_server: SmtpTestServer) -> None:
    smtp_server.require_auth = ("newsletter", "geheim")
    with connect(smtp_server) as conn:
        outcome = conn.send(SENDER, "max@stadt.example", make_message())
    assert (outcome.status, outcome.code, outcome.stage) == ("permanent", 530, "mail")


def test_drop_in_data_is_connection_lost_and_nothing_is_stored(server: SmtpTestServer) -> None:
    server.drop_in_data_every = 2
    conn = connect(server)
    assert conn.send(SENDER, "eins@stadt.example", make_message()).ok
    lost = conn.send(SENDER, "zwei@stadt.example", make_message(body="x" * 40_000))
    assert lost.status == "connection_lost" and lost.code is None
    assert not conn.alive
    again = conn.send(SENDER, "drei@stadt.example", make_message())
    assert again.status == "connection_lost"
    conn.close()
    with connect(server) as conn:
        assert conn.send(SENDER, "zwei@stadt.example", make_message()).ok
    assert [m.rcpt_tos for m in server.messages] == [["eins@stadt.example"], ["zwei@stadt.example"]]


def test_421_is_temporary_and_marks_the_connection_dead(server: SmtpTestServer) -> None:
    server.close_with_421_after = 2
    conn = connect(server)
    assert conn.send(SENDER, "a@stadt.example", make_message()).ok
    assert conn.send(SENDER, "b@stadt.example", make_message()).ok
    outcome = conn.send(SENDER, "c@stadt.example", make_message())
    assert (outcome.status, outcome.code) == ("temporary", 421)
    assert not conn.alive
    assert conn.send(SENDER, "c@stadt.example", make_message()).status == "connection_lost"
    conn.close()
    conn.close()  # twice: never raises
    assert len(server.messages) == 2


def test_421_only_on_the_first_connection(smtp_server: SmtpTestServer) -> None:
    smtp_server.close_with_421_after = 0
    smtp_server.close_with_421_connections = 1
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "a@stadt.example", make_message()).code == 421
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "a@stadt.example", make_message()).ok


def test_slow_server_times_out_as_connection_lost(smtp_server: SmtpTestServer) -> None:
    smtp_server.delay = 2.0
    with connect(smtp_server, timeout=0.3) as conn:
        outcome = conn.send(SENDER, "a@stadt.example", make_message())
    assert outcome.status == "connection_lost"
    assert "Zeitüberschreitung" in outcome.text


def test_faults_can_change_while_running(smtp_server: SmtpTestServer) -> None:
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "a@stadt.example", make_message()).ok
        smtp_server.reject_rcpt = lambda address: address.startswith("a@")
        assert conn.send(SENDER, "a@stadt.example", make_message()).status == "permanent"
        smtp_server.reject_rcpt = None
        assert conn.send(SENDER, "a@stadt.example", make_message()).ok


# --- international addresses ------------------------------------------------------


def test_smtputf8_recipient_arrives(server: SmtpTestServer) -> None:
    message = make_message("王伟@例子.example", utf8=True)
    with connect(server) as conn:
        assert conn.supports_smtputf8
        outcome = conn.send(SENDER, "王伟@例子.example", message, smtputf8=True)
    assert outcome.ok, outcome
    [received] = server.messages
    assert received.smtputf8
    assert "SMTPUTF8" in received.mail_options
    assert received.rcpt_tos == ["王伟@xn--fsqu00a.example"]
    assert received.data == message
    assert server.parsed(0)["To"] == "王伟@例子.example"


def test_smtputf8_is_used_for_a_non_ascii_local_part_even_unasked(
    smtp_server: SmtpTestServer,
) -> None:
    with connect(smtp_server) as conn:
        assert conn.send(SENDER, "jürgen@stadt.example", make_message(utf8=True)).ok
    assert smtp_server.messages[0].smtputf8


def test_server_without_smtputf8(server: SmtpTestServer) -> None:
    server.smtputf8 = False
    with connect(server) as conn:
        assert not conn.supports_smtputf8
        refused = conn.send(SENDER, "王伟@例子.example", make_message(utf8=True), smtputf8=True)
        assert refused.status == "permanent" and refused.code is None
        assert refused.text == "Server unterstützt kein SMTPUTF8"
        assert conn.alive
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert server.by_recipient().keys() == {"max@stadt.example"}


def test_idn_domain_goes_out_in_xn_form(server: SmtpTestServer) -> None:
    server.smtputf8 = False  # an ASCII local part must not need SMTPUTF8
    with connect(server) as conn:
        assert conn.send(SENDER, "max@bücher.example", make_message()).ok
    [received] = server.messages
    assert received.rcpt_tos == ["max@xn--bcher-kva.example"]
    assert not received.smtputf8


def test_invalid_envelope_address_is_permanent_without_sending(
    smtp_server: SmtpTestServer,
) -> None:
    with connect(smtp_server) as conn:
        outcome = conn.send(SENDER, "max@stadt.example>\r\nRCPT TO:<x@y.example", b"x\r\n")
        assert outcome.status == "permanent" and outcome.code is None
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert len(smtp_server.messages) == 1


# --- TLS and AUTH -----------------------------------------------------------------


def test_starttls_verified_against_the_test_ca(smtp_server: SmtpTestServer) -> None:
    smtp_server.tls = True
    url = smtp_server.url.replace("smtp://", "smtp+starttls://")
    with connect(smtp_server, url=url, ca_file=smtp_server.ca_file) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert smtp_server.messages[0].tls


def test_plain_smtp_upgrades_when_starttls_is_offered(smtp_server: SmtpTestServer) -> None:
    smtp_server.tls = True
    with connect(smtp_server, ca_file=smtp_server.ca_file) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert smtp_server.messages[0].tls


def test_certificate_not_trusted(smtp_server: SmtpTestServer) -> None:
    smtp_server.tls = True
    with pytest.raises(SmtpError) as caught:
        connect(smtp_server)
    message = str(caught.value)
    assert "Zertifikat" in message and f"127.0.0.1:{smtp_server.port}" in message
    assert "\n" not in message
    assert caught.value.hint and "smtp.ca_file" in caught.value.hint


def test_verification_can_be_switched_off(smtp_server: SmtpTestServer) -> None:
    smtp_server.tls = True
    with connect(smtp_server, verify_tls=False) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok


def test_implicit_tls() -> None:
    with SmtpTestServer(implicit_tls=True) as server:
        assert server.url.startswith("smtps://")
        with connect(server, ca_file=server.ca_file) as conn:
            assert conn.send(SENDER, "max@stadt.example", make_message()).ok
        assert server.messages[0].tls


def test_starttls_required_but_not_offered(smtp_server: SmtpTestServer) -> None:
    url = smtp_server.url.replace("smtp://", "smtp+starttls://")
    with pytest.raises(SmtpError, match="bietet kein STARTTLS an"):
        connect(smtp_server, url=url)


def test_auth_success_over_starttls(smtp_server: SmtpTestServer) -> None:
    smtp_server.require_auth = ("news@isa-portal.de", "p@ss:w/ord")
    smtp_server.tls = True
    url = f"smtp://news%40isa-portal.de:p%40ss%3Aw%2Ford@127.0.0.1:{smtp_server.port}"
    with connect(smtp_server, url=url, ca_file=smtp_server.ca_file) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert smtp_server.messages[0].tls
    assert smtp_server.auth_attempts == [("PLAIN", "news@isa-portal.de", "p@ss:w/ord", True)]


@pytest.mark.parametrize("scheme", ["smtp", "smtp+starttls"])
@pytest.mark.parametrize("password", ["Geheim-4711", None], ids=["password", "user-only"])
def test_no_login_without_tls(
    smtp_server: SmtpTestServer, scheme: str, password: str | None
) -> None:
    """The server offers AUTH PLAIN LOGIN in clear text (aiosmtpd with
    auth_require_tls=False) and no STARTTLS, as a STARTTLS-stripping network would
    show it: isamail refuses in one line before a word of the credentials is sent."""
    smtp_server.require_auth = ("newsletter", "Geheim-4711")
    userinfo = "newsletter" + (f":{password}" if password else "")
    url = f"{scheme}://{userinfo}@127.0.0.1:{smtp_server.port}"
    with pytest.raises(SmtpError) as caught:
        connect(smtp_server, url=url)
    message = str(caught.value)
    assert "STARTTLS" in message and "\n" not in message
    assert "Geheim-4711" not in f"{message} {caught.value.hint}"
    assert smtp_server.auth_commands == []
    assert smtp_server.auth_attempts == []
    assert smtp_server.messages == []


def test_plaintext_login_allowed_for_a_relay_on_this_machine(
    smtp_server: SmtpTestServer,
) -> None:
    smtp_server.require_auth = ("newsletter", "geheim")
    endpoint = parse_smtp_url(f"smtp://newsletter:geheim@127.0.0.1:{smtp_server.port}")
    allowed = dataclasses.replace(endpoint, allow_plaintext_login=True)
    with open_connection(allowed, timeout=5) as conn:
        assert conn.send(SENDER, "max@stadt.example", make_message()).ok
    assert smtp_server.auth_attempts == [("PLAIN", "newsletter", "geheim", False)]


def test_plaintext_login_is_refused_for_a_distant_relay_even_when_allowed() -> None:
    endpoint = dataclasses.replace(
        parse_smtp_url("smtp://newsletter:geheim@mail.isa-portal.example"),
        allow_plaintext_login=True,
    )
    with pytest.raises(SmtpError, match=r"nur für einen Server auf diesem Rechner") as caught:
        _refuse_plaintext_login(endpoint)
    assert "geheim" not in str(caught.value)
    local = dataclasses.replace(endpoint, host="::1")
    _refuse_plaintext_login(local)  # allowed: no exception


@pytest.mark.parametrize(
    ("host", "local"),
    [
        ("127.0.0.1", True),
        ("127.0.0.53", True),
        ("::1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("localhost.isa-portal.example", False),
        ("10.0.0.1", False),
        ("mail.isa-portal.example", False),
    ],
)
def test_is_local_host(host: str, local: bool) -> None:
    assert is_local_host(host) is local


def test_auth_failure_names_the_server_but_not_the_password(
    smtp_server: SmtpTestServer,
) -> None:
    smtp_server.require_auth = ("newsletter", "richtig")
    smtp_server.tls = True
    url = f"smtp://newsletter:Falsch-9876@127.0.0.1:{smtp_server.port}"
    with pytest.raises(SmtpError) as caught:
        connect(smtp_server, url=url, ca_file=smtp_server.ca_file)
    text = f"{caught.value} {caught.value.hint}"
    assert "Anmeldung" in text and "535" in text
    assert f"smtp://newsletter:********@127.0.0.1:{smtp_server.port}" in text
    assert "Falsch-9876" not in text
    assert "Falsch-9876" not in repr(caught.value)


def test_user_given_but_server_offers_no_auth(smtp_server: SmtpTestServer) -> None:
    # aiosmtpd offers AUTH whenever the session is encrypted: a local server in clear text
    endpoint = parse_smtp_url(f"smtp://newsletter:geheim@127.0.0.1:{smtp_server.port}")
    local = dataclasses.replace(endpoint, allow_plaintext_login=True)
    with pytest.raises(SmtpError, match="keine Anmeldung") as caught:
        open_connection(local, timeout=5)
    assert "geheim" not in str(caught.value)


# --- whole-server failures --------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_unreachable_port() -> None:
    port = _free_port()
    with pytest.raises(SmtpError) as caught:
        open_connection(parse_smtp_url(f"smtp://127.0.0.1:{port}"), timeout=2)
    message = str(caught.value)
    assert f"127.0.0.1:{port}" in message and "nicht erreichbar" in message
    assert "\n" not in message


def test_server_that_never_greets() -> None:
    with socket.socket() as silent:  # listens, so connect succeeds, but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        with pytest.raises(SmtpError, match=r"antwortet nicht \(Zeitüberschreitung nach 0.3 s\)"):
            open_connection(parse_smtp_url(f"smtp://127.0.0.1:{port}"), timeout=0.3)


def test_greeting_refused(smtp_server: SmtpTestServer) -> None:
    smtp_server.refuse_greeting = True
    with pytest.raises(SmtpError, match="weist die Verbindung ab: 554"):
        connect(smtp_server)


def test_bad_ca_file(smtp_server: SmtpTestServer, tmp_path: Path) -> None:
    with pytest.raises(SmtpError, match=r"smtp\.ca_file"):
        connect(smtp_server, ca_file=str(tmp_path / "fehlt.pem"))


# --- the test server itself -------------------------------------------------------


def test_maildir_gets_every_message(tmp_path: Path) -> None:
    with SmtpTestServer(maildir=tmp_path / "maildir") as server:
        with connect(server) as conn:
            conn.send(SENDER, "a@stadt.example", make_message())
        files = list((tmp_path / "maildir" / "new").iterdir())
    assert len(files) == 1
    assert files[0].read_bytes() == make_message()


def test_demo_server_runs_until_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    root = Path(__file__).parent.parent
    args = ["-m", "tests.smtpd", "--port", str(port), "--maildir", str(tmp_path / "md")]
    python = Path(sys.executable)
    with subprocess.Popen([python, *args], cwd=root, stdout=subprocess.PIPE, text=True) as proc:
        try:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert f"smtp://127.0.0.1:{port}" in line
            url = f"smtp://127.0.0.1:{port}"
            with open_connection(parse_smtp_url(url), timeout=5) as conn:
                assert conn.send(SENDER, "a@stadt.example", make_message()).ok
            assert len(list((tmp_path / "md" / "new").iterdir())) == 1
        finally:
            proc.terminate()
            assert proc.wait(timeout=10) == 0


# --- parse_smtp_url ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://mail.example", SmtpEndpoint("smtp", "mail.example", 25)),
        ("smtp+starttls://mail.example", SmtpEndpoint("smtp+starttls", "mail.example", 587)),
        ("smtps://mail.example/", SmtpEndpoint("smtps", "mail.example", 465)),
        ("smtp://127.0.0.1:2525", SmtpEndpoint("smtp", "127.0.0.1", 2525)),
        ("smtp://[::1]:2525", SmtpEndpoint("smtp", "::1", 2525)),
        (
            "smtps://news%40isa-portal.de:p%40ss%3Aw%2Ford@Mail.Example:465",
            SmtpEndpoint("smtps", "mail.example", 465, "news@isa-portal.de", "p@ss:w/ord"),
        ),
        ("smtp://relay@mail.example", SmtpEndpoint("smtp", "mail.example", 25, "relay", None)),
    ],
)
def test_parse_smtp_url(url: str, expected: SmtpEndpoint) -> None:
    assert parse_smtp_url(url) == expected


def test_display_masks_the_password() -> None:
    endpoint = parse_smtp_url("smtps://news%40isa-portal.de:Geheim-123@mail.example")
    assert endpoint.display() == "smtps://news%40isa-portal.de:********@mail.example:465"
    assert str(endpoint) == endpoint.display()
    assert "Geheim-123" not in repr(endpoint)
    assert parse_smtp_url("smtp://[::1]").display() == "smtp://[::1]:25"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://mail.example", "muss mit smtp://"),
        ("mail.example:25", "muss mit smtp://"),
        ("smtp://", "nennt keinen Server"),
        ("smtp://mail.example:abc", "keinen gültigen Port"),
        ("smtp://mail.example:0", "keinen gültigen Port"),
        ("smtp://mail.example:70000", "keinen gültigen Port"),
        ("smtp://mail.example:25/x?tls=1", "nichts weiter"),
        ("smtp://:geheim@mail.example", "keinen Benutzernamen"),
        ("smtp://u:geheim@[::1:25", "smtp://…"),
    ],
)
def test_parse_smtp_url_errors(url: str, problem: str) -> None:
    with pytest.raises(SmtpError) as caught:
        parse_smtp_url(url)
    assert problem in str(caught.value)
    assert "geheim" not in str(caught.value)


def test_connection_is_not_shared_between_threads_by_accident(
    smtp_server: SmtpTestServer,
) -> None:
    """Four connections in four threads, as the sender will run them."""
    errors: list[str] = []

    def worker(n: int) -> None:
        with connect(smtp_server) as conn:
            for i in range(20):
                outcome = conn.send(SENDER, f"t{n}-{i}@stadt.example", make_message())
                if not outcome.ok:
                    errors.append(outcome.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(smtp_server.messages) == 80
    assert smtp_server.connections == 4
