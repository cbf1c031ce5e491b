"""What an issue's source says that its format allows but readers should not get: text
left from the scaffold (an error), and the warnings an editor wants before sending.

Every finding names the file and line an editor opens, and says what to write instead.
Runs on the issue as ``draft_issue`` reads it, so a faulty issue gets these too. No
rendering here (``isamail.preflight`` adds what needs the rendered mail).
"""

from __future__ import annotations

import re
from pathlib import Path

from isamail.compose import markdown
from isamail.issues.model import ERROR, WARNING, Issue, Problem, Section
from isamail.issues.parse import ISSUE_FILE, SCAFFOLD_TEXTS

SUBJECT_LIMIT = 80  # mail clients show about 40 (phones) to 80 characters of a subject
IMAGE_BYTES_LIMIT = 500_000


def content_problems(issue: Issue) -> list[Problem]:
    """Scaffold text (errors), then the warnings, each in file order."""
    return [
        *scaffold_left(issue.path),
        *_subject_and_preheader(issue),
        *(p for section in issue.sections for p in _body_warnings(issue, section)),
    ]


def scaffold_left(folder: Path) -> list[Problem]:
    """Lines that still hold a text of `issue new`'s scaffold."""
    found = []
    files = [folder / ISSUE_FILE, *sorted(folder.glob("*.md"))]
    for path in files:
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError):
            continue  # the format check reports these
        for number, line in enumerate(lines, 1):
            if line.lstrip().startswith("#"):
                continue  # a TOML comment of the scaffold is fine
            for text in SCAFFOLD_TEXTS:
                if text in line:
                    found.append(
                        Problem(
                            _where(folder, path),
                            number,
                            ERROR,
                            f"Platzhalter aus der Vorlage steht noch da: „{text}“; "
                            "ersetzen Sie ihn durch Ihren Text (oder löschen Sie die Zeile)",
                        )
                    )
    return found


def _subject_and_preheader(issue: Issue) -> list[Problem]:
    toml = issue.path / ISSUE_FILE
    where = _where(issue.path, toml)
    found = []
    if len(issue.subject) > SUBJECT_LIMIT:
        key = "subject" if _toml_line(toml, "subject") else "title"
        found.append(
            Problem(
                where,
                _toml_line(toml, key),
                WARNING,
                f"Betreff ist {len(issue.subject)} Zeichen lang; Mailprogramme zeigen etwa "
                f"40 bis {SUBJECT_LIMIT} und schneiden den Rest ab. Ein kürzerer Betreff: "
                'subject = "…" in issue.toml',
            )
        )
    if not issue.preheader.strip():
        found.append(
            Problem(
                where,
                _toml_line(toml, "preheader"),
                WARNING,
                "kein Vorschautext: Mailprogramme zeigen nach dem Betreff dann den Anfang der "
                'Mail („Im Browser ansehen …“). Schreiben Sie preheader = "…" in issue.toml',
            )
        )
    return found


def _body_warnings(issue: Issue, section: Section) -> list[Problem]:
    where = _where(issue.path, section.path)
    found = []
    tags: dict[int, list[str]] = {}
    for html in markdown.raw_html(section.body):
        tags.setdefault(html.line, []).append(html.text)
    for line, texts in tags.items():
        found.append(
            Problem(
                where,
                section.body_line + line,
                WARNING,
                f"HTML „{_short(' '.join(dict.fromkeys(texts)))}“ wird Lesern als Text "
                "gezeigt, nicht als Formatierung. Markdown statt HTML: **fett**, *kursiv*, "
                "[Text](https://…), eine Leerzeile für einen neuen Absatz",
            )
        )
    for listed, start in markdown.numbered_lists(section.body):
        if start != 1:
            found.append(
                Problem(
                    where,
                    section.body_line + listed.line,
                    WARNING,
                    f"„{_short(listed.text)}“ wird eine nummerierte Liste, die bei {start} "
                    f"beginnt. Ist die Zahl keine Aufzählung, schreiben Sie „{start}\\.“ "
                    "(mit Backslash) – Daten wie „12. Oktober“ erkennt isamail selbst",
                )
            )
    found += _large_images(issue, section, where)
    return found


def _large_images(issue: Issue, section: Section, where: str) -> list[Problem]:
    found = []
    lines = section.body.split("\n")
    for block, child in markdown.iter_inline(markdown.parse(section.body)):
        src = str(child.attrGet("src") or "") if child.type == "image" else ""
        if not src or "://" in src or ".." in src:
            continue
        try:
            size = (issue.path / src).stat().st_size
        except OSError:
            continue  # missing: the format check says so
        if size > IMAGE_BYTES_LIMIT:
            start, end = block.map or (0, 1)
            line = next((i for i in range(start, end) if src in lines[i]), start)
            found.append(
                Problem(
                    where,
                    section.body_line + line,
                    WARNING,
                    f"Bild „{src}“ ist {size / 1e6:.1f} MB groß: jeder Leser lädt es beim "
                    "Öffnen, auf dem Handy langsam. Auf höchstens 1200 Pixel Breite "
                    f"verkleinert bleibt es meist unter {IMAGE_BYTES_LIMIT // 1000} KB",
                )
            )
    return found


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(folder: Path, path: Path) -> str:
    return f"{folder.name}/{path.relative_to(folder).as_posix()}"


def _toml_line(path: Path, key: str) -> int | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(rf"(?m)^\s*[\"']?{re.escape(key)}[\"']?\s*=", text)
    return text.count("\n", 0, found.start()) + 1 if found else None
