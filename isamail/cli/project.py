"""`isamail init` and `isamail config`: the project itself (`isamail db` is in cli/db.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.state import project
from isamail.config import redact_url


def init(
    directory: Annotated[Path, typer.Argument(help="Neuer Projektordner.")] = Path("."),
) -> None:
    """Legt ein Projekt an: isamail.toml, eine leere Datenbank, issues/ und templates/."""
    from isamail.project import init_project

    created = init_project(directory)
    output.say(f"Projekt angelegt in {created.directory}")
    output.say("  isamail.toml   Einstellungen (SMTP-Server, Absender, Impressum)")
    output.say("  templates/     Vorlagen der Mail und der Webseiten")
    output.say("  issues/        Ausgaben: isamail issue new JJJJ-MM")
    output.say(f"  Datenbank      {redact_url(created.settings.database_url)}")


def config(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zeigt alle Einstellungen und woher sie kommen (Geheimnisse verdeckt)."""
    rows = project(ctx).settings.describe()
    if as_json:
        output.print_json([{"key": k, "value": v, "source": s} for k, v, s in rows])
        return
    t = output.table("Schlüssel", "Wert", "Quelle")
    for row in rows:
        t.add_row(*row)
    output.out.print(t)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(config)
    from isamail.cli import db

    app.add_typer(db.app, name="db")
