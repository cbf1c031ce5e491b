"""`isamail lists`: the mailing lists."""

from __future__ import annotations

from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.i18n import _
from isamail.i18n.formats import integer

app = typer.Typer(cls=CommandGroup, help="Verteiler: anlegen und mit Zahlen nach Status anzeigen.")


@app.callback(invoke_without_command=True)
def show_lists(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zeigt alle Listen mit der Zahl ihrer Abonnenten nach Status."""
    from isamail.audience.lists import list_summaries

    if ctx.invoked_subcommand is not None:
        return
    summaries = list_summaries(project(ctx).engine)
    if as_json:
        output.print_json(
            [
                {
                    "name": s.name,
                    "title": s.title,
                    "private": s.private,
                    "language": s.language,
                    "counts": s.counts,
                }
                for s in summaries
            ]
        )
        return
    if not summaries:
        output.say(_("Noch keine Listen. Anlegen mit: isamail lists create NAME --title TITEL"))
        return
    t = output.table(
        output.Column(_("Liste"), key=True),
        output.Column(_("Titel"), optional=1),
        "#" + _("bestätigt"),
        "#" + _("unbestätigt"),
        "#" + _("abgemeldet"),
        "#" + _("unzustellbar"),
    )
    for s in summaries:
        title = s.title + (" " + _("(privat)") if s.private else "")
        c = s.counts
        t.add_row(
            s.name,
            title,
            *(integer(c[k]) for k in ("confirmed", "pending", "unsubscribed", "bounced")),
        )
    output.show(t)


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Kurzname, z. B. isa-newsletter.")],
    title: Annotated[str, typer.Option("--title", help="Titel, wie Abonnenten ihn sehen.")] = "",
    private: Annotated[
        bool, typer.Option("--private", help="Nicht im Anmeldeformular anbieten.")
    ] = False,
    language: Annotated[
        str, typer.Option("--language", help="Sprache der Liste: de, en oder zh.")
    ] = "de",
) -> None:
    """Legt eine Liste an."""
    from isamail.audience.lists import create_list

    if language not in ("de", "en", "zh"):
        raise typer.BadParameter(_("de, en oder zh"), param_hint="--language")
    created = create_list(
        project(ctx).engine, name, title=title, private=private, language=language
    )
    message = _("Liste „{name}“ angelegt (privat).") if private else _("Liste „{name}“ angelegt.")
    output.say(message.format(name=created.name))
