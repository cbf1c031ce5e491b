"""`isamail init`, `isamail config` and `isamail db`: the project itself."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from isamail.cli import output
from isamail.cli.state import project
from isamail.config import redact_url

if TYPE_CHECKING:
    pass

db_app = typer.Typer(help="Die Datenbank: Schemastand und Migrationen.", no_args_is_help=True)


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


@db_app.command("status")
def db_status(ctx: typer.Context) -> None:
    """Zeigt den Schemastand der Datenbank."""
    from isamail.db.engine import make_engine, schema_revisions

    engine = make_engine(project(ctx).settings.database_url, migrate=False)
    current, head = schema_revisions(engine)
    state = "aktuell" if current == head else "veraltet: isamail db upgrade"
    output.out.print(f"Schemastand {current or '(leer)'}, neuester {head}: {state}")


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Bringt die Datenbank auf den neuesten Schemastand (geschieht sonst beim Öffnen)."""
    from isamail.db.engine import make_engine, upgrade

    engine = make_engine(project(ctx).settings.database_url, migrate=False)
    output.say("Datenbank migriert." if upgrade(engine) else "Datenbank ist schon aktuell.")


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(config)
    app.add_typer(db_app, name="db")
