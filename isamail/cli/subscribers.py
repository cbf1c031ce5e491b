"""`isamail subscribers`: add, import, export, look up, unsubscribe, forget."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import ExitCode

if TYPE_CHECKING:
    from isamail.context import Project

app = typer.Typer(
    help="Abonnenten: eintragen, importieren, exportieren, nachschlagen, löschen.",
    no_args_is_help=True,
)

ListOption = Annotated[str, typer.Option("--list", "-l", help="Name der Liste.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")]
STATUS_DE = {
    "pending": "unbestätigt",
    "confirmed": "bestätigt",
    "unsubscribed": "abgemeldet",
    "bounced": "unzustellbar",
}


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
    output.say(f"{result.email} ist in „{list_name}“ eingetragen (bestätigt).")


def _request_confirmation(
    proj: Project, email: str, list_name: str, name: str, language: str | None
) -> None:
    from isamail.audience.optin import request_confirmation
    from isamail.sending.transactional import deliver_due

    outcome = request_confirmation(proj, email, list_name, name=name, language=language)
    if outcome.result == "confirmed":
        output.say(f"{outcome.email} ist in „{list_name}“ schon bestätigt eingetragen.")
        return
    output.say(f"{outcome.email} ist in „{list_name}“ vorgemerkt (unbestätigt).")
    if outcome.result != "queued":
        output.say(
            "Keine neue Bestätigungsmail: heute gingen schon genug an diese Adresse "
            "(web.confirmations_per_address_per_day)."
        )
        return
    sent = deliver_due(proj.engine, proj.settings, limit=20)
    if sent.sent:
        output.say("Die Bestätigungsmail ist verschickt; ihr Link schließt das Double-Opt-in ab.")
    else:
        reason = "; ".join(sent.errors) or "der Server nimmt sie gerade nicht an"
        output.say(
            f"Die Bestätigungsmail liegt in der Warteschlange ({reason}); "
            "`isamail serve` versucht es weiter."
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
        bool, typer.Option("--dry-run", help="Nur prüfen, nichts speichern.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option(
            "--rejects",
            help="Datei für abgelehnte Zeilen (Voreinstellung: rejected/ im Projekt).",
            dir_okay=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Importiert Abonnenten mit vorliegender Einwilligung aus einer CSV-Datei, alles oder nichts.

    Bestätigungsmails an importierte Adressen verschickt isamail nicht (UWG § 7)."""
    from isamail.audience.importer import import_subscribers

    proj = project(ctx)
    if rejects is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        rejects = proj.directory / "rejected" / f"{file.stem}-{stamp}.csv"
    if confirmed and not consent_note.strip() and not dry_run:
        output.fail(
            "Woher stammt die Einwilligung? Zu --confirmed gehört --consent-note „…“, "
            "z. B. „Anmeldeliste Fachkonferenz 2019“; der Vermerk steht im Nachweis jeder "
            "importierten Adresse."
        )
        raise typer.Exit(ExitCode.USER_ERROR)
    report = import_subscribers(
        proj.engine,
        file,
        list_name,
        confirmed=confirmed,
        consent_note=consent_note.strip(),
        dry_run=dry_run,
        rejects_path=rejects,
    )
    if as_json:
        output.print_json(report.counts())
        return
    verb = "würde importieren" if dry_run else "importiert"
    output.say(
        f"{file.name}: {report.rows} Zeilen ({report.encoding}, Trennzeichen "
        f"{report.delimiter!r}) {verb} in „{list_name}“:"
    )
    t = output.table("Ergebnis", "#Anzahl")
    for label, n in (
        ("neu", report.added),
        ("aktualisiert", report.updated),
        ("unverändert", report.unchanged),
        ("übersprungen (Sperrliste)", report.skipped),
        ("doppelt in der Datei (zusammengeführt)", report.duplicates),
        ("abgelehnt", report.rejected),
    ):
        t.add_row(label, str(n))
    output.out.print(t)
    for line, reason in report.rejects[:10]:
        output.say(f"  Zeile {line}: {reason}")
    if report.rejected > 10:
        output.say(f"  … und {report.rejected - 10} weitere")
    if report.rejects_file:
        output.say(f"Abgelehnte Zeilen mit Grund: {report.rejects_file}")
    if dry_run:
        output.say("Probelauf: nichts gespeichert.")
        if not confirmed:
            output.say(
                "Der Import selbst braucht --confirmed --consent-note „woher“: isamail "
                "trägt nur Adressen ein, deren Einwilligung schon vorliegt."
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
    status: Annotated[str | None, typer.Option("--status", help="Nur diesen Status.")] = None,
) -> None:
    """Exportiert eine Liste als CSV, sicher zum Öffnen in Excel."""
    from isamail.audience.importer import export_subscribers

    engine = project(ctx).engine
    if out_file is None:
        n = export_subscribers(engine, list_name, sys.stdout, status=status)
    else:
        with out_file.open("w", encoding="utf-8-sig", newline="") as stream:
            n = export_subscribers(engine, list_name, stream, status=status)
    output.say(f"{n} Abonnenten exportiert" + (f" nach {out_file}." if out_file else "."))


@app.command("ls")
def ls(
    ctx: typer.Context,
    list_name: ListOption,
    status: Annotated[
        str | None, typer.Option("--status", help="pending, confirmed, unsubscribed oder bounced.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Zeigt die Abonnenten einer Liste."""
    from isamail.audience.subscribers import list_members

    members = list_members(project(ctx).engine, list_name, status)
    if as_json:
        output.print_json(
            [
                {"email": s.email, "name": s.name, "status": sub.status, "language": s.language}
                for s, sub in members
            ]
        )
        return
    t = output.table("E-Mail", "Name", "Status")
    for s, sub in members:
        t.add_row(s.email or "(gelöscht)", s.name, STATUS_DE.get(sub.status, sub.status))
    output.out.print(t)
    output.say(f"{len(members)} Einträge.")


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
        title += " (gelöscht; nur das Einwilligungsprotokoll ist noch aufbewahrt)"
    t = output.table("Feld", "Wert", title=title)
    for key in ("name", "organisation", "city", "country", "language", "state", "created_at"):
        t.add_row(key, str(record[key] or ""))
    for key, value in record["attributes"].items():
        t.add_row(key, str(value))
    output.out.print(t)
    subs = output.table("Liste", "Status", "seit", title="Abonnements")
    for s in record["subscriptions"]:
        since = s["unsubscribed_at"] or s["confirmed_at"] or s["created_at"]
        subs.add_row(s["list"], STATUS_DE.get(s["status"], s["status"]), since or "")
    output.out.print(subs)
    events = output.table(
        "Zeit", "Ereignis", "Liste", "Quelle", "IP", "Vermerk", title="Einwilligungsprotokoll"
    )
    for e in record["consent_events"]:
        events.add_row(e["at"], e["kind"], e["list"] or "", e["source"], e["ip"] or "", e["note"])
    output.out.print(events)
    _consent_texts(record["consent_events"])
    if record["suppressions"]:
        output.out.print(
            "Sperrliste: "
            + ", ".join(
                f"{s['reason']} ({s['list'] or 'alle Listen'})" for s in record["suppressions"]
            )
        )
    if record["deliveries"]:
        deliveries = output.table("Ausgabe", "Status", title="Zustellungen")
        for d in record["deliveries"]:
            deliveries.add_row(d["issue"], d["status"])
        output.out.print(deliveries)


def _consent_texts(events: list[dict[str, Any]]) -> None:
    """Each wording the person agreed to, once: what the consent record proves."""
    shown: list[dict[str, str]] = []
    for event in events:
        wording = event["consent_text"]
        if wording and wording not in shown:
            shown.append(wording)
            output.out.print(
                f"Einwilligungstext {wording['version']} ({wording['language']}): "
                f"„{wording['text']}“",
                markup=False,
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
        output.say(f"Abgemeldet von: {', '.join(left)}.")
    else:
        output.say("Nichts zu tun: die Adresse war dort schon abgemeldet.")


@app.command("forget")
def forget_(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="E-Mail-Adresse.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Ohne Rückfrage.")] = False,
) -> None:
    """Löscht die Daten einer Person (DSGVO Art. 17); nur ein Hash bleibt auf der Sperrliste."""
    from isamail.audience.subscribers import forget

    if not yes:
        typer.confirm(f"Alle Daten von {email} unwiderruflich löschen?", abort=True)
    forget(project(ctx).engine, email)
    output.say(f"{email} ist gelöscht; die Adresse wird nie wieder angeschrieben.")


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
        f"{result.subscriptions} unbestätigte Anmeldungen beendet, {result.people_erased} "
        f"Personen gelöscht, {result.mails_deleted} alte Bestätigungsmails entfernt."
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
    verb = "würden" if dry_run else "wurden"
    output.say(
        f"{result.erased} Personen {verb} gelöscht ({policy.left_days} Tage nach der "
        f"Abmeldung), bei {result.proofs_expired} {verb} IP-Adresse und Browser aus dem "
        f"Einwilligungsnachweis entfernt ({policy.consent_proof_years} Jahre)."
    )
