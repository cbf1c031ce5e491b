"""Import benchmark: 100,000 subscribers (make_subscribers.py --big) into a fresh project.

Runs the real CLI in a subprocess, twice (first import, then the same file again),
and reports wall time and peak memory (ru_maxrss of the child). For scale it also
times plain sqlite3 executemany of the same rows in the same run.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ISAMAIL = Path(sys.executable).with_name("isamail")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, peak MiB) of one isamail run in a child process. CPU time
    is shown too because it moves less than wall time when other jobs share the cores."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([str(ISAMAIL), *args], env=env, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    # ru_maxrss of children is the maximum over all children so far
    return elapsed, cpu, after.ru_maxrss / 1024


def plain_sqlite(path: Path, rows_file: Path) -> float:
    with rows_file.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    db = sqlite3.connect(path)
    db.execute(
        "create table t (email text unique, name text, org text, city text, "
        "country text, language text)"
    )
    start = time.perf_counter()
    with db:
        db.executemany("insert into t values (?,?,?,?,?,?)", rows)
    elapsed = time.perf_counter() - start
    db.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isamail-bench-import-"))
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_subscribers.py"),
            "--out",
            str(work),
            "--big",
            "--big-rows",
            str(args.rows),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    big = work / "subscribers-100k.csv"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    if args.database_url:
        env["ISAMAIL_DATABASE_URL"] = args.database_url
    project = work / "project"
    subprocess.run(
        [str(ISAMAIL), "init", str(project)], env=env, check=True, stderr=subprocess.DEVNULL
    )
    subprocess.run(
        [str(ISAMAIL), "-p", str(project), "lists", "create", "bench"],
        env=env,
        check=True,
        stderr=subprocess.DEVNULL,
    )
    cmd = [
        "-p",
        str(project),
        "subscribers",
        "import",
        str(big),
        "--list",
        "bench",
        "--confirmed",
        "--consent-note",
        "bench",
        "--json",
    ]
    results = [
        ("isamail import (new list)", *run(cmd, env)),
        ("isamail import (same file again)", *run(cmd, env)),
    ]
    baseline = plain_sqlite(work / "plain.db", big)
    db = args.database_url or "SQLite (WAL)"
    print(f"rows: {args.rows:,}   database: {db}   load: {os.getloadavg()[0]:.2f}")
    print(f"{'run':<34}{'seconds':>9}{'CPU s':>8}{'rows/s':>10}{'peak MiB':>10}")
    for label, wall, cpu, mem in results:
        print(f"{label:<34}{wall:>9.2f}{cpu:>8.2f}{args.rows / wall:>10,.0f}{mem:>10.0f}")
    print(f"{'plain sqlite3 executemany':<34}{baseline:>9.2f}{'':>8}{args.rows / baseline:>10,.0f}")


if __name__ == "__main__":
    main()
