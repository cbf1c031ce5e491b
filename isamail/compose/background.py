"""Composing an issue in a forked child while the caller loads the database layer.

`isamail send` needs the rendered issue (Markdown, Jinja2 and premailer: 0.4–0.6 s with
premailer's import) and SQLAlchemy, SQLModel and the models (0.7–1.1 s to import);
neither needs the other, and the machine sending has more than one core. So ``send``
forks before it imports the database layer, the child composes and hands back the
pickled result through a pipe, and the parent imports meanwhile (bench/bench_send.py).

Where fork does not exist, where other threads run, or where the child fails for any
reason other than a problem in the issue, the issue is composed in this process: the
result, and any error, is then exactly what composing in-process gives.
"""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from isamail.errors import IsamailError

if TYPE_CHECKING:
    from isamail.compose.rendered import RenderedIssue
    from isamail.config import Settings
    from isamail.context import Project


def start_composition(project: Project, issue: str) -> Composition:
    """Starts composing issue ``issue`` of the project; ``result()`` raises NotFound if
    there is none. Even finding the folder is left to the child: the issue parser that
    knows how imports the Markdown parser."""
    return Composition(project.issues_dir, issue, project.settings, project.templates_dir)


def compose_source(
    path: Path, settings: Settings, templates_dir: Path | None
) -> tuple[RenderedIssue, str]:
    """The rendered issue in folder ``path`` and the hash of its sources."""
    from isamail.compose.render import compose_issue
    from isamail.issues.parse import load_issue, source_hash

    return compose_issue(load_issue(path), settings, templates_dir), source_hash(path)


def compose_named(
    issues_dir: Path, issue: str, settings: Settings, templates_dir: Path | None
) -> tuple[RenderedIssue, str]:
    """``compose_source`` of issue ``issue`` under ``issues_dir`` (NotFound if none)."""
    from isamail.issues.parse import resolve_issue

    return compose_source(resolve_issue(issues_dir, issue), settings, templates_dir)


class Composition:
    """An issue being composed; ``result()`` waits for it."""

    def __init__(
        self, issues_dir: Path, issue: str, settings: Settings, templates_dir: Path | None
    ) -> None:
        self._args = (issues_dir, issue, settings, templates_dir)
        self._pid = 0
        self._reader = -1
        # Forking copies only the calling thread; a lock another thread holds would stay
        # locked in the child. The CLI has one thread here; anything else composes inline.
        if not hasattr(os, "fork") or threading.active_count() > 1:
            return
        reader, writer = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            return
        if pid == 0:  # the child: compose, write the outcome, leave without cleanup
            os.close(reader)
            _compose_and_exit(writer, self._args)
        os.close(writer)
        self._pid, self._reader = pid, reader

    def result(self) -> tuple[RenderedIssue, str]:
        if not self._pid:
            return compose_named(*self._args)
        with os.fdopen(self._reader, "rb") as stream:
            data = stream.read()
        pid, self._pid = self._pid, 0
        status = os.waitpid(pid, 0)[1]
        outcome: object = None
        if os.waitstatus_to_exitcode(status) == 0 and data:
            try:
                outcome = pickle.loads(data)  # noqa: S301 - our own child, through a pipe
            except Exception:
                outcome = None
        if isinstance(outcome, IsamailError):
            raise outcome
        if isinstance(outcome, tuple):
            return outcome
        return compose_named(*self._args)


def _compose_and_exit(writer: int, args: tuple[Path, str, Settings, Path | None]) -> None:
    code = 0
    try:
        try:
            outcome: object = compose_named(*args)
        except IsamailError as exc:  # a problem in the issue: the parent reports it
            outcome = exc
        data = pickle.dumps(outcome)
        with os.fdopen(writer, "wb") as stream:
            stream.write(data)
    except BaseException:
        code = 1
    finally:
        os._exit(code)
