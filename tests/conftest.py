"""Shared fixtures: a fresh project per test, on SQLite and on a real PostgreSQL server.

Tests that take the ``project`` fixture run twice, once per database. The
PostgreSQL run needs ISAMAIL_TEST_PG_URL (``make test`` starts a server and
sets it); without it those runs are skipped locally but fail under CI, so that
a missing server can never pass as green.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from isamail.cli import app
from isamail.context import Project
from isamail.project import init_project

pytest_plugins = ["tests.smtpd", "tests.imapd", "tests.dnsd"]

DATA = Path(__file__).parent / "data"
PG_URL = os.environ.get("ISAMAIL_TEST_PG_URL", "")


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ISAMAIL_* variable of the developer's shell leaks into a test."""
    for key in list(os.environ):
        if key.startswith("ISAMAIL_") and key != "ISAMAIL_TEST_PG_URL":
            monkeypatch.delenv(key)


def _pg_admin_url() -> str:
    return PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> Iterator[str]:
    """A migrated template database; each test copies it (CREATE DATABASE … TEMPLATE)."""
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("ISAMAIL_TEST_PG_URL is not set: CI must test PostgreSQL")
        pytest.skip("ISAMAIL_TEST_PG_URL not set: no PostgreSQL server for this run")
    from isamail.db.engine import make_engine

    name = f"isamail_tpl_{worker_id}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(_db_url(name), create=True)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _db_url(name: str) -> str:
    return PG_URL.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'subscribers.db'}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"isamail_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _db_url(name)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def project(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Project]:
    """A project made by `isamail init`, on the parametrised database."""
    monkeypatch.setenv("ISAMAIL_DATABASE_URL", database_url)
    created = init_project(tmp_path / "project")
    yield created
    created.close()


class Cli:
    """Runs the real Typer app against one project folder."""

    def __init__(self, project_dir: Path) -> None:
        self.project_dir = project_dir
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        return self.runner.invoke(app, ["--project", str(self.project_dir), *args], input=input)


@pytest.fixture
def cli(project: Project) -> Cli:
    return Cli(project.directory)
