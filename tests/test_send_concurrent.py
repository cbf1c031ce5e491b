"""Two `isamail send` processes of the same edition at once share the work: everyone
gets the issue exactly once, and both processes send some of it.

On PostgreSQL the claims use FOR UPDATE SKIP LOCKED; on SQLite BEGIN IMMEDIATE
serialises them. Both run as real processes, started together, against one server.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from isamail.audience.importer import import_subscribers
from isamail.audience.lists import create_list
from isamail.context import Project
from tests.conftest import DATA
from tests.smtpd import SmtpTestServer

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
RECIPIENTS = 340


@pytest.fixture
def newsletter(project: Project) -> Project:
    shutil.copytree(REPO / "issues" / ISSUE, project.issues_dir / ISSUE)
    create_list(project.engine, "isa")
    import_subscribers(project.engine, DATA / "subscribers.csv", "isa", confirmed=True)
    import_subscribers(project.engine, DATA / "subscribers-intl.csv", "isa", confirmed=True)
    return project


def sent_by(stderr: str) -> int:
    """Messages this process sent, from its summary table."""
    found = re.search(r"in diesem Lauf versandt\W+(\d+)", stderr)
    assert found, stderr
    return int(found[1])


@pytest.mark.slow
def test_two_senders_share_one_edition(newsletter: Project) -> None:
    isamail = Path(sys.executable).with_name("isamail")
    # A slow server (50 ms per message, 2 connections per process) keeps the first
    # process from claiming everything before the second has started: a process claims
    # 200 at a time, and again only after sending about 100.
    with SmtpTestServer(delay=0.05) as server:
        env = {
            **os.environ,
            "ISAMAIL_SMTP_URL": server.url,
            "ISAMAIL_SECRET_KEY": "test-secret-key",
            "ISAMAIL_BOUNCE_ADDRESS": "bounces@isa-portal.de",
            "COLUMNS": "200",
            # two commands sharing the edition, one process each (the processes of one
            # command share it the same way: tests/test_send.py)
            "ISAMAIL_SMTP_PROCESSES": "1",
        }
        args = [str(isamail), "-p", str(newsletter.directory), "send", ISSUE]
        args += ["--list", "isa", "--yes", "--connections", "2"]
        children = [
            subprocess.Popen(
                args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(2)
        ]
        outputs = [child.communicate(timeout=180) for child in children]
        for child, (_, err) in zip(children, outputs, strict=True):
            assert child.returncode == 0, err
        got = Counter(r.lower() for m in server.messages for r in m.rcpt_tos)

    assert len(got) == RECIPIENTS and max(got.values()) == 1
    shares = [sent_by(err) for _, err in outputs]
    assert sum(shares) == RECIPIENTS and min(shares) > 0, shares
    report = json.loads(
        subprocess.run(
            [str(isamail), "-p", str(newsletter.directory), "report", ISSUE, "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert report["sent"] == RECIPIENTS and report["queued"] == 0
    assert not any(d["possibly_duplicate"] for d in report["deliveries"])
