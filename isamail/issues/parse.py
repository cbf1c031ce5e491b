"""The one module that knows the issue source format (see issue-format.md).

Reading collects every problem of an issue, each as "file:line: message", before it
gives up, so that an editor fixes them all in one round. Nothing here touches the
database or renders anything.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from isamail.compose import markdown
from isamail.errors import IssueError, NotFound
from isamail.issues.model import KINDS, LANGUAGES, Issue, Section

ISSUE_FILE = "issue.toml"
TOML_KEYS = {"title", "date", "subject", "preheader", "language"}
TOML_REQUIRED = ("title", "date")
FRONT_MATTER_KEYS = {"kind", "title", "link", "link_text"}
NAME_PATTERN = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])(?:-[a-z0-9][a-z0-9-]*)?")
_FENCE = "---"


@dataclass
class _Problems:
    folder: Path
    items: list[str] = field(default_factory=list)

    def add(self, path: Path | None, line: int | None, message: str) -> None:
        place = f"{self.folder.name}/" if path is None else self.where(path)
        if line is not None:
            place += f":{line}"
        self.items.append(f"{place}: {message}")

    def where(self, path: Path) -> str:
        return f"{self.folder.name}/{path.relative_to(self.folder).as_posix()}"


def load_issue(path: Path) -> Issue:
    """The issue in folder ``path``; IssueError listing every problem if it is malformed."""
    issue, problems = _read(path)
    if problems or issue is None:
        count = len(problems)
        raise IssueError(
            f"Ausgabe {path.name} hat {count} Fehler" + (":" if count else "."),
            problems=problems,
        )
    return issue


def check_issue(path: Path) -> list[str]:
    """Every problem of the issue in ``path`` ("file:line: message"); empty when clean."""
    return _read(path)[1]


def _read(folder: Path) -> tuple[Issue | None, list[str]]:
    problems = _Problems(folder)
    if not folder.is_dir():
        problems.add(None, None, "Ordner der Ausgabe fehlt")
        return None, problems.items
    meta = _read_toml(folder / ISSUE_FILE, problems)
    files = sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith("."))
    sections = [s for s in (_read_section(p, folder, problems) for p in files) if s]
    if not files:
        problems.add(None, None, "keine Abschnitte: die Ausgabe braucht mindestens eine .md-Datei")
    editorials = [s for s in sections if s.kind == "editorial"]
    for extra in editorials[1:]:
        problems.add(
            extra.path,
            _key_line(extra.path, "kind"),
            f"zweites Grußwort (kind: editorial); das erste steht in "
            f"{problems.where(editorials[0].path)}",
        )
    if problems.items or meta is None:
        return None, problems.items
    ordered = tuple(editorials[:1] + [s for s in sections if s.kind == "article"])
    title: str = meta["title"]
    issue = Issue(
        name=folder.name,
        path=folder,
        title=title,
        date=meta["date"],
        subject=meta.get("subject") or title,
        preheader=meta.get("preheader", ""),
        language=meta.get("language", "de"),
        sections=ordered,
    )
    return issue, []


# --- issue.toml -------------------------------------------------------------------------


def _read_toml(path: Path, problems: _Problems) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.add(path, None, f"{ISSUE_FILE} fehlt (mit title und date)")
        return None
    except UnicodeDecodeError:
        problems.add(path, None, "ist nicht in UTF-8 gespeichert")
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        reason = re.sub(r" \(at .*\)$", "", str(exc))
        problems.add(path, line, f"kein gültiges TOML: {reason}")
        return None
    before = len(problems.items)

    def line_of(key: str) -> int | None:
        found = re.search(rf"(?m)^\s*[\"']?{re.escape(key)}[\"']?\s*=", text)
        return text.count("\n", 0, found.start()) + 1 if found else None

    for key in sorted(set(data) - TOML_KEYS):
        allowed = ", ".join(sorted(TOML_KEYS))
        problems.add(path, line_of(key), f"unbekannter Schlüssel „{key}“ (erlaubt: {allowed})")
    for key in TOML_REQUIRED:
        if key not in data:
            problems.add(path, None, f"Schlüssel „{key}“ fehlt")
    for key in ("title", "subject", "preheader"):
        if key in data and not isinstance(data[key], str):
            problems.add(path, line_of(key), f"{key} muss ein Text in Anführungszeichen sein")
    if "title" in data and isinstance(data["title"], str) and not data["title"].strip():
        problems.add(path, line_of("title"), "title ist leer")
    date = data.get("date")
    if "date" in data and (
        not isinstance(date, datetime.date) or isinstance(date, datetime.datetime)
    ):
        problems.add(
            path,
            line_of("date"),
            "date muss ein TOML-Datum ohne Anführungszeichen sein, z. B. date = 2021-07-01",
        )
    language = data.get("language", "de")
    if language not in LANGUAGES:
        problems.add(
            path, line_of("language"), f"language „{language}“ gibt es nicht (de, en oder zh)"
        )
    return data if len(problems.items) == before else None


# --- section files ----------------------------------------------------------------------


def _split_front_matter(text: str) -> tuple[str, str, int] | None:
    """(front matter, body, line number of the body's first line), or None without one."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() == _FENCE:
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1 :]), i + 2
    return None


def _read_section(path: Path, folder: Path, problems: _Problems) -> Section | None:
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        problems.add(path, None, "ist nicht in UTF-8 gespeichert")
        return None
    split = _split_front_matter(text)
    if split is None:
        problems.add(
            path,
            1,
            "Front Matter fehlt: die Datei muss mit --- beginnen, z. B. "
            "„---\\nkind: article\\ntitle: …\\n---“",
        )
        return None
    front, body, body_line = split
    before = len(problems.items)
    meta = _front_matter(path, front, problems)
    if meta is None:
        return None
    values, lines = meta
    kind = values.get("kind")
    if "kind" not in values:
        problems.add(path, 1, "Schlüssel „kind“ fehlt (editorial oder article)")
    elif kind not in KINDS:
        problems.add(path, lines["kind"], f"unbekannte Art „{kind}“ (kind: editorial oder article)")
    for key in ("title", "link", "link_text"):
        if key in values and values[key] is not None and not isinstance(values[key], str):
            problems.add(path, lines[key], f"{key} muss ein Text sein (in Anführungszeichen)")
    title = values.get("title")
    if kind == "article" and not (isinstance(title, str) and title.strip()):
        problems.add(path, lines.get("title", 1), "ein Artikel braucht einen Titel (title: …)")
    link = values.get("link")
    if isinstance(link, str) and (problem := markdown.link_problem(link)):
        problems.add(path, lines["link"], problem)
    _check_body(path, folder, body, body_line, problems)
    if len(problems.items) > before:
        return None
    return Section(
        path=path,
        kind=str(kind),
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        link=link.strip() if isinstance(link, str) and link.strip() else None,
        link_text=values.get("link_text") or None,
        body=body.strip("\n") + "\n",
    )


def _front_matter(
    path: Path, front: str, problems: _Problems
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The front matter's values and the (file) line of each key."""
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 2 if mark is not None else 1  # +1 for 0-based, +1 for the ---
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.add(path, line, f"Front Matter ist kein gültiges YAML: {reason}")
        return None
    finally:
        loader.dispose()
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode | type(None)):
        problems.add(path, 2, "Front Matter muss aus Zeilen „schlüssel: wert“ bestehen")
        return None
    lines: dict[str, int] = {}
    for key_node, _ in node.value if node is not None else ():
        lines[str(key_node.value)] = key_node.start_mark.line + 2
    for key in sorted(
        (str(k) for k in values if k not in FRONT_MATTER_KEYS), key=lambda k: lines.get(k, 0)
    ):
        allowed = ", ".join(sorted(FRONT_MATTER_KEYS))
        problems.add(path, lines.get(key, 2), f"unbekannter Schlüssel „{key}“ (erlaubt: {allowed})")
    return values, lines


def _check_body(path: Path, folder: Path, body: str, first_line: int, problems: _Problems) -> None:
    source_lines = body.split("\n")
    for block, child in markdown.iter_inline(markdown.parse(body)):
        start, end = block.map or (0, 1)
        if child.type == "link_open":
            url = str(child.attrGet("href") or "")
            problem = markdown.link_problem(url)
        else:
            url = str(child.attrGet("src") or "")
            problem = _image_problem(folder, url, child.content)
        if problem:
            # the exact line of the URL inside a multi-line paragraph, if it can be found
            offset = next((i for i in range(start, end) if url and url in source_lines[i]), start)
            problems.add(path, first_line + offset, problem)


def _image_problem(folder: Path, src: str, alt: str) -> str | None:
    parts = urlsplit(src)
    if parts.scheme in ("http", "https") and parts.hostname:
        problem = None
    elif parts.scheme or parts.netloc or not parts.path:
        problem = f"Bild „{src}“: erlaubt sind Dateien im Ordner images/ oder https-Adressen"
    else:
        relative = PurePosixPath(unquote(parts.path))
        inside = not relative.is_absolute() and ".." not in relative.parts
        if not inside or not (folder / relative).is_file():
            problem = f"Bild „{src}“ fehlt (erwartet in {folder.name}/{relative})"
        else:
            problem = None
    if problem is None and not alt.strip():
        problem = f"Bild „{src}“ hat keinen Alternativtext: ![Beschreibung]({src})"
    return problem


def _key_line(path: Path, key: str) -> int | None:
    """Line of a front-matter key in a file already read once (for cross-file problems)."""
    for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return None


# --- folders ----------------------------------------------------------------------------


def source_hash(path: Path) -> str:
    """SHA-256 over the names and bytes of the issue's files, to notice edits made after
    an edition was frozen. Hidden files and editor backups (``~``) do not count."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path)
        if any(part.startswith(".") for part in relative.parts) or file.name.endswith("~"):
            continue
        data = file.read_bytes()
        name = relative.as_posix().encode("utf-8")
        digest.update(len(name).to_bytes(4, "big") + name + len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def resolve_issue(issues_dir: Path, name: str) -> Path:
    """The folder of issue ``name`` (its folder name under ``issues/``)."""
    clean = name.strip().rstrip("/")
    if clean.startswith("issues/"):  # tab completion from the project folder
        clean = clean[len("issues/") :]
    folder = issues_dir / clean
    if clean and "/" not in clean and clean not in (".", "..") and folder.is_dir():
        return folder
    known = known_issues(issues_dir)
    raise NotFound(
        f"Ausgabe „{name}“ gibt es nicht in {issues_dir}.",
        hint=(
            "Vorhandene Ausgaben: " + ", ".join(known)
            if known
            else "Noch keine Ausgaben; eine neue anlegen mit: isamail issue new JJJJ-MM"
        ),
    )


def known_issues(issues_dir: Path) -> list[str]:
    if not issues_dir.is_dir():
        return []
    return sorted(p.name for p in issues_dir.iterdir() if (p / ISSUE_FILE).is_file())


_MONTHS_DE = "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"

_SCAFFOLD_TOML = """\
title = "ISA-Newsletter {month} {year}"
date = {year}-{month_number:02d}-01
language = "de"
# subject = "…"          # Betreffzeile; ohne Angabe der Titel
preheader = "Kurzer Vorschautext, den Mailprogramme nach dem Betreff zeigen"
"""

_SCAFFOLD_EDITORIAL = """\
---
kind: editorial
---
Liebe Mitglieder, Freunde und Förderer der ISA,

hier steht das Grußwort dieser Ausgabe.

Mit herzlichen Grüßen

Ihre ISA-Redaktion
"""

_SCAFFOLD_ARTICLE = """\
---
kind: article
title: Titel des ersten Artikels
link: https://isa-portal.de/
link_text: Lesen Sie mehr
---
Ein oder zwei Absätze zum Thema. Links schreiben Sie so:
[ISA-Portal](https://isa-portal.de/), Bilder so: `![Beschreibung](images/bild.png)`
(die Datei gehört in den Ordner images/).
"""


def scaffold_issue(issues_dir: Path, name: str) -> Path:
    """Creates ``issues/<name>/`` with issue.toml, an editorial and an article to fill in."""
    match = NAME_PATTERN.fullmatch(name)
    if match is None:
        raise IssueError(
            f"„{name}“ ist kein Name für eine Ausgabe: erwartet JJJJ-MM, z. B. 2021-07 "
            "(ein Zusatz ist erlaubt: 2021-07-sonderausgabe)."
        )
    folder = issues_dir / name
    if folder.exists():
        raise IssueError(f"Die Ausgabe {name} gibt es schon ({folder}).")
    year, month = int(match["year"]), int(match["month"])
    (folder / "images").mkdir(parents=True)
    (folder / ISSUE_FILE).write_text(
        _SCAFFOLD_TOML.format(month=_MONTHS_DE.split()[month - 1], year=year, month_number=month),
        encoding="utf-8",
    )
    (folder / "01-grusswort.md").write_text(_SCAFFOLD_EDITORIAL, encoding="utf-8")
    (folder / "02-artikel.md").write_text(_SCAFFOLD_ARTICLE, encoding="utf-8")
    return folder
