"""The installed `isamail` as staff run it: piped into grep, at an 80-column terminal,
answering its prompt, in German whatever the machine's locale.

Every test runs the console script in a subprocess: piped (no terminal), or with a
pseudo-terminal of 80 columns (COLUMNS=80, pty) for stdin and stdout.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import click
import pytest
import typer

from isamail.context import Project
from tests.conftest import DATA
from tests.smtpd import SmtpTestServer

ISAMAIL = str(Path(sys.executable).with_name("isamail"))
REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
SAMPLES = ("subscribers.csv", "subscribers-excel-de.csv", "subscribers-intl.csv")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def _environment(project: Project, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ISAMAIL_", "LC_", "LANG"))}
    # a server's locale: English and C, which must not make isamail English
    env.update(LANG="en_US.UTF-8", LC_ALL="C.UTF-8", LANGUAGE="en")
    env["ISAMAIL_DATABASE_URL"] = project.settings.database_url
    env["ISAMAIL_PROJECT"] = str(project.directory)
    env.pop("COLUMNS", None)
    env.update(extra)
    return env


def piped(project: Project, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ISAMAIL, *args],
        env=_environment(project, **env),
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
    )


def at_terminal(
    project: Project, *args: str, answer: str | None = None, prompt: str = "[j/N]", **env: str
) -> tuple[int, str]:
    """Runs isamail with stdin, stdout and stderr on a pseudo-terminal of 80 columns;
    ``answer`` is typed once ``prompt`` shows. Returns the status and what it wrote."""
    leader, follower = pty.openpty()
    os.set_blocking(leader, False)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 80, 0, 0))
    process = subprocess.Popen(
        [ISAMAIL, *args],
        env=_environment(project, COLUMNS="80", LINES="40", TERM="xterm-256color", **env),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        close_fds=True,
    )
    os.close(follower)
    seen = b""
    answered = answer is None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the process closed its end
                chunk = b""
            if not chunk and process.poll() is not None:
                break
            seen += chunk
        elif process.poll() is not None:
            break
        if not answered and prompt.encode() in seen:
            os.write(leader, answer.encode() + b"\r")  # type: ignore[union-attr]
            answered = True
    status = process.wait(timeout=30)
    os.close(leader)
    return status, ANSI.sub("", seen.decode("utf-8", "replace")).replace("\r\n", "\n")


@pytest.fixture
def samples(project: Project) -> list[str]:
    """The sample lists imported into the list isa-newsletter; every address on it."""
    assert piped(project, "lists", "create", "isa-newsletter").returncode == 0
    for name in SAMPLES:
        done = piped(
            project,
            "subscribers",
            "import",
            str(DATA / name),
            "--list",
            "isa-newsletter",
            "--confirmed",
            "--consent-note",
            "Test",
        )
        assert done.returncode == 0, done.stderr
    members = json.loads(
        piped(project, "subscribers", "ls", "-l", "isa-newsletter", "--json").stdout
    )
    return [m["email"] for m in members]


def test_piped_every_address_is_whole_on_its_line(project: Project, samples: list[str]) -> None:
    listed = piped(project, "subscribers", "ls", "--list", "isa-newsletter")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split("\t") == ["E-Mail", "Name", "Status"]
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == len(samples) > 400
    assert sorted(row[0] for row in rows) == sorted(samples)
    assert all(len(row) == 3 and row[2] == "bestätigt" for row in rows)
    # what the issue saw: grep for a domain finds every address of it
    domain = "wirtschaftsbote.example"
    assert sum(domain in line for line in lines) == sum(domain in e for e in samples) > 10
    assert "\x1b[" not in listed.stdout
    # a German filter and an English one find the same rows
    german = piped(project, "subscribers", "ls", "-l", "isa-newsletter", "--status", "bestätigt")
    english = piped(project, "subscribers", "ls", "-l", "isa-newsletter", "--status", "confirmed")
    assert german.stdout == english.stdout == listed.stdout


def test_at_80_columns_no_address_breaks(project: Project, samples: list[str]) -> None:
    status, text = at_terminal(project, "subscribers", "ls", "--list", "isa-newsletter")
    assert status == 0, text
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    missing = [e for e in samples if not any(e in line for line in lines)]
    assert missing == []
    status, text = at_terminal(project, "lists")
    assert status == 0 and "isa-newsletter" in text
    for line in text.splitlines():
        assert len(line) <= 80


def test_config_shows_brackets_as_text(project: Project) -> None:
    shown = piped(project, "config")
    assert shown.returncode == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in shown.stdout.splitlines()}
    assert rows["smtp.connections"][2] == "isamail.toml ([smtp] connections)"


# The English sentences of Click and Typer: what a German user must never read.
def _library_sentences() -> set[str]:
    found = set()
    for module in (click, typer):
        for path in Path(module.__file__ or "").parent.glob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "ngettext")
                ):
                    for arg in node.args:
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                            head = re.split(r"[{%\[(]", arg.value)[0].strip(" '")
                            if " " in head:  # a sentence: single words may be German too
                                found.add(head)
    single = {"Aborted", "Usage:", "Options", "Commands", "Arguments", "Error:", "required"}
    return found | single | {"Install completion", "Show completion", "Did you mean"}


MISTAKES = [
    ("sned",),
    ("--help",),
    ("subscribers", "add"),
    ("subscribers", "sohw"),
    ("subscribers", "ls"),
    ("lists", "--nonsense"),
    ("lists", "create", "--help"),
    ("send", "--help"),
    ("send", ISSUE, "--list", "isa", "--rate", "schnell"),
    ("report", "--help"),
    ("issue", "check"),
    ("subscribers", "import", "fehlt.csv", "--list", "isa"),
    ("serve", "--port", "achtzig"),
    (),
    ("db",),
    ("db", "sohw"),
    ("db", "restore"),
    ("worker", "--help"),
    ("worker", "--task", "nix"),
    ("bounces", "ls", "--limit", "null"),
    ("bounces", "apply"),
    ("bounces", "process", "--mbox", "a", "--maildir", "b"),
    ("archive", "hide"),
    ("doctor", "--help"),
    ("dkim",),
    ("dkim", "keygen", "--bits", "viel"),
    ("issue", "ls", "--help"),
    ("subscribers", "retention", "--help"),
    ("send", ISSUE, "--to"),
]


def test_no_english_sentence_of_click_or_typer_reaches_a_german_user(project: Project) -> None:
    sentences = _library_sentences()
    assert {"No such command", "Missing argument", "Show this message and exit."} <= sentences
    for args in MISTAKES:
        result = piped(project, *args)
        text = result.stdout + result.stderr
        assert "Traceback" not in text
        leaked = sorted(s for s in sentences if re.search(rf"\b{re.escape(s)}\b", text))
        assert leaked == [], (args, leaked, text)
        assert not re.search(r"^Fehler:\s*$", text, re.MULTILINE), (args, text)
    unknown = piped(project, "sned")
    assert unknown.returncode == 2
    assert unknown.stderr.splitlines() == [
        "Fehler: Unbekannter Befehl „sned“. Meinten Sie „send“?",
        "  Hilfe: isamail --help",
    ]
    status, text = at_terminal(project, "--help")
    assert status == 0 and "Diese Hilfe zeigen und beenden." in text and "<bool>" not in text
    assert not [s for s in sentences if re.search(rf"\b{re.escape(s)}\b", text)]


def test_english_is_a_setting_not_the_locale(project: Project) -> None:
    unknown = piped(project, "sned", ISAMAIL_LANG="en")
    assert unknown.stderr.splitlines()[0] == "Error: No such command 'sned'. Did you mean \"send\"?"
    listed = piped(project, "lists", ISAMAIL_LANG="en")
    assert listed.returncode == 0 and "No lists yet" in listed.stderr
    config = project.directory / "isamail.toml"
    config.write_text(config.read_text() + '\n[terminal]\nlanguage = "en"\n', encoding="utf-8")
    assert "No lists yet" in piped(project, "lists").stderr


def test_j_answers_the_send_prompt(project: Project, samples: list[str]) -> None:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    with SmtpTestServer() as server:
        env = {"ISAMAIL_SMTP_URL": server.url, "ISAMAIL_SECRET_KEY": "test-secret-key"}
        status, text = at_terminal(
            project, "send", ISSUE, "--list", "isa-newsletter", answer="j", **env
        )
        assert status == 0, text
        assert "Nachrichten jetzt senden? [j/N]" in text
        assert len(server.messages) == len(samples)
        report = json.loads(piped(project, "report", "--json").stdout)
        assert report[0]["sent"] == len(samples)
        assert isinstance(report[0]["possibly_duplicated"], int)
        detail = json.loads(piped(project, "report", ISSUE, "--json").stdout)
        assert isinstance(detail["possibly_duplicated"], int)


def test_n_and_nothing_send_nothing(project: Project, samples: list[str]) -> None:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    with SmtpTestServer() as server:
        env = {"ISAMAIL_SMTP_URL": server.url, "ISAMAIL_SECRET_KEY": "test-secret-key"}
        status, text = at_terminal(
            project, "send", ISSUE, "--list", "isa-newsletter", answer="nein", **env
        )
        assert status == 1 and "Abgebrochen." in text
        assert server.messages == []


def test_export_opens_in_german_excel(project: Project, samples: list[str], tmp_path: Path) -> None:
    """As German Excel reads a CSV it opens by double-click: UTF-8 only after a byte order
    mark, fields separated by its list separator, the semicolon."""
    target = tmp_path / "export.csv"
    done = piped(project, "subscribers", "export", "--list", "isa-newsletter", "-o", str(target))
    assert done.returncode == 0, done.stderr
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header == ["email", "name", "organisation", "city", "country", "language", "status"]
    assert len(body) == len(samples)
    assert all(len(row) == len(header) for row in body)
    assert {row[0] for row in body} == set(samples)
    assert any("ü" in row[1] or "ö" in row[1] for row in body)  # umlauts read back
    assert {row[6] for row in body} == {"confirmed"}  # values stay English
    # for scripts: commas, no BOM
    plain = piped(project, "subscribers", "export", "-l", "isa-newsletter", "--delimiter", ",")
    assert not plain.stdout.startswith("\ufeff")
    assert next(csv.reader(io.StringIO(plain.stdout))) == header


def test_a_mistyped_list_suggests_the_existing_one(project: Project, samples: list[str]) -> None:
    typo = piped(project, "subscribers", "ls", "--list", "isa-newsleter")
    assert typo.returncode == 1
    assert "Meinten Sie isa-newsletter?" in typo.stderr
    assert "lists create isa-newsleter" not in typo.stderr
    assert "isa-newsleter" not in piped(project, "lists").stdout.split()


def test_a_busy_port_is_one_german_line_and_status_1(project: Project) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = piped(project, "serve", "--port", str(port))
    assert busy.returncode == 1
    assert busy.stderr.splitlines()[0] == (
        f"Fehler: Port {port} auf 127.0.0.1 ist schon belegt: läuft isamail serve schon?"
    )


def test_a_missing_secret_key_is_a_whole_sentence(project: Project) -> None:
    config = project.directory / "isamail.toml"
    config.write_text(re.sub(r'secret_key = ".*"', 'secret_key = ""', config.read_text()))
    refused = piped(project, "serve", "--port", "0")
    assert refused.returncode == 1
    assert refused.stderr.startswith(
        "Fehler: secret_key fehlt: ohne diesen Schlüssel kann isamail Bestätigungs- und "
        "Abmeldelinks nicht prüfen und startet den Webserver nicht. Setzen Sie ihn in "
    )


def test_check_errors_keep_the_file_name_on_their_line(project: Project) -> None:
    folder = project.issues_dir / ISSUE
    shutil.copytree(REPO / "issues" / ISSUE, folder)
    section = sorted(folder.glob("*.md"))[1]
    text = section.read_text(encoding="utf-8")
    section.write_text(text.replace("title: ", 'title: "ohne Ende ', 1), encoding="utf-8")
    (folder / "issue.toml").write_text(
        (folder / "issue.toml").read_text(encoding="utf-8") + "\ntitle = 'zweimal'\n",
        encoding="utf-8",
    )
    checked = piped(project, "issue", "check", ISSUE)
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith(f"{ISSUE}/") for line in lines)
    assert f"{ISSUE}/issue.toml:" in lines[0] and "zweimal angegeben" in lines[0]
    quote_line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("title: "))
    assert lines[1].startswith(f"{ISSUE}/{section.name}:{quote_line}: ")
    assert "Anführungszeichen" in lines[1]
    data = json.loads(piped(project, "issue", "check", ISSUE, "--json").stdout)
    assert data["ok"] is False
    assert {tuple(p) for p in data["problems"]} == {("file", "line", "severity", "message")}
    assert [p["line"] for p in data["problems"]] == [
        int(lines[0].split(":")[1]),
        quote_line,
    ]


def test_the_newer_commands_follow_the_same_rules(project: Project) -> None:
    """worker status, issue ls and db status: tab-separated under a header in a pipe,
    within 80 columns at a terminal with nothing broken, times in JSON as ISO UTC."""
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    ran = piped(project, "worker", "--task", "retention")
    assert ran.returncode == 0, ran.stderr
    status = piped(project, "worker", "status")
    assert status.returncode == 0, status.stderr
    workers, tasks = status.stdout.split("\n\n")
    assert workers.splitlines()[0].split("\t") == [
        "Worker", "Rechner", "PID", "Version", "Lebenszeichen", "Zustand",
    ]  # fmt: skip
    (worker,) = [line.split("\t") for line in workers.splitlines()[1:]]
    assert worker[5] == "beendet"
    assert tasks.splitlines()[0].split("\t")[0] == "Aufgabe"
    assert tasks.splitlines()[1].startswith("retention\t")
    data = json.loads(piped(project, "worker", "status", "--json").stdout)
    iso_utc = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")
    assert iso_utc.fullmatch(data["workers"][0]["started_at"])
    assert iso_utc.fullmatch(data["tasks"][0]["last_finished_at"])
    issues = piped(project, "issue", "ls")
    assert issues.stdout.splitlines()[0].split("\t")[:3] == ["Ausgabe", "Titel", "Stand"]
    assert issues.stdout.splitlines()[1].startswith(f"{ISSUE}\t")
    db = piped(project, "db", "status")
    assert db.stdout.startswith("Schemastand ") and len(db.stdout.splitlines()) == 1
    shown = {}
    for args in (("worker", "status"), ("issue", "ls")):
        code, shown[args[0]] = at_terminal(project, *args)
        assert code == 0, shown[args[0]]
        assert all(len(line) <= 80 for line in shown[args[0]].splitlines()), shown[args[0]]
    assert worker[0] in shown["worker"] and ISSUE in shown["issue"]
    english = piped(project, "worker", "status", ISAMAIL_LANG="en")
    assert english.stdout.splitlines()[0].split("\t")[1] == "Host"
    assert "stopped" in english.stdout and "beendet" not in english.stdout
