"""`isamail issue`: scaffold, list, check and preview issues. Only `ls` and
`preview --as` open the database."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.errors import ExitCode

if TYPE_CHECKING:
    from isamail.compose.message import Recipient
    from isamail.context import Project
    from isamail.issues import Problem

app = typer.Typer(
    cls=CommandGroup,
    help="Ausgaben: neu anlegen, auflisten, prüfen, als Vorschau ansehen.",
    no_args_is_help=True,
)

IssueName = Annotated[
    str, typer.Argument(help="Ordnername der Ausgabe unter issues/, z. B. 2021-07.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")]

SAMPLE_EMAIL = "erika.mustermann@example.org"
SAMPLE_NAME = "Erika Mustermann"
STATES = {"draft": "Entwurf", "checked": "geprüft", "sent": "versandt"}


@app.command("new")
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="JJJJ-MM, z. B. 2021-07 (Zusatz erlaubt).")],
) -> None:
    """Legt eine neue Ausgabe mit Grußwort und einem Artikel zum Ausfüllen an."""
    from isamail.issues import scaffold_issue

    folder = scaffold_issue(project(ctx).issues_dir, name)
    output.say(f"Ausgabe {name} angelegt in {folder}:")
    for file in sorted(p for p in folder.iterdir()):
        output.line(str(file) + ("/" if file.is_dir() else ""))
    output.say(
        "Ersetzen Sie die Platzhaltertexte (Anleitung: docs/issues.md), "
        f"dann prüfen mit: isamail issue check {name}"
    )


@app.command("ls")
def list_issues(ctx: typer.Context, as_json: AsJson = False) -> None:
    """Alle Ausgaben mit Stand (Entwurf, geprüft, versandt), Datum und Zahlen."""
    from isamail.issue_states import issue_states

    proj = project(ctx)
    states = issue_states(proj.engine, proj.issues_dir)
    if as_json:
        output.print_json(
            [
                {
                    "issue": s.issue,
                    "title": s.title,
                    "date": s.date.isoformat() if s.date else None,
                    "state": s.state,
                    "errors": s.errors,
                    "warnings": s.warnings,
                    "sections": s.sections,
                    "sent": s.sent,
                    "waiting": s.waiting,
                    "first_sent_at": s.first_sent_at,
                    "last_sent_at": s.last_sent_at,
                    "archive": s.archive,
                }
                for s in states
            ]
        )
        return
    if not states:
        output.say("Noch keine Ausgaben; eine neue anlegen mit: isamail issue new JJJJ-MM")
        return
    t = output.table("Ausgabe", "Titel", "Stand", "Datum", "#Abschnitte", "Befund", "#versandt")
    for s in states:
        when = s.last_sent_at.strftime("%d.%m.%Y") if s.last_sent_at else ""
        if not when and s.date:
            when = s.date.strftime("%m/%Y")
        findings = ", ".join(
            part
            for part in (
                f"{s.errors} Fehler" if s.errors else "",
                f"{s.warnings} Warnung{'en' if s.warnings != 1 else ''}" if s.warnings else "",
                f"{s.waiting} warten" if s.waiting else "",
            )
            if part
        )
        t.add_row(
            s.issue,
            s.title,
            STATES[s.state],
            when,
            str(s.sections),
            findings,
            str(s.sent) if s.state == "sent" else "",
        )
    output.show(t)


@app.command("check")
def check(
    ctx: typer.Context,
    name: IssueName,
    links: Annotated[
        bool, typer.Option("--links", help="Jeden Link abrufen und tote melden (braucht Netz).")
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Sekunden je Link für --links.", min=0.5)
    ] = 10.0,
    as_json: AsJson = False,
) -> None:
    """Prüft eine Ausgabe: Fehler und Warnungen mit Datei und Zeile (Exit-Status 1 bei Fehlern).

    Dieselben Prüfungen macht `isamail send` vor dem Versand; Fehler halten ihn auf."""
    from isamail.compose.render import compose_issue
    from isamail.issues import read_issue, resolve_issue
    from isamail.preflight import errors, preflight, warnings

    proj = project(ctx)
    folder = resolve_issue(proj.issues_dir, name)
    issue, _ = read_issue(folder)
    rendered = compose_issue(issue, proj.settings, proj.templates_dir) if issue else None
    problems = preflight(proj, folder.name, rendered=rendered)
    if links:
        from isamail.issues import draft_issue
        from isamail.linkcheck import check_links, issue_links

        draft = issue if issue is not None else draft_issue(folder)[0]
        found = issue_links(draft)
        output.say(f"Prüfe {len({link.url for link in found})} Links …")
        problems += check_links(found, timeout=timeout)
    bad, notes = errors(problems), warnings(problems)
    summary: dict[str, int] = {}
    if issue is not None and rendered is not None:
        summary = {
            "sections": len(issue.sections),
            "html_bytes": len(rendered.html.encode("utf-8")),
            "text_bytes": len(rendered.text.encode("utf-8")),
        }
    if as_json:
        output.print_json(
            {
                "issue": folder.name,
                "ok": not bad,
                # {file, line, severity, message} in every list, like every other command's
                "problems": [_problem_json(p) for p in bad],
                "warnings": [_problem_json(p) for p in notes],
                "checks": [_problem_json(p) for p in problems],
            }
            | summary
        )
    else:
        for problem in bad:
            output.line(str(problem))
        _print_warnings(notes)
        if bad:
            output.fail(f"Ausgabe {folder.name} hat {len(bad)} Fehler.")
        else:
            html_kb, text_kb = summary["html_bytes"] / 1000, summary["text_bytes"] / 1000
            output.say(
                f"Ausgabe {folder.name} ist in Ordnung: {summary['sections']} Abschnitte, "
                f"HTML {html_kb:.0f} KB, Text {text_kb:.0f} KB"
                + (f", {len(notes)} Warnungen." if notes else ".")
            )
    if bad:
        raise typer.Exit(ExitCode.USER_ERROR)


def _problem_json(problem: Problem) -> dict[str, object]:
    return {
        "file": problem.file,
        "line": problem.line,
        "severity": problem.severity,
        "message": problem.message,
    }


def _print_warnings(notes: list[Problem]) -> None:
    for warning in notes:
        output.warn(str(warning))


@app.command("preview")
def preview(
    ctx: typer.Context,
    name: IssueName,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            file_okay=False,
            help="Zielordner (Voreinstellung: preview/AUSGABE im Projekt).",
        ),
    ] = None,
    as_address: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="So, wie diese Abonnentin / dieser Abonnent sie bekommt (Name, Sprache, Links).",
        ),
    ] = None,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Die HTML-Fassung im Browser öffnen.")
    ] = False,
    as_json: AsJson = False,
    list_name: Annotated[
        str,
        typer.Option("--list", "-l", help="Die Liste, deren List-Id die .eml tragen soll."),
    ] = "newsletter",
) -> None:
    """Schreibt HTML, Text und .eml so, wie Leser die Ausgabe sehen, Bilder eingebettet.

    Auch eine Ausgabe mit Fehlern wird gezeigt, oben mit einem roten Hinweis darauf."""
    from isamail.compose.proof import banner_issue, embed_images, text_banner, with_banner
    from isamail.compose.render import compose_issue
    from isamail.compose.rendered import personalise
    from isamail.issues import draft_issue, resolve_issue
    from isamail.preflight import errors, preflight, warnings
    from isamail.sending.plan import prepared_message

    proj = project(ctx)
    folder = resolve_issue(proj.issues_dir, name)
    issue, format_problems = draft_issue(folder)
    rendered = compose_issue(
        issue, proj.settings, proj.templates_dir, lenient=bool(format_problems)
    )
    problems = preflight(proj, folder.name, rendered=None if format_problems else rendered)
    recipient, note, list_id_of = (
        reader_recipient(proj, issue.name, as_address)
        if as_address
        else (sample_recipient(proj, issue.name), "", list_name)
    )
    shown = embed_images(rendered, proj.settings, folder)
    html, text = personalise(
        shown,
        email=recipient.email,
        unsubscribe_url=recipient.unsubscribe_url,
        web_url=recipient.web_url,
    )
    message = prepared_message(proj.settings, banner_issue(shown, errors(problems)), list_id_of)
    target = out_dir if out_dir is not None else proj.directory / "preview" / issue.name
    target.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": target / f"{issue.name}.html",
        "text": target / f"{issue.name}.txt",
        "eml": target / f"{issue.name}.eml",
    }
    paths["html"].write_text(with_banner(html, problems), encoding="utf-8")
    paths["text"].write_text(text_banner(errors(problems)) + text, encoding="utf-8")
    paths["eml"].write_bytes(message.for_recipient(recipient))
    bad = errors(problems)
    for problem in bad:
        output.line(str(problem))
    _print_warnings(warnings(problems))
    if note:
        output.say(note)
    if as_json:
        output.print_json(
            {key: str(path) for key, path in paths.items()}
            | {"errors": [str(p) for p in bad], "recipient": recipient.email}
        )
    else:
        output.say(f"Vorschau von {issue.name} für {recipient.email}:")
        for path in paths.values():
            output.line(str(path))
    if bad:
        output.say(
            f"[bold red]Achtung:[/] {len(bad)} Fehler – so kann {issue.name} nicht verschickt "
            "werden; die Vorschau zeigt sie oben in einem roten Kasten."
        )
    if open_browser:
        try:
            opened = webbrowser.open(paths["html"].resolve().as_uri())
        except webbrowser.Error:
            opened = False
        if not opened:
            output.say("Kein Browser gefunden; öffnen Sie die HTML-Datei von Hand.")


def sample_recipient(proj: Project, issue: str) -> Recipient:
    """The preview's recipient: links of the shape readers get, for nobody."""
    from dataclasses import replace

    from isamail.sending.addressing import Addressing
    from isamail.weblinks import archive_url, proof_token

    settings = proj.settings
    web_url = archive_url(settings.base_url, issue)
    if settings["secret_key"]:
        web_url += f"?p={proof_token(settings.secret_key, issue)}"
    sample = Addressing.from_settings(settings).sample_recipient(
        SAMPLE_EMAIL, SAMPLE_NAME, 0, link="VORSCHAU"
    )
    return replace(sample, web_url=web_url)


def reader_recipient(proj: Project, issue: str, address: str) -> tuple[Recipient, str, str]:
    """The recipient as a send would address ``address``, a note for the editor, and
    the name of the list whose List-Id the mail carries."""
    from isamail.reader import preview_reader
    from isamail.sending.addressing import Addressing

    settings = proj.settings
    settings.require("secret_key", "die Links dieser Person")
    reader = preview_reader(proj.engine, address)
    recipient = Addressing.from_settings(settings).delivery_recipient(
        issue, "vorschau", 0, reader.subscription_id, reader.email, reader.name
    )
    note = (
        f"{reader.email}: {reader.name or 'ohne Namen'}, Sprache {reader.language}, "
        f"Liste „{reader.list_name}“ ({reader.status})."
    )
    return recipient, note, reader.list_name
