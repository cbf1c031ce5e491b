"""`isamail send`: the command an editor runs once a month."""

from __future__ import annotations

import signal
import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import ExitCode

if TYPE_CHECKING:
    from isamail.send import SendReport
    from isamail.sender import RunSummary, SendOptions, SendRun


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
    dry: Annotated[bool, typer.Option("--dry-run", help="Alles außer dem Versand.")] = False,
    to: Annotated[
        str | None,
        typer.Option(
            "--to", help="Nur ein Testexemplar an diese Adresse (außerhalb der Zustellliste)."
        ),
    ] = None,
    rate: Annotated[
        float | None, typer.Option("--rate", help="Höchstens so viele Nachrichten pro Sekunde.")
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
    from isamail.compose.background import start_composition

    proj = project(ctx)
    # Composing starts first, in a child process, so that it runs while the database
    # layer is imported below (compose.background).
    composition = None if to else start_composition(proj, issue)
    from isamail.send import dry_run, plan_send, send_test_copy
    from isamail.sender import SendOptions

    if to:
        outcome = send_test_copy(proj, issue, to)
        if outcome.ok:
            output.say(f"Testexemplar von {issue} an {to} verschickt ({outcome.code}).")
            return
        output.fail(f"Testexemplar an {to} abgelehnt: {outcome.code} {outcome.text}")
        raise typer.Exit(ExitCode.USER_ERROR)
    plan = plan_send(proj, issue, lists or [], composition=composition)
    t = output.table("", "", title=f"Versand von {issue}")
    t.add_row("Betreff", plan.rendered.subject)
    t.add_row("Listen", ", ".join(plan.lists))
    t.add_row("Empfänger", f"{plan.recipients} bestätigte Adressen")
    if plan.already_sent:
        t.add_row("schon versandt", str(plan.already_sent))
    t.add_row("Absender", plan.from_address)
    t.add_row("Server", plan.server)
    output.err.print(t)
    if dry:
        result = dry_run(proj, plan)
        output.say(
            f"Probelauf: {result.recipients} Nachrichten gebaut, zusammen "
            f"{result.total_bytes / 1e6:.1f} MB, größte {result.largest / 1e3:.0f} KB, "
            f"in {result.seconds:.2f} s. Nichts verschickt."
        )
        return
    refreeze = False
    if plan.sources_changed:
        if plan.already_sent:
            output.say(
                f"Achtung: die Quellen von {issue} wurden nach dem Einfrieren geändert. "
                "Der Versand läuft mit der eingefrorenen Fassung weiter, damit alle "
                "dieselbe Ausgabe bekommen."
            )
            _confirm(yes, "Mit der eingefrorenen Fassung weitermachen?")
        else:
            output.say(
                f"Die Quellen von {issue} wurden geändert; noch nichts ist verschickt, "
                "die Ausgabe wird neu eingefroren."
            )
            refreeze = True
    _confirm(yes, f"{plan.recipients - plan.already_sent} Nachrichten jetzt senden?")
    options = SendOptions.from_settings(
        proj.settings, rate_per_second=rate, limit=limit, connections=connections
    )
    report = _run_with_progress(proj, plan, options, refreeze)
    _summary(report)


def _confirm(yes: bool, question: str) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        output.fail("Rückfrage nicht möglich (keine Eingabe); bestätigen Sie mit --yes.")
        raise typer.Exit(ExitCode.USER_ERROR)
    typer.confirm(question, abort=True)


def _run_with_progress(proj: Any, plan: Any, options: SendOptions, refreeze: bool) -> SendReport:
    from isamail.send import execute_send

    total = max(plan.recipients - plan.already_sent, 0)
    if options.limit is not None:
        total = min(total, options.limit)
    with Progress(
        TextColumn("[bold]Versand"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:>7.0f}/s"),
        TimeRemainingColumn(),
        console=output.err,
        transient=False,
        # Redrawn on each progress report (twice a second) rather than by a thread of
        # its own: a send forks its sending processes, and forking wants one thread.
        auto_refresh=False,
    ) as progress:
        task = progress.add_task("send", total=total or None, rate=0.0)

        def on_progress(summary: RunSummary) -> None:
            done = summary.sent + summary.failed
            elapsed = max(summary.elapsed, 1e-3) if summary.elapsed else None
            rate = done / elapsed if elapsed else progress.tasks[0].speed or 0.0
            progress.update(task, completed=done, rate=rate, refresh=True)

        def on_run(run: SendRun) -> None:
            def stop(_signum: int, _frame: Any) -> None:
                output.say("Abbruch angefordert: laufende Nachrichten werden fertig gesendet …")
                run.stop()
                signal.signal(signal.SIGINT, signal.default_int_handler)

            signal.signal(signal.SIGINT, stop)

        try:
            return execute_send(
                proj,
                plan,
                options=options,
                refreeze=refreeze,
                on_progress=on_progress,
                on_run=on_run,
            )
        finally:
            signal.signal(signal.SIGINT, signal.default_int_handler)


def _summary(report: SendReport) -> None:
    run, counts = report.run, report.counts
    t = output.table("Status", "#Anzahl", title=f"Ergebnis {report.plan.issue}")
    t.add_row("in diesem Lauf versandt", str(run.sent))
    t.add_row("in diesem Lauf endgültig fehlgeschlagen", str(run.failed))
    t.add_row("versandt insgesamt", str(counts["sent"]))
    t.add_row("fehlgeschlagen insgesamt", str(counts["failed"]))
    t.add_row("unzustellbar (Bounces)", str(counts["bounced"]))
    t.add_row("noch in der Warteschlange", str(counts["queued"] + counts["sending"]))
    if counts["skipped"]:
        t.add_row(
            "übersprungen (inzwischen abgemeldet, gelöscht, gesperrt)", str(counts["skipped"])
        )
    output.err.print(t)
    if run.elapsed and run.sent:
        output.say(
            f"{run.sent} Nachrichten in {run.elapsed:.1f} s ({run.sent / run.elapsed:.0f}/s)."
        )
    if report.recovery.applied or report.recovery.in_flight or report.recovery.requeued:
        output.say(
            f"Nach einem Abbruch aufgeräumt: {report.recovery.applied} Ergebnisse "
            f"übernommen, {len(report.recovery.in_flight)} Nachrichten waren beim "
            "Abbruch unterwegs und gingen erneut (gleiche Message-ID)."
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
        why = "abgebrochen" if run.stopped == "interrupted" else "zurückgestellt (4xx)"
        output.say(f"{waiting} Nachrichten {why}; weiter mit: {report.resume_command}")
    if run.failed:
        output.fail(f"{run.failed} Nachrichten endgültig fehlgeschlagen (5xx).")
        raise typer.Exit(ExitCode.SEND_FAILURES)
    if run.stopped == "interrupted":
        raise typer.Exit(130)
