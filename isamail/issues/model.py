"""An issue as read from its folder: plain frozen data, no behaviour beyond lookups."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path

KINDS = ("editorial", "article")
LANGUAGES = ("de", "en", "zh")


@dataclass(frozen=True)
class Section:
    path: Path
    kind: str  # "editorial" | "article"
    title: str | None
    link: str | None
    link_text: str | None
    body: str  # Markdown source, without the front matter


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

    @property
    def editorial(self) -> Section | None:
        return next((s for s in self.sections if s.kind == "editorial"), None)

    @property
    def articles(self) -> tuple[Section, ...]:
        return tuple(s for s in self.sections if s.kind == "article")
