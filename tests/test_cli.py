"""The command line as users run it: Typer's runner for most cases, the installed `isamail`
in a subprocess for the end-to-end ones. Assertions are on output and on the database."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from isamail.cli import app
from isamail.context import Project
from tests.conftest import DATA, Cli

ISAMAIL = str(Path(sys.executable).with_name("isamail"))
CONSENT = ("--confirmed", "--consent-note", "Anmeldeliste Fachkonferenz 2019")


def test_every_command_has_help_text() -> None:
    command = typer.main.get_command(app)

    def walk(group: object, path: str) -> list[str]:
        missing = []
        for name, sub in getattr(group, "commands", {}).items():
            if not (sub.help or "").strip():
                missing.append(f"{path} {name}")
            missing += walk(sub, f"{path} {name}")
        return missing

    assert walk(command, "isamail") == []


def test_version_and_unknown_project(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.startswith("isamail ")
    missing = runner.invoke(app, ["--project", str(tmp_path), "lists"])
    assert missing.exit_code == 1
    assert "kein isamail-Projekt" in missing.stderr
    assert "Traceback" not in missing.output


def test_lists_create_and_counts(cli: Cli) -> None:
    assert cli("lists", "create", "isa-newsletter", "--title", "ISA-Newsletter").exit_code == 0
    assert cli("lists", "create", "presse", "--private").exit_code == 0
    again = cli("lists", "create", "presse")
    assert again.exit_code == 1 and "gibt es schon" in again.stderr
    bad = cli("lists", "create", "Presse Liste")
    assert bad.exit_code == 1 and "ungültig" in bad.stderr
    cli(
        "subscribers",
        "import",
        str(DATA / "subscribers.csv"),
        "--list",
        "isa-newsletter",
        "--confirmed",
        "--consent-note",
        "Altbestand",
    )
    listed = json.loads(cli("lists", "--json").stdout)
    assert [x["name"] for x in listed] == ["isa-newsletter", "presse"]
    assert listed[0]["counts"] == {"pending": 0, "confirmed": 300, "unsubscribed": 0, "bounced": 0}
    assert listed[1]["private"] is True


def test_import_json_report_and_rejects_file(cli: Cli, project: Project, tmp_path: Path) -> None:
    cli("lists", "create", "isa")
    rejects = tmp_path / "abgelehnt.csv"
    result = cli(
        "subscribers",
        "import",
        str(DATA / "subscribers-excel-de.csv"),
        "--list",
        "isa",
        *CONSENT,
        "--rejects",
        str(rejects),
        "--json",
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert {k: counts[k] for k in ("added", "updated", "unchanged", "skipped", "rejected")} == {
        "added": 104,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "rejected": 8,
    }
    assert len(rejects.read_text(encoding="utf-8-sig").splitlines()) == 9
    rejected = project.directory / "rejected"
    dry = cli(
        "subscribers",
        "import",
        str(DATA / "subscribers-excel-de.csv"),
        "--list",
        "isa",
        "--dry-run",
        *CONSENT,
    )
    assert dry.exit_code == 0 and not rejected.exists()  # a dry run writes no file
    for _ in range(2):  # importing the same file again replaces its rejects file
        table = cli(
            "subscribers",
            "import",
            str(DATA / "subscribers-excel-de.csv"),
            "--list",
            "isa",
            *CONSENT,
        )
        assert "unverändert" in table.stdout and "Zeile " in table.stderr
    assert [p.name for p in rejected.iterdir()] == ["subscribers-excel-de.csv"]


def test_import_of_unreadable_files_is_one_line(cli: Cli, tmp_path: Path) -> None:
    cli("lists", "create", "isa")
    no_email = tmp_path / "ohne.csv"
    no_email.write_text("Name;Ort\nMax;Mainz\n", encoding="utf-8")
    result = cli("subscribers", "import", str(no_email), "--list", "isa")
    assert result.exit_code == 1
    assert "Zeile 1: keine Spalte mit E-Mail-Adressen" in result.stderr
    missing = cli("subscribers", "import", str(tmp_path / "fehlt.csv"), "--list", "isa")
    assert missing.exit_code in (1, 2) and "Traceback" not in missing.output
    unknown_list = cli("subscribers", "import", str(DATA / "subscribers.csv"), "--list", "nix")
    assert unknown_list.exit_code == 1 and "Die Liste „nix“ gibt es nicht" in unknown_list.stderr
    # brackets in a message are text, not rich markup that would swallow them
    bracketed = cli("subscribers", "import", str(tmp_path / "liste[alt].csv"), "--list", "isa")
    assert bracketed.exit_code == 1 and "liste[alt].csv" in bracketed.stderr


def test_add_ls_show_unsubscribe_forget(cli: Cli) -> None:
    cli("lists", "create", "isa")
    added = cli(
        "subscribers", "add", "王伟@例子.example", "--list", "isa", "--name", "王伟", "--confirmed"
    )
    assert added.exit_code == 0, added.output
    invalid = cli("subscribers", "add", "kein Eintrag", "--list", "isa")
    assert invalid.exit_code == 1 and "kein @" in invalid.stderr
    members = json.loads(cli("subscribers", "ls", "--list", "isa", "--json").stdout)
    assert members == [
        {"email": "王伟@例子.example", "name": "王伟", "status": "confirmed", "language": "de"}
    ]
    shown = json.loads(cli("subscribers", "show", "王伟@例子.example", "--json").stdout)
    assert shown["subscriptions"][0]["list"] == "isa"
    assert [e["kind"] for e in shown["consent_events"]] == ["added_confirmed"]
    assert shown["deliveries"] == []
    assert cli("subscribers", "unsubscribe", "王伟@例子.example").exit_code == 0
    shown = json.loads(cli("subscribers", "show", "王伟@例子.example", "--json").stdout)
    assert shown["subscriptions"][0]["status"] == "unsubscribed"
    refused = cli("subscribers", "add", "王伟@例子.example", "--list", "isa", "--confirmed")
    assert refused.exit_code == 1 and "Sperrliste" in refused.stderr
    forgotten = cli("subscribers", "forget", "王伟@例子.example", "--yes")
    assert forgotten.exit_code == 0
    gone = cli("subscribers", "show", "王伟@例子.example")
    assert gone.exit_code == 1 and "nicht eingetragen" in gone.stderr
    assert (
        json.loads(cli("subscribers", "ls", "--list", "isa", "--json").stdout)[0]["email"] is None
    )


def test_export_is_excel_safe(cli: Cli, tmp_path: Path) -> None:
    cli("lists", "create", "isa")
    cli(
        "subscribers",
        "import",
        str(DATA / "subscribers-excel-de.csv"),
        "--list",
        "isa",
        *CONSENT,
    )
    target = tmp_path / "export.csv"
    assert cli("subscribers", "export", "--list", "isa", "-o", str(target)).exit_code == 0
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel then reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 105
    assert not [c for r in rows for c in r if c and c[0] in "=+-@"]


def test_config_shows_sources_and_hides_secrets(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAMAIL_SMTP_URL", "smtp://redaktion:geheim123@mail.example:587")
    rows = {r["key"]: r for r in json.loads(cli("config", "--json").stdout)}
    assert rows["smtp_url"] == {
        "key": "smtp_url",
        "source": "ISAMAIL_SMTP_URL",
        "value": "smtp://redaktion:********@mail.example:587",
    }
    assert rows["secret_key"]["value"] == "********"
    monkeypatch.setenv("ISAMAIL_SMTP_CONNECTIONS", "viele")
    bad = cli("lists")
    assert bad.exit_code == 1
    assert (
        bad.stderr.strip()
        .splitlines()[0]
        .endswith(
            "ISAMAIL_SMTP_CONNECTIONS: smtp.connections muss eine ganze Zahl sein (ist 'viele')."
        )
    )


def test_installed_command_end_to_end(project: Project, tmp_path: Path) -> None:
    """The console script in a subprocess, as cron or an editor's shell runs it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env["ISAMAIL_DATABASE_URL"] = project.settings.database_url

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [ISAMAIL, "-p", str(project.directory), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )

    assert run("lists", "create", "isa").returncode == 0
    imported = run(
        "subscribers",
        "import",
        str(DATA / "subscribers-intl.csv"),
        "--list",
        "isa",
        *CONSENT,
        "--json",
    )
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["added"] == 40
    status = run("db", "status")
    assert status.returncode == 0 and "aktuell" in status.stdout
    failed = run("subscribers", "show", "niemand@isa-portal.de")
    assert failed.returncode == 1
    assert failed.stderr.count("\n") == 1 and "Traceback" not in failed.stderr


def test_init_refuses_an_existing_project(project: Project) -> None:
    from typer.testing import CliRunner

    again = CliRunner().invoke(app, ["init", str(project.directory)])
    assert again.exit_code == 1 and "schon ein isamail-Projekt" in again.stderr
    assert (project.directory / "templates" / "mail" / "newsletter.html").is_file()


def test_the_process_ends_with_its_output_whole_and_its_status(
    project: Project, tmp_path: Path
) -> None:
    """The console script leaves with os._exit after its own cleanup (isamail.cli._exit):
    output written to a pipe arrives whole, atexit handlers have run, statuses are kept."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env["ISAMAIL_DATABASE_URL"] = project.settings.database_url
    env.pop("PYTHONUNBUFFERED", None)  # so that stdout is a buffer that must be flushed
    args = [ISAMAIL, "-p", str(project.directory)]
    subprocess.run([*args, "lists", "create", "isa"], env=env, check=True)
    subprocess.run(
        [*args, "subscribers", "import", str(DATA / "subscribers.csv"), "--list", "isa", *CONSENT],
        env=env,
        check=True,
        capture_output=True,
    )
    export = subprocess.run(
        [*args, "subscribers", "export", "--list", "isa"], env=env, capture_output=True
    )
    assert export.returncode == 0, export.stderr
    from typer.testing import CliRunner

    in_process = CliRunner().invoke(
        app, ["-p", str(project.directory), "subscribers", "export", "--list", "isa"], env=env
    )
    assert in_process.exit_code == 0
    assert export.stdout == in_process.stdout_bytes and len(export.stdout) > 30_000
    usage = subprocess.run([*args, "lists", "--nonsense"], env=env, capture_output=True)
    assert usage.returncode == 2 and b"--nonsense" in usage.stderr
    # A reader that stops early (| head): no traceback, no "Exception ignored" message.
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # far less than the export's 30 KB
    with subprocess.Popen(
        [*args, "subscribers", "export", "--list", "isa"],
        env=env,
        stdout=write_end,
        stderr=subprocess.PIPE,
    ) as writer:
        os.close(write_end)
        assert len(os.read(read_end, 10)) == 10
        os.close(read_end)
        _, err = writer.communicate(timeout=60)
    assert writer.returncode == 141
    assert b"Traceback" not in err and b"Exception" not in err
    # atexit handlers still run: here, one that a sitecustomize-like startup file adds
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        "import atexit, pathlib\n"
        f"atexit.register(pathlib.Path({str(tmp_path / 'ran')!r}).write_text, 'yes')\n"
    )
    version = subprocess.run(
        [ISAMAIL, "--version"], env={**env, "PYTHONPATH": str(hook)}, capture_output=True
    )
    assert version.returncode == 0 and version.stdout.startswith(b"isamail ")
    assert (tmp_path / "ran").read_text() == "yes"


def test_an_import_needs_consent_that_exists(cli: Cli, project: Project) -> None:
    cli("lists", "create", "isa")
    refused = cli("subscribers", "import", str(DATA / "subscribers.csv"), "--list", "isa")
    assert refused.exit_code == 1
    message = " ".join(refused.stderr.split())
    assert "Fehler: Ein Import trägt nur Adressen ein, deren Einwilligung schon vorliegt" in message
    assert "(UWG § 7)" in message and "Traceback" not in refused.output
    no_note = cli(
        "subscribers", "import", str(DATA / "subscribers.csv"), "--list", "isa", "--confirmed"
    )
    assert no_note.exit_code == 1
    assert "Zu --confirmed gehört --consent-note" in " ".join(no_note.stderr.split())
    assert json.loads(cli("lists", "--json").stdout)[0]["counts"]["pending"] == 0
    dry = cli("subscribers", "import", str(DATA / "subscribers.csv"), "--list", "isa", "--dry-run")
    assert dry.exit_code == 0 and "braucht --confirmed --consent-note" in " ".join(
        dry.stderr.split()
    )
    done = cli("subscribers", "import", str(DATA / "subscribers.csv"), "--list", "isa", *CONSENT)
    assert done.exit_code == 0
    shown = json.loads(
        cli("subscribers", "show", "s.klein@kreis-dueren-wirtschaftsbote.example", "--json").stdout
    )
    assert shown["consent_events"][0]["kind"] == "imported_confirmed"
