"""`isamail db`: the schema, upgrades, backups and restores (isamail/db/maintenance.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.errors import IsamailError
from isamail.i18n import _
from isamail.i18n.formats import integer, size, when

if TYPE_CHECKING:
    from isamail.db.activity import RunningProcess
    from isamail.db.maintenance import DatabaseSummary

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
        raise IsamailError(_("Rückfrage nicht möglich (keine Eingabe); bestätigen Sie mit --yes."))
    if not output.confirm(question):  # j/ja/n/nein, and y/yes
        raise typer.Abort()


def _contents(summary: DatabaseSummary) -> str:
    """What a database holds, as a person reads it (times in the display zone)."""
    return _(
        "Schemastand {revision}, {subscribers} Abonnenten, {lists} Listen, {editions} "
        "Ausgaben, {sent} Zustellungen verschickt, letzte Änderung {changed}"
    ).format(
        revision=summary.revision or _("(leer)"),
        subscribers=integer(summary.subscribers),
        lists=integer(summary.lists),
        editions=integer(summary.editions),
        sent=integer(summary.sent),
        changed=when(summary.last_change) or "–",
    )


def _process(process: RunningProcess) -> str:
    if process.kind == "send":
        return _("Versand von {issue} (Prozess {pid} auf {host})").format(
            issue=process.what, pid=process.pid, host=process.host
        )
    return _("Worker (Prozess {pid} auf {host})").format(pid=process.pid, host=process.host)


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
        _("aktuell")
        if not steps
        else _("veraltet, es fehlen {steps}: isamail db upgrade").format(steps=", ".join(steps))
    )
    output.line(
        _("Schemastand {revision}, neuester {head}: {state}").format(
            revision=current or _("(leer)"), head=SCHEMA_HEAD, state=state
        )
    )
    for process in running:
        output.line(_("läuft: {process}").format(process=_process(process)))


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
        output.say(
            _("Die Datenbank ist schon aktuell (Schemastand {revision}).").format(revision=current)
        )
        return
    if current is not None and sqlite_path(url) is None:
        output.say(
            _(
                "PostgreSQL: isamail sichert die Datenbank nicht selbst. Vorher sichern mit "
                "{command}"
            ).format(command=pg_dump_command(url, f"isamail-vor-upgrade-{current}.dump"))
        )
        _confirm(
            yes,
            _("Ist die Datenbank gesichert? Jetzt {steps} anwenden?").format(
                steps=", ".join(steps)
            ),
        )
    result = upgrade_database(url, backup_to=backup_to)
    if result.backup is not None:
        output.say(
            _("Gesichert: {path} ({size})").format(
                path=result.backup.path, size=size(result.backup.size)
            )
        )
    if result.before is None:
        output.say(_("Datenbank angelegt (Schemastand {revision}).").format(revision=result.after))
    else:
        output.say(
            _("Datenbank migriert: {before} → {after} ({steps}).").format(
                before=result.before, after=result.after, steps=", ".join(result.applied)
            )
        )


@app.command("backup")
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Neue Datei für die Sicherung.", dir_okay=False)],
) -> None:
    """Sichert die SQLite-Datenbank in DATEI, auch während serve, worker und send laufen.

    Bei PostgreSQL nennt es den pg_dump-Befehl (in einer Zeile) und sichert nicht selbst."""
    from isamail.db.maintenance import backup as take_backup

    result = take_backup(project(ctx).settings.database_url, file)
    output.say(
        _("Gesichert: {path} ({size}): {contents}").format(
            path=result.path, size=size(result.size), contents=_contents(result.summary)
        )
    )


@app.command("restore")
def restore(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Eine Sicherung von `isamail db backup`.")],
    yes: Yes = False,
) -> None:
    """Ersetzt den Inhalt der SQLite-Datenbank durch die Sicherung DATEI.

    Was ersetzt wird, bleibt als Datei daneben liegen. Geht nicht, solange ein Versand
    oder ein Worker läuft."""
    from isamail.db.maintenance import restore as restore_backup

    url = project(ctx).settings.database_url
    _confirm(yes, _("Den Inhalt der Datenbank durch {file} ersetzen?").format(file=file))
    result = restore_backup(url, file)
    if result.replaced is not None:
        output.say(_("Ersetzt: {contents}").format(contents=_contents(result.replaced)))
        output.say(_("  aufbewahrt als {path}").format(path=result.replaced_copy))
    output.say(_("Zurückgeholt: {contents}").format(contents=_contents(result.restored)))
    for send in result.interrupted:
        counts = send.counts
        output.say(
            _(
                "Die Sicherung entstand während des Versands von {issue} ({sent} verschickt, "
                "{sending} in Arbeit, {queued} offen): `isamail send {issue} …` setzt ihn "
                "fort; was nach der Sicherung hinausging, weiß die Datenbank nicht und sendet "
                "es noch einmal (die in Arbeit gelten als möglicherweise doppelt)."
            ).format(
                issue=send.issue,
                sent=integer(counts.get("sent", 0)),
                sending=integer(counts.get("sending", 0)),
                queued=integer(counts.get("queued", 0)),
            )
        )
    if result.needs_upgrade:
        output.say(_("Die Sicherung hat einen älteren Schemastand: isamail db upgrade"))
