"""XOAUTH2 against an aiosmtpd server that checks the bearer token, with tokens from a
local OAuth2 token endpoint (client credentials and refresh grants) or a command."""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from isamail.config import load_settings
from isamail.deliverability.oauth2 import OAuth2Error, TokenCommand, TokenEndpoint, token_source_for
from isamail.deliverability.relay import relay_endpoint
from isamail.errors import ConfigError, SmtpError
from isamail.transport.smtp import open_connection
from tests.smtpd import SmtpTestServer

USER = "newsletter@isa-portal.de"
SECRET = "Client-Geheimnis-77"


class TokenServer:
    """An OAuth2 token endpoint on 127.0.0.1: hands out tok-1, tok-2, … and records
    every request's form."""

    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.expires_in = 3600
        self.refuse = False
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                owner.requests.append(form)
                if owner.refuse or form.get("client_secret") not in (SECRET, None):
                    description = "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"
                    body = {"error": "invalid_client", "error_description": description}
                    status = 401
                else:
                    body = {
                        "access_token": f"tok-{len(owner.requests)}",
                        "token_type": "Bearer",
                        "expires_in": owner.expires_in,
                    }
                    status = 200
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/tenant/oauth2/v2.0/token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def token_server() -> Iterator[TokenServer]:
    server = TokenServer()
    yield server
    server.close()


@pytest.fixture
def relay() -> Iterator[SmtpTestServer]:
    with SmtpTestServer(tls=True, require_oauth2=(USER, {"tok-1"})) as server:
        yield server


def write_settings(directory: Path, relay: SmtpTestServer, **oauth2: str) -> None:
    lines = [
        f'smtp_url = "smtp+starttls://newsletter%40isa-portal.de@127.0.0.1:{relay.port}"',
        "[smtp]",
        f'ca_file = "{relay.ca_file}"',
        "[oauth2]",
        *(f"{key} = {json.dumps(value)}" for key, value in oauth2.items()),
    ]
    (directory / "isamail.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def connect(directory: Path, relay: SmtpTestServer) -> None:
    settings = load_settings(directory, {})
    with open_connection(relay_endpoint(settings), timeout=5, ca_file=relay.ca_file) as conn:
        outcome = conn.send(
            "bounces@isa-portal.de", "max@stadt.example", b"Subject: x\r\n\r\nHallo\r\n"
        )
        assert outcome.ok, outcome


def test_client_credentials_token_logs_in(
    tmp_path: Path, relay: SmtpTestServer, token_server: TokenServer
) -> None:
    write_settings(
        tmp_path,
        relay,
        token_url=token_server.url,
        client_id="app-123",
        client_secret=SECRET,
        scope="https://outlook.office365.com/.default",
    )
    connect(tmp_path, relay)
    assert token_server.requests == [
        {
            "client_id": "app-123",
            "client_secret": SECRET,
            "grant_type": "client_credentials",
            "scope": "https://outlook.office365.com/.default",
        }
    ]
    assert relay.auth_attempts == [("XOAUTH2", USER, "tok-1", True)]
    assert len(relay.messages) == 1


def test_a_refused_token_is_fetched_again_once(
    tmp_path: Path, relay: SmtpTestServer, token_server: TokenServer
) -> None:
    relay.require_oauth2 = (USER, {"tok-2"})  # the first token was revoked
    write_settings(
        tmp_path, relay, token_url=token_server.url, client_id="app", client_secret=SECRET
    )
    connect(tmp_path, relay)
    assert [a[2] for a in relay.auth_attempts] == ["tok-1", "tok-2"]
    relay.require_oauth2 = (USER, set())
    with pytest.raises(SmtpError) as caught:
        connect(tmp_path, relay)
    message = f"{caught.value} {caught.value.hint}"
    assert "Anmeldung mit OAuth2" in message and "535" in message
    assert "tok-" not in message and SECRET not in message


def test_the_refresh_grant(
    tmp_path: Path, relay: SmtpTestServer, token_server: TokenServer
) -> None:
    write_settings(
        tmp_path,
        relay,
        token_url=token_server.url,
        client_id="app",
        refresh_token="rt-1",
        scope="https://mail.google.com/",
    )
    connect(tmp_path, relay)
    assert token_server.requests == [
        {
            "client_id": "app",
            "grant_type": "refresh_token",
            "refresh_token": "rt-1",
            "scope": "https://mail.google.com/",
        }
    ]


def test_a_token_is_kept_until_shortly_before_it_expires(token_server: TokenServer) -> None:
    now = [1000.0]
    source = TokenEndpoint(token_server.url, "app", SECRET, "s", clock=lambda: now[0])
    token_server.expires_in = 600
    assert source.token() == "tok-1"
    now[0] += 500
    assert source.token() == "tok-1"
    now[0] += 50  # within a minute of expiry
    assert source.token() == "tok-2"
    source.invalidate()
    assert source.token() == "tok-3"
    assert SECRET not in repr(source)


def test_endpoint_errors_are_one_line_without_secrets(token_server: TokenServer) -> None:
    token_server.refuse = True
    source = TokenEndpoint(token_server.url, "app", SECRET, "s")
    with pytest.raises(OAuth2Error) as caught:
        source.token()
    assert str(caught.value) == (
        f"OAuth2-Token von {token_server.url} verweigert (401): invalid_client – "
        "AADSTS7000215: Invalid client secret provided."
    )
    gone = TokenEndpoint("http://127.0.0.1:1/token", "app", SECRET, "s", timeout=2)
    with pytest.raises(OAuth2Error, match="nicht erreichbar"):
        gone.token()


def test_a_token_command(tmp_path: Path, relay: SmtpTestServer) -> None:
    script = tmp_path / "token.py"
    script.write_text("print('tok-1')\n", encoding="utf-8")
    write_settings(tmp_path, relay, token_command=f"{sys.executable} {script}")
    connect(tmp_path, relay)
    assert relay.auth_attempts == [("XOAUTH2", USER, "tok-1", True)]


def test_token_command_failures(tmp_path: Path) -> None:
    failing = tmp_path / "fail.py"
    failing.write_text(
        "import sys\nprint('tok-geheim')\nsys.stderr.write('no credentials\\n')\nsys.exit(3)\n",
        encoding="utf-8",
    )
    with pytest.raises(OAuth2Error) as caught:
        TokenCommand(f"{sys.executable} {failing}").token()
    assert str(caught.value).endswith("endete mit Status 3: no credentials")
    assert "tok-geheim" not in str(caught.value)
    with pytest.raises(OAuth2Error, match="nicht gefunden"):
        TokenCommand("/nirgends/token-holen").token()
    empty = tmp_path / "empty.py"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(OAuth2Error, match="kein Token"):
        TokenCommand(f"{sys.executable} {empty}").token()


@pytest.mark.parametrize(
    ("smtp_url", "oauth2", "problem"),
    [
        (
            "smtp+starttls://smtp.office365.com:587",
            {"token_command": "x"},
            "nennt aber keinen Benutzer",
        ),
        (
            "smtp+starttls://u:pw@smtp.office365.com:587",
            {"token_command": "x"},
            "entweder Passwort oder OAuth2",
        ),
        (
            "smtp+starttls://u@smtp.office365.com:587",
            {"token_url": "http://login.example/token", "client_id": "a"},
            "kein https",
        ),
        (
            "smtp+starttls://u@smtp.office365.com:587",
            {"token_url": "https://login.example/token"},
            "oauth2.client_id fehlt",
        ),
    ],
)
def test_settings_that_cannot_work(
    tmp_path: Path, smtp_url: str, oauth2: dict[str, str], problem: str
) -> None:
    lines = [f'smtp_url = "{smtp_url}"', "[oauth2]", *(f'{k} = "{v}"' for k, v in oauth2.items())]
    (tmp_path / "isamail.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=problem):
        token_source_for(load_settings(tmp_path, {}))


def test_no_oauth2_without_tls(tmp_path: Path, token_server: TokenServer) -> None:
    """XOAUTH2 counts as credentials: no STARTTLS, no token sent (not even fetched)."""
    with SmtpTestServer(require_oauth2=(USER, {"tok-1"})) as relay:
        (tmp_path / "isamail.toml").write_text(
            f'smtp_url = "smtp://newsletter%40isa-portal.de@127.0.0.1:{relay.port}"\n'
            f'[oauth2]\ntoken_url = "{token_server.url}"\nclient_id = "app"\n',
            encoding="utf-8",
        )
        with pytest.raises(SmtpError, match="bietet kein STARTTLS an"):
            open_connection(relay_endpoint(load_settings(tmp_path, {})), timeout=5)
        assert relay.auth_commands == [] and token_server.requests == []


def test_config_masks_the_oauth2_secrets(tmp_path: Path) -> None:
    (tmp_path / "isamail.toml").write_text(
        '[oauth2]\ntoken_url = "https://login.example/token"\nclient_id = "app"\n'
        f'client_secret = "{SECRET}"\nrefresh_token = "rt-geheim"\n',
        encoding="utf-8",
    )
    shown = {key: value for key, value, _ in load_settings(tmp_path, {}).describe()}
    assert shown["oauth2.client_secret"] == shown["oauth2.refresh_token"] == "********"
    assert shown["oauth2.client_id"] == "app"
