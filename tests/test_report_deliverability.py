"""The report's lines from deliverability: what the complaint rate cannot see, and a
quota that holds the rest of a send back."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.context import Project
from tests.conftest import DATA, Cli
from tests.smtpd import SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"


@pytest.fixture
def newsletter(project: Project, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    monkeypatch.setenv("ISAMAIL_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("ISAMAIL_BOUNCE_ADDRESS", "bounces@isa-portal.de")
    create_list(project.engine, "isa")
    gmail = tmp_path / "gmail.csv"
    gmail.write_text(
        "email,name\n" + "".join(f"leser{i}@gmail.com,Leser {i}\n" for i in range(6)),
        encoding="utf-8",
    )
    import_subscribers(project.engine, gmail, "isa", confirmed=True)
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    return project


def test_the_complaint_rate_says_what_it_cannot_see(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        assert cli("send", ISSUE, "--list", "isa", "--yes").exit_code == 0
    text = " ".join(cli("report", ISSUE).stdout.split())
    assert "Spam-Beschwerden (gemeldete; Grenze 0,3 %)" in text
    assert "Gmail meldet keine. 6 der Versandten (1,96 %) gingen an Gmail-Adressen." in text
    assert "Google Postmaster Tools" in text
    assert json.loads(cli("report", ISSUE, "--json").stdout)["gmail_recipients"] == 6


def test_a_day_quota_is_named_with_the_time_the_send_may_go_on(
    newsletter: Project, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        before = datetime.now(UTC)
        assert cli("send", ISSUE, "--list", "isa", "--yes", "--limit", "10").exit_code == 0
        after = datetime.now(UTC)
    detail = json.loads(cli("report", ISSUE, "--json").stdout)
    assert detail["waiting_for_quota"] is None  # no quota set: nothing holds them back
    monkeypatch.setenv("ISAMAIL_SMTP_QUOTA_PER_DAY", "10")
    held = json.loads(cli("report", ISSUE, "--json").stdout)["waiting_for_quota"]
    until = datetime.fromisoformat(held["until"])
    assert before + timedelta(days=1) <= until <= after + timedelta(days=1)
    assert held["limit"] == "10 je Tag"
    text = cli("report", ISSUE).stdout
    # people read times in Europe/Berlin (the [terminal] timezone), whatever the machine's zone
    shown = until.astimezone(ZoneInfo("Europe/Berlin")).strftime("%d.%m.%Y %H:%M")
    assert re.search(
        rf"Sie warten auf das Kontingent des Relays \(10 je Tag\) bis {re.escape(shown)}\.", text
    )
    monkeypatch.setenv("ISAMAIL_SMTP_QUOTA_PER_DAY", "11")
    assert json.loads(cli("report", ISSUE, "--json").stdout)["waiting_for_quota"] is None
