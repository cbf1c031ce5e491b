"""Report benchmark: `isamail report` and `isamail report ISSUE` over a million deliveries.

Builds a project whose database holds SUBSCRIBERS people on one list and EDITIONS
editions sent to all of them (default 200,000 × 5 = 1,000,000 deliveries), with the
mix a real send leaves behind: mostly sent, some rejected at SMTP time (several
replies), hard/policy bounces, soft bounces, complaints, a few still queued and a few
possibly duplicated, over twenty recipient domains. Rows are made inside the database
with INSERT … SELECT over a recursive counter, so building takes seconds, not minutes.

Then it runs the real CLI in a child process (wall time, as a user waits for it) and
the report functions in-process (the queries alone, without interpreter start-up):

    .venv/bin/python bench/bench_report.py                      # SQLite
    .venv/bin/python bench/bench_report.py --database-url postgresql://postgres@127.0.0.1:54329/postgres
    .venv/bin/python bench/bench_report.py --subscribers 1000000 --editions 1

With a PostgreSQL URL a fresh database is created next to the given one and dropped
afterwards (unless --keep).
"""

# ruff: noqa: S608 - the SQL is built from integers and constants of this file, no input

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

ISAMAIL = Path(sys.executable).with_name("isamail")
DOMAINS = [
    "gmail.com",
    "web.de",
    "gmx.de",
    "t-online.de",
    "outlook.com",
    "yahoo.com",
    "qq.com",
    "163.com",
    "126.com",
    "sina.com",
    "icloud.com",
    "posteo.de",
    "freenet.de",
    "stadt-baoding.example",
    "stadt-duisburg.example",
    "isa-portal.de",
    "hotmail.com",
    "aol.com",
    "mail.ru",
    "ihk.example",
]
# Per mille of deliveries in each end state, by the delivery number modulo 1000.
#   0–14 failed (SMTP 5xx), 15–26 bounced hard, 27–29 bounced policy, 30–34 soft,
#   35 complaint, 36–40 queued, 41 possibly duplicate (sent), the rest sent.
REPLIES = [
    (550, "5.1.1 <{}>: Recipient address rejected: User unknown"),
    (550, "5.7.1 Message rejected due to local policy"),
    (552, "5.2.2 Mailbox full"),
    (554, "5.7.1 Service unavailable; client host blocked using zen.spamhaus.org"),
]


def counter(n: int) -> str:
    """A CTE ``seq(n)`` of 1..n that works on SQLite and PostgreSQL."""
    return (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {int(n)}) "
    )


def build(engine: Engine, subscribers: int, editions: int) -> None:
    sqlite = engine.dialect.name == "sqlite"
    now = "'2026-01-05 09:00:00.000000'" if sqlite else "timestamptz '2026-01-05 09:00:00+00'"
    domain_case = (
        "CASE (n * 7 + n / 13) % 20 "
        + " ".join(f"WHEN {i} THEN '{d}'" for i, d in enumerate(DOMAINS))
        + " END"
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO mailing_list (name, title, private, language, created_at) "
                f"VALUES ('isa', 'ISA-Newsletter', false, 'de', {now})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO subscriber (id, email, email_key, name, language, organisation, "
                "city, country, attributes, state, created_at, updated_at) "
                + counter(subscribers)
                + f"SELECT n, 'person' || n || '@' || {domain_case}, "
                f"'person' || n || '@' || {domain_case}, 'Person ' || n, 'de', '', '', '', "
                f"'{{}}', 'active', {now}, {now} FROM seq"
            )
        )
        conn.execute(
            text(
                "INSERT INTO subscription (id, subscriber_id, list_id, status, created_at, "
                "updated_at) "
                + counter(subscribers)
                + f"SELECT n, n, 1, 'confirmed', {now}, {now} FROM seq"
            )
        )
    for e in range(1, editions + 1):
        _edition(engine, e, subscribers, sqlite)
    _history(engine, subscribers, sqlite)


def _history(engine: Engine, subscribers: int, sqlite: bool) -> None:
    """A consent record per person, 0.3 % unsubscribed on day 3, and a Bounce row for every
    bounced or soft-bounced delivery and complaint (what `bounces process` leaves)."""
    at = "'2026-01-03 12:00:00.000000'" if sqlite else "timestamptz '2026-01-03 12:00:00+00'"
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO consent_event (subscriber_id, list_id, kind, at, source, note) "
                + counter(subscribers)
                + f"SELECT n, 1, 'imported_confirmed', {at}, 'import', '' FROM seq"
            )
        )
        conn.execute(
            text(
                "INSERT INTO consent_event (subscriber_id, list_id, kind, at, source, note) "
                + counter(subscribers)
                + f"SELECT n, 1, 'unsubscribed', {at}, 'web', '' FROM seq WHERE n % 333 = 0"
            )
        )
        conn.execute(
            text(
                "INSERT INTO bounce (digest, source, kind, delivery_id, subscriber_id, status, "
                "summary, created_at) SELECT 'd' || id, 'maildir:' || id, bounce_kind, id, "
                "subscriber_id, '5.1.1', CASE bounce_kind WHEN 'soft' THEN 'Postfach voll "
                "(4.2.2)' WHEN 'complaint' THEN 'Beschwerde über Spam (Feedback-Type: abuse)' "
                f"ELSE 'Postfach unbekannt (5.1.1)' END, {at} FROM delivery "
                "WHERE bounce_kind IS NOT NULL"
            )
        )
        if not sqlite:
            conn.execute(text("ANALYZE"))


def _sent_at(sqlite: bool, e: int) -> str:
    # Edition e goes out on day e of the month at 09:00, about 300 messages a second.
    if sqlite:
        return (
            f"strftime('%Y-%m-%d %H:%M:%S', '2026-01-0{min(e, 9)} 09:00:00', "
            "'+' || (n / 300) || ' seconds') || '.000000'"
        )
    return f"timestamptz '2026-01-0{min(e, 9)} 09:00:00+00' + (n / 300) * interval '1 second'"


def _edition(engine: Engine, e: int, subscribers: int, sqlite: bool) -> None:
    sent_at = _sent_at(sqlite, e)
    m = "((n + " + str(e * 37) + ") % 1000)"
    status = (
        f"CASE WHEN {m} < 15 THEN 'failed' WHEN {m} < 30 THEN 'bounced' "
        f"WHEN {m} BETWEEN 36 AND 40 THEN 'queued' ELSE 'sent' END"
    )
    kind = (
        f"CASE WHEN {m} BETWEEN 15 AND 26 THEN 'hard' WHEN {m} BETWEEN 27 AND 29 THEN 'policy' "
        f"WHEN {m} BETWEEN 30 AND 34 THEN 'soft' WHEN {m} = 35 THEN 'complaint' END"
    )
    code = (
        f"CASE WHEN {m} < 30 THEN (CASE {m} % 4 WHEN 2 THEN 552 WHEN 3 THEN 554 ELSE 550 END) "
        f"WHEN {m} BETWEEN 36 AND 40 THEN NULL ELSE 250 END"
    )
    reply = (
        f"CASE WHEN {m} < 30 THEN (CASE {m} % 4 "
        "WHEN 0 THEN '5.1.1 <person' || n || '@x>: Recipient address rejected: User unknown' "
        "WHEN 1 THEN '5.7.1 Message rejected due to local policy' "
        "WHEN 2 THEN '5.2.2 Mailbox full' "
        "ELSE '5.7.1 Service unavailable; client host blocked using zen.spamhaus.org' END) "
        f"WHEN {m} BETWEEN 36 AND 40 THEN '' ELSE '2.0.0 Ok: queued' END"
    )
    now = "'2026-01-05 09:00:00.000000'" if sqlite else "timestamptz '2026-01-05 09:00:00+00'"
    created = (
        f"'2026-01-0{min(e, 9)} 08:59:00.000000'"
        if sqlite
        else f"timestamptz '2026-01-0{min(e, 9)} 08:59:00+00'"
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO edition (id, issue, title, subject, preheader, language, html, "
                "text, source_hash, nonce, created_at) VALUES "
                f"({e}, '2026-{e:02d}', 'Ausgabe {e}', 'ISA-Newsletter {e}', '', 'de', "
                f"'<p>x</p>', 'x', 'h', 'n{e:011d}', {created})"
            )
        )
        conn.execute(
            text(
                "INSERT INTO delivery (edition_id, subscriber_id, subscription_id, list_id, "
                "status, attempts, last_code, last_reply, possibly_duplicate, bounce_kind, "
                "created_at, sent_at, updated_at) "
                + counter(subscribers)
                + f"SELECT {e}, n, n, 1, {status}, 1, {code}, {reply}, {m} = 41, {kind}, "
                f"{created}, CASE WHEN {m} BETWEEN 36 AND 40 OR {m} < 15 THEN NULL "
                f"ELSE {sent_at} END, {now} FROM seq"
            )
        )


def timed(args: list[str], env: dict[str, str], repeat: int, expect: int = 0) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(
            [str(ISAMAIL), *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        times.append(time.perf_counter() - start)
        if done.returncode != expect:
            raise SystemExit(f"isamail {' '.join(args)}: exit status {done.returncode}")
    return times


def show(label: str, times: list[float]) -> None:
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"{label:<34} median {statistics.median(times):6.2f} s  (runs: {runs})")


def in_process(project_dir: Path, issue: str, repeat: int) -> dict[str, list[float]]:
    """The queries alone: each run on a fresh read-only connection, opened untimed."""
    from isamail.context import Project
    from isamail.db.readonly import read_only
    from isamail.reports import edition_reports, issue_detail

    settings = Project.open(project_dir).settings
    results: dict[str, list[float]] = {"edition_reports": [], "issue_detail": []}
    for _ in range(repeat):
        with read_only(settings.database_url) as db:
            start = time.perf_counter()
            edition_reports(db, settings=settings)
            results["edition_reports"].append(time.perf_counter() - start)
        with read_only(settings.database_url) as db:
            start = time.perf_counter()
            issue_detail(db, issue, settings=settings)
            results["issue_detail"].append(time.perf_counter() - start)
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--subscribers", type=int, default=200_000)
    ap.add_argument("--editions", type=int, default=5)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true", help="keep the project and database")
    args = ap.parse_args()

    from isamail.db.engine import make_engine
    from isamail.project import init_project

    work = Path(tempfile.mkdtemp(prefix="isamail-bench-report-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    admin: Engine | None = None
    db_name = ""
    if args.database_url:
        db_name = f"isamail_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(
            args.database_url.replace("postgresql://", "postgresql+psycopg://", 1),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{db_name}"'))
        env["ISAMAIL_DATABASE_URL"] = args.database_url.rsplit("/", 1)[0] + "/" + db_name
    os.environ.update({k: v for k, v in env.items() if k.startswith("ISAMAIL_")})
    project = init_project(work / "project")
    project.close()
    engine = make_engine(
        env.get("ISAMAIL_DATABASE_URL", f"sqlite:///{work / 'project' / 'subscribers.db'}")
    )
    total = args.subscribers * args.editions
    start = time.perf_counter()
    build(engine, args.subscribers, args.editions)
    built = time.perf_counter() - start
    engine.dispose()
    print(
        f"database: {engine.dialect.name}, {args.subscribers:,} subscribers × "
        f"{args.editions} editions = {total:,} deliveries, built in {built:.1f} s"
    )
    issue = f"2026-{args.editions:02d}"
    base = ["--project", str(work / "project")]
    for label, cli_args in (
        ("isamail report", ["report"]),
        (f"isamail report {issue}", ["report", issue]),
        ("isamail report --json", ["report", "--json"]),
        (f"isamail report {issue} --csv", ["report", issue, "--csv"]),
    ):
        show(label, timed([*base, *cli_args], env, args.repeat))
    start = time.perf_counter()
    subprocess.run([str(ISAMAIL), "--help"], env=env, check=True, stdout=subprocess.DEVNULL)
    print(f"{'isamail --help (start-up alone)':<34} {time.perf_counter() - start:6.2f} s")
    # A command costs more than --help: Typer builds a pydantic adapter for each parameter
    # it parses. An issue never sent shows start-up, connecting and the schema check
    # without the counting.
    show(
        "isamail report 1999-01 (not sent)",
        timed([*base, "report", "1999-01"], env, args.repeat, 1),
    )
    for name, times in in_process(work / "project", issue, args.repeat).items():
        print(f"{name + ' (in process)':<34} median {statistics.median(times):6.3f} s")
    if args.keep:
        print(f"kept: {work / 'project'}" + (f", database {db_name}" if db_name else ""))
        return
    shutil.rmtree(work, ignore_errors=True)
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
