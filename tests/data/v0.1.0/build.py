"""Builds the v0.1.0 fixture project with the CLI of isamail 0.1.0 itself.

Run by ``scripts/make-v010-fixture.sh``, which checks out v0.1.0 (commit ed0b3b8) into a
throwaway worktree with its own virtualenv and calls this file with that virtualenv's
Python. Nothing here imports isamail: every step is a command of the old release, so
the database holds exactly what a project of that release holds.

    python build.py PROJECT_DIR --database-url URL --record expected.json --key sqlite

The project gets two lists, imported and added subscribers, a web signup confirmed
through the old `serve`, an unsubscribe, an erasure, a fully sent issue (one recipient
refused by the server), a hard bounce, a soft bounce, a complaint, a one-click
unsubscribe, and a second issue sent only to its first HALF_SENT recipients
(`send --limit`). What the old CLI reported is written to the record file, so that a
test can hold the new code to it.
"""

from __future__ import annotations

import argparse
import csv
import email
import email.policy
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

HERE = Path(__file__).parent
REPO_DATA = HERE.parent
SECRET_KEY = "v010-fixture-key-not-secret-0123456789abcdef"
REFUSED = "refused@wfg-dortmund.example"  # the SMTP server answers 550 for this one
HALF_SENT = 12
ISSUES = ("2020-10", "2021-02")


class Sink:
    """An SMTP server on 127.0.0.1 that keeps every message and refuses REFUSED."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() == REFUSED:
            return "550 5.1.1 user unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 2.0.0 OK queued"

    def received(self) -> list[tuple[str, list[str], bytes]]:
        with self.lock:
            return list(self.messages)

    def wait_for(self, recipient: str, timeout: float = 20.0) -> bytes:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for _, rcpts, data in self.received():
                if recipient in rcpts:
                    return data
            time.sleep(0.05)
        raise SystemExit(f"no mail for {recipient} arrived")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class OldCli:
    def __init__(self, project: Path, env: dict[str, str]) -> None:
        self.binary = str(Path(sys.executable).parent / "isamail")
        self.project = project
        self.env = env

    def __call__(self, *args: str, stdin: str | None = None) -> str:
        done = subprocess.run(
            [self.binary, "--project", str(self.project), *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 3):  # 3: some messages failed permanently (REFUSED)
            raise SystemExit(f"isamail {' '.join(args)}: {done.returncode}\n{done.stderr}")
        return done.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self(*args, "--json"))


def confirm_url(raw: bytes) -> str:
    text = email.message_from_bytes(raw, policy=email.policy.default).get_body(("plain",))
    assert text is not None
    match = re.search(r"https?://\S+/confirm/[A-Za-z0-9_.-]+", text.get_content())
    assert match, "no confirmation link in the mail"
    return match.group(0)


def unsubscribe_url(raw: bytes) -> str:
    header = str(email.message_from_bytes(raw, policy=email.policy.default)["List-Unsubscribe"])
    match = re.search(r"<(https?://[^>]+)>", header)
    assert match, header
    return match.group(1)


def post(url: str, fields: dict[str, Any]) -> None:
    body = urllib.parse.urlencode(fields, doseq=True).encode()
    request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
    request.add_header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) fixture/0.1.0")
    with urllib.request.urlopen(request, timeout=20) as answer:  # noqa: S310
        assert answer.status == 200, answer.status


def returned(
    original: bytes, report_type: str, fields: list[dict[str, str]], subject: str
) -> bytes:
    """A DSN or ARF report about ``original``, as a receiving system mails one back."""
    headers = original.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    envelope_to = email.message_from_bytes(original).get("Return-Path", "")
    outer = EmailMessage()
    outer["From"] = "Mail Delivery System <MAILER-DAEMON@mx.stadt.example>"
    outer["To"] = envelope_to or "bounces@isa-portal.de"
    outer["Subject"] = subject
    outer.set_content("Automatisch erzeugte Nachricht.\n")
    outer.make_mixed()
    kind = (
        "message/feedback-report"
        if report_type == "feedback-report"
        else ("message/delivery-status")
    )
    outer.replace_header("Content-Type", f'multipart/report; report-type="{report_type}"')
    report = Message()
    report["Content-Type"] = kind
    if report_type == "feedback-report":
        report.set_payload("".join(f"{k}: {v}\n" for f in fields for k, v in f.items()))
    else:
        parts = []
        for group in fields:
            part = Message()
            for k, v in group.items():
                part[k] = v
            parts.append(part)
        report.set_payload(parts)
    outer.attach(report)
    original_headers = Message()
    original_headers["Content-Type"] = "text/rfc822-headers"
    original_headers.set_payload(headers.replace("\r\n", "\n"))
    outer.attach(original_headers)
    return outer.as_bytes()


def mbox(path: Path, messages: list[tuple[str, bytes]]) -> None:
    with path.open("wb") as out:
        for envelope_to, raw in messages:
            out.write(b"From MAILER-DAEMON Thu Oct  1 10:00:00 2020\n")
            out.write(f"Delivered-To: {envelope_to}\n".encode())
            body = raw.replace(b"\r\n", b"\n")
            body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
            out.write(body.rstrip(b"\n") + b"\n\n")


def build(project: Path, database_url: str) -> dict[str, Any]:
    sink = Sink()
    smtp = Controller(sink, hostname="127.0.0.1", port=free_port())
    smtp.start()
    web_port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")},
        "ISAMAIL_DATABASE_URL": database_url,
        "ISAMAIL_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
        "ISAMAIL_BASE_URL": f"http://127.0.0.1:{web_port}",
    }
    cli = OldCli(project, env)
    server: subprocess.Popen[bytes] | None = None
    try:
        cli("init", str(project))
        shutil.copy(HERE / "isamail.toml", project / "isamail.toml")
        for issue in ISSUES:
            shutil.copytree(HERE / "issues" / issue, project / "issues" / issue)

        cli("lists", "create", "isa-newsletter", "--title", "ISA-Newsletter")
        cli("lists", "create", "isa-presse", "--title", "ISA-Presseverteiler", "--private")
        cli(
            "subscribers", "import", str(REPO_DATA / "subscribers-intl.csv"),
            "--list", "isa-newsletter", "--confirmed",
            "--consent-note", "Anmeldeliste Fachkonferenz 2019",
        )  # fmt: skip
        with (REPO_DATA / "subscribers.csv").open(encoding="utf-8") as source:
            rows = list(csv.reader(source))
        press = project / "presse.csv"
        with press.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows[:9])  # the header and eight people
        cli("subscribers", "import", str(press), "--list", "isa-presse", "--confirmed")
        cli("subscribers", "add", REFUSED, "--list", "isa-newsletter", "--confirmed")
        cli("subscribers", "add", "info@müller-gmbh.example", "--list", "isa-presse", "--confirmed")
        cli("subscribers", "add", "offen@stadt-zhaoqing.example", "--list", "isa-newsletter")
        sink.wait_for("offen@stadt-zhaoqing.example")

        server = subprocess.Popen(
            [cli.binary, "--project", str(project), "serve", "--port", str(web_port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{web_port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        signup = f"http://127.0.0.1:{web_port}/subscribe"
        post(
            signup,
            {"email": "leser@isa-web.example", "name": "Lea Leser", "list": "isa-newsletter"},
        )
        post(confirm_url(sink.wait_for("leser@isa-web.example")), {})
        post(signup, {"email": "wartet@isa-web.example", "list": "isa-newsletter"})
        sink.wait_for("wartet@isa-web.example")

        cli("subscribers", "unsubscribe", "kontakt@straße.example")
        cli("subscribers", "forget", "qiang.guo@luoyang-jinlong.example", "--yes")

        before = len(sink.received())
        cli("send", "2020-10", "--list", "isa-newsletter", "--list", "isa-presse", "--yes")
        newsletter = {
            rcpt: (mail_from, data)
            for mail_from, rcpts, data in sink.received()[before:]
            for rcpt in rcpts
        }
        hard, soft, complaint, one_click = sorted(newsletter)[1:5]
        folder = project.parent / "returned.mbox"
        mbox(
            folder,
            [
                (newsletter[hard][0], returned(newsletter[hard][1], "delivery-status", [
                    {"Reporting-MTA": "dns; mx.stadt.example"},
                    {"Final-Recipient": f"rfc822; {hard}", "Action": "failed",
                     "Status": "5.1.1", "Diagnostic-Code": "smtp; 550 5.1.1 user unknown"},
                ], "Undelivered Mail Returned to Sender")),
                (newsletter[soft][0], returned(newsletter[soft][1], "delivery-status", [
                    {"Reporting-MTA": "dns; mx.stadt.example"},
                    {"Final-Recipient": f"rfc822; {soft}", "Action": "delayed",
                     "Status": "4.2.2", "Diagnostic-Code": "smtp; 452 4.2.2 mailbox full"},
                ], "Delayed Mail (still being retried)")),
                (newsletter[complaint][0], returned(newsletter[complaint][1], "feedback-report", [
                    {"Feedback-Type": "abuse", "User-Agent": "ISP-FBL/1.0", "Version": "1",
                     "Original-Rcpt-To": complaint},
                ], "Complaint about message")),
            ],
        )  # fmt: skip
        cli("bounces", "process", "--mbox", str(folder))
        folder.unlink()
        post(unsubscribe_url(newsletter[one_click][1]), {"List-Unsubscribe": "One-Click"})

        before = len(sink.received())
        cli("send", "2021-02", "--list", "isa-newsletter", "--limit", str(HALF_SENT), "--yes")
        half = sorted(r for _, rcpts, _ in sink.received()[before:] for r in rcpts)
        assert len(half) == HALF_SENT, half
        return {
            "lists": cli.json("lists"),
            "report": cli.json("report"),
            "editions": {issue: cli.json("report", issue) for issue in ISSUES},
            "half_sent": {"issue": "2021-02", "list": "isa-newsletter", "received": half},
            "returned": {"hard": hard, "soft": soft, "complaint": complaint,
                         "one_click": one_click},
        }  # fmt: skip
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        smtp.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--record", type=Path, required=True)
    parser.add_argument("--key", required=True, help="sqlite or postgresql")
    args = parser.parse_args()
    facts = build(args.project, args.database_url)
    record = json.loads(args.record.read_text("utf-8")) if args.record.exists() else {}
    record[args.key] = facts
    args.record.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
