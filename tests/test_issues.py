"""Reading issues: the corpus is clean, and every rule of issue-format.md names file and line."""

from __future__ import annotations

import datetime
import json
import shutil
import webbrowser
from pathlib import Path

import pytest

from isamail.errors import IssueError, NotFound
from isamail.issues import check_issue, load_issue, resolve_issue, scaffold_issue, source_hash
from tests.conftest import Cli

CORPUS = Path(__file__).resolve().parent.parent / "issues"
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


def test_scaffold_checks_clean_and_refuses_twice(tmp_path: Path) -> None:
    folder = scaffold_issue(tmp_path, "2021-07")
    assert sorted(p.name for p in folder.iterdir()) == [
        "01-grusswort.md",
        "02-artikel.md",
        "images",
        "issue.toml",
    ]
    assert check_issue(folder) == []
    issue = load_issue(folder)
    assert issue.title == "ISA-Newsletter Juli 2021"
    assert [s.kind for s in issue.sections] == ["editorial", "article"]
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
    assert cli("issue", "check", "2021-07").exit_code == 0
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


def test_cli_preview_of_broken_issue_lists_problems(bare_project: Path) -> None:
    folder = bare_project / "issues" / "2020-10"
    (folder / "07-kaputt.md").write_text("---\nkind: article\n---\nX\n")
    result = Cli(bare_project)("issue", "preview", "2020-10")
    assert result.exit_code == 1
    assert "2020-10/07-kaputt.md:1: ein Artikel braucht einen Titel" in result.output
