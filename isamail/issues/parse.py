"""The one module that knows the issue source format (see issue-format.md).

Reading collects every problem of an issue, each with file and line, before it gives
up, so that an editor fixes them all in one round. ``draft_issue`` reads a faulty issue
as far as it can, for a preview that shows the errors. Nothing here touches the
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
from isamail.i18n.libraries import toml_error, yaml_error
from isamail.issues.model import ERROR, KINDS, LANGUAGES, Issue, Problem, Section

ISSUE_FILE = "issue.toml"
TOML_KEYS = {"title", "date", "subject", "preheader", "language", "archive"}
TOML_REQUIRED = ("title", "date")
FRONT_MATTER_KEYS = {"kind", "title", "link", "link_text", "signatures"}
NAME_PATTERN = re.compile(r"(?P<year>\d{4})-(?P<month>0[1-9]|1[0-2])(?:-[a-z0-9][a-z0-9-]*)?")
# what the web server delivers from images/ (web/routes.py holds the same rule)
IMAGE_NAME = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.(png|jpe?g|gif|webp|svg)", re.IGNORECASE
)
_FENCE = "---"


@dataclass
class _Problems:
    folder: Path
    items: list[Problem] = field(default_factory=list)

    def add(self, path: Path | None, line: int | None, message: str) -> None:
        place = f"{self.folder.name}/" if path is None else self.where(path)
        self.items.append(Problem(place, line, ERROR, message))

    def where(self, path: Path) -> str:
        return f"{self.folder.name}/{path.relative_to(self.folder).as_posix()}"

    def texts(self) -> list[str]:
        return [str(p) for p in self.items]


def load_issue(path: Path) -> Issue:
    """The issue in folder ``path``; IssueError listing every problem if it is malformed."""
    issue, problems = read_issue(path)
    if problems or issue is None:
        count = len(problems)
        raise IssueError(
            f"Ausgabe {path.name} hat {count} Fehler" + (":" if count else "."),
            problems=[str(p) for p in problems],
        )
    return issue


def check_issue(path: Path) -> list[str]:
    """Every problem of the issue in ``path`` ("file:line: message"); empty when clean."""
    return [str(p) for p in read_issue(path)[1]]


def read_issue(path: Path) -> tuple[Issue | None, list[Problem]]:
    """The issue and no problems, or None and every problem of its source format."""
    problems = _Problems(path)
    issue = _read(path, problems, lenient=False)
    return (None, problems.items) if problems.items else (issue, [])


def draft_issue(path: Path) -> tuple[Issue, list[Problem]]:
    """The issue as far as it can be read, and its problems: a section without valid
    front matter becomes an untitled article, a broken issue.toml the folder's name and
    month. Only for previews: what is sent is always read by ``load_issue``."""
    problems = _Problems(path)
    issue = _read(path, problems, lenient=True)
    assert issue is not None
    return issue, problems.items


def _read(folder: Path, problems: _Problems, *, lenient: bool) -> Issue | None:
    if not folder.is_dir():
        problems.add(None, None, "Ordner der Ausgabe fehlt")
        return None
    meta = _read_toml(folder / ISSUE_FILE, problems, lenient=lenient)
    files = sorted(p for p in folder.glob("*.md") if p.is_file() and not p.name.startswith("."))
    found = (_read_section(p, folder, problems, lenient=lenient) for p in files)
    sections = [s for s in found if s]
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
    if meta is None or (problems.items and not lenient):
        return None
    articles = [s for s in sections if s.kind == "article"]
    ordered = tuple(editorials[:1] + articles + editorials[1:])
    title: str = meta["title"]
    return Issue(
        name=folder.name,
        path=folder,
        title=title,
        date=meta["date"],
        subject=meta.get("subject") or title,
        preheader=meta.get("preheader", ""),
        language=meta.get("language", "de"),
        sections=ordered,
        archive=meta.get("archive", True),
    )


# --- issue.toml -------------------------------------------------------------------------


def _read_toml(path: Path, problems: _Problems, *, lenient: bool) -> dict[str, Any] | None:
    before = len(problems.items)
    data, text = _toml_data(path, problems)

    def line_of(key: str) -> int | None:
        found = re.search(rf"(?m)^\s*[\"']?{re.escape(key)}[\"']?\s*=", text)
        return text.count("\n", 0, found.start()) + 1 if found else None

    for key in sorted(set(data) - TOML_KEYS):
        allowed = ", ".join(sorted(TOML_KEYS))
        problems.add(path, line_of(key), f"unbekannter Schlüssel „{key}“ (erlaubt: {allowed})")
    if text or len(problems.items) == before:
        for key in TOML_REQUIRED:
            if key not in data:
                problems.add(path, None, f"Schlüssel „{key}“ fehlt")
    for key in ("title", "subject", "preheader"):
        if key in data and not isinstance(data[key], str):
            problems.add(path, line_of(key), f"{key} muss ein Text in Anführungszeichen sein")
            data.pop(key)
    if "title" in data and not data["title"].strip():
        problems.add(path, line_of("title"), "title ist leer")
        data.pop("title")
    date = data.get("date")
    if "date" in data and (
        not isinstance(date, datetime.date) or isinstance(date, datetime.datetime)
    ):
        problems.add(
            path,
            line_of("date"),
            "date muss ein TOML-Datum ohne Anführungszeichen sein, z. B. date = 2021-07-01",
        )
        data.pop("date")
    if data.get("language", "de") not in LANGUAGES:
        problems.add(
            path,
            line_of("language"),
            f"language „{data.pop('language')}“ gibt es nicht (de, en oder zh)",
        )
    if "archive" in data and not isinstance(data["archive"], bool):
        problems.add(
            path,
            line_of("archive"),
            "archive muss true oder false sein (ohne Anführungszeichen), z. B. archive = false",
        )
        data.pop("archive")
    if len(problems.items) == before:
        return data
    if not lenient:
        return None
    # a preview of a broken issue.toml: the folder's name and month stand in
    match = NAME_PATTERN.match(path.parent.name)
    month = datetime.date(int(match["year"]), int(match["month"]), 1) if match else None
    data.setdefault("title", path.parent.name)
    data.setdefault("date", month or datetime.date.today())
    return data


def _toml_data(path: Path, problems: _Problems) -> tuple[dict[str, Any], str]:
    """issue.toml's values and text; both empty (and the problem recorded) if unreadable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.add(path, None, f"{ISSUE_FILE} fehlt (mit title und date)")
        return {}, ""
    except UnicodeDecodeError:
        problems.add(path, None, "ist nicht in UTF-8 gespeichert")
        return {}, ""
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line, reason = toml_error(exc, text)
        problems.add(path, line, f"kein gültiges TOML: {reason}")
        return {}, ""


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


def _read_section(
    path: Path, folder: Path, problems: _Problems, *, lenient: bool
) -> Section | None:
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    except UnicodeDecodeError:
        problems.add(path, None, "ist nicht in UTF-8 gespeichert")
        if not lenient:
            return None
        text = path.read_bytes().decode("utf-8", "replace")
    split = _split_front_matter(text)
    if split is None:
        problems.add(
            path,
            1,
            "Front Matter fehlt: die Datei muss mit --- beginnen, z. B. "
            "„---\\nkind: article\\ntitle: …\\n---“",
        )
        return _untitled(path, text, 1) if lenient else None
    front, body, body_line = split
    before = len(problems.items)
    meta = _front_matter(path, front, problems)
    if meta is None:
        return _untitled(path, body, body_line) if lenient else None
    values, lines = meta
    kind = values.get("kind")
    if "kind" not in values:
        problems.add(path, 1, "Schlüssel „kind“ fehlt (editorial oder article)")
    elif kind not in KINDS:
        problems.add(path, lines["kind"], f"unbekannte Art „{kind}“ (kind: editorial oder article)")
    for key in ("title", "link", "link_text"):
        if key in values and values[key] is not None and not isinstance(values[key], str):
            problems.add(path, lines[key], f"{key} muss ein Text sein (in Anführungszeichen)")
            values.pop(key)
    title = values.get("title")
    if kind == "article" and not (isinstance(title, str) and title.strip()):
        problems.add(path, lines.get("title", 1), "ein Artikel braucht einen Titel (title: …)")
    link = values.get("link")
    if isinstance(link, str) and (problem := markdown.link_problem(link)):
        problems.add(path, lines["link"], problem)
        link = None
    signatures = _signatures(path, values, lines, problems)
    _check_body(path, folder, body, body_line, problems)
    if len(problems.items) > before and not lenient:
        return None
    return Section(
        path=path,
        kind=str(kind) if kind in KINDS else "article",
        title=title.strip() if isinstance(title, str) and title.strip() else None,
        link=link.strip() if isinstance(link, str) and link.strip() else None,
        link_text=values.get("link_text") or None,
        body=body.strip("\n") + "\n",
        signatures=signatures,
        body_line=body_line + len(body) - len(body.lstrip("\n")),
    )


def _untitled(path: Path, body: str, body_line: int) -> Section:
    """A section whose front matter cannot be read, for a preview: its text, no title."""
    stripped = body.lstrip("\n")
    return Section(
        path=path,
        kind="article",
        title=None,
        link=None,
        link_text=None,
        body=stripped.rstrip("\n") + "\n",
        body_line=body_line + len(body) - len(stripped),
    )


_SIGNATURES_EXAMPLE = (
    "z. B. „signatures:“ und darunter je Person eine Zeile „  - Dr. Anna Schneider, "
    "Geschäftsführerin der ISA“ (ein Komma oder ein Zeilenumbruch trennt Name und Funktion)"
)


def _signatures(
    path: Path, values: dict[str, Any], lines: dict[str, int], problems: _Problems
) -> tuple[tuple[str, ...], ...]:
    """The ``signatures`` key: one text or a list of texts, each a person. Within one, a
    line break (YAML's ``|``) or, in a one-line entry, the first comma separates the name
    from the function: "Dr. Anna Schneider, Geschäftsführerin der ISA"."""
    raw = values.get("signatures")
    if raw is None:
        return ()
    entries = [raw] if isinstance(raw, str) else raw
    if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
        problems.add(
            path,
            lines.get("signatures"),
            f"signatures muss eine Liste von Namen sein, {_SIGNATURES_EXAMPLE}",
        )
        return ()
    result = []
    for entry in entries:
        parts = [line.strip() for line in entry.strip().split("\n") if line.strip()]
        if len(parts) == 1 and ", " in parts[0]:
            name, _, role = parts[0].partition(", ")
            parts = [name.strip(), role.strip()]
        result.append(tuple(parts))
    return tuple(result)


def _front_matter(
    path: Path, front: str, problems: _Problems
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """The front matter's values and the (file) line of each key."""
    loader = yaml.SafeLoader(front)
    try:
        node = loader.get_single_node()
        values = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        line, reason = yaml_error(exc)
        # the front matter starts on the file's second line, after the ---
        line = line + 1 if line else 2
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
        elif relative.parent != PurePosixPath("images") or not IMAGE_NAME.fullmatch(relative.name):
            problem = (
                f"Bild „{relative}“: Bilder liegen direkt im Ordner images/ und heißen nur mit "
                "Buchstaben a–z, Ziffern, Punkt, Binde- oder Unterstrich, Endung png, jpg, gif, "
                "webp oder svg (z. B. images/rathaus-foshan.jpg); andere liefert der Webserver "
                "nicht aus"
            )
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

# Every text the editor must replace is one of SCAFFOLD_TEXTS: `issue check` finds those
# left in (issues/checks.py), so the untouched scaffold can never be sent.
SCAFFOLD_TEXTS = (
    "Kurzer Vorschautext, den Mailprogramme nach dem Betreff zeigen",
    "Hier steht das Grußwort dieser Ausgabe.",
    "Vorname Nachname, Funktion",
    "Titel des ersten Artikels",
    "Ein oder zwei Absätze zum Thema.",
)

_SCAFFOLD_TOML = """\
title = "ISA-Newsletter {month} {year}"
date = {year}-{month_number:02d}-01
language = "de"
# subject = "…"          # Betreffzeile; ohne Angabe der Titel (höchstens etwa 80 Zeichen)
preheader = "Kurzer Vorschautext, den Mailprogramme nach dem Betreff zeigen"
# archive = false        # nicht ins öffentliche Web-Archiv
"""

_SCAFFOLD_EDITORIAL = """\
---
kind: editorial
signatures:
  - Vorname Nachname, Funktion
---
Liebe Mitglieder, Freunde und Förderer der ISA,

Hier steht das Grußwort dieser Ausgabe.

Mit herzlichen Grüßen
"""

_SCAFFOLD_ARTICLE = """\
---
kind: article
title: Titel des ersten Artikels
link: https://isa-portal.de/
link_text: Lesen Sie mehr
---
Ein oder zwei Absätze zum Thema. Links schreiben Sie so: [ISA-Portal](https://isa-portal.de/),
Bilder so: `![Beschreibung](images/bild.png "Bildunterschrift")` (die Datei gehört in
den Ordner images/). Alles Weitere steht in docs/issues.md.
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


def archive_wanted(folder: Path) -> bool:
    """False when the issue's issue.toml says ``archive = false``. The web archive asks
    this of the source, which the editor may change after sending; a folder that is
    gone or unreadable keeps the default (listed)."""
    try:
        data = tomllib.loads((folder / ISSUE_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return True
    return data.get("archive") is not False
