"""Composing in a forked child (compose.background) gives what composing in-process gives.

Run in a fresh interpreter: pytest's own threads make ``Composition`` compose inline,
and the point here is the child."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.test_issues import CORPUS

SCRIPT = r"""
import json, sys
from dataclasses import asdict
from pathlib import Path
from isamail.compose.background import Composition, compose_source
from isamail.config import load_settings
from isamail.errors import IssueError

path, project = Path(sys.argv[1]), Path(sys.argv[2])
settings = load_settings(project, {"ISAMAIL_BASE_URL": "https://isa.example"})
composition = Composition(path.parent, path.name, settings, None)
forked = composition._pid != 0
try:
    rendered, digest = composition.result()
except IssueError as exc:
    print(json.dumps({"forked": forked, "error": str(exc), "problems": exc.problems}))
    sys.exit(0)
inline, inline_digest = compose_source(path, settings, None)
same = asdict(rendered) == asdict(inline) and digest == inline_digest
print(json.dumps({"forked": forked, "same": same, "subject": rendered.subject}))
"""


def run(path: Path, project: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(path), str(project)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_the_child_composes_what_this_process_would(tmp_path: Path) -> None:
    result = run(CORPUS / "2020-10", tmp_path)
    assert result == {"forked": True, "same": True, "subject": "ISA-Newsletter Oktober 2020"}


def test_a_broken_issue_reports_its_problems_from_the_child(tmp_path: Path) -> None:
    broken = tmp_path / "2020-10"
    shutil.copytree(CORPUS / "2020-10", broken)
    (broken / "issue.toml").write_text('title = "ohne Ende\n', encoding="utf-8")
    result = run(broken, tmp_path)
    assert result["forked"] is True
    assert result["error"] == "Ausgabe 2020-10 hat 1 Fehler:"
    problems = result["problems"]
    assert isinstance(problems, list) and len(problems) == 1
    assert str(problems[0]).startswith("2020-10/issue.toml:1: kein gültiges TOML")
