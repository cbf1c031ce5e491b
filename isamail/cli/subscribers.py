"""`isamail subscribers`: add, import, export, look up, unsubscribe, forget."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from isamail.cli import names, output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.errors import ExitCode
from isamail.i18n import N_, _, ngettext
from isamail.i18n.formats import integer, when

if TYPE_CHECKING:
    from isamail.context import Project

app = typer.Typer(
    cls=CommandGroup,
    help="Abonnenten: eintragen, importieren, exportieren, nachschlagen, löschen.",
    no_args_is_help=True,
)

ListOption = Annotated[str, typer.Option("--list", "-l", help="Name der Liste.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")]
StatusOption = Annotated[
    str | None,
    typer.Option(
        "--status",
        help="Nur Abonnements mit diesem Status: bestätigt, unbestätigt, abgemeldet, "
        "unzustellbar (oder confirmed, pending, unsubscribed, bounced).",
    ),
]
DelimiterOption = Annotated[
    str,
    typer.Option(
        "--delimiter",
        help="Trennzeichen: ; (Voreinstellung, für deutsches Excel, mit BOM), "
        "oder , und tab für Skripte (ohne BOM).",
    ),
]


@app.command("add")
def add(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
    list_name: ListOption,
    name: Annotated[str, typer.Option("--name", help="Name der Person.")] = "",
    confirmed: Annotated[
        bool,
        typer.Option("--confirmed", help="Einwilligung liegt schon vor (ohne: Double-Opt-in)."),
    ] = False,
    consent_note: Annotated[
        str, typer.Option("--consent-note", help="Woher die Einwilligung stammt (mit --confirmed).")
    ] = "",
    language: Annotated[str | None, typer.Option("--language", help="de, en oder zh.")] = None,
) -> None:
    """Trägt eine Adresse in eine Liste ein."""
    from isamail.audience.subscribers import add_subscriber

    proj = project(ctx)
    if not confirmed:
        _request_confirmation(proj, email, list_name, name, language)
        return
    note = consent_note or "von Hand bestätigt eingetragen"
    result = add_subscriber(
        proj.engine, email, list_name, name=name, language=language, confirmed=True, note=note
    )
    output.say(
        _("{email} ist in „{list}“ eingetragen (bestätigt).").format(
            email=result.email, list=list_name
        )
    )


def _request_confirmation(
    proj: Project, email: str, list_name: str, name: str, language: str | None
) -> None:
    from isamail.audience.optin import request_confirmation
    from isamail.sending.transactional import deliver_due

    outcome = request_confirmation(proj, email, list_name, name=name, language=language)
    if outcome.result == "confirmed":
        output.say(
            _("{email} ist in „{list}“ schon bestätigt eingetragen.").format(
                email=outcome.email, list=list_name
            )
        )
        return
    output.say(
        _("{email} ist in „{list}“ vorgemerkt (unbestätigt).").format(
            email=outcome.email, list=list_name
        )
    )
    if outcome.result != "queued":
        output.say(
            _(
                "Keine neue Bestätigungsmail: heute gingen schon genug an diese Adresse "
                "(web.confirmations_per_address_per_day)."
            )
        )
        return
    sent = deliver_due(proj.engine, proj.settings, limit=20)
    if sent.sent:
        output.say(
            _("Die Bestätigungsmail ist verschickt; ihr Link schließt das Double-Opt-in ab.")
        )
    else:
        reason = "; ".join(sent.errors) or _("der Server nimmt sie gerade nicht an")
        output.say(
            _(
                "Die Bestätigungsmail liegt in der Warteschlange ({reason}); "
                "`isamail serve` versucht es weiter."
            ).format(reason=reason)
        )


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV-Datei (Komma oder Semikolon, UTF-8, Windows-1252 oder UTF-16).",
            dir_okay=False,
        ),
    ],
    list_name: ListOption,
    confirmed: Annotated[
        bool,
        typer.Option(
            "--confirmed",
            help="Die Einwilligungen liegen vor (Pflicht: ohne sie wird nichts importiert).",
        ),
    ] = False,
    consent_note: Annotated[
        str,
        typer.Option(
            "--consent-note",
            help="Woher die Einwilligungen stammen, z. B. „Anmeldeliste Fachkonferenz 2019“.",
        ),
    ] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Nur prüfen, nichts speichern, keine Datei schreiben.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Datei für abgelehnte Zeilen (Voreinstellung: rejected/DATEINAME.csv im "
            "Projekt, bei jedem Import derselben Datei ersetzt).",
            dir_okay=False,
        ),
    ] = None,
    changes: Annotated[
        bool,
        typer.Option(
            "--changes",
            help="Die geänderten Zeilen (neu, aktualisiert, abgemeldet) in eine Datei neben "
            "der für abgelehnte schreiben: rejected/DATEINAME-changes.csv.",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Als JSON ausgeben, mit den geänderten Zeilen (changes)."),
    ] = False,
) -> None:
    """Importiert Abonnenten mit vorliegender Einwilligung aus einer CSV-Datei, alles oder nichts.

    Bestätigungsmails an importierte Adressen verschickt isamail nicht (UWG § 7)."""
    from isamail.audience.importer import import_subscribers, write_changes

    proj = project(ctx)
    # One rejects file per imported file: importing it again replaces it.
    default_rejects = rejects is None
    if rejects is None:
        rejects = proj.directory / "rejected" / f"{file.stem}.csv"
    if confirmed and not consent_note.strip() and not dry_run:
        output.fail(
            _(
                "Woher stammt die Einwilligung? Zu --confirmed gehört --consent-note „…“, "
                "z. B. „Anmeldeliste Fachkonferenz 2019“; der Vermerk steht im Nachweis jeder "
                "importierten Adresse."
            )
        )
        raise typer.Exit(ExitCode.USER_ERROR)
    report = import_subscribers(
        proj.engine,
        file,
        list_name,
        confirmed=confirmed,
        consent_note=consent_note.strip(),
        dry_run=dry_run,
        rejects_path=None if dry_run else rejects,
    )
    if not dry_run and not report.rejected and default_rejects:
        rejects.unlink(missing_ok=True)  # the last import's rejects, fixed since
    changes_file = rejects.with_name(f"{rejects.stem}-changes.csv")
    if changes and not dry_run:
        write_changes(changes_file, report.changes)
    if as_json:
        data = report.counts()
        data["changes"] = [{"email": e, "change": c} for e, c in report.changes]
        output.print_json(data)
        return
    rows = ngettext("{n} Zeile", "{n} Zeilen", report.rows).format(n=integer(report.rows))
    delimiter = {"\t": N_("Tab"), ";": N_("Semikolon"), ",": N_("Komma")}.get(
        report.delimiter, report.delimiter
    )
    summary = (
        _("{file}: {rows} ({encoding}, {delimiter}) geprüft für „{list}“:")
        if dry_run
        else _("{file}: {rows} ({encoding}, {delimiter}) importiert in „{list}“:")
    )
    output.say(
        summary.format(
            file=file.name,
            rows=rows,
            encoding=report.encoding,
            delimiter=_(delimiter),
            list=list_name,
        )
    )
    t = output.table(_("Ergebnis"), "#" + _("Anzahl"))
    for label, n in (
        (_("neu"), report.added),
        (_("aktualisiert"), report.updated),
        (_("unverändert"), report.unchanged),
        (_("übersprungen (Sperrliste)"), report.skipped),
        (_("doppelt in der Datei (zusammengeführt)"), report.duplicates),
        (_("abgelehnt"), report.rejected),
    ):
        t.add_row(label, integer(n))
    output.show(t)
    for line, reason in report.rejects[:10]:
        output.say(_("  Zeile {line}: {reason}").format(line=line, reason=reason))
    if report.rejected > 10:
        output.say(_("  … und {n} weitere").format(n=integer(report.rejected - 10)))
    if report.rejects_file:
        output.say(_("Abgelehnte Zeilen mit Grund: {file}").format(file=report.rejects_file))
    if changes and not dry_run:
        output.say(_("Geänderte Zeilen: {file}").format(file=changes_file))
    if dry_run:
        output.say(_("Probelauf: nichts gespeichert, keine Datei geschrieben."))
        if not confirmed:
            output.say(
                _(
                    "Der Import selbst braucht --confirmed --consent-note „woher“: isamail "
                    "trägt nur Adressen ein, deren Einwilligung schon vorliegt."
                )
            )


@app.command("export")
def export(
    ctx: typer.Context,
    list_name: ListOption,
    out_file: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Zieldatei (Voreinstellung: Standardausgabe).", dir_okay=False
        ),
    ] = None,
    status: StatusOption = None,
    delimiter: DelimiterOption = ";",
) -> None:
    """Exportiert eine Liste als CSV für deutsches Excel (Semikolon, UTF-8 mit BOM),
    sicher gegen Formeln; mit --delimiter für Skripte."""
    from isamail.audience import csvout
    from isamail.audience.importer import export_subscribers

    engine = project(ctx).engine
    wanted = names.subscription_status(status)
    delim = csvout.delimiter(delimiter)
    if out_file is None:
        n = export_subscribers(engine, list_name, sys.stdout, status=wanted, delimiter=delim)
    else:
        with csvout.open_file(out_file) as stream:
            n = export_subscribers(engine, list_name, stream, status=wanted, delimiter=delim)
    exported = ngettext("{n} Abonnement exportiert", "{n} Abonnements exportiert", n).format(
        n=integer(n)
    )
    output.say(exported + (_(" nach {file}.").format(file=out_file) if out_file else "."))


@app.command("ls")
def ls(
    ctx: typer.Context,
    list_name: ListOption,
    status: StatusOption = None,
    as_json: JsonOption = False,
) -> None:
    """Zeigt die Abonnenten einer Liste."""
    from isamail.audience.subscribers import list_members

    members = list_members(project(ctx).engine, list_name, names.subscription_status(status))
    if as_json:
        output.print_json(
            [
                {"email": s.email, "name": s.name, "status": sub.status, "language": s.language}
                for s, sub in members
            ]
        )
        return
    t = output.table(
        output.Column(_("E-Mail"), key=True),
        output.Column(_("Name"), optional=1),
        _("Status"),
    )
    for s, sub in members:
        t.add_row(
            s.email or _("(gelöscht)"), s.name, names.label(names.SUBSCRIPTION_STATUS, sub.status)
        )
    output.show(t)
    output.say(
        ngettext("{n} Eintrag.", "{n} Einträge.", len(members)).format(n=integer(len(members)))
    )


@app.command("show")
def show(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
    as_json: JsonOption = False,
) -> None:
    """Zeigt alles, was über eine Adresse gespeichert ist (DSGVO Art. 15)."""
    from isamail.audience.subscribers import subscriber_record

    record = subscriber_record(project(ctx).engine, email)
    if as_json:
        output.print_json(record)
        return
    title = record["email"] or email
    if record["erased"]:
        title += _(" (gelöscht; nur das Einwilligungsprotokoll ist noch aufbewahrt)")
    t = output.table(_("Feld"), output.Column(_("Wert"), key=True), title=title)
    fields = (
        (_("Name"), record["name"]),
        (_("Organisation"), record["organisation"]),
        (_("Stadt"), record["city"]),
        (_("Land"), record["country"]),
        (_("Sprache"), record["language"]),
        (_("Zustand"), names.label(names.SUBSCRIBER_STATE, record["state"])),
        (_("eingetragen"), when(record["created_at"])),
    )
    for label, value in fields:
        t.add_row(label, value or "")
    for key, value in record["attributes"].items():
        t.add_row(key, value)
    output.show(t)
    subs = output.table(
        output.Column(_("Liste"), key=True), _("Status"), _("seit"), title=_("Abonnements")
    )
    for s in record["subscriptions"]:
        since = s["unsubscribed_at"] or s["confirmed_at"] or s["created_at"]
        subs.add_row(s["list"], names.label(names.SUBSCRIPTION_STATUS, s["status"]), when(since))
    output.show(subs)
    events = output.table(
        output.Column(_("Zeit"), key=True),
        _("Ereignis"),
        output.Column(_("Liste"), key=True),
        output.Column(_("Quelle"), optional=2),
        output.Column(_("IP"), optional=3),
        output.Column(_("Vermerk"), optional=1),
        title=_("Einwilligungsprotokoll"),
    )
    for e in record["consent_events"]:
        events.add_row(
            when(e["at"]),
            names.label(names.CONSENT_KIND, e["kind"]),
            e["list"] or "",
            e["source"],
            e["ip"] or "",
            e["note"],
        )
    output.show(events)
    _consent_texts(record["consent_events"])
    if record["suppressions"]:
        output.line(
            _("Sperrliste: {entries}").format(
                entries=", ".join(
                    f"{names.label(names.SUPPRESSION_REASON, s['reason'])} "
                    f"({s['list'] or _('alle Listen')})"
                    for s in record["suppressions"]
                )
            )
        )
    if record["deliveries"]:
        deliveries = output.table(
            output.Column(_("Ausgabe"), key=True),
            _("Status"),
            _("versandt"),
            title=_("Zustellungen"),
        )
        for d in record["deliveries"]:
            deliveries.add_row(
                d["issue"], names.label(names.DELIVERY_STATUS, d["status"]), when(d["sent_at"])
            )
        output.show(deliveries)


def _consent_texts(events: list[dict[str, Any]]) -> None:
    """Each wording the person agreed to, once: what the consent record proves."""
    shown: list[dict[str, str]] = []
    for event in events:
        wording = event["consent_text"]
        if wording and wording not in shown:
            shown.append(wording)
            output.line(
                f"Einwilligungstext {wording['version']} ({wording['language']}): "
                f"„{wording['text']}“"
            )


@app.command("unsubscribe")
def unsubscribe_(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
    list_name: Annotated[
        str | None, typer.Option("--list", "-l", help="Nur von dieser Liste (ohne: von allen).")
    ] = None,
) -> None:
    """Meldet eine Adresse ab; sie bleibt auf der Sperrliste."""
    from isamail.audience.subscribers import unsubscribe

    left = unsubscribe(project(ctx).engine, email, list_name)
    if left:
        output.say(_("Abgemeldet von: {lists}.").format(lists=", ".join(left)))
    else:
        output.say(_("Nichts zu tun: die Adresse war dort schon abgemeldet."))


@app.command("forget")
def forget_(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage.")] = False,
) -> None:
    """Löscht die Daten einer Person (DSGVO Art. 17); nur ein Hash bleibt auf der Sperrliste."""
    from isamail.audience.subscribers import forget

    if not yes and not output.confirm(
        _("Alle Daten von {email} unwiderruflich löschen?").format(email=email)
    ):
        raise typer.Abort()
    forget(project(ctx).engine, email)
    output.say(
        _("{email} ist gelöscht; die Adresse wird nie wieder angeschrieben.").format(email=email)
    )


@app.command("purge-pending")
def purge_pending_(
    ctx: typer.Context,
    days: Annotated[
        int, typer.Option("--days", min=1, help="Unbestätigte Anmeldungen älter als so viele Tage.")
    ] = 7,
    as_json: JsonOption = False,
) -> None:
    """Beendet unbestätigte Anmeldungen nach 7 Tagen; das Einwilligungsprotokoll behält sie."""
    from isamail.audience.optin import purge_pending

    result = purge_pending(project(ctx).engine, timedelta(days=days))
    if as_json:
        output.print_json(
            {
                "subscriptions": result.subscriptions,
                "people_erased": result.people_erased,
                "mails_deleted": result.mails_deleted,
            }
        )
        return
    output.say(
        _(
            "Unbestätigte Anmeldungen beendet: {subscriptions}; Personen gelöscht: {people}; "
            "alte Bestätigungsmails entfernt: {mails}."
        ).format(
            subscriptions=integer(result.subscriptions),
            people=integer(result.people_erased),
            mails=integer(result.mails_deleted),
        )
    )


@app.command("retention")
def retention(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Nur zählen, nichts löschen.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Löscht die Daten von Abgemeldeten nach der Aufbewahrungsfrist (DSGVO Art. 5 Abs. 1 e).

    Nach retention.left_days Tagen (Voreinstellung 30) wie `forget`, doch der
    Einwilligungsnachweis bleibt bis zum Jahresende nach retention.consent_proof_years
    Jahren (Voreinstellung 3). Der Worker tut das täglich."""
    from isamail.audience.retention import RetentionPolicy, apply_retention

    proj = project(ctx)
    policy = RetentionPolicy.from_settings(proj.settings)
    result = apply_retention(proj.engine, policy, dry_run=dry_run)
    if as_json:
        output.print_json(
            {
                "erased": result.erased,
                "proofs_expired": result.proofs_expired,
                "dry_run": result.dry_run,
            }
        )
        return
    if dry_run:
        erased = ngettext(
            "{n} Person würde gelöscht ({days} Tage nach der Abmeldung)",
            "{n} Personen würden gelöscht ({days} Tage nach der Abmeldung)",
            result.erased,
        )
        proofs = ngettext(
            "bei {n} würden IP-Adresse und Browser aus dem Einwilligungsnachweis entfernt "
            "({years} Jahre).",
            "bei {n} würden IP-Adresse und Browser aus dem Einwilligungsnachweis entfernt "
            "({years} Jahre).",
            result.proofs_expired,
        )
    else:
        erased = ngettext(
            "{n} Person wurde gelöscht ({days} Tage nach der Abmeldung)",
            "{n} Personen wurden gelöscht ({days} Tage nach der Abmeldung)",
            result.erased,
        )
        proofs = ngettext(
            "bei {n} wurden IP-Adresse und Browser aus dem Einwilligungsnachweis entfernt "
            "({years} Jahre).",
            "bei {n} wurden IP-Adresse und Browser aus dem Einwilligungsnachweis entfernt "
            "({years} Jahre).",
            result.proofs_expired,
        )
    output.say(
        erased.format(n=integer(result.erased), days=policy.left_days)
        + ", "
        + proofs.format(n=integer(result.proofs_expired), years=policy.consent_proof_years)
    )
