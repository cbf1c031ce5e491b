"""`isamail db`: the schema, upgrades, backups and restores (isamail/db/maintenance.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.errors import ExitCode

app = typer.Typer(
    cls=CommandGroup,
    help="Die Datenbank: Schemastand, Upgrade, Sicherung und Wiederherstellung.",
    no_args_is_help=True,
)

Yes = Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage.")]


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        output.fail("Rückfrage nicht möglich (keine Eingabe); bestätigen Sie mit --yes.")
        raise typer.Exit(ExitCode.USER_ERROR)
    typer.confirm(question, abort=True)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(n // 1024, 1)} KB"


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zeigt den Schemastand, fehlende Migrationen und wer gerade mit der Datenbank arbeitet."""
    from isamail.db import SCHEMA_HEAD
    from isamail.db.activity import running_processes
    from isamail.db.engine import make_engine
    from isamail.db.maintenance import upgrade_plan

    url = project(ctx).settings.database_url
    current, steps = upgrade_plan(url)
    engine = make_engine(url, check_schema=False)
    try:
        running = running_processes(engine)
    finally:
        engine.dispose()
    if as_json:
        output.print_json(
            {
                "revision": current,
                "head": SCHEMA_HEAD,
                "pending": steps,
                "running": [
                    {"kind": p.kind, "host": p.host, "pid": p.pid, "what": p.what} for p in running
                ],
            }
        )
        return
    state = (
        "aktuell" if not steps else f"veraltet, es fehlen {', '.join(steps)}: isamail db upgrade"
    )
    output.out.print(f"Schemastand {current or '(leer)'}, neuester {SCHEMA_HEAD}: {state}")
    for process in running:
        output.out.print(f"läuft: {process.describe()}")


@app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    backup_to: Annotated[
        Path | None,
        typer.Option(
            "--backup",
            help="Sicherung hierhin (SQLite; Voreinstellung: neben der Datenbank).",
            dir_okay=False,
        ),
    ] = None,
    yes: Yes = False,
) -> None:
    """Bringt die Datenbank auf den Schemastand dieser Version; sichert SQLite vorher.

    Geht nicht, solange ein Versand oder ein Worker läuft. Bei PostgreSQL nennt es den
    pg_dump-Befehl und fragt, ob gesichert ist."""
    from isamail.db import sqlite_path
    from isamail.db.maintenance import pg_dump_command, upgrade_database, upgrade_plan

    url = project(ctx).settings.database_url
    current, steps = upgrade_plan(url)
    if not steps:
        output.say(f"Die Datenbank ist schon aktuell (Schemastand {current}).")
        return
    if current is not None and sqlite_path(url) is None:
        output.say(
            "PostgreSQL: isamail sichert die Datenbank nicht selbst. Vorher sichern mit "
            f"{pg_dump_command(url, f'isamail-vor-upgrade-{current}.dump')}"
        )
        _confirm(yes, f"Ist die Datenbank gesichert? Jetzt {', '.join(steps)} anwenden?")
    result = upgrade_database(url, backup_to=backup_to)
    if result.backup is not None:
        output.say(f"Gesichert: {result.backup.path} ({_size(result.backup.size)})")
    if result.before is None:
        output.say(f"Datenbank angelegt (Schemastand {result.after}).")
    else:
        output.say(
            f"Datenbank migriert: {result.before} → {result.after} ({', '.join(result.applied)})."
        )


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Neue Datei für die Sicherung.", dir_okay=False)],
) -> None:
    """Sichert die SQLite-Datenbank in FILE, auch während serve, worker und send laufen.

    Bei PostgreSQL nennt es den pg_dump-Befehl (in einer Zeile) und sichert nicht selbst."""
    from isamail.db.maintenance import backup as take_backup

    result = take_backup(project(ctx).settings.database_url, file)
    output.say(f"Gesichert: {result.path} ({_size(result.size)}): {result.summary.describe()}")


@app.command("restore")
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Eine Sicherung von `isamail db backup`.")],
    yes: Yes = False,
) -> None:
    """Ersetzt den Inhalt der SQLite-Datenbank durch die Sicherung FILE.

    Was ersetzt wird, bleibt als Datei daneben liegen. Geht nicht, solange ein Versand
    oder ein Worker läuft."""
    from isamail.db.maintenance import restore as restore_backup

    url = project(ctx).settings.database_url
    _confirm(yes, f"Den Inhalt der Datenbank durch {file} ersetzen?")
    result = restore_backup(url, file)
    if result.replaced is not None:
        output.say(f"Ersetzt: {result.replaced.describe()}")
        output.say(f"  aufbewahrt als {result.replaced_copy}")
    output.say(f"Zurückgeholt: {result.restored.describe()}")
    for send in result.interrupted:
        counts = send.counts
        output.say(
            f"Die Sicherung entstand während des Versands von {send.issue} "
            f"({counts.get('sent', 0)} verschickt, {counts.get('sending', 0)} in Arbeit, "
            f"{counts.get('queued', 0)} offen): `isamail send {send.issue} …` setzt ihn fort; "
            "was nach der Sicherung hinausging, weiß die Datenbank nicht und sendet es noch "
            "einmal (die in Arbeit gelten als möglicherweise doppelt)."
        )
    if result.needs_upgrade:
        output.say("Die Sicherung hat einen älteren Schemastand: isamail db upgrade")
