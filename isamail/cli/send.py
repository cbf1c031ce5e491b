"""`isamail send`: the command an editor runs once a month."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import ExitCode, IsamailError

if TYPE_CHECKING:
    from isamail.context import Project
    from isamail.sending.engine import EngineOptions, RunSummary
    from isamail.sending.newsletter import SendReport
    from isamail.sending.plan import SendPlan


def _positive_rate(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter("muss größer als 0 sein (Nachrichten pro Sekunde).")
    return value


def send(
    ctx: typer.Context,
    issue: Annotated[
        str, typer.Argument(help="Ordnername der Ausgabe unter issues/, z. B. 2021-07.")
    ],
    lists: Annotated[
        list[str] | None,
        typer.Option(
            "--list", "-l", help="Liste der Empfänger; mehrfach möglich (jede Adresse einmal)."
        ),
    ] = None,
    dry: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Alles außer dem Versand: Anmeldung am Server prüfen, Nachrichten bauen.",
        ),
    ] = False,
    to: Annotated[
        list[str] | None,
        typer.Option(
            "--to",
            help="Nur ein Testexemplar an diese Adresse (außerhalb der Zustellliste); "
            "mehrfach möglich.",
        ),
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option(
            "--rate",
            help="Höchstens so viele Nachrichten pro Sekunde, in jeder Sekunde.",
            callback=_positive_rate,
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", help="Höchstens so viele senden.")] = None,
    connections: Annotated[
        int | None,
        typer.Option(
            "--connections",
            help="SMTP-Verbindungen gleichzeitig (Voreinstellung aus isamail.toml).",
        ),
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage senden.")] = False,
) -> None:
    """Verschickt eine Ausgabe an alle bestätigten Abonnenten der Listen; fortsetzbar."""
    proj = project(ctx)
    if to:
        _test_copies(proj, issue, to)
        return
    from isamail.sending.plan import plan_send

    plan = plan_send(proj, issue, lists or [])
    _show_plan(plan)
    for problem in plan.warnings:
        output.say(f"Warnung: {problem}")
    if not plan.would_send:
        output.say(
            f"Nichts zu tun: alle {plan.recipients} Empfänger der Listen haben {issue} "
            "schon bekommen (oder es ist für sie erledigt)."
        )
        return
    if dry:
        _dry_run(proj, plan)
        return
    refreeze = _sources_changed(plan, yes)
    if plan.already_sent and plan.new:
        output.say(
            f"{plan.new} Empfänger sind seit dem ersten Versand von {issue} dazugekommen "
            "und bekommen die Ausgabe jetzt."
        )
    _confirm(yes, f"{plan.would_send} Nachrichten jetzt senden?")
    from isamail.sending.newsletter import engine_options

    options = engine_options(
        proj.settings, rate_per_second=rate, limit=limit, connections=connections
    )
    report = _run_with_progress(proj, plan, options, refreeze)
    _summary(report, options)


def _test_copies(proj: Project, issue: str, addresses: list[str]) -> None:
    from isamail.sending.newsletter import send_test_copies

    refused = 0
    for address, outcome in send_test_copies(proj, issue, addresses):
        if outcome.ok:
            output.say(f"Testexemplar von {issue} an {address} verschickt ({outcome.code}).")
        else:
            refused += 1
            output.fail(f"Testexemplar an {address} abgelehnt: {outcome.code or ''} {outcome.text}")
    if refused:
        raise typer.Exit(ExitCode.USER_ERROR)


def _show_plan(plan: SendPlan) -> None:
    t = output.table("", "", title=f"Versand von {plan.issue}")
    t.add_row("Betreff", plan.rendered.subject)
    t.add_row("Listen", ", ".join(plan.lists))
    t.add_row("Empfänger", f"{plan.recipients} bestätigte Adressen")
    if plan.already_sent:
        t.add_row("schon versandt", str(plan.already_sent))
    if plan.edition_id is not None:
        t.add_row("jetzt zu senden", f"{plan.new} neu, {plan.queued} wartend")
    t.add_row("Absender", plan.from_address)
    t.add_row("Server", plan.server)
    t.add_row("Links", plan.link_base)
    output.show(t, stderr=True)


def _dry_run(proj: Project, plan: SendPlan) -> None:
    from isamail.sending.plan import dry_run

    result = dry_run(proj, plan)
    output.say(
        f"Probelauf: Anmeldung an {result.server} gelungen; {result.messages} Nachrichten "
        f"würden jetzt gesendet, zusammen {result.total_bytes / 1e6:.1f} MB, größte "
        f"{result.largest / 1e3:.0f} KB (gebaut in {result.seconds:.2f} s). Nichts verschickt."
    )


def _sources_changed(plan: SendPlan, yes: bool) -> bool:
    """Whether the edition is frozen anew (only while nothing of it was sent)."""
    if not plan.sources_changed:
        return False
    if plan.already_sent:
        output.say(
            f"Achtung: die Quellen von {plan.issue} wurden nach dem Einfrieren geändert. "
            "Der Versand läuft mit der eingefrorenen Fassung weiter, damit alle "
            "dieselbe Ausgabe bekommen."
        )
        _confirm(yes, "Mit der eingefrorenen Fassung weitermachen?")
        return False
    output.say(
        f"Die Quellen von {plan.issue} wurden geändert; noch nichts ist verschickt, "
        "die Ausgabe wird neu eingefroren."
    )
    return True


def _confirm(yes: bool, question: str) -> None:
    import sys

    if yes:
        return
    if not sys.stdin.isatty():
        raise IsamailError("Rückfrage nicht möglich (keine Eingabe); bestätigen Sie mit --yes.")
    if not output.confirm(question):  # j/ja/n/nein, and y/yes
        raise typer.Abort()


def _run_with_progress(
    proj: Project, plan: SendPlan, options: EngineOptions, refreeze: bool
) -> SendReport:
    from isamail.sending.newsletter import execute_send

    total = plan.would_send if options.limit is None else min(plan.would_send, options.limit)
    with Progress(
        TextColumn("[bold]Versand"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>7.0f}/s"),
        TimeRemainingColumn(),
        console=output.err,
        transient=False,
    ) as progress:
        task = progress.add_task("send", total=total or None, rate=0.0)

        def on_progress(summary: RunSummary) -> None:
            done = summary.done
            rate = done / summary.elapsed if summary.elapsed else progress.tasks[0].speed or 0.0
            progress.update(task, completed=done, rate=rate)

        # Everything alive now (modules, the ORM's metadata, the composed issue) lives
        # until the command ends: the collector need not scan it again in each of the
        # send's many collections (bench/README.md: about a tenth of a 10,000 send).
        gc.freeze()
        # Ctrl-C stops the engine (it finishes what is in flight and records it)
        return execute_send(proj, plan, options=options, refreeze=refreeze, on_progress=on_progress)


def _summary(report: SendReport, options: EngineOptions) -> None:
    run, counts = report.run, report.counts
    t = output.table("Status", "#Anzahl", title=f"Ergebnis {report.plan.issue}")
    t.add_row("in diesem Lauf versandt", str(run.sent))
    t.add_row("in diesem Lauf endgültig fehlgeschlagen", str(run.failed))
    t.add_row("versandt insgesamt", str(counts["sent"]))
    t.add_row("fehlgeschlagen insgesamt", str(counts["failed"]))
    t.add_row("unzustellbar (Bounces)", str(counts["bounced"]))
    if counts["skipped"]:
        t.add_row("übersprungen (abgemeldet, gelöscht, gesperrt)", str(counts["skipped"]))
    t.add_row("noch in der Warteschlange", str(counts["queued"] + counts["sending"]))
    output.show(t, stderr=True)
    if run.elapsed and run.sent:
        output.say(
            f"{run.sent} Nachrichten in {run.elapsed:.1f} s ({run.sent / run.elapsed:.0f}/s)."
        )
    recovery = report.recovery
    if recovery.applied or recovery.in_flight or recovery.requeued:
        output.say(
            f"Nach einem Abbruch aufgeräumt: {recovery.applied} Ergebnisse übernommen, "
            f"{len(recovery.in_flight)} Nachrichten waren beim Abbruch unterwegs und gehen "
            "erneut (gleiche Message-ID)."
        )
    if report.possibly_duplicated:
        output.say("Möglicherweise doppelt erhalten: " + ", ".join(report.possibly_duplicated[:20]))
    for _, code, reply in run.failures[:10]:
        output.say(f"  abgelehnt: {code} {reply}")
    waiting = counts["queued"] + counts["sending"]
    if run.stopped == "server_gone":
        output.fail(
            f"Der SMTP-Server ist nicht mehr erreichbar; {waiting} Nachrichten bleiben "
            "in der Warteschlange.",
            f"Weiter mit: {report.resume_command}",
        )
        raise typer.Exit(ExitCode.USER_ERROR)
    if waiting:
        if run.stopped == "interrupted":
            why = "abgebrochen"
        elif options.limit is not None and run.done >= options.limit and not run.deferred:
            why = "nicht in diesem Lauf (--limit)"
        else:
            why = "zurückgestellt (vorübergehende Fehler, 4xx)"
        output.say(f"{waiting} Nachrichten {why}; weiter mit: {report.resume_command}")
    if run.failed:
        output.fail(f"{run.failed} Nachrichten endgültig fehlgeschlagen (5xx).")
        raise typer.Exit(ExitCode.SEND_FAILURES)
    if run.stopped == "interrupted":
        raise typer.Exit(130)
