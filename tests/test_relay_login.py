"""No password without TLS, through the settings and the real command line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from isamail.audience.lists import create_list
from isamail.config import load_settings
from isamail.context import Project
from isamail.deliverability.relay import relay_endpoint
from isamail.transport.smtp import open_connection
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"


@pytest.fixture
def issue(project: Project) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "isa")
    return project


def test_send_refuses_a_clear_text_login_before_the_password(
    issue: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer(require_auth=("newsletter", "Geheim-4711")) as server:
        monkeypatch.setenv(
            "ISAMAIL_SMTP_URL", f"smtp://newsletter:Geheim-4711@{server.host}:{server.port}"
        )
        result = cli("send", ISSUE, "--list", "isa", "--to", "redaktion@isa-portal.de")
        assert result.exit_code == 1, result.output
        errors = [line for line in result.stderr.splitlines() if line.startswith("Fehler:")]
        assert len(errors) == 1, result.stderr
        assert "bietet kein STARTTLS an" in errors[0]
        assert "Geheim-4711" not in result.output
        assert "Traceback" not in result.output
        assert server.auth_commands == [] and server.auth_attempts == []
        assert server.messages == []


def test_send_logs_in_without_tls_to_a_local_relay_where_allowed(
    issue: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer(require_auth=("newsletter", "Geheim-4711")) as server:
        monkeypatch.setenv(
            "ISAMAIL_SMTP_URL", f"smtp://newsletter:Geheim-4711@localhost:{server.port}"
        )
        monkeypatch.setenv("ISAMAIL_SMTP_ALLOW_PLAINTEXT_LOGIN", "true")
        result = cli("send", ISSUE, "--list", "isa", "--to", "redaktion@isa-portal.de")
        assert result.exit_code == 0, result.output
        assert [m.rcpt_tos for m in server.messages] == [["redaktion@isa-portal.de"]]
        assert server.auth_attempts == [("PLAIN", "newsletter", "Geheim-4711", False)]


def test_relay_endpoint_takes_the_setting(tmp_path: Path) -> None:
    (tmp_path / "isamail.toml").write_text(
        'smtp_url = "smtp://u:p@127.0.0.1:2525"\n[smtp]\nallow_plaintext_login = true\n',
        encoding="utf-8",
    )
    endpoint = relay_endpoint(load_settings(tmp_path, {}))
    assert endpoint.allow_plaintext_login and endpoint.password == "p"
    assert not relay_endpoint(
        load_settings(tmp_path, {"ISAMAIL_SMTP_ALLOW_PLAINTEXT_LOGIN": "0"})
    ).allow_plaintext_login


def test_a_starttls_relay_gets_the_login_encrypted(
    smtp_server: SmtpTestServer, tmp_path: Path
) -> None:
    smtp_server.tls = True
    smtp_server.require_auth = ("newsletter", "Geheim-4711")
    (tmp_path / "isamail.toml").write_text(
        f'smtp_url = "smtp://newsletter:Geheim-4711@127.0.0.1:{smtp_server.port}"\n',
        encoding="utf-8",
    )
    endpoint = relay_endpoint(load_settings(tmp_path, {}))
    with open_connection(endpoint, timeout=5, ca_file=smtp_server.ca_file) as conn:
        assert conn.alive
    assert smtp_server.auth_attempts == [("PLAIN", "newsletter", "Geheim-4711", True)]
