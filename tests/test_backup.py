"""`isamail db backup` and `isamail db restore`: SQLite's online backup, PostgreSQL's way."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from isamail.audience.lists import create_list, list_summaries
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from isamail.db.engine import unit_of_work
from isamail.db.maintenance import restore
from isamail.errors import IsamailError
from tests.conftest import Cli


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
