"""`isamail issue`: scaffold, check and preview an issue. None of these opens the database."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import ExitCode, IssueError

if TYPE_CHECKING:
    from isamail.compose.message import (
        Recipient,
    )
    from isamail.context import Project
    from isamail.issues import Issue

app = typer.Typer(help="Ausgaben: neu anlegen, prüfen, als Vorschau ansehen.", no_args_is_help=True)

IssueName = Annotated[
    str, typer.Argument(help="Ordnername der Ausgabe unter issues/, z. B. 2021-07.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")]

SAMPLE_EMAIL = "erika.mustermann@example.org"
SAMPLE_NAME = "Erika Mustermann"


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
        output.out.print(str(file) + ("/" if file.is_dir() else ""))
    output.say(f"Nach dem Schreiben prüfen mit: isamail issue check {name}")


@app.command("check")
def check(ctx: typer.Context, name: IssueName, as_json: AsJson = False) -> None:
    """Prüft eine Ausgabe und nennt alle Fehler mit Datei und Zeile (Exit-Status 1 bei Fehlern)."""
    from isamail.compose.render import compose_issue, size_warnings
    from isamail.issues import check_issue, load_issue, resolve_issue

    proj = project(ctx)
    folder = resolve_issue(proj.issues_dir, name)
    problems = check_issue(folder)
    warnings: list[str] = []
    summary: dict[str, int] = {}
    if not problems:
        issue = load_issue(folder)
        rendered = compose_issue(issue, proj.settings, proj.templates_dir)
        warnings = size_warnings(rendered)
        summary = {
            "sections": len(issue.sections),
            "html_bytes": len(rendered.html.encode("utf-8")),
            "text_bytes": len(rendered.text.encode("utf-8")),
        }
    if as_json:
        output.print_json(
            {"issue": folder.name, "ok": not problems, "problems": problems, "warnings": warnings}
            | summary
        )
    else:
        for problem in problems:
            output.out.print(problem, markup=False)
        for warning in warnings:
            output.err.print(f"[yellow]Warnung:[/] {escape(warning)}", markup=True, highlight=False)
        if problems:
            output.fail(f"Ausgabe {folder.name} hat {len(problems)} Fehler.")
        else:
            html_kb, text_kb = summary["html_bytes"] / 1000, summary["text_bytes"] / 1000
            output.say(
                f"Ausgabe {folder.name} ist in Ordnung: {summary['sections']} Abschnitte, "
                f"HTML {html_kb:.0f} KB, Text {text_kb:.0f} KB."
            )
    if problems:
        raise typer.Exit(ExitCode.USER_ERROR)


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
    open_browser: Annotated[
        bool, typer.Option("--open", help="Die HTML-Fassung im Browser öffnen.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Schreibt HTML, Text und die vollständige .eml für einen Beispiel-Empfänger."""
    from isamail.compose.message import PreparedMessage
    from isamail.compose.render import compose_issue, size_warnings
    from isamail.compose.rendered import personalise

    proj = project(ctx)
    issue = _load(proj, name)
    rendered = compose_issue(issue, proj.settings, proj.templates_dir)
    recipient = sample_recipient(proj)
    html, text = personalise(
        rendered, email=recipient.email, unsubscribe_url=recipient.unsubscribe_url
    )
    message = PreparedMessage.prepare(rendered, proj.settings, list_name="vorschau")
    target = out_dir if out_dir is not None else proj.directory / "preview" / issue.name
    target.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": target / f"{issue.name}.html",
        "text": target / f"{issue.name}.txt",
        "eml": target / f"{issue.name}.eml",
    }
    paths["html"].write_text(html, encoding="utf-8")
    paths["text"].write_text(text, encoding="utf-8")
    paths["eml"].write_bytes(message.for_recipient(recipient))
    for warning in size_warnings(rendered):
        output.err.print(f"[yellow]Warnung:[/] {escape(warning)}", markup=True, highlight=False)
    if as_json:
        output.print_json({key: str(path) for key, path in paths.items()})
    else:
        output.say(f"Vorschau von {issue.name} für {recipient.email}:")
        for path in paths.values():
            output.out.print(str(path), markup=False, highlight=False, soft_wrap=True)
    if open_browser:
        try:
            opened = webbrowser.open(paths["html"].resolve().as_uri())
        except webbrowser.Error:
            opened = False
        if not opened:
            output.say("Kein Browser gefunden; öffnen Sie die HTML-Datei von Hand.")


def sample_recipient(proj: Project) -> Recipient:
    from isamail.compose.message import Recipient, make_message_id, sender_domain

    settings = proj.settings
    domain = sender_domain(settings)
    mailto = (
        settings["unsubscribe_address"] or settings["bounce_address"] or f"unsubscribe@{domain}"
    )
    return Recipient(
        email=SAMPLE_EMAIL,
        name=SAMPLE_NAME,
        unsubscribe_url=f"{settings.base_url}/u/VORSCHAU",
        unsubscribe_mailto=f"mailto:{mailto}",
        message_id=make_message_id("vorschau", domain),
    )


def _load(proj: Project, name: str) -> Issue:
    """The issue, or every problem printed and exit status 1 (the error boundary shows only
    one line, and an editor needs the whole list)."""
    from isamail.issues import load_issue, resolve_issue

    folder = resolve_issue(proj.issues_dir, name)
    try:
        return load_issue(folder)
    except IssueError as exc:
        for problem in exc.problems:
            output.out.print(problem, markup=False)
        output.fail(exc.message.rstrip(":") + ".", f"Einzeln prüfen: isamail issue check {name}")
        raise typer.Exit(ExitCode.USER_ERROR) from None
