"""An issue as read from its folder: plain frozen data, no behaviour beyond lookups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

KINDS = ("editorial", "article")
LANGUAGES = ("de", "en", "zh")
ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Section:
    path: Path
    kind: str  # "editorial" | "article"
    title: str | None
    link: str | None
    link_text: str | None
    body: str  # Markdown source, without the front matter
    # each signature as its lines, e.g. ("Dr. Anna Schneider", "Geschäftsführerin der ISA")
    signatures: tuple[tuple[str, ...], ...] = ()
    body_line: int = 1  # the file's line of the body's first line


@dataclass(frozen=True)
class Issue:
    name: str  # the folder name, e.g. "2021-07"
    path: Path
    title: str
    date: datetime.date
    subject: str
    preheader: str
    language: str
    sections: tuple[Section, ...]  # the editorial (if any) first, then articles in file order
    archive: bool = True  # `archive = false`: never in the public web archive

    @property
    def editorial(self) -> Section | None:
        return next((s for s in self.sections if s.kind == "editorial"), None)

    @property
    def articles(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "article")


@dataclass(frozen=True)
class Problem:
    """Something wrong with an issue, where an editor finds it. An error stops the send;
    a warning is shown and the send goes on."""

    file: str | None  # relative to issues/, e.g. "2021-07/02-artikel.md"; None: the project
    line: int | None
    severity: str  # ERROR or WARNING
    message: str

    def __str__(self) -> str:
        place = self.file or ""
        if self.line is not None:
            place += f":{self.line}"
        return f"{place}: {self.message}" if place else self.message

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR
