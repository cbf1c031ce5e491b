"""Import benchmark: 100,000 subscribers (make_subscribers.py --big) into a fresh project.

Runs the real CLI in a subprocess, twice (first import, then the same file again),
and reports wall time, CPU time, peak memory of that process and the load average
at its end; --repeat does it again on fresh projects. For scale it also times plain
sqlite3 executemany of the same rows in the same run.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--repeat N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ISAMAIL = Path(sys.executable).with_name("isamail")


def run(args: list[str], env: dict[str, str]) -> tuple[float, float, float, float]:
    """(wall seconds, CPU seconds, peak MiB, load) of one isamail run in a child process. CPU
    time is shown too because it moves less than wall time when other jobs share the cores.
    The child's own rusage (wait4), not RUSAGE_CHILDREN: that one's ru_maxrss is the largest
    of all children so far, make_subscribers.py's included."""
    start = time.perf_counter()
    child = subprocess.Popen([str(ISAMAIL), *args], env=env, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise subprocess.CalledProcessError(child.returncode, child.args)
    cpu = usage.ru_utime + usage.ru_stime
    return elapsed, cpu, usage.ru_maxrss / 1024, os.getloadavg()[0]


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
    ap.add_argument("--repeat", type=int, default=1, help="first import + re-import pairs")
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isamail-bench-import-"))
    try:
        measure(args, work)
    finally:
        shutil.rmtree(work)  # a CSV and databases of ~75 MB a run


def measure(args: argparse.Namespace, work: Path) -> None:
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
    results = []
    for n in range(args.repeat):
        # a fresh project each time; with --database-url the database is the same one, so
        # only the first pair starts from an empty table there
        project = work / f"project{n}"
        subprocess.run(
            [str(ISAMAIL), "init", str(project)], env=env, check=True, stderr=subprocess.DEVNULL
        )
        subprocess.run(
            [str(ISAMAIL), "-p", str(project), "lists", "create", f"bench{n}"],
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
            f"bench{n}",
            "--confirmed",
            "--consent-note",
            "bench",
            "--json",
        ]
        results += [
            ("isamail import (new list)", *run(cmd, env)),
            ("isamail import (same file again)", *run(cmd, env)),
        ]
    baseline = plain_sqlite(work / "plain.db", big)
    db = args.database_url or "SQLite (WAL)"
    print(f"rows: {args.rows:,}   database: {db}")
    print(f"{'run':<34}{'seconds':>9}{'CPU s':>8}{'rows/s':>10}{'peak MiB':>10}{'load':>7}")
    for label, wall, cpu, mem, load in results:
        print(
            f"{label:<34}{wall:>9.2f}{cpu:>8.2f}{args.rows / wall:>10,.0f}{mem:>10.0f}{load:>7.2f}"
        )
    print(f"{'plain sqlite3 executemany':<34}{baseline:>9.2f}{'':>8}{args.rows / baseline:>10,.0f}")


if __name__ == "__main__":
    main()
