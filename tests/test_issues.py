"""Reading issues: the corpus is clean, and every rule of issue-format.md names file and line."""

from __future__ import annotations

import datetime
import email
import http.server
import json
import re
import shutil
import socket
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest
from sqlmodel import select

from isamail import weblinks
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.compose.render import compose_issue
from isamail.config import load_settings
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import Delivery, DeliveryStatus, MailingList, Subscription, utcnow
from isamail.errors import IssueError, NotFound
from isamail.issues import (
    Problem,
    check_issue,
    draft_issue,
    load_issue,
    resolve_issue,
    scaffold_issue,
    source_hash,
)
from isamail.issues.checks import content_problems
from isamail.preflight import preflight
from isamail.sending import editions
from isamail.tokens import unsubscribe_token
from tests.conftest import Cli

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "issues"
CORPUS_ISSUES = sorted(p.name for p in CORPUS.iterdir() if (p / "issue.toml").is_file())

TOML = 'title = "ISA-Newsletter Juli 2021"\ndate = 2021-07-01\n'
EDITORIAL = "---\nkind: editorial\n---\nLiebe Leserinnen und Leser,\n\nHallo.\n"
ARTICLE = (
    "---\nkind: article\ntitle: Ein Artikel\nlink: https://isa-portal.de/a\n---\n"
    "Text mit [Link](https://isa-portal.de/b).\n"
)


def make_issue(root: Path, files: dict[str, str] | None = None, *, toml: str | None = TOML) -> Path:
    folder = root / "issues" / "2021-07"
    folder.mkdir(parents=True)
    if toml is not None:
        (folder / "issue.toml").write_text(toml, encoding="utf-8")
    default = {"01-grusswort.md": EDITORIAL, "02-artikel.md": ARTICLE}
    for name, text in (default if files is None else files).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def only_problem(folder: Path) -> str:
    problems = check_issue(folder)
    assert len(problems) == 1, problems
    return problems[0]


# --- the corpus -------------------------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_ISSUES)
def test_every_corpus_issue_checks_clean(name: str) -> None:
    assert check_issue(CORPUS / name) == []
    issue = load_issue(CORPUS / name)
    assert issue.name == name
    assert issue.title.startswith("ISA-Newsletter")
    assert issue.date == datetime.date(int(name[:4]), int(name[5:7]), 1)
    assert issue.sections[0].kind == "editorial"
    assert all(s.title for s in issue.articles)


def test_corpus_has_twelve_issues() -> None:
    assert len(CORPUS_ISSUES) == 12


def test_sections_keep_text_and_front_matter() -> None:
    issue = load_issue(CORPUS / "2020-10")
    cities = issue.sections[2]
    assert cities.title == "Die neuen Mitgliedsstädte der ISA: Baoding, Huzhou, Luoyang und Xuchang"
    assert cities.link_text == "Weitere Informationen"
    assert "BAODING 保定市 (Provinz Hebei)" in cities.body
    assert "„Baoding bedeutet Schutz und Ruhe“" in cities.body
    assert not cities.body.startswith("---")
    assert issue.subject == issue.title  # no subject key: the title
    assert issue.language == "de"


def test_editorial_comes_first_whatever_its_file_name(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {"01-artikel.md": ARTICLE, "09-grusswort.md": EDITORIAL})
    assert [s.kind for s in load_issue(folder).sections] == ["editorial", "article"]


# --- one test per rule --------------------------------------------------------------------


def test_missing_key_in_issue_toml(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml="date = 2021-07-01\n")
    assert only_problem(folder) == "2021-07/issue.toml: Schlüssel „title“ fehlt"


def test_missing_issue_toml(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml=None)
    assert only_problem(folder).startswith("2021-07/issue.toml: issue.toml fehlt")


def test_missing_kind_in_front_matter(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {"01-a.md": "---\ntitle: Ohne Art\n---\nText\n"})
    assert only_problem(folder).startswith("2021-07/01-a.md:1: Schlüssel „kind“ fehlt")


def test_unknown_key_in_issue_toml(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml=TOML + 'langauge = "de"\n')
    problem = only_problem(folder)
    assert problem.startswith("2021-07/issue.toml:3: unbekannter Schlüssel „langauge“")


def test_unknown_key_in_front_matter(tmp_path: Path) -> None:
    text = "---\nkind: article\ntitle: T\nlinktext: mehr\n---\nText\n"
    folder = make_issue(tmp_path, {"01-a.md": text})
    assert only_problem(folder).startswith("2021-07/01-a.md:4: unbekannter Schlüssel „linktext“")


def test_bad_yaml(tmp_path: Path) -> None:
    text = '---\nkind: article\ntitle: "nicht geschlossen\nlink: x\n---\nText\n'
    folder = make_issue(tmp_path, {"01-a.md": text})
    problem = only_problem(folder)
    assert problem.startswith("2021-07/01-a.md:")
    assert "kein gültiges YAML" in problem
    line = int(problem.split(":")[1])
    assert 3 <= line <= 5  # the line with the open quote or where YAML noticed it


def test_bad_yaml_line_points_at_the_error(tmp_path: Path) -> None:
    text = "---\nkind: article\ntitle: Erster: Zweiter: Dritter\n---\nText\n"
    folder = make_issue(tmp_path, {"01-a.md": text})
    assert only_problem(folder).startswith("2021-07/01-a.md:3: Front Matter ist kein gültiges YAML")


def test_missing_front_matter(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {"01-a.md": "Nur Text, kein Kopf.\n"})
    assert only_problem(folder).startswith("2021-07/01-a.md:1: Front Matter fehlt")


def test_bad_toml(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml='title = "ISA"\ndate = 2021-07-01\npreheader = "offen\n')
    problem = only_problem(folder)
    assert problem.startswith("2021-07/issue.toml:3: kein gültiges TOML")


def test_unknown_kind(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {"01-a.md": "---\ntitle: T\nkind: artikel\n---\nText\n"})
    assert only_problem(folder) == (
        "2021-07/01-a.md:3: unbekannte Art „artikel“ (kind: editorial oder article)"
    )


def test_two_editorials(tmp_path: Path) -> None:
    folder = make_issue(
        tmp_path,
        {"01-a.md": EDITORIAL, "02-b.md": "---\ntitle: Noch eins\nkind: editorial\n---\nX\n"},
    )
    assert only_problem(folder) == (
        "2021-07/02-b.md:3: zweites Grußwort (kind: editorial); das erste steht in 2021-07/01-a.md"
    )


def test_article_without_title(tmp_path: Path) -> None:
    folder = make_issue(
        tmp_path, {"01-a.md": "---\nkind: article\nlink: https://a.example\n---\nX\n"}
    )
    assert only_problem(folder) == "2021-07/01-a.md:1: ein Artikel braucht einen Titel (title: …)"


def test_article_with_empty_title_names_its_line(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: ''\n---\nX\n"})
    assert only_problem(folder).startswith("2021-07/01-a.md:3: ein Artikel braucht einen Titel")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://a.example/x", "/relativ", "https://"]
)
def test_bad_link_in_front_matter(tmp_path: Path, link: str) -> None:
    text = f"---\nkind: article\ntitle: T\nlink: '{link}'\n---\nX\n"
    folder = make_issue(tmp_path, {"01-a.md": text})
    problem = only_problem(folder)
    assert problem.startswith(f"2021-07/01-a.md:4: Link „{link}“")


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "ftp://a.example/x", "seite.html", "#anker"]
)
def test_bad_link_in_body_names_its_exact_line(tmp_path: Path, link: str) -> None:
    body = f"Erste Zeile des Absatzes\nzweite Zeile mit [Link]({link})\ndritte Zeile.\n"
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body})
    assert only_problem(folder).startswith(f"2021-07/01-a.md:6: Link „{link}“")


def test_good_links_pass(tmp_path: Path) -> None:
    body = "[a](https://a.example/x?y=1) [b](http://b.example) [c](mailto:c@c.example) <https://d.example>\n"
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body})
    assert check_issue(folder) == []


def test_missing_image(tmp_path: Path) -> None:
    body = "Absatz.\n\n![Das Rathaus](images/rathaus.png)\n"
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body})
    assert only_problem(folder) == (
        "2021-07/01-a.md:7: Bild „images/rathaus.png“ fehlt "
        "(erwartet in 2021-07/images/rathaus.png)"
    )
    (folder / "images").mkdir()
    (folder / "images" / "rathaus.png").write_bytes(b"\x89PNG")
    assert check_issue(folder) == []


def test_image_outside_the_issue_folder(tmp_path: Path) -> None:
    body = "![Passwörter](../../etc/passwd)\n"
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body})
    assert only_problem(folder).startswith("2021-07/01-a.md:5: Bild „../../etc/passwd“ fehlt")


def test_image_without_alt_text(tmp_path: Path) -> None:
    folder = make_issue(
        tmp_path,
        {"01-a.md": "---\nkind: article\ntitle: T\n---\n![](images/x.png)\n", "images/x.png": "x"},
    )
    assert only_problem(folder).startswith("2021-07/01-a.md:5: Bild „images/x.png“ hat keinen Alt")


def test_empty_issue(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, {})
    assert only_problem(folder) == (
        "2021-07/: keine Abschnitte: die Ausgabe braucht mindestens eine .md-Datei"
    )


@pytest.mark.parametrize("value", ['"2021-07-01"', "2021-07-01T10:00:00", "7"])
def test_bad_date(tmp_path: Path, value: str) -> None:
    folder = make_issue(tmp_path, toml=f'title = "T"\ndate = {value}\n')
    assert only_problem(folder).startswith("2021-07/issue.toml:2: date muss ein TOML-Datum")


def test_bad_language(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml=TOML + 'language = "fr"\n')
    assert only_problem(folder) == (
        "2021-07/issue.toml:3: language „fr“ gibt es nicht (de, en oder zh)"
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    folder = make_issue(
        tmp_path,
        {
            "01-a.md": "---\nkind: editorial\n---\n[x](ftp://a.example)\n",
            "02-b.md": "---\nkind: article\n---\nX\n",
            "03-c.md": "---\nkind: meldung\ntitle: T\n---\nX\n",
            "04-d.md": "---\nkind: article\ntitle: T\n---\n![Bild](images/fehlt.png)\n",
        },
        toml='date = "Juli"\nlanguage = "fr"\n',
    )
    with pytest.raises(IssueError) as caught:
        load_issue(folder)
    problems = caught.value.problems
    assert str(caught.value) == f"Ausgabe 2021-07 hat {len(problems)} Fehler:"
    files = {p.split(":")[0] for p in problems}
    assert files == {
        "2021-07/issue.toml",
        "2021-07/01-a.md",
        "2021-07/02-b.md",
        "2021-07/03-c.md",
        "2021-07/04-d.md",
    }
    assert len(problems) == 7  # title missing, date, language + one per section


def test_windows_line_endings_and_bom_are_read(tmp_path: Path) -> None:
    text = "\ufeff---\r\nkind: article\r\ntitle: Grüße\r\n---\r\nText „zitiert“\r\n"
    folder = make_issue(tmp_path, {"01-a.md": text})
    (section,) = load_issue(folder).sections
    assert section.title == "Grüße"
    assert section.body == "Text „zitiert“\n"


# --- folders ------------------------------------------------------------------------------


def test_scaffold_is_well_formed_and_refuses_twice(tmp_path: Path) -> None:
    folder = scaffold_issue(tmp_path, "2021-07")
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-grusswort.md",
        "02-artikel.md",
        "images",
        "issue.toml",
    ]
    assert check_issue(folder) == []  # the format is right; its texts are placeholders
    issue = load_issue(folder)
    assert issue.title == "ISA-Newsletter Juli 2021"
    assert [s.kind for s in issue.sections] == ["editorial", "article"]
    assert issue.sections[0].signatures == (("Vorname Nachname", "Funktion"),)
    with pytest.raises(IssueError, match="gibt es schon"):
        scaffold_issue(tmp_path, "2021-07")


@pytest.mark.parametrize("name", ["2021-7", "2021-13", "juli", "2021-07/x", "../2021-07"])
def test_scaffold_refuses_bad_names(tmp_path: Path, name: str) -> None:
    with pytest.raises(IssueError, match="kein Name für eine Ausgabe"):
        scaffold_issue(tmp_path, name)


def test_scaffold_allows_a_suffix(tmp_path: Path) -> None:
    assert check_issue(scaffold_issue(tmp_path, "2021-07-sonderausgabe")) == []


def test_resolve_issue_names_the_known_ones(tmp_path: Path) -> None:
    folder = make_issue(tmp_path)
    assert resolve_issue(tmp_path / "issues", "2021-07") == folder
    assert resolve_issue(tmp_path / "issues", "issues/2021-07/") == folder
    with pytest.raises(NotFound) as caught:
        resolve_issue(tmp_path / "issues", "2021-08")
    assert "2021-08" in caught.value.message
    assert caught.value.hint == "Vorhandene Ausgaben: 2021-07"
    with pytest.raises(NotFound):
        resolve_issue(tmp_path / "issues", "..")


def test_source_hash_sees_edits_but_not_hidden_files(tmp_path: Path) -> None:
    folder = make_issue(tmp_path)
    first = source_hash(folder)
    assert first == source_hash(folder) and len(first) == 64
    (folder / ".DS_Store").write_bytes(b"junk")
    assert source_hash(folder) == first
    (folder / "02-artikel.md").write_text(ARTICLE + "Nachtrag.\n", encoding="utf-8")
    assert source_hash(folder) != first
    (folder / "02-artikel.md").write_text(ARTICLE, encoding="utf-8")
    assert source_hash(folder) == first
    (folder / "02-artikel.md").rename(folder / "03-artikel.md")  # order of sections
    assert source_hash(folder) != first


# --- the command line (no database) -------------------------------------------------------


@pytest.fixture
def bare_project(tmp_path: Path) -> Path:
    """A project with settings and issues but no database: check and preview must not need one."""
    root = tmp_path / "projekt"
    root.mkdir()
    (root / "isamail.toml").write_text(
        'base_url = "https://newsletter.isa-portal.de"\n'
        'database_url = "sqlite:////nonexistent/dir/subscribers.db"\n',
        encoding="utf-8",
    )
    shutil.copytree(CORPUS / "2020-10", root / "issues" / "2020-10")
    return root


def test_cli_check_clean_issue(bare_project: Path) -> None:
    result = Cli(bare_project)("issue", "check", "2020-10")
    assert result.exit_code == 0, result.output
    assert "Ausgabe 2020-10 ist in Ordnung: 6 Abschnitte" in result.output
    assert not (bare_project / "subscribers.db").exists()


def test_cli_check_lists_every_problem_and_exits_1(bare_project: Path) -> None:
    folder = bare_project / "issues" / "2020-10"
    (folder / "07-kaputt.md").write_text("---\nkind: artikel\n---\n[x](ftp://x.example)\n")
    (folder / "issue.toml").write_text((folder / "issue.toml").read_text() + "autor = 1\n")
    result = Cli(bare_project)("issue", "check", "2020-10")
    assert result.exit_code == 1
    assert "2020-10/07-kaputt.md:2: unbekannte Art „artikel“" in result.output
    assert "2020-10/07-kaputt.md:4: Link „ftp://x.example“" in result.output
    assert "2020-10/issue.toml:5: unbekannter Schlüssel „autor“" in result.output
    assert "Ausgabe 2020-10 hat 3 Fehler." in result.output
    assert "Traceback" not in result.output


def test_cli_check_json(bare_project: Path) -> None:
    result = Cli(bare_project)("issue", "check", "2020-10", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["problems"] == [] and data["sections"] == 6
    assert 10_000 < data["html_bytes"] < 100_000


def test_cli_check_unknown_issue(bare_project: Path) -> None:
    result = Cli(bare_project)("issue", "check", "2099-01")
    assert result.exit_code == 1
    assert "Ausgabe „2099-01“ gibt es nicht" in result.output
    assert "2020-10" in result.output


def test_cli_check_warns_when_gmail_would_clip(bare_project: Path) -> None:
    folder = bare_project / "issues" / "2020-10"
    long_text = "\n\n".join(f"Absatz {i}: " + "Städtepartnerschaft " * 40 for i in range(200))
    (folder / "08-lang.md").write_text(f"---\nkind: article\ntitle: Lang\n---\n{long_text}\n")
    result = Cli(bare_project)("issue", "check", "2020-10")
    assert result.exit_code == 0, result.output
    assert "Warnung:" in result.output and "Gmail" in result.output


def test_cli_new(bare_project: Path) -> None:
    cli = Cli(bare_project)
    result = cli("issue", "new", "2021-07")
    assert result.exit_code == 0, result.output
    assert (bare_project / "issues" / "2021-07" / "issue.toml").is_file()
    assert "docs/issues.md" in result.output
    again = cli("issue", "new", "2021-07")
    assert again.exit_code == 1 and "gibt es schon" in again.output
    assert cli("issue", "new", "Juli").exit_code == 1


def test_cli_preview_writes_html_text_and_eml(
    bare_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    out = bare_project / "vorschau"
    result = Cli(bare_project)("issue", "preview", "2020-10", "-o", str(out), "--open")
    assert result.exit_code == 0, result.output
    paths = [out / "2020-10.html", out / "2020-10.txt", out / "2020-10.eml"]
    for path in paths:
        assert str(path) in result.stdout
        assert path.stat().st_size > 1000
    html = paths[0].read_text(encoding="utf-8")
    assert "保定市" in html and "erika.mustermann@example.org" in html
    assert "ISAMAILx" not in html and "ISAMAILx" not in paths[1].read_text(encoding="utf-8")
    eml = paths[2].read_bytes()
    assert b"\r\nList-Unsubscribe: <https://newsletter.isa-portal.de/u/VORSCHAU>," in eml
    assert opened == [paths[0].resolve().as_uri()]
    assert not (bare_project / "subscribers.db").exists()


def test_cli_preview_default_folder(bare_project: Path) -> None:
    result = Cli(bare_project)("issue", "preview", "2020-10", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["eml"] == str(bare_project.resolve() / "preview" / "2020-10" / "2020-10.eml")


def test_cli_preview_of_broken_issue_renders_with_a_banner(bare_project: Path) -> None:
    folder = bare_project / "issues" / "2020-10"
    (folder / "07-kaputt.md").write_text(
        "---\nkind: article\n---\nDer Text bleibt [lesbar](javascript:alert(1)).\n"
    )
    (folder / "08-ohne-kopf.md").write_text("Nur Text, kein Kopf.\n")
    out = bare_project / "vorschau"
    result = Cli(bare_project)("issue", "preview", "2020-10", "-o", str(out))
    assert result.exit_code == 0, result.output  # shown anyway, marked
    assert "2020-10/07-kaputt.md:1: ein Artikel braucht einen Titel" in result.output
    assert "3 Fehler – so kann 2020-10 nicht verschickt werden" in result.output
    html = (out / "2020-10.html").read_text(encoding="utf-8")
    doc = lxml.html.document_fromstring(html)
    (banner,) = doc.xpath("//div[@id='isamail-preview-banner']")
    assert banner.getparent().tag == "body" and banner.getparent().index(banner) == 0
    assert "Vorschau mit 3 Fehlern: so kann diese Ausgabe nicht verschickt werden" in (
        banner.text_content()
    )
    assert "07-kaputt.md:1: ein Artikel braucht einen Titel" in banner.text_content()
    assert "Der Text bleibt lesbar." in doc.text_content() and "javascript" not in (
        " ".join(doc.xpath("//a/@href"))
    )
    assert "Nur Text, kein Kopf." in doc.text_content()
    text = (out / "2020-10.txt").read_text(encoding="utf-8")
    assert text.startswith("VORSCHAU MIT 3 FEHLER(N) – so nicht zu verschicken:\n- 2020-10/")
    assert b"isamail-preview-banner" in (out / "2020-10.eml").read_bytes()


# --- the format for editors: signatures, captions, archive, images -------------------------


def test_signatures_one_text_a_list_or_lines(tmp_path: Path) -> None:
    text = (
        "---\nkind: editorial\nsignatures:\n  - Friedhelm Ost, Staatssekretär a. D.\n"
        "  - |\n    Ernst Schwanhold\n    Staatsminister a. D.\n---\nLiebe Leser,\n"
    )
    folder = make_issue(tmp_path, {"01-g.md": text})
    (section,) = load_issue(folder).sections
    assert section.signatures == (
        ("Friedhelm Ost", "Staatssekretär a. D."),
        ("Ernst Schwanhold", "Staatsminister a. D."),
    )
    one = "---\nkind: editorial\nsignatures: Ihre ISA-Redaktion\n---\nText\n"
    (folder / "01-g.md").write_text(one, encoding="utf-8")
    assert load_issue(folder).sections[0].signatures == (("Ihre ISA-Redaktion",),)


def test_signatures_of_the_wrong_shape(tmp_path: Path) -> None:
    text = "---\nkind: editorial\nsignatures:\n  name: Anna\n---\nText\n"
    folder = make_issue(tmp_path, {"01-g.md": text})
    assert only_problem(folder).startswith(
        "2021-07/01-g.md:3: signatures muss eine Liste von Namen sein, z. B."
    )


def test_archive_key_in_issue_toml(tmp_path: Path) -> None:
    folder = make_issue(tmp_path, toml=TOML + "archive = false\n")
    assert load_issue(folder).archive is False
    (folder / "issue.toml").write_text(TOML + 'archive = "nein"\n', encoding="utf-8")
    assert only_problem(folder) == (
        "2021-07/issue.toml:3: archive muss true oder false sein (ohne Anführungszeichen), "
        "z. B. archive = false"
    )


@pytest.mark.parametrize("src", ["bild.png", "images/alt/bild.png", "images/Büro Foto.png"])
def test_images_live_in_images_with_plain_names(tmp_path: Path, src: str) -> None:
    body = f"![Bild](<{src}>)\n"
    folder = make_issue(tmp_path, {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body})
    (folder / src).parent.mkdir(parents=True, exist_ok=True)
    (folder / src).write_bytes(b"\x89PNG")
    assert only_problem(folder).startswith(
        f"2021-07/01-a.md:5: Bild „{src}“: Bilder liegen direkt im Ordner images/"
    )


def test_draft_issue_reads_what_it_can(tmp_path: Path) -> None:
    folder = make_issue(
        tmp_path,
        {"01-a.md": "Kein Kopf, nur Text.\n", "02-b.md": "---\nkind: artikel\n---\nX\n"},
        toml='date = "Juli"\n',
    )
    issue, problems = draft_issue(folder)
    assert issue.title == "2021-07" and issue.date == datetime.date(2021, 7, 1)
    assert [(s.kind, s.title, s.body) for s in issue.sections] == [
        ("article", None, "Kein Kopf, nur Text.\n"),
        ("article", None, "X\n"),
    ]
    assert [str(p) for p in problems] == check_issue(folder)
    assert all(p.is_error for p in problems)


# --- checks before sending: scaffold text, warnings -----------------------------------------


def messages(problems: list[Problem]) -> list[str]:
    return [str(p) for p in problems]


def test_the_untouched_scaffold_fails_with_every_placeholder(tmp_path: Path) -> None:
    folder = scaffold_issue(tmp_path, "2021-07")
    found = content_problems(load_issue(folder))
    errors = [p for p in found if p.is_error]
    assert messages(errors) == [
        "2021-07/issue.toml:5: Platzhalter aus der Vorlage steht noch da: „Kurzer Vorschautext, "
        "den Mailprogramme nach dem Betreff zeigen“; ersetzen Sie ihn durch Ihren Text "
        "(oder löschen Sie die Zeile)",
        "2021-07/01-grusswort.md:4: Platzhalter aus der Vorlage steht noch da: „Vorname "
        "Nachname, Funktion“; ersetzen Sie ihn durch Ihren Text (oder löschen Sie die Zeile)",
        "2021-07/01-grusswort.md:8: Platzhalter aus der Vorlage steht noch da: „Hier steht das "
        "Grußwort dieser Ausgabe.“; ersetzen Sie ihn durch Ihren Text (oder löschen Sie die Zeile)",
        "2021-07/02-artikel.md:3: Platzhalter aus der Vorlage steht noch da: „Titel des ersten "
        "Artikels“; ersetzen Sie ihn durch Ihren Text (oder löschen Sie die Zeile)",
        "2021-07/02-artikel.md:7: Platzhalter aus der Vorlage steht noch da: „Ein oder zwei "
        "Absätze zum Thema.“; ersetzen Sie ihn durch Ihren Text (oder löschen Sie die Zeile)",
    ]


def test_a_filled_in_scaffold_passes(tmp_path: Path) -> None:
    folder = scaffold_issue(tmp_path, "2021-07")
    for name, old, new in (
        ("issue.toml", "Kurzer Vorschautext, den Mailprogramme nach dem Betreff zeigen", "Foshan"),
        ("01-grusswort.md", "Vorname Nachname, Funktion", "Dr. Anna Schneider, Geschäftsführerin"),
        ("01-grusswort.md", "Hier steht das Grußwort dieser Ausgabe.", "Willkommen."),
        ("02-artikel.md", "Titel des ersten Artikels", "Fachtagung in Foshan"),
        ("02-artikel.md", "Ein oder zwei Absätze zum Thema.", "Die Tagung war gut besucht."),
    ):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    assert content_problems(load_issue(folder)) == []


def test_a_long_subject_is_a_warning(tmp_path: Path) -> None:
    subject = "ISA-Newsletter Juli 2021: Fachtagung in Foshan, neue Mitgliedsstädte und Termine"
    folder = make_issue(tmp_path, toml=TOML + f'preheader = "p"\nsubject = "{subject}!"\n')
    (warning,) = content_problems(load_issue(folder))
    assert not warning.is_error
    assert str(warning) == (
        f"2021-07/issue.toml:4: Betreff ist {len(subject) + 1} Zeichen lang; Mailprogramme zeigen "
        'etwa 40 bis 80 und schneiden den Rest ab. Ein kürzerer Betreff: subject = "…" in '
        "issue.toml"
    )


def test_no_preheader_is_a_warning(tmp_path: Path) -> None:
    (warning,) = content_problems(load_issue(make_issue(tmp_path)))
    assert str(warning) == (
        "2021-07/issue.toml: kein Vorschautext: Mailprogramme zeigen nach dem Betreff dann den "
        'Anfang der Mail („Im Browser ansehen …“). Schreiben Sie preheader = "…" in issue.toml'
    )


def warnings_for(tmp_path: Path, body: str, **images: bytes) -> list[str]:
    folder = make_issue(
        tmp_path,
        {"01-a.md": "---\nkind: article\ntitle: T\n---\n" + body},
        toml=TOML + 'preheader = "p"\n',
    )
    for name, data in images.items():
        (folder / "images").mkdir(exist_ok=True)
        (folder / "images" / name).write_bytes(data)
    assert check_issue(folder) == []
    return messages(content_problems(load_issue(folder)))


def test_raw_html_is_a_warning_with_its_line(tmp_path: Path) -> None:
    body = "Erster Absatz.\n\nHier ist <b>fett</b> gemeint.\n\n<div align=center>Mitte</div>\n"
    assert warnings_for(tmp_path, body) == [
        "2021-07/01-a.md:7: HTML „<b> </b>“ wird Lesern als Text gezeigt, nicht als "
        "Formatierung. Markdown statt HTML: **fett**, *kursiv*, [Text](https://…), eine "
        "Leerzeile für einen neuen Absatz",
        "2021-07/01-a.md:9: HTML „<div align=center>Mitte</div>“ wird Lesern als Text gezeigt, "
        "nicht als Formatierung. Markdown statt HTML: **fett**, *kursiv*, [Text](https://…), "
        "eine Leerzeile für einen neuen Absatz",
    ]


def test_a_list_not_starting_at_one_is_a_warning(tmp_path: Path) -> None:
    body = "Ergebnis:\n\n3. Platz für Foshan beim Wettbewerb\n\n- 12. Oktober: Online-Seminar\n"
    assert warnings_for(tmp_path, body) == [
        "2021-07/01-a.md:7: „3. Platz für Foshan beim Wettbewerb“ wird eine nummerierte Liste, "
        "die bei 3 beginnt. Ist die Zahl keine Aufzählung, schreiben Sie „3\\.“ (mit Backslash) "
        "– Daten wie „12. Oktober“ erkennt isamail selbst",
    ]
    assert warnings_for(tmp_path / "b", "4. November ist der Termin.\n\n1. eins\n2. zwei\n") == []


def test_a_large_image_is_a_warning(tmp_path: Path) -> None:
    body = "Text.\n\n![Foto vom Empfang](images/empfang.jpg)\n"
    big = b"\xff\xd8" + b"\x00" * 1_200_000
    assert warnings_for(tmp_path, body, **{"empfang.jpg": big}) == [
        "2021-07/01-a.md:7: Bild „images/empfang.jpg“ ist 1.2 MB groß: jeder Leser lädt es "
        "beim Öffnen, auf dem Handy langsam. Auf höchstens 1200 Pixel Breite verkleinert "
        "bleibt es meist unter 500 KB",
    ]


# --- preflight: settings and the rendered mail ----------------------------------------------


def project_with(tmp_path: Path, **env: str) -> Project:
    root = tmp_path / "projekt"
    (root / "issues").mkdir(parents=True)
    (root / "isamail.toml").write_text(
        'database_url = "sqlite:////nonexistent/dir/subscribers.db"\n', encoding="utf-8"
    )
    shutil.copytree(CORPUS / "2020-10", root / "issues" / "2020-10")
    return Project(load_settings(root, {f"ISAMAIL_{k.upper()}": v for k, v in env.items()}))


def test_a_clean_issue_has_no_problems(tmp_path: Path) -> None:
    project = project_with(
        tmp_path, base_url="https://newsletter.isa-portal.de", smtp_url="smtp://mail.example.org"
    )
    assert preflight(project, "2020-10") == []


@pytest.mark.parametrize(
    ("base_url", "why"),
    [
        ("http://127.0.0.1:8000", "ist nur auf diesem Rechner erreichbar"),
        ("https://localhost", "ist nur auf diesem Rechner erreichbar"),
        ("http://newsletter.isa-portal.de", "ist unverschlüsselt (http)"),
    ],
)
def test_a_dead_link_base_is_an_error_for_a_remote_server(
    tmp_path: Path, base_url: str, why: str
) -> None:
    project = project_with(tmp_path, base_url=base_url, smtp_url="smtps://u:p@mail.example.org")
    (error,) = preflight(project, "2020-10")
    assert error.is_error
    assert str(error).startswith(f"base_url {base_url} (ISAMAIL_BASE_URL) {why}")
    assert "die Mails gehen aber über mail.example.org hinaus: Abmeldelink, Web-Version und " in (
        str(error)
    )
    assert "Bilder wären für die Leser tot" in str(error) and "p@" not in str(error)


def test_a_loopback_link_base_with_a_local_server_is_a_warning(tmp_path: Path) -> None:
    project = project_with(tmp_path, smtp_url="smtp://127.0.0.1:25")
    (warning,) = preflight(project, "2020-10")
    assert not warning.is_error
    assert str(warning).startswith(
        "base_url http://127.0.0.1:8000 (Voreinstellung) ist nur auf diesem Rechner erreichbar. "
        "Gibt der SMTP-Server 127.0.0.1 die Mails ins Internet weiter"
    )
    plain = project_with(
        tmp_path / "b", base_url="http://intern.example", smtp_url="smtp://[::1]:25"
    )
    assert preflight(plain, "2020-10") == []


def test_errors_come_first(tmp_path: Path) -> None:
    project = project_with(tmp_path, base_url="http://127.0.0.1", smtp_url="smtp://mx.example")
    folder = project.issues_dir / "2020-10"
    (folder / "09-neu.md").write_text(
        "---\nkind: article\ntitle: Titel des ersten Artikels\n---\n<b>x</b>\n", encoding="utf-8"
    )
    found = preflight(project, "2020-10")
    assert [p.severity for p in found] == ["error", "error", "warning"]
    assert found[0].file == "2020-10/09-neu.md" and found[0].line == 3
    assert found[1].file is None and found[2].line == 5


def test_a_project_template_without_signatures_is_a_warning(tmp_path: Path) -> None:
    project = project_with(tmp_path, base_url="https://n.example", smtp_url="smtp://mx.example")
    folder = project.issues_dir / "2020-10"
    editorial = folder / "01-grusswort.md"
    text = editorial.read_text(encoding="utf-8")
    editorial.write_text(text.replace("kind: editorial\n", "kind: editorial\nsignatures: X\n"))
    (project.templates_dir / "mail").mkdir(parents=True)
    old = (REPO / "templates" / "mail" / "newsletter.html").read_text(encoding="utf-8")
    old = re.sub(r"\{% for signature in .*?\{% endfor %\}\n", "", old, flags=re.S)
    (project.templates_dir / "mail" / "newsletter.html").write_text(old, encoding="utf-8")
    (warning,) = preflight(project, "2020-10")
    assert str(warning).startswith(
        "2020-10/01-grusswort.md: Die Vorlage mail/newsletter.html des Projekts zeigt keine "
        "Unterschriften (signatures)"
    )


# --- issue check --links against a local web server ------------------------------------------


class _Links(http.server.BaseHTTPRequestHandler):
    release = threading.Event()

    def do_GET(self) -> None:
        if self.path == "/langsam":
            self.release.wait(30)  # answers once the test is over
        if self.path == "/umgezogen":
            self.send_response(301)
            self.send_header("Location", "/da")
        else:
            self.send_response(200 if self.path in ("/da", "/langsam") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def link_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Links)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    _Links.release.set()
    server.shutdown()
    server.server_close()
    _Links.release.clear()


def test_check_links_reports_the_dead_ones(bare_project: Path, link_server: str) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{closed.getsockname()[1]}/x"
    body = (
        f"[da]({link_server}/da) und [weg]({link_server}/weg)\n"
        f"und [umgezogen]({link_server}/umgezogen), [zu]({refused}),\n"
        f"[langsam]({link_server}/langsam), [Mail](mailto:a@b.example), [da]({link_server}/da)\n"
    )
    folder = bare_project / "issues" / "2020-10"
    (folder / "09-links.md").write_text(
        f"---\nkind: article\ntitle: Links\nlink: {link_server}/weg-auch\n---\n{body}",
        encoding="utf-8",
    )
    result = Cli(bare_project)("issue", "check", "2020-10", "--links", "--timeout", "1", "--json")
    assert result.exit_code == 0, result.output  # dead links warn; they do not block
    warnings = [
        str(Problem(**w)) for w in json.loads(result.stdout)["warnings"] if "09-links" in w["file"]
    ]
    assert warnings == [
        f"2020-10/09-links.md:4: Link {link_server}/weg-auch ist tot: der Server antwortet 404 "
        "Not Found",
        f"2020-10/09-links.md:6: Link {link_server}/weg ist tot: der Server antwortet 404 "
        "Not Found",
        f"2020-10/09-links.md:7: Link {refused} ist nicht erreichbar: Verbindung abgelehnt",
        f"2020-10/09-links.md:8: Link {link_server}/langsam antwortet nicht innerhalb von 1 s",
    ]


# --- issue preview --as, issue ls (with a database) -----------------------------------------


def test_preview_as_a_subscriber_shows_their_name_and_links(
    project: Project, cli: Cli, tmp_path: Path
) -> None:
    shutil.copytree(CORPUS / "2020-10", project.issues_dir / "2020-10")
    create_list(project.engine, "isa", title="ISA-Newsletter")
    add_subscriber(
        project.engine, "li.wei@example.org", "isa", name="Li Wei", language="zh", confirmed=True
    )
    result = cli("issue", "preview", "2020-10", "--as", "Li.Wei@example.org", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "li.wei@example.org: Li Wei, Sprache zh, Liste „isa“ (bestätigt)." in result.output
    with read_session(project.engine) as session:
        subscription_id = session.exec(select(Subscription.id)).one() or 0
    token = unsubscribe_token(project.settings.secret_key, subscription_id)
    html = (tmp_path / "2020-10.html").read_text(encoding="utf-8")
    assert f'href="http://127.0.0.1:8000/u/{token}"' in html
    web = weblinks.reader_link(
        project.settings.secret_key, "http://127.0.0.1:8000", "2020-10", subscription_id
    )
    assert f'href="{web}"' in html.replace("&amp;", "&")
    eml = email.message_from_bytes((tmp_path / "2020-10.eml").read_bytes())
    assert eml["To"] == "Li Wei <li.wei@example.org>"
    unknown = cli("issue", "preview", "2020-10", "--as", "nie@example.org")
    assert unknown.exit_code == 1 and "nie@example.org ist nicht eingetragen" in unknown.output


def test_issue_ls_shows_drafts_checked_and_sent(project: Project, cli: Cli) -> None:
    for name in ("2020-10", "2021-02"):
        shutil.copytree(CORPUS / name, project.issues_dir / name)
    scaffold_issue(project.issues_dir, "2021-07")
    create_list(project.engine, "isa", title="ISA-Newsletter")
    add_subscriber(project.engine, "a@example.org", "isa", confirmed=True)
    add_subscriber(project.engine, "b@example.org", "isa", confirmed=True)
    send_to_list(project, "2020-10", "isa", sent=2)
    result = cli("issue", "ls", "--json")
    assert result.exit_code == 0, result.output
    rows = {r["issue"]: r for r in json.loads(result.stdout)}
    assert [rows[n]["state"] for n in ("2021-07", "2021-02", "2020-10")] == [
        "draft",
        "checked",
        "sent",
    ]
    assert rows["2021-07"]["errors"] == 5 and rows["2021-07"]["date"] == "2021-07-01"
    assert rows["2020-10"]["sent"] == 2 and rows["2020-10"]["first_sent_at"]
    assert rows["2020-10"]["archive"] == "öffentlich im Archiv"
    assert rows["2021-02"]["archive"] == "noch nicht verschickt"
    table = cli("issue", "ls")
    assert table.exit_code == 0
    for word in ("2021-07", "Entwurf", "5 Fehler", "geprüft", "versandt"):
        assert word in table.stdout  # the layout is the terminal's (cli/output.py)


def send_to_list(project: Project, issue: str, list_name: str, *, sent: int) -> None:
    """What a send leaves in the database: the edition and ``sent`` deliveries through the
    list (the send command itself is tested in test_send.py)."""
    rendered = compose_issue(load_issue(project.issues_dir / issue), project.settings)
    edition = editions.freeze_edition(project.engine, rendered, "hash")
    with unit_of_work(project.engine) as session:
        mailing_list = session.exec(select(MailingList).where(MailingList.name == list_name)).one()
        subscriptions = session.exec(
            select(Subscription).where(Subscription.list_id == mailing_list.id)
        ).all()
        for subscription in subscriptions[:sent]:
            session.add(
                Delivery(
                    edition_id=edition.id or 0,
                    subscriber_id=subscription.subscriber_id,
                    subscription_id=subscription.id,
                    list_id=mailing_list.id,
                    status=DeliveryStatus.SENT,
                    sent_at=utcnow(),
                )
            )
