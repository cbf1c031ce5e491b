"""Start-up benchmark: how long the read commands take, as staff wait for them.

Builds the demo project (`make demo`'s data: the three sample lists, 2020-10 sent to
them through a local SMTP server) in a temporary folder, then runs each command as a
child process, stdout piped, ROUNDS times, round-robin with `python -c pass` (the same
interpreter's bare start-up) so that every command and its reference see the same
machine. It prints the median and the fastest run of each, and the median over the
reference, which is what the targets are about:

    .venv/bin/python bench/bench_startup.py              # 15 rounds
    .venv/bin/python bench/bench_startup.py --rounds 30

Targets (issue 17): `lists`, `subscribers ls`/`show`, `issue ls`, `report` under 0.5 s
over `python -c pass`; `issue check` under 1 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.smtpd import SmtpTestServer  # noqa: E402 - the repository's test SMTP server

ISAMAIL = str(Path(sys.executable).with_name("isamail"))
SAMPLES = ("subscribers.csv", "subscribers-excel-de.csv", "subscribers-intl.csv")
ISSUE = "2020-10"
IMPORT = ("--list", "isa-newsletter", "--confirmed", "--consent-note", "Demo")
READ_TARGET = 0.5
CHECK_TARGET = 1.0


def build_demo(folder: Path, env: dict[str, str]) -> str:
    """The demo project in ``folder``; returns one subscriber's address."""
    project = folder / "project"
    run = [ISAMAIL, "-p", str(project)]
    subprocess.run([ISAMAIL, "init", str(project)], env=env, check=True, capture_output=True)
    shutil.copytree(REPO / "issues" / ISSUE, project / "issues" / ISSUE)
    subprocess.run([*run, "lists", "create", "isa-newsletter"], env=env, check=True)
    for name in SAMPLES:
        subprocess.run(
            [*run, "subscribers", "import", str(REPO / "tests" / "data" / name), *IMPORT],
            env=env,
            check=True,
            capture_output=True,
        )
    with SmtpTestServer() as server:
        subprocess.run(
            [*run, "send", ISSUE, "--list", "isa-newsletter", "--yes"],
            env={**env, "ISAMAIL_SMTP_URL": server.url},
            check=True,
            capture_output=True,
        )
    listed = subprocess.run(
        [*run, "subscribers", "ls", "--list", "isa-newsletter"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return listed.stdout.splitlines()[1].split("\t")[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        email = build_demo(folder, env)
        env["ISAMAIL_PROJECT"] = str(folder / "project")
        commands: dict[str, list[str]] = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "isamail --help": [ISAMAIL, "--help"],
            "isamail lists": [ISAMAIL, "lists"],
            "isamail subscribers ls": [ISAMAIL, "subscribers", "ls", "-l", "isa-newsletter"],
            "isamail subscribers show": [ISAMAIL, "subscribers", "show", email],
            "isamail report": [ISAMAIL, "report"],
            f"isamail report {ISSUE}": [ISAMAIL, "report", ISSUE],
            f"isamail issue check {ISSUE}": [ISAMAIL, "issue", "check", ISSUE],
        }
        help_text = subprocess.run(
            [ISAMAIL, "issue", "--help"], env=env, capture_output=True, text=True, check=True
        ).stdout
        if " ls " in help_text:
            commands["isamail issue ls"] = [ISAMAIL, "issue", "ls"]
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.rounds):
            for name, command in commands.items():
                started = time.perf_counter()
                subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - started)
    reference = statistics.median(times["python -c pass"])
    load = os.getloadavg()[0]
    print(f"{args.rounds} rounds, load average {load:.2f} at the end")
    print(f"{'command':<34} {'median':>8} {'fastest':>8} {'over ref.':>10} {'target':>8}")
    for name, measured in times.items():
        median = statistics.median(measured)
        over = median - reference
        target = CHECK_TARGET if "check" in name else READ_TARGET
        shown = "" if name.startswith(("python", "isamail --help")) else f"< {target:.1f} s"
        verdict = "" if not shown else ("met" if over < target else "MISSED")
        print(
            f"{name:<34} {median:>7.3f}s {min(measured):>7.3f}s "
            f"{over if name != 'python -c pass' else 0:>9.3f}s {shown:>8} {verdict}"
        )


if __name__ == "__main__":
    main()
