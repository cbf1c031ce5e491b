"""`isamail issue`: scaffold, list, check and preview issues. Only `ls` and
`preview --as` open the database."""

from __future__ import annotations

import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.names import SUBSCRIPTION_STATUS, label
from isamail.cli.state import project
from isamail.errors import ExitCode
from isamail.i18n import N_, _, ngettext
from isamail.i18n.formats import day, integer, size

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
STATES = {"draft": N_("Entwurf"), "checked": N_("geprüft"), "sent": N_("versandt")}


@app.command("new")
def new(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="JJJJ-MM, z. B. 2021-07 (Zusatz erlaubt).")],
) -> None:
    """Legt eine neue Ausgabe mit Grußwort und einem Artikel zum Ausfüllen an."""
    from isamail.issues import scaffold_issue

    folder = scaffold_issue(project(ctx).issues_dir, name)
    output.say(_("Ausgabe {issue} angelegt in {folder}:").format(issue=name, folder=folder))
    for file in sorted(p for p in folder.iterdir()):
        output.line(str(file) + ("/" if file.is_dir() else ""))
    output.say(
        _(
            "Ersetzen Sie die Platzhaltertexte (Anleitung: docs/issues.md), dann prüfen mit: "
            "isamail issue check {issue}"
        ).format(issue=name)
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
        output.say(_("Noch keine Ausgaben; eine neue anlegen mit: isamail issue new JJJJ-MM"))
        return
    t = output.table(
        output.Column(_("Ausgabe"), key=True),
        output.Column(_("Titel"), optional=2),
        _("Stand"),
        output.Column(_("Datum"), key=True),
        output.Column(_("Abschnitte"), numeric=True, optional=1),
        _("Befund"),
        "#" + _("versandt"),
    )
    for s in states:
        # the day it went out, else the month it is for
        shown = day(s.last_sent_at.date()) if s.last_sent_at else ""
        if not shown and s.date:
            shown = s.date.strftime("%m/%Y")
        findings = ", ".join(
            part
            for part in (
                ngettext("{n} Fehler", "{n} Fehler", s.errors).format(n=s.errors)
                if s.errors
                else "",
                ngettext("{n} Warnung", "{n} Warnungen", s.warnings).format(n=s.warnings)
                if s.warnings
                else "",
                ngettext("{n} wartet", "{n} warten", s.waiting).format(n=integer(s.waiting))
                if s.waiting
                else "",
            )
            if part
        )
        t.add_row(
            s.issue,
            s.title,
            _(STATES[s.state]),
            shown,
            integer(s.sections),
            findings,
            integer(s.sent) if s.state == "sent" else "",
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
    issue, _problems = read_issue(folder)
    rendered = compose_issue(issue, proj.settings, proj.templates_dir) if issue else None
    problems = preflight(proj, folder.name, rendered=rendered)
    if links:
        from isamail.issues import draft_issue
        from isamail.linkcheck import check_links, issue_links

        draft = issue if issue is not None else draft_issue(folder)[0]
        found = issue_links(draft)
        n = len({link.url for link in found})
        output.say(ngettext("Prüfe {n} Link …", "Prüfe {n} Links …", n).format(n=integer(n)))
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
            output.fail(
                ngettext(
                    "Ausgabe {issue} hat {n} Fehler.", "Ausgabe {issue} hat {n} Fehler.", len(bad)
                ).format(issue=folder.name, n=len(bad))
            )
        else:
            sections = ngettext("{n} Abschnitt", "{n} Abschnitte", summary["sections"])
            verdict = _("Ausgabe {issue} ist in Ordnung: {sections}, HTML {html}, Text {text}")
            output.say(
                verdict.format(
                    issue=folder.name,
                    sections=sections.format(n=summary["sections"]),
                    html=size(summary["html_bytes"]),
                    text=size(summary["text_bytes"]),
                )
                + (
                    ", "
                    + ngettext("{n} Warnung.", "{n} Warnungen.", len(notes)).format(n=len(notes))
                    if notes
                    else "."
                )
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
        _reader_recipient(proj, issue.name, as_address)
        if as_address
        else (_sample_recipient(proj, issue.name), "", list_name)
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
            # {file, line, severity, message}, as issue check --json gives them
            | {"errors": [_problem_json(p) for p in bad], "recipient": recipient.email}
        )
    else:
        output.say(
            _("Vorschau von {issue} für {email}:").format(issue=issue.name, email=recipient.email)
        )
        for path in paths.values():
            output.line(str(path))
    if bad:
        notice = ngettext(
            "{n} Fehler – so kann {issue} nicht verschickt werden; die Vorschau zeigt ihn "
            "oben in einem roten Kasten.",
            "{n} Fehler – so kann {issue} nicht verschickt werden; die Vorschau zeigt sie "
            "oben in einem roten Kasten.",
            len(bad),
        ).format(n=len(bad), issue=issue.name)
        output.say_rich(f"[bold red]{escape(_('Achtung:'))}[/] {escape(notice)}")
    if open_browser:
        try:
            opened = webbrowser.open(paths["html"].resolve().as_uri())
        except webbrowser.Error:
            opened = False
        if not opened:
            output.say(_("Kein Browser gefunden; öffnen Sie die HTML-Datei von Hand."))


def _sample_recipient(proj: Project, issue: str) -> Recipient:
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


def _reader_recipient(proj: Project, issue: str, address: str) -> tuple[Recipient, str, str]:
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
    note = _("{email}: {name}, Sprache {language}, Liste „{list}“ ({status}).").format(
        email=reader.email,
        name=reader.name or _("ohne Namen"),
        language=reader.language,
        list=reader.list_name,
        status=label(SUBSCRIPTION_STATUS, reader.status),
    )
    return recipient, note, reader.list_name
