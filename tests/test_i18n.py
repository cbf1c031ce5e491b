"""The catalogs: built reproducibly from their sources, complete for what users read,
and the libraries' messages in German."""

from __future__ import annotations

import ast
import gettext
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import click
import pytest
import typer
import yaml

from isamail import i18n
from isamail.cli.names import subscription_status
from isamail.errors import IsamailError
from isamail.i18n import build, formats, libraries

ISAMAIL = Path(i18n.__file__).parent.parent


@pytest.fixture(autouse=True)
def _german() -> None:
    i18n.activate("de")


def test_the_committed_catalogs_are_built_from_their_sources() -> None:
    for language in i18n.LANGUAGES:
        assert build.mo_path(language).read_bytes() == build.compiled(language), (
            "python -m isamail.i18n.build"
        )


def test_gettext_reads_what_the_build_writes() -> None:
    with build.mo_path("en").open("rb") as stream:
        catalog = gettext.GNUTranslations(stream)
    assert catalog.gettext("Abgebrochen.") == "Aborted."
    assert catalog.ngettext("{n} Eintrag.", "{n} Einträge.", 2) == "{n} entries."


def _library_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for module in (click, typer):
        found |= build.marked_strings(Path(module.__file__ or "").parent.glob("*.py"))
    return found


def test_every_message_of_click_and_typer_has_a_german_translation() -> None:
    german = build.read_po((build.PO_DIR / "de.po").read_text(encoding="utf-8"))
    missing = sorted(map(str, _library_messages() - set(german)))
    assert missing == []


def _isamail_texts() -> set[str | tuple[str, str]]:
    """What isamail marks for translation, with the command line's help texts and the
    docstrings that are its commands' help."""
    files = [p for p in ISAMAIL.rglob("*.py") if "migrations" not in p.parts]
    found = build.marked_strings(files)
    for path in sorted((ISAMAIL / "cli").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.keyword)
                and node.arg == "help"
                and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)
            ):
                found.add(node.value.value)
            if isinstance(node, ast.FunctionDef) and path.name not in (
                "output.py",
                "groups.py",
                "state.py",
                "names.py",
            ):
                doc = ast.get_docstring(node)
                if doc and (not node.name.startswith("_") or node.name == "_root"):
                    found.add(doc)
    english = set(libraries.TOML_MESSAGES + libraries.YAML_MESSAGES + libraries.EMAIL_MESSAGES)
    english |= {"not valid TOML", "not valid YAML", "not a valid address"}
    english.add("a quotation mark opened here is never closed")
    return found - english


def test_every_text_of_isamail_has_an_english_translation() -> None:
    english = build.read_po((build.PO_DIR / "en.po").read_text(encoding="utf-8"))
    missing = sorted(map(str, _isamail_texts() - set(english)))
    assert missing == []


def test_the_english_catalog_holds_no_text_the_code_no_longer_says() -> None:
    english = build.read_po((build.PO_DIR / "en.po").read_text(encoding="utf-8"))
    obsolete = sorted(map(str, set(english) - _isamail_texts() - {""}))
    assert obsolete == []


@pytest.mark.parametrize(
    ("document", "line", "reason"),
    [
        ('title = "ohne Ende\n', 1, "ein Anführungszeichen wird nicht geschlossen"),
        ("title = 1\ntitle = 2\n", 2, "ein Wert ist zweimal angegeben"),
        ("title\n", 1, "nach dem Schlüssel fehlt das „=“"),
        ("[smtp\n", 1, "am Ende des Abschnittsnamens fehlt „]“"),
        ("title = Juli\n", 1, "ungültiger Wert (Text gehört in Anführungszeichen)"),
    ],
)
def test_toml_errors_in_german(document: str, line: int, reason: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as raised:
        tomllib.loads(document)
    assert libraries.toml_error(raised.value, document) == (line, reason)


def test_every_tomllib_message_has_a_template() -> None:
    """The fixed messages of tomllib's parser (those without values) all translate."""
    source = Path(tomllib.__file__).with_name("_parser.py").read_text(encoding="utf-8")
    fixed = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "suffixed_err":
            message = node.args[2]
            if isinstance(message, ast.Constant) and isinstance(message.value, str):
                fixed.add(message.value)
    for message in fixed:
        translated = libraries._translate(message, libraries.TOML_MESSAGES, "?")
        assert translated not in ("?", message), message


def test_an_unclosed_quote_in_yaml_names_its_own_line() -> None:
    text = 'kind: article\ntitle: "Internationale Startups\nlink: https://isa-portal.de\n'
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.safe_load(text)
    assert libraries.yaml_error(raised.value) == (
        2,
        "das Anführungszeichen in dieser Zeile wird nie geschlossen",
    )


def test_yaml_errors_in_german() -> None:
    with pytest.raises(yaml.YAMLError) as raised:
        yaml.safe_load("title: a: b\n")
    line, reason = libraries.yaml_error(raised.value)
    assert line == 1 and "Doppelpunkt" in reason


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("max..muster@stadt.example", "zwei Punkte hintereinander"),
        ("max@stadt", "die Domain hat keinen Punkt"),
        ("max@stadt.local", "die Domain ist reserviert und empfängt keine Mail"),
        ("m ax@stadt.example", "ungültige Zeichen vor dem @"),
        ("max@sta_dt.example", "die Domain enthält ungültige Zeichen"),
    ],
)
def test_email_validator_reasons_in_german(address: str, reason: str) -> None:
    from isamail.audience.addresses import normalise

    with pytest.raises(IsamailError) as raised:
        normalise(address)
    assert reason in raised.value.message
    assert "@-sign" not in raised.value.message


def test_german_numbers_sizes_and_times() -> None:
    assert formats.size(5_660_000) == "5,7 MB"
    assert formats.size(38_400) == "38 KB"
    assert formats.seconds(12.04) == "12,0 s"
    assert formats.percent(0.0034) == "0,34 %"
    assert formats.integer(1234567) == "1.234.567"
    summer = datetime(2021, 7, 1, 10, 0, tzinfo=UTC)
    assert formats.when(summer) == "01.07.2021 12:00"  # Europe/Berlin, summer time
    assert formats.when("2021-01-01T10:00:00") == "01.01.2021 11:00"  # naive is UTC
    assert formats.day("2021-07-01") == "01.07.2021"
    i18n.activate("en", "Asia/Shanghai")
    try:
        assert formats.size(5_660_000) == "5.7 MB"
        assert formats.when(summer) == "2021-07-01 18:00"
        assert formats.percent(0.0034) == "0.34%"
    finally:
        i18n.activate("de")


def test_plurals() -> None:
    assert i18n.ngettext("{n} Eintrag.", "{n} Einträge.", 1).format(n=1) == "1 Eintrag."
    assert i18n.ngettext("{n} Eintrag.", "{n} Einträge.", 2).format(n=2) == "2 Einträge."


@pytest.mark.parametrize(
    ("given", "value"),
    [
        ("bestätigt", "confirmed"),
        ("Bestaetigt", "confirmed"),
        ("confirmed", "confirmed"),
        ("unbestätigt", "pending"),
        ("offen", "pending"),
        ("abgemeldet", "unsubscribed"),
        ("unzustellbar", "bounced"),
        ("BOUNCED", "bounced"),
    ],
)
def test_status_names_in_german_and_english(given: str, value: str) -> None:
    assert subscription_status(given) == value


def test_an_unknown_status_names_the_choices() -> None:
    with pytest.raises(IsamailError) as raised:
        subscription_status("aktivv")
    assert "bestätigt (confirmed)" in raised.value.message
