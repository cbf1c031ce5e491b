"""`isamail worker`: the long-running process for unattended work (isamail/worker/)."""

from __future__ import annotations

import signal
from datetime import datetime, timedelta
from types import FrameType
from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.i18n import _
from isamail.i18n.formats import decimal, integer, when

app = typer.Typer(cls=CommandGroup, invoke_without_command=True)


@app.callback()
def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Nur die fälligen Aufgaben einmal, dann Ende (cron).")
    ] = False,
    task: Annotated[
        list[str] | None,
        typer.Option(
            "--task",
            help="Nur diese Aufgabe, jetzt, ob fällig oder nicht (mehrfach möglich); dann Ende.",
        ),
    ] = None,
) -> None:
    """Erledigt, woran niemand denken soll, bis SIGTERM: Bestätigungs- und Willkommensmails,
    das Bounce-Postfach, unbestätigte Anmeldungen, die Aufbewahrungsfrist.

    Mehrere Worker, auch auf mehreren Rechnern, teilen sich die Aufgaben über die
    Datenbank; jede läuft einmal je Intervall. SIGTERM beendet ihn nach der laufenden
    Aufgabe. Schlägt eine fehl, bekommt alerts.to höchstens einmal je Art und Stunde eine
    Mail; `isamail report` nennt den Grund."""
    if ctx.invoked_subcommand is not None:
        return
    from isamail import logs
    from isamail.errors import IsamailError
    from isamail.worker.loop import WorkerLoop
    from isamail.worker.tasks import TASKS, by_name

    proj = project(ctx)
    proj.engine  # noqa: B018 - a schema this code does not know stops it here, in one line
    names = [t.name for t in TASKS]
    unknown = [name for name in task or [] if name not in names]
    if unknown:
        raise IsamailError(
            _("Aufgabe {task} gibt es nicht; es gibt: {names}.").format(
                task=unknown[0], names=", ".join(names)
            )
        )
    logs.setup(proj.settings, service="worker")
    loop = WorkerLoop(
        proj, by_name(task) if task else None, once=once or bool(task), force=bool(task)
    )

    def on_signal(signum: int, frame: FrameType | None) -> None:
        loop.stop()
        signal.signal(signum, signal.SIG_DFL)  # a second signal ends it at once

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    status = loop.run()
    if status:
        raise typer.Exit(status)


def _when(at: datetime | None, now: datetime) -> str:
    """A time near now as people say it ("vor 12 s", "in 5 min"), else its date and time."""
    if at is None:
        return "–"
    seconds = (at - now).total_seconds()
    if abs(seconds) < 5:
        return _("jetzt")
    if abs(seconds) < 90:
        span = f"{abs(seconds):.0f} s"
    elif abs(seconds) < 120 * 60:
        span = f"{abs(seconds) / 60:.0f} min"
    elif abs(seconds) < 24 * 3600:
        span = f"{decimal(abs(seconds) / 3600, 1)} h"
    else:
        return when(at)
    return (_("in {span}") if seconds > 0 else _("vor {span}")).format(span=span)


@app.command("status")
def status(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zeigt die Worker, ihre Aufgaben (zuletzt, als Nächstes, Fehler) und offene Störungen."""
    from isamail.alerts import open_alerts
    from isamail.db.activity import alive
    from isamail.db.models import utcnow
    from isamail.db.readonly import read_only
    from isamail.worker.leases import status as worker_status

    proj = project(ctx)
    now = utcnow()
    workers, tasks = worker_status(proj.engine, since=now - timedelta(days=1))
    with read_only(proj.settings.database_url) as db:
        alerts = open_alerts(db)
    running = {
        w.id for w in workers if w.stopped_at is None and alive(w.host, w.pid, w.heartbeat_at, now)
    }
    if as_json:
        output.print_json(
            {
                "workers": [
                    {
                        "id": w.id,
                        "host": w.host,
                        "pid": w.pid,
                        "version": w.version,
                        "alive": w.id in running,
                        "started_at": w.started_at,
                        "heartbeat_at": w.heartbeat_at,
                        "stopped_at": w.stopped_at,
                    }
                    for w in workers
                ],
                "tasks": [
                    {
                        "name": t.name,
                        "due_at": t.due_at,
                        "held_by": t.holder,
                        "last_finished_at": t.last_finished_at,
                        "last_summary": t.last_summary,
                        "last_error": t.last_error,
                        "runs": t.runs,
                        "failures": t.failures,
                    }
                    for t in tasks
                ],
                "alerts": [
                    {"kind": a.kind, "message": a.message, "since": a.first_at, "count": a.count}
                    for a in alerts
                ],
            }
        )
        return
    if not running:
        output.say(_("Kein Worker läuft: isamail worker (oder worker.in_serve = true für serve)."))
    if workers:
        table = output.table(
            output.Column(_("Worker"), key=True),
            output.Column(_("Rechner"), key=True),
            "#" + _("PID"),
            output.Column(_("Version"), optional=1),
            _("Lebenszeichen"),
            _("Zustand"),
        )
        for w in workers:
            if w.id in running:
                state = _("läuft")
            else:
                state = _("beendet") if w.stopped_at else _("verschwunden")
            table.add_row(w.id, w.host, str(w.pid), w.version, _when(w.heartbeat_at, now), state)
        output.show(table)
    if tasks:
        if workers:
            output.line("")
        table = output.table(
            output.Column(_("Aufgabe"), key=True),
            _("zuletzt"),
            _("als Nächstes"),
            "#" + _("Läufe"),
            _("Ergebnis"),
        )
        for t in tasks:
            result = (
                _("Fehler ({n}-mal): {error}").format(n=integer(t.failures), error=t.last_error)
                if t.last_error
                else t.last_summary
            )
            next_run = _("läuft") if t.holder else _when(t.due_at, now)
            table.add_row(t.name, _when(t.last_finished_at, now), next_run, integer(t.runs), result)
        output.show(table)
    for a in alerts:
        output.say(
            _("Störung seit {since} ({n}-mal): {title}: {message}").format(
                since=when(a.first_at), n=integer(a.count), title=a.title, message=a.message
            )
        )


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="worker")
