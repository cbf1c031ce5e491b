"""`isamail send`: the command an editor runs once a month."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import ExitCode, IsamailError
from isamail.i18n import _, ngettext
from isamail.i18n.formats import integer, seconds, size

if TYPE_CHECKING:
    from isamail.context import Project
    from isamail.sending.engine import EngineOptions, RunSummary
    from isamail.sending.newsletter import SendReport
    from isamail.sending.plan import SendPlan


def _positive_rate(value: float | None) -> float | None:
    if value is not None and not value > 0:
        raise typer.BadParameter(_("muss größer als 0 sein (Nachrichten pro Sekunde)."))
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
        output.warn(str(problem))
    if not plan.would_send:
        output.say(
            _(
                "Nichts zu tun: alle {n} Empfänger der Listen haben {issue} schon bekommen "
                "(oder es ist für sie erledigt)."
            ).format(n=integer(plan.recipients), issue=issue)
        )
        return
    if dry:
        _dry_run(proj, plan)
        return
    refreeze = _sources_changed(plan, yes)
    if plan.already_sent and plan.new:
        output.say(
            ngettext(
                "{n} Empfänger ist seit dem ersten Versand von {issue} dazugekommen und "
                "bekommt die Ausgabe jetzt.",
                "{n} Empfänger sind seit dem ersten Versand von {issue} dazugekommen und "
                "bekommen die Ausgabe jetzt.",
                plan.new,
            ).format(n=integer(plan.new), issue=issue)
        )
    question = ngettext(
        "{n} Nachricht jetzt senden?", "{n} Nachrichten jetzt senden?", plan.would_send
    )
    _confirm(yes, question.format(n=integer(plan.would_send)))
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
            output.say(
                _("Testexemplar von {issue} an {address} verschickt ({code}).").format(
                    issue=issue, address=address, code=outcome.code
                )
            )
        else:
            refused += 1
            output.fail(
                _("Testexemplar an {address} abgelehnt: {reply}").format(
                    address=address, reply=f"{outcome.code or ''} {outcome.text}".strip()
                )
            )
    if refused:
        raise typer.Exit(ExitCode.USER_ERROR)


def _show_plan(plan: SendPlan) -> None:
    t = output.table(
        output.Column(_("Angabe"), key=True),
        _("Wert"),
        title=_("Versand von {issue}").format(issue=plan.issue),
    )
    t.add_row(_("Betreff"), plan.rendered.subject)
    t.add_row(_("Listen"), ", ".join(plan.lists))
    recipients = ngettext(
        "{n} bestätigte Adresse", "{n} bestätigte Adressen", plan.recipients
    ).format(n=integer(plan.recipients))
    t.add_row(_("Empfänger"), recipients)
    if plan.already_sent:
        t.add_row(_("schon versandt"), integer(plan.already_sent))
    if plan.edition_id is not None:
        t.add_row(
            _("jetzt zu senden"),
            _("{new} neu, {queued} wartend").format(
                new=integer(plan.new), queued=integer(plan.queued)
            ),
        )
    t.add_row(_("Absender"), plan.from_address)
    t.add_row(_("Server"), plan.server)
    t.add_row(_("Links"), plan.link_base)
    output.show(t, stderr=True)


def _dry_run(proj: Project, plan: SendPlan) -> None:
    from isamail.sending.plan import dry_run

    result = dry_run(proj, plan)
    output.say(
        ngettext(
            "Probelauf: Anmeldung an {server} gelungen; {n} Nachricht würde jetzt gesendet, "
            "zusammen {total}, größte {largest} (gebaut in {seconds}). Nichts verschickt.",
            "Probelauf: Anmeldung an {server} gelungen; {n} Nachrichten würden jetzt "
            "gesendet, zusammen {total}, größte {largest} (gebaut in {seconds}). Nichts "
            "verschickt.",
            result.messages,
        ).format(
            server=result.server,
            n=integer(result.messages),
            total=size(result.total_bytes),
            largest=size(result.largest),
            seconds=seconds(result.seconds),
        )
    )


def _sources_changed(plan: SendPlan, yes: bool) -> bool:
    """Whether the edition is frozen anew (only while nothing of it was sent)."""
    if not plan.sources_changed:
        return False
    if plan.already_sent:
        output.say(
            _(
                "Achtung: die Quellen von {issue} wurden nach dem Einfrieren geändert. Der "
                "Versand läuft mit der eingefrorenen Fassung weiter, damit alle dieselbe "
                "Ausgabe bekommen."
            ).format(issue=plan.issue)
        )
        _confirm(yes, _("Mit der eingefrorenen Fassung weitermachen?"))
        return False
    output.say(
        _(
            "Die Quellen von {issue} wurden geändert; noch nichts ist verschickt, die "
            "Ausgabe wird neu eingefroren."
        ).format(issue=plan.issue)
    )
    return True


def _confirm(yes: bool, question: str) -> None:
    import sys

    if yes:
        return
    if not sys.stdin.isatty():
        raise IsamailError(_("Rückfrage nicht möglich (keine Eingabe); bestätigen Sie mit --yes."))
    if not output.confirm(question):  # j/ja/n/nein, and y/yes
        raise typer.Abort()


def _run_with_progress(
    proj: Project, plan: SendPlan, options: EngineOptions, refreeze: bool
) -> SendReport:
    from isamail.sending.newsletter import execute_send

    total = plan.would_send if options.limit is None else min(plan.would_send, options.limit)
    with Progress(
        TextColumn("[bold]" + escape(_("Versand"))),
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
    t = output.table(
        output.Column(_("Status")),
        "#" + _("Anzahl"),
        title=_("Ergebnis {issue}").format(issue=report.plan.issue),
    )
    t.add_row(_("in diesem Lauf versandt"), integer(run.sent))
    t.add_row(_("in diesem Lauf endgültig fehlgeschlagen"), integer(run.failed))
    t.add_row(_("versandt insgesamt"), integer(counts["sent"]))
    t.add_row(_("fehlgeschlagen insgesamt"), integer(counts["failed"]))
    t.add_row(_("unzustellbar (Bounces)"), integer(counts["bounced"]))
    if counts["skipped"]:
        t.add_row(_("übersprungen (abgemeldet, gelöscht, gesperrt)"), integer(counts["skipped"]))
    t.add_row(_("noch in der Warteschlange"), integer(counts["queued"] + counts["sending"]))
    output.show(t, stderr=True)
    if run.elapsed and run.sent:
        output.say(
            ngettext(
                "{n} Nachricht in {seconds} ({rate}).",
                "{n} Nachrichten in {seconds} ({rate}).",
                run.sent,
            ).format(
                n=integer(run.sent),
                seconds=seconds(run.elapsed),
                rate=f"{integer(round(run.sent / run.elapsed))}/s",
            )
        )
    recovery = report.recovery
    if recovery.applied or recovery.in_flight or recovery.requeued:
        output.say(
            _(
                "Nach einem Abbruch aufgeräumt: {applied} Ergebnisse übernommen, {in_flight} "
                "Nachrichten waren beim Abbruch unterwegs und gehen erneut (gleiche Message-ID)."
            ).format(applied=integer(recovery.applied), in_flight=integer(len(recovery.in_flight)))
        )
    if report.possibly_duplicated:
        shown = report.possibly_duplicated[:20]
        more = len(report.possibly_duplicated) - len(shown)
        output.say(
            _("Möglicherweise doppelt erhalten: {addresses}").format(addresses=", ".join(shown))
            + (" " + _("… und {n} weitere").format(n=integer(more)) if more else "")
        )
    for _address, code, reply in run.failures[:10]:
        output.say(_("  abgelehnt: {code} {reply}").format(code=code, reply=reply))
    waiting = counts["queued"] + counts["sending"]
    if run.stopped == "server_gone":
        output.fail(
            ngettext(
                "Der SMTP-Server ist nicht mehr erreichbar; {n} Nachricht bleibt in der "
                "Warteschlange.",
                "Der SMTP-Server ist nicht mehr erreichbar; {n} Nachrichten bleiben in der "
                "Warteschlange.",
                waiting,
            ).format(n=integer(waiting)),
            _("Weiter mit: {command}").format(command=report.resume_command),
        )
        raise typer.Exit(ExitCode.USER_ERROR)
    if waiting:
        if run.stopped == "interrupted":
            why = _("abgebrochen")
        elif options.limit is not None and run.done >= options.limit and not run.deferred:
            why = _("nicht in diesem Lauf (--limit)")
        else:
            why = _("zurückgestellt (vorübergehende Fehler, 4xx)")
        output.say(
            ngettext(
                "{n} Nachricht {why}; weiter mit: {command}",
                "{n} Nachrichten {why}; weiter mit: {command}",
                waiting,
            ).format(n=integer(waiting), why=why, command=report.resume_command)
        )
    if run.failed:
        output.fail(
            ngettext(
                "{n} Nachricht endgültig fehlgeschlagen (5xx).",
                "{n} Nachrichten endgültig fehlgeschlagen (5xx).",
                run.failed,
            ).format(n=integer(run.failed))
        )
        raise typer.Exit(ExitCode.SEND_FAILURES)
    if run.stopped == "interrupted":
        raise typer.Exit(130)
