"""The one object both front ends build: a project's settings and its database."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from isamail.config import Settings, find_project, load_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine


@dataclass
class Project:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @classmethod
    def open(cls, directory: Path) -> Project:
        return cls(load_settings(find_project(directory)))

    @property
    def directory(self) -> Path:
        return self.settings.project_dir

    @property
    def issues_dir(self) -> Path:
        return self.directory / "issues"

    @property
    def templates_dir(self) -> Path:
        return self.directory / "templates"

    @property
    def engine(self) -> Engine:
        """Opened on first use, so that commands without a database stay fast; a schema
        older or newer than this code is refused (see ``db/schema.py``)."""
        if self._engine is None:
            # imported here: commands that never touch the database start without SQLAlchemy
            from isamail.db.engine import make_engine

            self._engine = make_engine(self.settings.database_url)
        return self._engine

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
