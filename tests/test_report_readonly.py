"""The report's own database access (isamail.db.readonly) and its index range counts.

A seeded database with every kind of delivery (all five states, bounce kinds on sent and
bounced ones, duplicates, three lists and none, forgotten addresses, people who left
before and after an edition) is reported, and every number is checked against the same
number worked out in Python from the seeded rows. Then: `report` runs without
SQLAlchemy, old, missing, newer and broken databases, and the SQLite query plans.
"""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert, inspect

from isamail.context import Project
from isamail.db import SCHEMA_HEAD
from isamail.db.models import (
    Bounce,
    ConsentEvent,
    ConsentKind,
    Delivery,
    DeliveryStatus,
    Edition,
    MailingList,
    Subscriber,
    table,
)
from isamail.db.readonly import open_read_only, pyformat, read_only
from isamail.errors import DatabaseError, NotFound
from isamail.reports import (
    LEFT_KINDS,
    STATES,
    TIMELINE_BARS,
    DeliveryRow,
    _blank_addresses,
    delivery_entry,
    delivery_json,
    edition_reports,
    edition_summary,
    issue_detail,
    iter_deliveries,
)

ISAMAIL = Path(sys.executable).with_name("isamail")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DOMAINS = ["stadt.example", "web.de", "qq.com", "gmx.de", "ihk.example"]


@dataclass
class Seeded:
    editions: dict[str, int]  # issue -> id
    created: dict[str, datetime]
    lists: dict[int, str]
    emails: dict[int, str | None]  # subscriber id -> address (None: forgotten)
    deliveries: list[dict[str, Any]]
    left_at: dict[int, datetime]  # subscriber -> last unsubscribe or complaint


def seed(engine: Engine) -> Seeded:
    """Two editions with deliveries, one frozen but not sent; rows built here, so that the
    test can count them itself."""
    lists = {1: "isa", 2: "presse", 3: "alt"}
    emails: dict[int, str | None] = {
        i: None if i % 17 == 0 else f"p{i}@{DOMAINS[(i * 7) % len(DOMAINS)]}" for i in range(1, 91)
    }
    created = {
        "2026-02": T0 - timedelta(days=30),
        "2026-03": T0 - timedelta(minutes=1),
        "2026-04": T0 + timedelta(days=20),
    }
    editions = {"2026-02": 1, "2026-03": 2, "2026-04": 3}
    deliveries = []
    kinds_for = {
        "sent": [None, None, None, "soft", "complaint", None],
        "bounced": ["hard", "policy", "hard"],
    }
    did = 0
    for issue, people, minutes in (("2026-02", range(1, 41), 5), ("2026-03", range(1, 91), 47)):
        for n, sid in enumerate(people):
            did += 1
            status = STATES[(sid * 3 + n) % 5] if sid % 4 else "sent"
            if status == "queued" and sid % 2:
                status = "skipped"
            kind = None
            if status in kinds_for:
                options = kinds_for[status]
                kind = options[sid % len(options)]
            sent_at = None
            if status in ("sent", "bounced"):
                # 47 minutes with a gap in the middle: bars wider than a minute, one empty
                minute = (sid * 11) % minutes
                if minutes > 20 and 20 <= minute < 26:
                    minute += 8
                sent_at = T0 + timedelta(
                    minutes=minute, seconds=sid % 60, microseconds=sid % 3 * sid
                )
            code = {"failed": 550, "bounced": 550, "sent": 250}.get(status)
            reply = {
                "failed": f"5.1.1 <{emails[sid]}>: Recipient address rejected",
                "bounced": "5.7.1 blocked using zen.spamhaus.org" if sid % 2 else "5.2.2 full",
                "sent": "2.0.0 Ok: queued",
            }.get(status, "")
            deliveries.append(
                {
                    "id": did,
                    "edition_id": editions[issue],
                    "subscriber_id": sid,
                    "list_id": None if sid % 9 == 0 else (1 if sid % 3 else 2),
                    "status": status,
                    "attempts": 1,
                    "last_code": code,
                    "last_reply": reply,
                    "possibly_duplicate": sid % 7 == 3,
                    "bounce_kind": kind,
                    "created_at": created[issue],
                    "sent_at": sent_at,
                    "skip_reason": ("unsubscribed", "erased")[sid % 2]
                    if status == "skipped"
                    else None,
                    "updated_at": T0,
                }
            )
    left_at: dict[int, datetime] = {}
    consent = []
    for sid in range(1, 91):
        imported = ConsentKind.IMPORTED_CONFIRMED.value
        long_ago = T0 - timedelta(days=60)
        consent.append({"subscriber_id": sid, "list_id": 1, "kind": imported, "at": long_ago})
        if sid % 5 == 0:
            # some left between the two editions, some after both, some twice
            at = T0 - timedelta(days=10) if sid % 10 == 0 else T0 + timedelta(hours=sid)
            kind = ConsentKind.COMPLAINT if sid % 15 == 0 else ConsentKind.UNSUBSCRIBED
            consent.append({"subscriber_id": sid, "list_id": 1, "kind": kind.value, "at": at})
            left_at[sid] = at
            if sid % 20 == 0:
                earlier = at - timedelta(days=40)
                consent.append(
                    {"subscriber_id": sid, "list_id": 1, "kind": kind.value, "at": earlier}
                )
        if sid % 6 == 0:  # not leaving: a confirmation long after
            consent.append(
                {
                    "subscriber_id": sid,
                    "list_id": 1,
                    "kind": ConsentKind.CONFIRMED.value,
                    "at": T0 + timedelta(days=3),
                }
            )
    for row in consent:
        row.update(source="test", note="")
    bounces = [
        {
            "digest": f"d{d['id']}-{k}",
            "source": "test",
            "kind": d["bounce_kind"],
            "delivery_id": d["id"],
            "subscriber_id": d["subscriber_id"],
            "status": "",
            "summary": f"{d['bounce_kind']} {k}",
            "created_at": T0,
        }
        for d in deliveries
        if d["bounce_kind"]
        for k in range(2 if d["id"] % 2 else 1)  # the newest bounce's summary counts
    ]
    with engine.begin() as conn:
        conn.execute(
            insert(table(MailingList)),
            [{"id": i, "name": n, "title": n, "private": False, "language": "de",
              "created_at": T0} for i, n in lists.items()],
        )  # fmt: skip
        conn.execute(
            insert(table(Subscriber)),
            [
                {
                    "id": sid,
                    "email": email,
                    "email_key": email.lower() if email else None,
                    "name": "",
                    "language": "de",
                    "organisation": "",
                    "city": "",
                    "country": "",
                    "attributes": {},
                    "state": "active" if email else "forgotten",
                    "created_at": T0,
                    "updated_at": T0,
                }
                for sid, email in emails.items()
            ],
        )
        conn.execute(
            insert(table(Edition)),
            [
                {"id": eid, "issue": issue, "title": issue, "subject": issue, "preheader": "",
                 "language": "de", "html": "", "text": "", "source_hash": "h",
                 "nonce": f"n{eid}", "created_at": created[issue]}
                for issue, eid in editions.items()
            ],
        )  # fmt: skip
        # a database of an older schema has no skip_reason: nothing was ever skipped there
        columns = {c["name"] for c in inspect(conn).get_columns("delivery")}
        conn.execute(
            insert(table(Delivery)),
            [{k: v for k, v in d.items() if k in columns} for d in deliveries],
        )
        conn.execute(insert(table(ConsentEvent)), consent)
        conn.execute(insert(table(Bounce)), bounces)
    return Seeded(editions, created, lists, emails, deliveries, left_at)


@pytest.fixture
def seeded(project: Project) -> Seeded:
    return seed(project.engine)


def _of(seeded: Seeded, issue: str) -> list[dict[str, Any]]:
    return [d for d in seeded.deliveries if d["edition_id"] == seeded.editions[issue]]


def test_every_count_matches_the_rows(project: Project, seeded: Seeded) -> None:
    with read_only(project.settings.database_url) as db:
        reports = {r.issue: r for r in edition_reports(db)}
    assert list(reports) == ["2026-02", "2026-03", "2026-04"]  # by creation time
    for issue, report in reports.items():
        rows = _of(seeded, issue)
        states = Counter(d["status"] for d in rows)
        kinds = Counter(d["bounce_kind"] for d in rows)
        list_ids = {d["list_id"] for d in rows} - {None}
        left = sum(
            1
            for d in rows
            if d["subscriber_id"] in seeded.left_at
            and seeded.left_at[d["subscriber_id"]] >= seeded.created[issue]
        )
        expected = {
            "issue": issue,
            "list": ", ".join(sorted(seeded.lists[i] for i in list_ids)),
            "recipients": len(rows),
            **{state: states[state] for state in STATES},
            "created_at": seeded.created[issue].isoformat(),
            "date": seeded.created[issue].date().isoformat(),
            "complaints": kinds["complaint"],
            "soft_bounces": kinds["soft"],
            "policy_bounces": kinds["policy"],
            "unsubscribed": left,
            "possibly_duplicated": sum(d["possibly_duplicate"] for d in rows),
        }
        got = report.as_json()
        assert {k: got[k] for k in expected} == expected
    # the seed covers what it should, or the comparison above proves little
    busy = reports["2026-03"]
    assert min(busy.queued, busy.sending, busy.failed, busy.bounced, busy.sent) > 0
    assert busy.complaints and busy.soft_bounces and busy.policy_bounces
    assert busy.possibly_duplicated and busy.unsubscribed
    assert 0 < reports["2026-02"].unsubscribed < reports["2026-03"].unsubscribed
    assert reports["2026-04"].recipients == 0 and reports["2026-04"].lists == ""


def test_one_issue_in_detail_matches_the_rows(project: Project, seeded: Seeded) -> None:
    issue = "2026-03"
    rows = sorted(_of(seeded, issue), key=lambda d: d["id"])
    with read_only(project.settings.database_url) as db:
        detail = issue_detail(db, issue)
        streamed = list(iter_deliveries(db, issue, chunk=7))
    assert detail.states == {s: sum(d["status"] == s for d in rows) for s in STATES}
    assert list(detail.states) == list(STATES)

    # domains: top ten by recipients, then by name; forgotten addresses left out
    per_domain: dict[str, Counter[str]] = {}
    for d in rows:
        email = seeded.emails[d["subscriber_id"]]
        if email is None:
            continue
        c = per_domain.setdefault(email.split("@", 1)[1], Counter())
        c["recipients"] += 1
        c[d["status"]] += 1
        c["complaints"] += d["bounce_kind"] == "complaint"
        c["waiting"] += d["status"] in ("queued", "sending")
    expected_domains = sorted(per_domain.items(), key=lambda kv: (-kv[1]["recipients"], kv[0]))
    assert [
        (r.domain, r.recipients, r.sent, r.failed, r.bounced, r.complaints, r.queued, r.skipped)
        for r in detail.domains
    ] == [
        (
            dom,
            c["recipients"],
            c["sent"],
            c["failed"],
            c["bounced"],
            c["complaints"],
            c["waiting"],
            c["skipped"],
        )
        for dom, c in expected_domains[:10]
    ]

    # the timeline: sends per minute merged into bars of equal width, empty bars dropped
    minutes = Counter(
        d["sent_at"].replace(second=0, microsecond=0) for d in rows if d["sent_at"] is not None
    )
    first, last = min(minutes), max(minutes)
    width = max(1, math.ceil((int((last - first).total_seconds() // 60) + 1) / TIMELINE_BARS))
    bars: Counter[datetime] = Counter()
    for minute, n in minutes.items():
        index = int((minute - first).total_seconds() // 60) // width
        bars[first + timedelta(minutes=index * width)] += n
    assert width > 1
    assert [(b.start, b.minutes, b.count) for b in detail.timeline] == [
        (start.strftime("%Y-%m-%d %H:%M"), width, n) for start, n in sorted(bars.items())
    ]
    assert len(detail.timeline) < math.ceil(47 / width)  # the gap left a bar out

    def first_emails(condition: Callable[[dict[str, Any]], bool]) -> list[str]:
        chosen = [d for d in rows if condition(d)][:20]
        return [seeded.emails[d["subscriber_id"]] or "(gelöscht)" for d in chosen]

    assert detail.duplicates == sum(d["possibly_duplicate"] for d in rows)
    assert detail.duplicate_examples == first_emails(lambda d: d["possibly_duplicate"])
    assert detail.waiting == sum(d["status"] in ("queued", "sending") for d in rows)
    assert detail.waiting_examples == first_emails(lambda d: d["status"] in ("queued", "sending"))
    assert detail.resume_command == f"isamail send {issue} --list isa --list presse"

    # reasons: refusals by reply, bounces of sent mail by the newest bounce's summary;
    # examples are the first three in send order
    reasons: dict[tuple[str, str, int | None, str], list[str]] = {}
    for d in rows:
        if d["status"] in ("failed", "bounced"):
            reply = _blank_addresses(d["last_reply"])
            key = (d["status"], d["bounce_kind"] or "", d["last_code"], reply)
        elif d["status"] == "skipped":
            key = (d["status"], d["skip_reason"], None, "")
        elif d["bounce_kind"]:
            summary = f"{d['bounce_kind']} {1 if d['id'] % 2 else 0}"
            key = (d["status"], d["bounce_kind"], None, summary)
        else:
            continue
        reasons.setdefault(key, []).append(seeded.emails[d["subscriber_id"]] or "(gelöscht)")
    assert {(r.status, r.kind, r.code, r.reply): (r.count, r.examples) for r in detail.reasons} == {
        key: (len(emails), tuple(emails[:3])) for key, emails in reasons.items()
    }
    counts = [r.count for r in detail.reasons]
    assert counts == sorted(counts, reverse=True) and len(counts) >= 5

    # every delivery, in send order, times in UTC
    assert streamed == [
        (
            seeded.emails[d["subscriber_id"]],
            d["status"],
            d["last_code"],
            d["last_reply"],
            d["possibly_duplicate"],
            d["bounce_kind"],
            d["sent_at"].isoformat() if d["sent_at"] else None,
            d["skip_reason"],
        )
        for d in rows
    ]


def test_an_unknown_issue_is_not_found(project: Project) -> None:
    with read_only(project.settings.database_url) as db:
        for call in (edition_summary, issue_detail, lambda db, i: list(iter_deliveries(db, i))):
            with pytest.raises(NotFound, match="1999-01"):
                call(db, "1999-01")


def test_times_are_utc_whatever_the_server_zone(
    project: Project, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not project.settings.database_url.startswith("postgresql"):
        pytest.skip("SQLite stores UTC text; only PostgreSQL answers in a session time zone")
    monkeypatch.setenv("PGTZ", "Asia/Shanghai")  # libpq sets the session's zone from it
    with read_only(project.settings.database_url) as db:
        (zone,) = db.rows("SHOW TimeZone")[0]
        assert zone == "Asia/Shanghai"
        report = edition_summary(db, "2026-03")
        detail = issue_detail(db, "2026-03")
        sent_at = [row[6] for row in iter_deliveries(db, "2026-03")]
    assert report.created_at == seeded.created["2026-03"].isoformat()
    assert report.created_at.endswith("+00:00")
    assert detail.timeline[0].start == "2026-03-02 09:00"
    rows = sorted(_of(seeded, "2026-03"), key=lambda d: d["id"])
    assert sent_at == [d["sent_at"].isoformat() if d["sent_at"] else None for d in rows]


# --- the report without SQLAlchemy --------------------------------------------------------


def _isamail(project_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-X", "importtime", str(ISAMAIL), "-p", str(project_dir), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_report_command_never_imports_sqlalchemy(project: Project, seeded: Seeded) -> None:
    for args in (
        ["report"],
        ["report", "2026-03"],
        ["report", "2026-03", "--json"],
        ["report", "2026-03", "--csv"],
    ):
        done = _isamail(project.directory, *args)
        assert done.returncode == 0, done.stderr[-2000:]
        imported = [line for line in done.stderr.splitlines() if line.startswith("import time")]
        assert any(" isamail.reports" in line for line in imported)  # -X importtime worked
        heavy = [
            line
            for line in imported
            if line.split("|")[-1].strip().split(".")[0] in ("sqlalchemy", "sqlmodel", "alembic")
        ]
        assert heavy == [], (args, heavy[:5])
    assert "2026-03" in done.stdout and len(done.stdout.splitlines()) == 91


# --- old, missing, newer and broken databases ---------------------------------------------


def _revision(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        conn.close()


def test_an_older_database_gets_the_line_naming_db_upgrade(tmp_path: Path) -> None:
    from alembic import command

    from isamail.db.engine import _alembic_config, make_engine, upgrade

    path = tmp_path / "old.db"
    old = make_engine(f"sqlite:///{path}", check_schema=False)
    command.upgrade(_alembic_config(old), "0005")
    old.dispose()
    with pytest.raises(DatabaseError, match=r"Schemastand 0005.*`isamail db upgrade`"):
        open_read_only(f"sqlite:///{path}")
    assert _revision(path) == "0005" != SCHEMA_HEAD  # the report changed nothing
    engine = make_engine(f"sqlite:///{path}", check_schema=False)
    upgrade(engine)
    seed(engine)
    engine.dispose()
    with read_only(f"sqlite:///{path}") as db:
        assert db.revision() == SCHEMA_HEAD
        assert [r.recipients for r in edition_reports(db)] == [40, 90, 0]
        indexes = {name for (name,) in db.rows("SELECT name FROM sqlite_master")}
    assert {"ix_delivery_duplicate_list", "ix_consent_event_left"} <= indexes


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with pytest.raises(DatabaseError, match=r"gibt es nicht: `isamail db upgrade` legt sie an"):
        open_read_only(f"sqlite:///{path}")
    assert not path.exists()


def test_a_missing_database_through_the_command(project: Project) -> None:
    if not project.settings.database_url.startswith("sqlite"):
        pytest.skip("a file that is not there")
    project.close()
    database = Path(project.settings.database_url.removeprefix("sqlite:///"))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    done = _isamail(project.directory, "report", "--json")
    assert done.returncode == 1 and done.stdout == ""
    problem = [line for line in done.stderr.splitlines() if not line.startswith("import time")]
    assert len(problem) == 1 and "isamail db upgrade" in problem[0], problem
    assert not database.exists()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    from isamail.db.engine import make_engine

    path = tmp_path / "newer.db"
    make_engine(f"sqlite:///{path}", create=True).dispose()
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(DatabaseError, match="Schemastand 9999"):
        open_read_only(f"sqlite:///{path}")


def test_unopenable_databases_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match=r"gibt es nicht"):
        open_read_only(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database, " * 512)
    with pytest.raises(DatabaseError, match="lässt sich nicht öffnen: file is not a database"):
        open_read_only(f"sqlite:///{garbage}")
    with pytest.raises(DatabaseError, match=r"nicht öffnen") as caught:
        open_read_only("postgresql://isamail:geheim@127.0.0.1:1/nowhere?connect_timeout=2")
    assert "geheim" not in caught.value.message and "********" in caught.value.message


def test_an_unopenable_database_through_the_command(tmp_path: Path) -> None:
    from isamail.project import init_project

    directory = tmp_path / "p"
    init_project(directory).close()
    (directory / "isamail.toml").write_text(
        f'database_url = "sqlite:///{tmp_path / "gone" / "x.db"}"\n', encoding="utf-8"
    )
    done = _isamail(directory, "report")
    assert done.returncode == 1
    problem = [line for line in done.stderr.splitlines() if not line.startswith("import time")]
    assert len(problem) == 1 and "gibt es nicht" in problem[0], problem
    assert "Traceback" not in done.stderr


def test_other_urls_go_through_the_engine() -> None:
    # an in-memory database exists only in the engine's pool: the fallback path
    with read_only("sqlite://") as db:
        assert db.revision() == SCHEMA_HEAD
        assert edition_reports(db) == []


def test_times_as_sqlalchemy_reads_them(tmp_path: Path) -> None:
    from isamail.db.engine import make_engine

    url = f"sqlite:///{tmp_path / 'times.db'}"
    engine = make_engine(url, create=True)
    seeded = seed(engine)
    engine.dispose()
    with read_only(url) as db:
        stored = db.rows("SELECT id, sent_at FROM delivery WHERE sent_at IS NOT NULL")
        assert any(text.endswith(".000000") for _, text in stored)
        sent = {d["id"]: d["sent_at"] for d in seeded.deliveries}
        for delivery_id, text in stored:
            assert db.isoformat(text) == sent[delivery_id].isoformat()
            assert db.timestamp(text) == sent[delivery_id]
        for text in ("2026-01-03 09:00:00", "2026-01-03 09:00:00.5", "2026-01-03"):
            at = db.timestamp(text)
            assert at is not None and db.isoformat(text) == at.isoformat()
        assert db.isoformat(None) is None and db.timestamp(None) is None


# --- the SQL itself -----------------------------------------------------------------------


def test_placeholders_for_psycopg() -> None:
    sql = (
        "SELECT to_char(x, 'HH24:MI'), y::text, 'it''s :not' FROM t "
        "WHERE a = :a AND b LIKE '%' || :b"
    )
    assert pyformat(sql) == (
        "SELECT to_char(x, 'HH24:MI'), y::text, 'it''s :not' FROM t "
        "WHERE a = %(a)s AND b LIKE '%%' || %(b)s"
    )


def test_a_delivery_as_json_is_what_json_dumps_writes() -> None:
    rows: list[DeliveryRow] = [
        (
            "p1@stadt.example",
            "sent",
            250,
            "2.0.0 Ok",
            False,
            None,
            "2026-03-02T09:00:00+00:00",
            None,
        ),
        (None, "queued", None, "", False, None, None, None),
        ("zhang@保定.cn", "bounced", 550, 'say "no"\\ \t\n\u2028 ü', True, "hard", None, None),
        (
            "=cmd@x.de",
            "failed",
            554,
            "\x00\x1f<a@b>",
            True,
            "policy",
            "2026-03-02T09:00:00.5+00:00",
            None,
        ),
        (None, "skipped", None, "", False, None, None, "erased"),
    ]
    for row in rows:
        assert delivery_json(row) == json.dumps(delivery_entry(row), ensure_ascii=False)


def test_delivery_csv_lines_are_what_csv_writer_writes() -> None:
    from isamail.audience.csvfiles import spreadsheet_safe
    from isamail.cli.report import _deliveries_csv

    texts = ["", "a", "a,b", 'say "x"', "two\nlines", "cr\rhere", "=1+2", "@x", " lead ", "\tt"]
    texts += ["-3", "'quoted", "ü保定", "a@b,c@d", '"', ",", "x\r\n"]
    pick = random.Random(6).choice
    rows: list[DeliveryRow] = [
        (
            pick([*texts, None]),
            pick(STATES),
            pick([None, 0, 250, 550]),
            pick(texts),
            pick([True, False]),
            pick([None, "soft", "complaint"]),
            pick([None, "2026-03-02T09:00:00+00:00"]),
            pick([None, "unsubscribed", "erased"]),
        )
        for _ in range(2000)
    ]
    for delimiter, end in ((";", "\r\n"), (",", "\n"), ("\t", "\n")):  # Excel's, scripts'
        expected = io.StringIO()
        writer = csv.writer(expected, delimiter=delimiter, lineterminator=end)
        for email, status, code, reply, dup, kind, at, skip in rows:  # what csv.writer does
            safe_email, safe_reply = spreadsheet_safe(email or ""), spreadsheet_safe(reply)
            writer.writerow(
                [
                    safe_email,
                    status,
                    code or "",
                    safe_reply,
                    int(dup),
                    kind or "",
                    at or "",
                    skip or "",
                ]
            )
        assert _deliveries_csv(rows, delimiter) == expected.getvalue()


def test_the_spelled_out_states_are_the_models() -> None:
    assert tuple(s.value for s in DeliveryStatus) == STATES
    assert (ConsentKind.UNSUBSCRIBED.value, ConsentKind.COMPLAINT.value) == LEFT_KINDS


def test_sqlite_counts_from_indexes_not_from_every_row(tmp_path: Path) -> None:
    """The plans that keep `report` fast: no query walks every delivery of an edition
    except the domains (grouped), and the partial index on consent events is used (its
    condition must be repeated word for word)."""
    from isamail import reports
    from isamail.db.engine import make_engine

    make_engine(f"sqlite:///{tmp_path / 'plan.db'}", create=True).dispose()
    with read_only(f"sqlite:///{tmp_path / 'plan.db'}") as db:

        def plan(sql: str, **params: object) -> str:
            return "\n".join(
                str(r[3]) for r in db.rows("EXPLAIN QUERY PLAN " + sql, {"edition": 1, **params})
            )

        for sql in (
            reports._EDITIONS.format(where=""),
            reports._LISTS.format(where=""),
            reports._LEFT_SINCE.format(and_where=""),
            reports._DOMAIN_OTHERS.format(domain="s.email"),
        ):
            walks = [
                step
                for step in plan(sql).splitlines()
                if step.startswith("SCAN")
                and step.split()[1] in ("d", "delivery", "consent_event")
                and "ix_consent_event_left" not in step  # holds only the people who left
            ]
            assert walks == [], sql
        assert "USING INDEX ix_consent_event_left" in plan(reports._LEFT_SINCE.format(and_where=""))
        assert "(edition_id=? AND possibly_duplicate=? AND list_id>?)" in plan(
            reports._LISTS.format(where="")
        )
        counted = plan(reports._EDITIONS.format(where=""))
        assert counted.count("SEARCH d USING COVERING INDEX") == len(reports._COUNTS)
