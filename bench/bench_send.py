"""Send benchmark: the whole `isamail send` against Postfix's smtp-sink on 127.0.0.1.

In one run, against one smtp-sink, interleaved round by round:

- ``isamail send ISSUE --list bench --yes --connections 4`` in a child process, with
  N recipients (default 10,000), database bookkeeping included: wall time of the
  whole command and its peak memory;
- the same command with the gate switched off (``gate.blocked`` answering "nothing"
  for every delivery, patched in by this script, never in the product): what the
  gate costs;
- ``smtp-source -s 4 -d`` (the C reference client, connections reused, as isamail
  does) with the same message size, and without ``-d`` (a connection per message);
- ``mailmerge`` from PyPI (one connection per message) with a 1 KB message and as
  many rows as recipients, installed into its own venv under bench/out/;
- isamail again on a "1 KB-ish" message (minimal project templates), to compare
  with mailmerge on the same message size.

    .venv/bin/python bench/bench_send.py [--recipients 10000] [--connections 4]
        [--database-url URL] [--skip-small] [--skip-mailmerge]

``--recipients 100000`` is the memory check (target: peak under 150 MB). As root,
smtp-sink runs with ``-u nobody``. Needs the Debian package postfix (smtp-sink and
smtp-source; installing it starts no daemon here).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ISAMAIL = Path(sys.executable).with_name("isamail")
ISSUE = "2020-10"
OUT = HERE / "out"
MAILMERGE_VENV = OUT / "mailmerge-venv"
SMTP_SINK = shutil.which("smtp-sink") or "/usr/sbin/smtp-sink"
SMTP_SOURCE = shutil.which("smtp-source") or "/usr/sbin/smtp-source"

# Minimal templates for the small-message comparison with mailmerge: what is left is
# the headers every isamail mail carries (List-Unsubscribe, Message-ID, …), a short
# text part and a short HTML part.
SMALL_HTML = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ issue.title }}</title></head>
<body><h1>{{ issue.title }}</h1>
<p>Liebe Leserinnen und Leser, die neue Ausgabe ist online:
<a href="{{ web_url }}">{{ web_url }}</a></p>
<p><a href="{{ unsubscribe_url }}">{{ t.unsubscribe }}</a></p></body></html>
"""
SMALL_TEXT = """{{ issue.title }}

Liebe Leserinnen und Leser, die neue Ausgabe ist online: {{ web_url }}

{{ t.unsubscribe }}: {{ unsubscribe_url }}
"""
MAILMERGE_BODY = (
    "Sehr geehrte Damen und Herren,\n\n"
    + (
        "die neue Ausgabe des ISA-Newsletters ist erschienen. Sie berichtet von der "
        "Plenarversammlung, den neuen Mitgliedsstädten und der Studie zur technologischen "
        "Kooperation.\n"
    )
    * 4
    + "\nMit freundlichen Grüßen\nIhre ISA-Redaktion\n"
)


@dataclass
class Measured:
    label: str
    messages: int
    seconds: float
    peak_mib: float | None = None
    size: int | None = None  # bytes per message
    note: str = ""

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as stream:
        return " ".join(stream.read().split()[:3])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def smtp_sink() -> Iterator[int]:
    """smtp-sink on a free port of 127.0.0.1; yields the port."""
    port = free_port()
    args = [SMTP_SINK]
    if os.geteuid() == 0:
        args += ["-u", "nobody"]
    args += [f"127.0.0.1:{port}", "1000"]
    sink = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as probe:
                    probe.recv(100)  # the greeting
                break
            except OSError:
                if sink.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"smtp-sink did not start on port {port}") from None
                time.sleep(0.05)
        yield port
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _tree(pid: int) -> list[int]:
    """pid and its descendants, from /proc."""
    found = [pid]
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as stream:
                for child in stream.read().split():
                    found += _tree(int(child))
    return found


def _pss_kib(pid: int) -> int:
    """Proportional set size: shared pages (a forked process's) counted once in all."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def timed_child(args: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(seconds, peak MiB of this child and its processes, stderr) of one child process.

    The peak is the larger of the child's own peak RSS (``os.wait4``, not
    RUSAGE_CHILDREN, which would be the maximum over every child so far, the 150 MB
    import among them) and the largest sum of the proportional set sizes of it and
    its descendants, sampled every 0.1 s: ``isamail send`` forks a second sending
    process, whose memory the first figure leaves out."""
    start = time.perf_counter()
    child = subprocess.Popen(
        args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    assert child.stderr is not None
    sampled = [0]

    def sample() -> None:
        while child.returncode is None:
            sampled[0] = max(sampled[0], sum(_pss_kib(pid) for pid in _tree(child.pid)))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Read stderr while the child runs (a full pipe would block it); then reap it.
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    if child.returncode != 0:
        sys.stderr.write(err)
        raise SystemExit(f"{args[0]} exited with {child.returncode}")
    return elapsed, max(usage.ru_maxrss, sampled[0]) / 1024, err


def isamail(project: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(ISAMAIL), "-p", str(project), *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stderr


def make_project(
    work: Path, name: str, csv_file: Path, env: dict[str, str], *, small: bool
) -> Path:
    project = work / name
    subprocess.run(
        [str(ISAMAIL), "init", str(project)], env=env, check=True, stderr=subprocess.DEVNULL
    )
    shutil.copytree(REPO / "issues" / ISSUE, project / "issues" / ISSUE)
    if small:
        (project / "templates" / "mail" / "newsletter.html").write_text(SMALL_HTML, "utf-8")
        (project / "templates" / "mail" / "newsletter.txt").write_text(SMALL_TEXT, "utf-8")
    isamail(project, env, "lists", "create", "bench")
    isamail(
        project,
        env,
        "subscribers",
        "import",
        str(csv_file),
        "--list",
        "bench",
        "--confirmed",
        "--consent-note",
        "bench",
    )
    return project


def reset(project: Path, env: dict[str, str]) -> None:
    """Forgets the send, so that the next round sends to everyone again."""
    from sqlalchemy import create_engine, text

    url = env.get("ISAMAIL_DATABASE_URL") or f"sqlite:///{project / 'subscribers.db'}"
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("delivery", "send_run", "edition"):
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
    engine.dispose()


def message_size(project: Path, env: dict[str, str], port: int) -> int:
    """Average bytes per message of this project's send, from `send --dry-run` (which
    logs in at the server on ``port``)."""
    run_env = {**env, "ISAMAIL_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    out = isamail(project, run_env, "send", ISSUE, "--list", "bench", "--dry-run")
    flat = " ".join(out.split())
    found = re.search(r"(\d+) Nachrichten würden jetzt gesendet, zusammen ([\d.]+) MB", flat)
    if not found:
        raise SystemExit(f"cannot read the dry run's message size:\n{out}")
    return round(float(found[2]) * 1e6 / int(found[1]))


# `isamail` with the gate answering "nothing blocked" without asking the database
WITHOUT_GATE = (
    "import sys\n"
    "import isamail.sending.gate as gate\n"
    "gate.blocked = lambda engine, ids: {}\n"
    "from isamail.cli import main\n"
    "sys.argv[0] = 'isamail'\n"
    "main()\n"
)


def send(
    project: Path,
    env: dict[str, str],
    port: int,
    connections: int,
    label: str,
    *,
    gate: bool = True,
) -> Measured:
    run_env = {**env, "ISAMAIL_SMTP_URL": f"smtp://127.0.0.1:{port}"}
    command = [str(ISAMAIL)] if gate else [sys.executable, "-c", WITHOUT_GATE]
    args = [*command, "-p", str(project), "send", ISSUE, "--list", "bench", "--yes"]
    args += ["--connections", str(connections)]
    seconds, peak, err = timed_child(args, run_env)
    flat = " ".join(err.split())
    found = re.search(r"(\d+) Nachrichten in ([\d.]+) s", flat)
    if not found:
        raise SystemExit(f"isamail send printed no summary:\n{err}")
    sent, loop = int(found[1]), float(found[2])
    return Measured(label, sent, seconds, peak, note=f"sending loop alone {sent / loop:,.0f}/s")


def smtp_source(port: int, sessions: int, messages: int, size: int, *, reuse: bool) -> Measured:
    args = [SMTP_SOURCE, "-s", str(sessions), "-m", str(messages), "-l", str(size)]
    if reuse:
        args.append("-d")
    args += ["-f", "from@bench.example", "-t", "to@bench.example", f"127.0.0.1:{port}"]
    seconds, _, _ = timed_child(args)
    label = f"smtp-source -s {sessions}" + (" -d (reuse)" if reuse else "")
    return Measured(label, messages, seconds, size=size)


def ensure_mailmerge() -> Path:
    """mailmerge in its own venv under bench/out/ (never a dependency of the project)."""
    exe = MAILMERGE_VENV / "bin" / "mailmerge"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(MAILMERGE_VENV)], check=True)
        subprocess.run(
            [str(MAILMERGE_VENV / "bin" / "pip"), "install", "--quiet", "mailmerge"], check=True
        )
    return exe


def mailmerge(work: Path, port: int, rows: int) -> Measured:
    exe = ensure_mailmerge()
    folder = work / "mailmerge"
    folder.mkdir(exist_ok=True)
    template = folder / "template.txt"
    template.write_text(
        "TO: {{email}}\nSUBJECT: ISA-Newsletter Oktober 2020\n"
        "FROM: ISA-Newsletter <newsletter@isa-portal.de>\n\n"
        "Hallo {{name}},\n\n" + MAILMERGE_BODY,
        "utf-8",
    )
    database = folder / "database.csv"
    with database.open("w", encoding="utf-8") as stream:
        stream.write("email,name\n")
        for i in range(rows):
            stream.write(f"leser{i}@bench.example,Leser {i}\n")
    config = folder / "server.conf"
    config.write_text(f"[smtp_server]\nhost = 127.0.0.1\nport = {port}\n", "utf-8")
    args = [str(exe), "--no-dry-run", "--no-limit", "--output-format", "raw"]
    args += ["--template", str(template), "--database", str(database), "--config", str(config)]
    seconds, peak, _ = timed_child(args)
    size = len(template.read_text("utf-8").encode()) + 250  # + headers mailmerge adds
    return Measured("mailmerge (connection per message)", rows, seconds, peak, size=size)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recipients", type=int, default=10_000)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument(
        "--mailmerge-rows",
        type=int,
        default=0,
        help="rows for mailmerge (default: as many as --recipients, so that its start-up "
        "weighs as much as isamail's)",
    )
    ap.add_argument("--repeat", type=int, default=3, help="rounds; the best of each counts")
    ap.add_argument("--database-url", default="", help="an EMPTY database (default: SQLite)")
    ap.add_argument("--skip-small", action="store_true", help="no 1 KB isamail run")
    ap.add_argument("--skip-mailmerge", action="store_true")
    ap.add_argument("--skip-gate", action="store_true", help="no run without the gate")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    args = ap.parse_args()
    if args.database_url and not args.skip_small:
        ap.error("with --database-url pass --skip-small (both projects would share it)")

    work = Path(tempfile.mkdtemp(prefix="isamail-bench-send-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env |= {"ISAMAIL_SECRET_KEY": "bench-secret-key", "COLUMNS": "200"}
    if args.database_url:
        env["ISAMAIL_DATABASE_URL"] = args.database_url
    print(f"load before: {load()}", flush=True)
    setup = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            str(HERE / "make_subscribers.py"),
            "--out",
            str(work),
            "--big",
            "--big-rows",
            str(args.recipients),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    csv_file = work / "subscribers-100k.csv"
    project = make_project(work, "isa", csv_file, env, small=False)
    small_project = None
    if not args.skip_small:
        small_project = make_project(work, "small", csv_file, env, small=True)
    print(f"setup: {time.perf_counter() - setup:.1f} s (load {load()})", flush=True)

    n, c, k = args.recipients, args.connections, args.repeat
    loads: list[str] = []
    runs: dict[str, list[Measured]] = {}

    def keep(m: Measured) -> Measured:
        runs.setdefault(m.label, []).append(m)
        return m

    with smtp_sink() as port:
        size = message_size(project, env, port)
        small_size = message_size(small_project, env, port) if small_project else None
        # Interleaved, so that a burst of load from elsewhere on the machine hits
        # isamail and its references alike; the table shows the best of each.
        for i in range(k):
            if i:
                reset(project, env)
            keep(send(project, env, port, c, f"isamail send, ISA issue, {c} conn.")).size = size
            keep(smtp_source(port, c, n, size, reuse=True))
            keep(smtp_source(port, c, n, size, reuse=False))
            if not args.skip_gate:
                reset(project, env)
                label = f"… the same without the gate, {c} conn."
                keep(send(project, env, port, c, label, gate=False)).size = size
            if small_project is not None and small_size is not None:
                if i:
                    reset(small_project, env)
                label = f"isamail send, 1 KB templates, {c} conn."
                keep(send(small_project, env, port, c, label)).size = small_size
                small_source = smtp_source(port, c, n, small_size, reuse=True)
                small_source.label = f"smtp-source -s {c} (1 KB)"
                keep(small_source)
            if not args.skip_mailmerge:
                keep(mailmerge(work, port, args.mailmerge_rows or n))
            loads.append(load())

    best = {label: max(ms, key=lambda m: m.rate) for label, ms in runs.items()}
    for label, ms in runs.items():
        best[label].peak_mib = max((m.peak_mib or 0.0 for m in ms), default=None) or None
    isa, reuse, no_reuse = (best[label] for label in list(runs)[:3])
    reference = reuse  # the reference: smtp-source with connections reused, as isamail
    ungated = best.get(f"… the same without the gate, {c} conn.")
    peer = best.get("mailmerge (connection per message)")
    small = best.get(f"isamail send, 1 KB templates, {c} conn.")
    small_reference = best.get(f"smtp-source -s {c} (1 KB)")
    # (measurement, the smtp-source run at the same message size, the mailmerge run)
    table: list[tuple[Measured, Measured | None, Measured | None]] = [
        (isa, reference, peer if small is None else None),
        (reference, reference, None),
        (no_reuse, reference, None),
    ]
    if ungated is not None:
        table.insert(1, (ungated, reference, None))
    if small is not None and small_reference is not None:
        table += [(small, small_reference, peer), (small_reference, small_reference, None)]
    if peer is not None:
        table.append((peer, small_reference, peer))

    def ratio(a: Measured, b: Measured | None) -> str:
        return f"{a.rate / b.rate:.2f}" if b is not None and b.rate else ""

    print()
    print(
        f"recipients: {n:,}   connections/sessions: {c}   database: "
        f"{args.database_url or 'SQLite (WAL)'}   best of {k}"
    )
    print(f"load (1/5/15 min) after each round: {' | '.join(loads)}")
    print(
        f"{'run':<40}{'msgs':>8}{'size':>8}{'seconds':>9}{'msgs/s':>9}"
        f"{'/ smtp-src':>11}{'/ mailmerge':>12}{'peak MiB':>10}"
    )
    for row, source, peer_row in table:
        peak = "" if row.peak_mib is None else f"{row.peak_mib:.0f}"
        print(
            f"{row.label:<40}{row.messages:>8,}{(row.size or 0) / 1000:>7.1f}K"
            f"{row.seconds:>9.2f}{row.rate:>9,.0f}{ratio(row, source):>11}"
            f"{ratio(row, peer_row):>12}{peak:>10}"
        )
        rates = ", ".join(f"{m.rate:,.0f}" for m in runs[row.label])
        print(f"{'':<4}(all rounds: {rates} msgs/s{'; ' + row.note if row.note else ''})")
    # The same comparisons round by round: the machine's speed changes between rounds
    # (by up to 2x here), and a best-of ratio pairs the best round of one with another's.
    pairs = [(isa.label, reference.label, "isamail / smtp-source -d (ISA issue)")]
    if ungated is not None:
        pairs.append((isa.label, ungated.label, "isamail / isamail without the gate"))
    if small is not None and small_reference is not None:
        pairs.append((small.label, small_reference.label, "isamail / smtp-source (1 KB)"))
        if peer is not None:
            pairs.append((small.label, peer.label, "isamail (1 KB) / mailmerge"))
    for mine, theirs, title in pairs:
        ratios = [a.rate / b.rate for a, b in zip(runs[mine], runs[theirs], strict=True)]
        shown = ", ".join(f"{r:.2f}" for r in ratios)
        print(f"{title}, each round: {shown} (lowest {min(ratios):.2f})")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"work folder: {work}")


if __name__ == "__main__":
    main()
