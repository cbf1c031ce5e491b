"""Settings: file, environment, errors that name the key and its source, secrets hidden."""

from __future__ import annotations

from pathlib import Path

import pytest

from isamail.config import load_settings
from isamail.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "isamail.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_environment_wins_over_file(tmp_path: Path) -> None:
    project = write(tmp_path, 'smtp_url = "smtp://a.example:25"\n[smtp]\nconnections = 2\n')
    settings = load_settings(project, {"ISAMAIL_SMTP_CONNECTIONS": "8"})
    assert settings["smtp.connections"] == 8
    assert settings.source("smtp.connections") == "ISAMAIL_SMTP_CONNECTIONS"
    assert settings["smtp_url"] == "smtp://a.example:25"
    assert settings.source("smtp_url") == "isamail.toml (smtp_url)"


def test_relative_sqlite_url_lives_in_the_project(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), {})
    assert settings.database_url == f"sqlite:///{tmp_path.resolve()}/subscribers.db"


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        (
            '[smtp]\nconnections = "vier"\n',
            {},
            r"isamail.toml \(\[smtp\] connections\): "
            r"smtp.connections muss eine ganze Zahl sein",
        ),
        ("", {"ISAMAIL_SMTP_CONNECTIONS": "vier"}, "ISAMAIL_SMTP_CONNECTIONS: smtp.connections"),
        ("", {"ISAMAIL_SMTP_CONNECTIONS": "0"}, "muss größer als 0 sein"),
        ("smtp_urll = 'x'\n", {}, "unbekannter Schlüssel smtp_urll"),
        ("[smtp]\nconections = 3\n", {}, r"unbekannter Schlüssel \[smtp\] conections"),
        ("from = \n", {}, "kein gültiges TOML"),
        ("", {"ISAMAIL_SMTP_URL": "http://mail.example"}, "ISAMAIL_SMTP_URL: smtp_url muss mit"),
        ("", {"ISAMAIL_BASE_URL": "isa-portal.de"}, "ISAMAIL_BASE_URL: base_url muss eine http"),
        (
            "",
            {"ISAMAIL_BASE_URL": "https://städte.example"},
            r"base_url darf nur ASCII-Zeichen .* \(xn--stdte-hra.example\)",
        ),
    ],
)
def test_bad_values_name_key_and_source(
    tmp_path: Path, text: str, env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), env)


def test_secrets_are_masked_in_the_description(tmp_path: Path) -> None:
    project = write(tmp_path, 'secret_key = "s3cr3t-key"\n')
    settings = load_settings(project, {"ISAMAIL_SMTP_URL": "smtp://user:hunter2@mail.example:587"})
    shown = repr(settings.describe())
    assert "hunter2" not in shown and "s3cr3t-key" not in shown
    assert "smtp://user:********@mail.example:587" in shown


def test_required_value_says_how_to_set_it(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), {})
    with pytest.raises(ConfigError, match="ISAMAIL_SECRET_KEY"):
        settings.require("secret_key", "Links signieren")
