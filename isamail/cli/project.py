"""`isamail init` and `isamail config`: the project itself (`isamail db` is in cli/db.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.state import project
from isamail.config import redact_url
from isamail.i18n import _


def init(
    directory: Annotated[Path, typer.Argument(help="Neuer Projektordner.")] = Path("."),
) -> None:
    """Legt ein Projekt an: isamail.toml, eine leere Datenbank, issues/ und templates/."""
    from isamail.project import init_project

    created = init_project(directory)
    output.say(_("Projekt angelegt in {folder}").format(folder=created.directory))
    output.say(_("  isamail.toml   Einstellungen (SMTP-Server, Absender, Impressum)"))
    output.say(_("  templates/     Vorlagen der Mail und der Webseiten"))
    output.say(_("  issues/        Ausgaben: isamail issue new JJJJ-MM"))
    output.say(_("  Datenbank      {url}").format(url=redact_url(created.settings.database_url)))


def config(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zeigt alle Einstellungen und woher sie kommen (Geheimnisse verdeckt)."""
    rows = project(ctx).settings.describe()
    if as_json:
        output.print_json([{"key": k, "value": v, "source": s} for k, v, s in rows])
        return
    t = output.table(
        output.Column(_("Schlüssel"), key=True),
        _("Wert"),
        output.Column(_("Quelle"), optional=1),
    )
    for key, value, source in rows:
        t.add_row(key, value, _(source))
    output.show(t)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(config)
    from isamail.cli import db

    app.add_typer(db.app, name="db")
