"""The log of serve and worker: one line per event, text or JSON lines, and never a token
or a credential in it (the access log and the error log of the web endpoint included)."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from isamail import logs
from isamail.context import Project
from isamail.tokens import unsubscribe_token
from isamail.web.app import token_path_prefixes
from isamail.web.routes import router

TOKEN = "Zk9qW3vX7pLmN2rT5yB8cD1eF4gH6jK0"


@pytest.fixture
def captured(project: Project) -> Iterator[io.StringIO]:
    """The process's logging set up by isamail.logs, written to a buffer."""
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    logs.setup(project.settings, service="test", stream=stream)
    yield stream
    for handler in list(root.handlers):
        root.removeHandler(handler)
    for handler in saved[0]:
        root.addHandler(handler)
    root.setLevel(saved[1])


def test_tokens_credentials_and_secrets_are_masked() -> None:
    redact = logs.Redactor(["der-geheime-schluessel-42"])
    line = redact(
        f'127.0.0.1:5123 - "POST /u/{TOKEN} HTTP/1.1" 200; GET /confirm/{TOKEN}?x=1; '
        f"/archive/2021-07?r={TOKEN}&lang=de; /archive/2021-07/images/a.png?p={TOKEN}; "
        "smtp://newsletter:Pa55wort@relay.example:587 imaps://b:x%40y@imap.example/INBOX; "
        "key der-geheime-schluessel-42"
    )
    assert TOKEN not in line
    assert "/u/… " in line and "/confirm/…?x=1" in line
    assert "?r=…&lang=de" in line and "?p=…" in line
    assert "Pa55wort" not in line and "smtp://newsletter:********@relay.example" in line
    assert "x%40y" not in line and "der-geheime-schluessel-42" not in line
    assert redact("/archive/2021-07-sonderausgabe") == "/archive/2021-07-sonderausgabe"


def test_every_route_with_a_token_is_masked() -> None:
    redact = logs.Redactor()
    redact.add_paths(token_path_prefixes())
    routes = [r.path for r in router.routes if "{token}" in getattr(r, "path", "")]
    assert {"/u/{token}", "/confirm/{token}"} <= set(routes)
    for path in routes:
        assert TOKEN not in redact(path.replace("{token}", TOKEN)), path


def test_one_line_per_event_with_the_traceback_folded_in(
    project: Project, captured: io.StringIO
) -> None:
    log = logging.getLogger("isamail.web")
    try:
        raise RuntimeError(f"kaputt bei /confirm/{TOKEN}")
    except RuntimeError as exc:
        log.error("unexpected error on %s %s", "POST", f"/u/{TOKEN}", exc_info=exc)
    log.info("zweite Zeile\nmit Umbruch")
    lines = captured.getvalue().splitlines()
    assert len(lines) == 2
    assert TOKEN not in captured.getvalue()
    assert "ERROR isamail.web: unexpected error on POST /u/… | RuntimeError: kaputt bei" in lines[0]
    assert "test_logs.py:" in lines[0]  # where it happened, on the same line
    assert lines[1].endswith("zweite Zeile | mit Umbruch")


def test_json_lines(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ISAMAIL_LOG_FORMAT", "json")
    opened = Project.open(project.directory)
    stream = io.StringIO()
    root = logging.getLogger()
    saved = list(root.handlers)
    try:
        logs.setup(opened.settings, service="worker", stream=stream)
        logging.getLogger("isamail.worker").info(
            "task %s: %s", "retention", "2 gelöscht", extra={"task": "retention"}
        )
        try:
            raise ValueError("nein")
        except ValueError:
            logging.getLogger("isamail.worker").exception("task failed")
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved:
            root.addHandler(handler)
        opened.close()
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "task retention: 2 gelöscht" and first["task"] == "retention"
    assert (first["level"], first["logger"], first["service"]) == (
        "info",
        "isamail.worker",
        "worker",
    )
    assert first["time"].endswith("Z") and isinstance(first["pid"], int)
    assert second["level"] == "error" and second["error"].startswith("ValueError: nein")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_access_and_error_logs_carry_no_token(project: Project, tmp_path: Path) -> None:
    """The real `isamail serve --access-log`, JSON lines: the paths people's tokens are in
    appear masked, and every line is one JSON object."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env |= {
        "ISAMAIL_DATABASE_URL": project.settings.database_url,
        "ISAMAIL_LOG_FORMAT": "json",
        "ISAMAIL_SMTP_URL": "smtp://newsletter:Pa55wort@127.0.0.1:9",
    }
    log = tmp_path / "serve.log"
    real = unsubscribe_token(project.settings.secret_key, 1)
    with log.open("wb") as out:
        child = subprocess.Popen(
            [str(Path(sys.executable).with_name("isamail")), "-p", str(project.directory),
             "serve", "--port", str(port), "--access-log"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and child.poll() is None, log.read_text()
                time.sleep(0.1)
        for path in (f"/u/{real}", f"/confirm/{TOKEN}", f"/archive/2020-10?r={TOKEN}"):
            httpx.get(base + path, timeout=10)
        httpx.post(f"{base}/u/{real}", data={"List-Unsubscribe": "One-Click"}, timeout=10)
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(30)
    written = log.read_text()
    entries = [json.loads(line) for line in written.splitlines()]
    paths = " ".join(e["message"] for e in entries if e["logger"] == "uvicorn.access")
    assert '"GET /u/… HTTP/1.1"' in paths and '"GET /confirm/… HTTP/1.1"' in paths
    assert '"POST /u/… HTTP/1.1"' in paths and "/archive/2020-10?r=… " in paths
    assert real not in written and TOKEN not in written and "Pa55wort" not in written
    assert {e["service"] for e in entries} == {"serve"}
