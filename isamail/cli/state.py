"""What the root command hands to every command: the project folder, opened on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer

from isamail import i18n
from isamail.context import Project


@dataclass
class State:
    project_dir: Path
    debug: bool = False
    _project: Project | None = field(default=None, repr=False)

    @property
    def project(self) -> Project:
        if self._project is None:
            self._project = Project.open(self.project_dir)
            settings = self._project.settings
            # the project's settings are now read whole (and checked): they decide
            i18n.activate(settings["terminal.language"], settings["terminal.timezone"])
        return self._project

    def close(self) -> None:
        if self._project is not None:
            self._project.close()


def project(ctx: typer.Context) -> Project:
    state = ctx.find_root().obj
    assert isinstance(state, State)
    return state.project
