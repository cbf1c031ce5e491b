"""The database: the schema checked on open and changed only by `db upgrade`, SQLite
settings, transactions."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from isamail.audience.lists import create_list, list_summaries
from isamail.db import SCHEMA_HEAD
from isamail.db.engine import (
    _alembic_config,
    make_engine,
    schema_revisions,
    stored_revision,
    unit_of_work,
)
from isamail.db.maintenance import upgrade_database
from isamail.db.schema import SchemaTooNew, SchemaTooOld, pending_revisions
from isamail.errors import DatabaseError
from tests.conftest import Cli


def old_database(path: Path, revision: str) -> str:
    """An SQLite database at ``revision`` with one list in it."""
    url = f"sqlite:///{path}"
    old = make_engine(url, check_schema=False)
    command.upgrade(_alembic_config(old), revision)
    with old.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mailing_list (name, title, private, language, created_at) "
                "VALUES ('isa', 'ISA', 0, 'de', '2020-01-01 00:00:00')"
            )
        )
    old.dispose()
    return url


def revision_of(path: Path) -> str | None:
    engine = make_engine(f"sqlite:///{path}", check_schema=False)
    try:
        return stored_revision(engine)
    finally:
        engine.dispose()


def test_an_older_database_is_not_migrated_on_open_but_named_db_upgrade(tmp_path: Path) -> None:
    url = old_database(tmp_path / "old.db", "0001")
    with pytest.raises(SchemaTooOld) as refused:
        make_engine(url)
    assert "Schemastand 0001" in refused.value.message
    assert "`isamail db upgrade`" in refused.value.message and refused.value.hint is None
    assert revision_of(tmp_path / "old.db") == "0001"  # opening changed nothing


def test_db_upgrade_backs_up_then_migrates_and_keeps_the_data(tmp_path: Path) -> None:
    url = old_database(tmp_path / "old.db", "0001")
    result = upgrade_database(url)
    assert (result.before, result.after) == ("0001", SCHEMA_HEAD)
    assert result.applied == pending_revisions("0001") and result.applied[-1] == SCHEMA_HEAD
    assert result.backup is not None and result.backup.summary.revision == "0001"
    assert result.backup.path.name.startswith("old.db.sicherung-0001-")
    assert revision_of(result.backup.path) == "0001"
    engine = make_engine(url)
    assert [s.name for s in list_summaries(engine)] == ["isa"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM delivery")).scalar_one() == 0
    engine.dispose()
    assert upgrade_database(url).applied == []  # nothing left to do, no second backup
    assert len(list(tmp_path.glob("old.db.sicherung-*"))) == 1


def test_the_older_schema_line_through_the_commands_and_db_upgrade(tmp_path: Path) -> None:
    from isamail.project import init_project

    directory = tmp_path / "p"
    init_project(directory).close()
    database = directory / "subscribers.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    old_database(database, "0005")
    cli = Cli(directory)
    for args in (["lists"], ["report"], ["subscribers", "ls", "--list", "isa"], ["serve"]):
        result = cli(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "Schemastand 0005" in lines[0], (args, lines)
        assert "isamail db upgrade" in lines[0]
    assert revision_of(database) == "0005"
    status = cli("db", "status")
    assert status.exit_code == 0 and "veraltet" in status.output, status.output
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "Gesichert:" in upgraded.output and f"0005 → {SCHEMA_HEAD}" in upgraded.output
    assert cli("lists").exit_code == 0
    assert "aktuell" in cli("db", "status").output


def test_a_newer_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    make_engine(url, create=True).dispose()
    raw = create_engine(url)
    with raw.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    raw.dispose()
    with pytest.raises(SchemaTooNew, match=r"Schemastand 9999, den isamail .* nicht kennt"):
        make_engine(url)
    with pytest.raises(SchemaTooNew):
        upgrade_database(url)
    assert revision_of(tmp_path / "new.db") == "9999"


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}", create=True)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 5000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    engine.dispose()


def test_unreadable_or_missing_database_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="lässt sich nicht öffnen"):
        make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}", create=True)
    with pytest.raises(DatabaseError, match="gibt es nicht: `isamail db upgrade` legt sie an"):
        make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert not (tmp_path / "x.db").exists()


def test_a_failed_unit_of_work_leaves_nothing(database_url: str) -> None:
    engine = make_engine(database_url, create=True)
    with pytest.raises(RuntimeError), unit_of_work(engine) as session:
        session.execute(
            text(
                "INSERT INTO mailing_list (name, title, private, language, "
                "created_at) VALUES ('x', 'x', false, 'de', CURRENT_TIMESTAMP)"
            )
        )
        raise RuntimeError("crash in the middle")
    assert list_summaries(engine) == []
    create_list(engine, "x")
    assert [s.name for s in list_summaries(engine)] == ["x"]
    engine.dispose()


def test_the_schema_head_constant_is_alembics_head(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    engine = make_engine(f"sqlite:///{tmp_path / 'head.db'}", create=True)
    assert schema_revisions(engine) == (SCHEMA_HEAD, SCHEMA_HEAD)
    assert ScriptDirectory.from_config(_alembic_config(engine)).get_current_head() == SCHEMA_HEAD
    engine.dispose()


def test_the_migrations_build_exactly_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    engine = make_engine(f"sqlite:///{tmp_path / 'drift.db'}", create=True)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    engine.dispose()
