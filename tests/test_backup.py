"""`isamail db backup` and `isamail db restore`: SQLite's online backup, PostgreSQL's way."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import idna
import pytest
from sqlalchemy import text

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list, list_summaries
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from isamail.db.engine import unit_of_work
from isamail.db.maintenance import restore
from isamail.errors import IsamailError
from tests.conftest import DATA, Cli
from tests.smtpd import SmtpTestServer


@pytest.fixture
def sqlite_project(tmp_path: Path) -> Iterator[Project]:
    """A project on SQLite: the database isamail backs up itself (PostgreSQL: pg_dump)."""
    from isamail.project import init_project

    created = init_project(tmp_path / "project")
    yield created
    created.close()


def database(project: Project) -> Path:
    return Path(project.settings.database_url.removeprefix("sqlite:///"))


def people(project: Project, *emails: str) -> None:
    for email in emails:
        add_subscriber(project.engine, email, "isa", confirmed=True)


@pytest.fixture
def sleeper() -> Iterator[int]:
    """A live process on this machine whose pid a send run can carry."""
    child = subprocess.Popen(["sleep", "60"])
    yield child.pid
    child.kill()
    child.wait()


def test_backup_then_restore_brings_back_exactly_what_was_saved(
    sqlite_project: Project, tmp_path: Path
) -> None:
    project, cli = sqlite_project, Cli(sqlite_project.directory)
    create_list(project.engine, "isa")
    people(project, "a@stadt.example", "b@stadt.example")
    saved = cli("db", "backup", str(tmp_path / "nacht.db"))
    assert saved.exit_code == 0, saved.output
    assert "2 Abonnenten, 1 Listen" in saved.output
    # the copy is one self-contained file in rollback-journal mode
    copy = sqlite3.connect(tmp_path / "nacht.db")
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    copy.close()
    assert not list(tmp_path.glob("nacht.db-*")) and not list(tmp_path.glob(".nacht.db*"))

    people(project, "c@stadt.example")
    create_list(project.engine, "presse")
    again = cli("db", "backup", str(tmp_path / "nacht.db"))
    assert again.exit_code == 1 and "gibt es schon" in again.output

    restored = cli("db", "restore", str(tmp_path / "nacht.db"), "--yes")
    assert restored.exit_code == 0, restored.output
    assert "Ersetzt: Schemastand" in restored.output and "3 Abonnenten, 2 Listen" in restored.output
    assert "Zurückgeholt: Schemastand" in restored.output
    # the engine the project had open reads the restored data: same file, new content
    assert [s.name for s in list_summaries(project.engine)] == ["isa"]
    kept = list(database(project).parent.glob("subscribers.db.ersetzt-*"))
    assert len(kept) == 1
    conn = sqlite3.connect(kept[0])
    assert conn.execute("SELECT count(*) FROM mailing_list").fetchone()[0] == 2
    conn.close()


def test_restore_refuses_while_a_send_runs_and_changes_nothing(
    sqlite_project: Project, tmp_path: Path, sleeper: int
) -> None:
    project, cli = sqlite_project, Cli(sqlite_project.directory)
    create_list(project.engine, "isa")
    assert cli("db", "backup", str(tmp_path / "b.db")).exit_code == 0
    people(project, "a@stadt.example")
    with unit_of_work(project.engine) as session:
        session.execute(
            text(
                "INSERT INTO edition (issue, title, subject, preheader, language, html, text, "
                "source_hash, nonce, created_at) VALUES ('2021-07', 't', 's', '', 'de', '', '', "
                "'h', 'n', CURRENT_TIMESTAMP)"
            )
        )
        session.execute(
            text(
                "INSERT INTO send_run (id, edition_id, host, pid, started_at, heartbeat_at) "
                "SELECT 'run1', id, :host, :pid, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP "
                "FROM edition"
            ),
            {"host": socket.gethostname(), "pid": sleeper},
        )
    refused = cli("db", "restore", str(tmp_path / "b.db"), "--yes")
    assert refused.exit_code == 1
    assert f"Versand von 2021-07 (Prozess {sleeper}" in refused.output
    assert not list(database(project).parent.glob("subscribers.db.ersetzt-*"))
    upgrade = cli("db", "status")
    assert f"Versand von 2021-07 (Prozess {sleeper}" in upgrade.output


def test_bad_backup_files_are_refused_in_one_line(sqlite_project: Project, tmp_path: Path) -> None:
    project = sqlite_project
    url = project.settings.database_url
    with pytest.raises(IsamailError, match="gibt es nicht"):
        restore(url, tmp_path / "nothing.db")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"kein SQLite " * 600)
    with pytest.raises(IsamailError, match="keine isamail-Sicherung"):
        restore(url, garbage)
    empty = tmp_path / "empty.db"
    sqlite3.connect(empty).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(IsamailError, match="keine isamail-Tabellen"):
        restore(url, empty)
    with pytest.raises(IsamailError, match="Datenbank selbst"):
        restore(url, database(project))


def test_postgresql_backup_and_restore_say_the_pg_dump_way_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ISAMAIL_DATABASE_URL", "postgresql://isamail:geheim@db.example/isa")
    (tmp_path / "isamail.toml").write_text("", encoding="utf-8")
    cli = Cli(tmp_path)
    for args in (["db", "backup", "x.dump"], ["db", "restore", "x.dump", "--yes"]):
        result = cli(*args)
        assert result.exit_code == 1
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "pg_dump --format=custom --file=x.dump" in lines[0]
        assert "pg_restore --clean" in lines[0] and "geheim" not in lines[0]
        assert "'postgresql://isamail@db.example/isa'" in lines[0]


# --- a backup taken while a real `isamail send` is in the middle of its work --------------

ISSUE = "2020-10"
REPO = Path(__file__).resolve().parent.parent
HELD_AT = 15


def installed(*args: str, project: Project) -> list[str]:
    return [str(Path(sys.executable).with_name("isamail")), "-p", str(project.directory), *args]


def rcpt(address: str) -> str:
    local, _, domain = address.rpartition("@")
    return f"{local}@{idna.decode(domain)}".lower()


def test_a_backup_during_a_send_restores_to_a_report_and_a_resume_that_add_up(
    sqlite_project: Project, tmp_path: Path
) -> None:
    project = sqlite_project
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    env = {
        **os.environ,
        "ISAMAIL_SECRET_KEY": "test-secret-key",
        "ISAMAIL_SMTP_CONNECTIONS": "1",
        "ISAMAIL_SMTP_PROCESSES": "1",
    }
    send = installed("send", ISSUE, "--list", "isa", "--yes", project=project)
    backup_file = tmp_path / "mitten-im-versand.db"
    with SmtpTestServer(hold_after=HELD_AT) as server:
        env["ISAMAIL_SMTP_URL"] = server.url
        sending = subprocess.Popen(send, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            assert server.holding.wait(60), "the send never reached the held message"
            # the send is caught after HELD_AT messages, waiting for the next reply
            taken = subprocess.run(
                installed("db", "backup", str(backup_file), project=project),
                env=env,
                capture_output=True,
                text=True,
            )
            assert sending.poll() is None
            received_before_backup = {rcpt(r) for m in server.messages for r in m.rcpt_tos}
        finally:
            server.release()
            _out, err = sending.communicate(timeout=120)
        assert taken.returncode == 0, taken.stderr
        assert sending.returncode == 0, err.decode()
    assert len(received_before_backup) == HELD_AT

    project.close()
    restored = subprocess.run(
        installed("db", "restore", str(backup_file), "--yes", project=project),
        env=env,
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    assert f"während des Versands von {ISSUE}" in restored.stderr

    report = json.loads(
        subprocess.run(
            installed("report", ISSUE, "--json", project=project),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    status = {d["email"].lower(): d["status"] for d in report["deliveries"]}
    sent_in_backup = {e for e, s in status.items() if s == "sent"}
    assert len(status) == report["recipients"] == 40
    assert report["sent"] == len(sent_in_backup) and report["failed"] == 0
    assert report["sent"] + report["sending"] + report["queued"] == 40
    # the snapshot is consistent: whatever it holds as sent had arrived when it was taken
    assert sent_in_backup <= received_before_backup

    with SmtpTestServer() as server:
        env["ISAMAIL_SMTP_URL"] = server.url
        resumed = subprocess.run(send, env=env, capture_output=True, text=True)
        assert resumed.returncode == 0, resumed.stderr
        again = [rcpt(r) for m in server.messages for r in m.rcpt_tos]
    assert len(again) == len(set(again)) == 40 - len(sent_in_backup)
    assert set(again) == set(status) - sent_in_backup
    final = json.loads(
        subprocess.run(
            installed("report", ISSUE, "--json", project=project),
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert (final["sent"], final["queued"], final["sending"]) == (40, 0, 0)
    in_flight = {e for e, s in status.items() if s == "sending"}
    flagged = {d["email"].lower() for d in final["deliveries"] if d["possibly_duplicate"]}
    assert flagged == in_flight
