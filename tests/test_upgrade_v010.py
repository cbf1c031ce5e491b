"""A project written by isamail 0.1.0 opens with this code: upgraded by `isamail db
upgrade`, every count as the old release reported it, and the half-sent issue resumed
exactly (tests/data/v0.1.0, made by scripts/make-v010-fixture.sh with the old CLI)."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import idna
import pytest
from sqlalchemy import create_engine, text

from isamail.db import SCHEMA_HEAD
from tests.conftest import PG_URL, Cli, _db_url, _pg_admin_url
from tests.smtpd import SmtpTestServer

V010 = Path(__file__).parent / "data" / "v0.1.0"
EXPECTED: dict[str, Any] = json.loads((V010 / "expected.json").read_text("utf-8"))


def psql() -> str:
    found = shutil.which("psql") or next(
        iter(sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))), None
    )
    if found is None:
        pytest.fail("psql is missing: the PostgreSQL client restores the v0.1.0 dump")
    return str(found)


def restore_postgresql_dump(dump: Path) -> Iterator[str]:
    """A new database holding ``dump`` (plain SQL from pg_dump); dropped afterwards."""
    if not PG_URL:
        pytest.skip("ISAMAIL_TEST_PG_URL not set: no PostgreSQL server for this run")
    name = f"isamail_old_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _db_url(name)
    subprocess.run(
        [psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", str(dump), url],
        check=True,
        capture_output=True,
    )
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_project(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, str]]:
    """The v0.1.0 project folder and the key of its record in expected.json."""
    folder = tmp_path / "project"
    folder.mkdir()
    shutil.copy(V010 / "isamail.toml", folder / "isamail.toml")
    shutil.copytree(V010 / "issues", folder / "issues")
    if request.param == "sqlite":
        shutil.copy(V010 / "subscribers.db", folder / "subscribers.db")
        yield folder, "sqlite"
        return
    for url in restore_postgresql_dump(V010 / "postgresql.sql"):
        monkeypatch.setenv("ISAMAIL_DATABASE_URL", url)
        yield folder, "postgresql"


def rcpt_key(address: str) -> str:
    """An RCPT TO address compared whatever form of the domain it came in."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{idna.decode(domain)}".lower()


def as_old(new: Any, old: Any) -> Any:
    """``new`` cut to the keys the old release wrote, at every depth (later releases may
    add keys, such as the `skipped` count; none may change or drop one). One change is
    deliberate: `possibly_duplicated` was an object in `report ISSUE --json` and a count in
    `report --json`; it is a count in both now, its examples beside it."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {key: as_old(new[key], value) for key, value in old.items() if key in new}
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [as_old(n, o) for n, o in zip(new, old, strict=True)]
    return new


def by_email(deliveries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(deliveries, key=lambda d: str(d["email"]))


def test_the_previous_release_upgrades_keeps_every_count_and_resumes_the_half_sent_issue(
    old_project: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, key = old_project
    expected = EXPECTED[key]
    cli = Cli(folder)
    refused = cli("lists")
    assert refused.exit_code == 1 and "isamail db upgrade" in refused.output
    upgraded = cli("db", "upgrade", "--yes")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"0006 → {SCHEMA_HEAD}" in upgraded.output
    if key == "sqlite":
        assert "Gesichert: " in upgraded.output
        assert len(list(folder.glob("subscribers.db.sicherung-0006-*"))) == 1
    else:
        assert "pg_dump --format=custom" in upgraded.output

    lists = cli("lists", "--json")
    assert lists.exit_code == 0, lists.output
    assert as_old(json.loads(lists.stdout), expected["lists"]) == expected["lists"]
    report = json.loads(cli("report", "--json").stdout)
    assert as_old(report, expected["report"]) == expected["report"]
    for issue, old in expected["editions"].items():
        if isinstance(old["possibly_duplicated"], dict):  # the one shape, a count (above)
            old["possibly_duplicated"] = old["possibly_duplicated"]["count"]
        new = json.loads(cli("report", issue, "--json").stdout)
        new["deliveries"], old["deliveries"] = (
            by_email(new["deliveries"]),
            by_email(old["deliveries"]),
        )
        assert as_old(new, old) == old, issue

    half = expected["half_sent"]
    already = {rcpt_key(a) for a in half["received"]}
    waiting = {
        d["email"].lower() for d in expected["editions"][half["issue"]]["deliveries"]
        if d["status"] == "queued"
    }  # fmt: skip
    with SmtpTestServer() as server:
        monkeypatch.setenv("ISAMAIL_SMTP_URL", server.url)
        resumed = cli("send", half["issue"], "--list", half["list"], "--yes")
        assert resumed.exit_code == 0, resumed.output
        got = [rcpt_key(r) for m in server.messages for r in m.rcpt_tos]
    assert len(got) == len(set(got)) == len(waiting) == 26
    assert set(got) == waiting and not set(got) & already
    after = json.loads(cli("report", half["issue"], "--json").stdout)
    assert (after["sent"], after["queued"], after["failed"]) == (38, 0, 0)
