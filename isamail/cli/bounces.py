"""`isamail bounces`: read returned mail, list it, act on unproven reports by hand."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.errors import IsamailError
from isamail.i18n import N_, _, ngettext
from isamail.i18n.formats import integer, when

if TYPE_CHECKING:
    from isamail.bounces.process import ProcessReport
    from isamail.bounces.review import BounceEntry

app = typer.Typer(
    cls=CommandGroup, help="Rückläufer (Bounces), Beschwerden und Abmeldungen per E-Mail."
)

_KIND_LABELS = {
    "hard": N_("dauerhaft unzustellbar"),
    "soft": N_("vorübergehend unzustellbar"),
    "policy": N_("vom Server abgelehnt (Richtlinie)"),
    "complaint": N_("Spam-Beschwerde"),
    "unsubscribe": N_("Abmeldung per E-Mail"),
    "autoreply": N_("automatische Antwort"),
    "not_bounce": N_("kein Rückläufer"),
}
# keyed by the values of bounces.process.Action (a StrEnum), so that --help need not load it
_ACTION_LABELS = {
    "suppressed": N_("gesperrt"),
    "unsubscribed": N_("abgemeldet"),
    "counted": N_("gezählt"),
    "reported": N_("gemeldet"),
    "ignored": N_("ignoriert"),
    "unattributed": N_("nicht zugeordnet"),
}
_REVIEW_LABELS = {
    "open": N_("wartet"),
    "applied": N_("angewendet"),
    "dismissed": N_("verworfen"),
}
_PROOF_LABELS = {
    "token": N_("Token"),
    "message_id": "Message-ID",
    "unsubscribe_token": N_("Abmelde-Token"),
    "relay_id": N_("SES-Kennung"),
    "staff": N_("von Hand"),
}


def _kind(kind: str) -> str:
    return _(_KIND_LABELS[kind]) if kind in _KIND_LABELS else kind


SHOWN = 20  # addresses per group before "--all"

AllOption = Annotated[
    bool, typer.Option("--all", help="Alle Adressen zeigen (sonst höchstens 20 je Gruppe).")
]


@app.callback(no_args_is_help=True)
def _root() -> None:
    """Rückläufer (Bounces), Beschwerden und Abmeldungen per E-Mail."""


@app.command("process")
def process(
    ctx: typer.Context,
    mbox: Annotated[
        Path | None, typer.Option("--mbox", help="Postfach-Datei im mbox-Format.")
    ] = None,
    maildir: Annotated[
        Path | None, typer.Option("--maildir", help="Maildir-Ordner (mit new/ und cur/).")
    ] = None,
    imap: Annotated[
        str | None,
        typer.Option(
            "--imap",
            help="imaps://BENUTZER:PASSWORT@SERVER[:993]/ORDNER[?processed=ORDNER]; "
            "verarbeitete Nachrichten werden in den processed-Ordner verschoben (er wird "
            "bei Bedarf angelegt) oder ohne ihn markiert. Das Zertifikat wird geprüft; "
            "eine eigene CA mit SSL_CERT_FILE=DATEI.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
    show_all: AllOption = False,
) -> None:
    """Liest Rückläufer, ordnet sie Zustellungen zu und sperrt unzustellbare Adressen.

    Ohne Quelle wird das Postfach aus isamail.toml gelesen ([bounces] imap_url oder
    maildir). Nur ein Bericht, der beweist, um welche unserer Mails es geht (Token der
    Absenderadresse, Message-ID oder Abmelde-Token der zurückgeschickten Mail), ändert
    etwas: dauerhafte Fehler sperren die Adresse, Beschwerden melden von allen Listen ab,
    vorübergehende Fehler werden gezählt, Ablehnungen aus Richtliniengründen gemeldet.
    Berichte ohne Beweis ändern nichts und warten auf eine Entscheidung
    (`isamail bounces ls --unattributed`). Antworten von Lesern bleiben ungelesen im
    Postfach. Dieselbe Nachricht zweimal zu verarbeiten ändert nichts.
    """
    from isamail.bounces.auto import configured_mailbox, process_configured_mailbox
    from isamail.bounces.inbox import ImapMailbox, MaildirBox, read_mbox
    from isamail.bounces.process import process_mailbox

    chosen = [
        name
        for name, value in (("--mbox", mbox), ("--maildir", maildir), ("--imap", imap))
        if value
    ]
    if len(chosen) > 1:
        raise IsamailError(
            _(
                "Genau eine Quelle angeben: --mbox DATEI, --maildir ORDNER oder --imap URL "
                "(nicht {options})."
            ).format(options=_(" und ").join(chosen))
        )
    proj = project(ctx)
    engine, settings = proj.engine, proj.settings
    if mbox is not None:
        report = process_mailbox(engine, settings, read_mbox(mbox))
    elif maildir is not None:
        box = MaildirBox(maildir)
        report = process_mailbox(engine, settings, box, mark_processed=box.mark_processed)
    elif imap:
        with ImapMailbox(imap) as folder:
            report = process_mailbox(engine, settings, folder, mark_processed=folder.mark_processed)
    else:
        configured = process_configured_mailbox(proj)
        if configured is None:
            raise IsamailError(
                _("Genau eine Quelle angeben: --mbox DATEI, --maildir ORDNER oder --imap URL."),
                hint=_(
                    "Oder das Rückläufer-Postfach in isamail.toml eintragen: "
                    '[bounces] imap_url = "imaps://…" oder maildir = "…".'
                ),
            )
        output.say(_("Postfach: {mailbox}").format(mailbox=configured_mailbox(settings) or ""))
        report = configured
    if as_json:
        output.print_json(report.as_json())
    else:
        _print(report, show_all=show_all)
    _warn(report)


def _print(report: ProcessReport, *, show_all: bool) -> None:
    from isamail.bounces.process import Action

    if not report.outcomes:
        output.say(_("Keine Nachrichten gefunden."))
        return
    t = output.table(
        output.Column(_("Art"), key=True),
        "#" + _("Nachrichten"),
        _("Folge"),
        title=_("Verarbeitete Rückläufer"),
    )
    per_kind: dict[str, dict[str, int]] = {}
    for o in report.outcomes:
        if o.action is not Action.DUPLICATE:
            actions = per_kind.setdefault(o.kind, {})
            actions[o.action] = actions.get(o.action, 0) + 1
    for kind, label in _KIND_LABELS.items():
        if kind in per_kind:
            actions = per_kind[kind]
            what = ", ".join(
                f"{integer(n)} {_(_ACTION_LABELS[Action(a)])}" for a, n in sorted(actions.items())
            )
            t.add_row(_(label), integer(sum(actions.values())), what)
    if report.duplicates:
        t.add_row(_("schon früher verarbeitet"), integer(report.duplicates), _("unverändert"))
    output.show(t)
    _names(report, show_all=show_all)


def _names(report: ProcessReport, *, show_all: bool) -> None:
    """The addresses acted on, and those unproven reports name: staff want to know who."""
    groups = [
        (_("Gesperrt (dauerhaft unzustellbar)"), report.acted_on("hard") + report.acted_on("soft")),
        (_("Abgemeldet (Spam-Beschwerde)"), report.acted_on("complaint")),
        (
            _("Nicht zugeordnet, nichts geändert (isamail bounces apply NR)"),
            [
                _("Nr. {number}: {kind}, nennt {named}").format(
                    number=o.bounce_id,
                    kind=_kind(o.kind),
                    named=", ".join(o.named) or _("niemanden"),
                )
                for o in report.unattributed
                if o.review
            ],
        ),
    ]
    for title, lines in groups:
        _print_group(title, lines, show_all=show_all)


def _print_group(title: str, lines: list[str], *, show_all: bool) -> None:
    """A titled list of addresses on stdout, cut after ``SHOWN`` lines unless --all."""
    if not lines:
        return
    output.line("")
    output.line(f"{title}: {integer(len(lines))}")
    shown = lines if show_all else lines[:SHOWN]
    for line in shown:
        output.line(f"  {line}")
    if len(shown) < len(lines):
        more = integer(len(lines) - len(shown))
        output.line(_("  … und {n} weitere (--all zeigt alle)").format(n=more))


def _warn(report: ProcessReport) -> None:
    alerts = report.policy_alerts
    if alerts:
        grouped: dict[tuple[str, str], int] = {}
        for o in alerts:
            key = (o.summary, o.reporter)
            grouped[key] = grouped.get(key, 0) + 1
        message = ngettext(
            "{n} Ablehnung aus Richtliniengründen (DMARC/SPF/DKIM, Sperrlisten, "
            "Ratenbegrenzung): das liegt am Versand, nicht an den Empfängern. Bitte "
            "Absender-Einrichtung und Reputation prüfen.",
            "{n} Ablehnungen aus Richtliniengründen (DMARC/SPF/DKIM, Sperrlisten, "
            "Ratenbegrenzung): das liegt am Versand, nicht an den Empfängern. Bitte "
            "Absender-Einrichtung und Reputation prüfen.",
            len(alerts),
        ).format(n=integer(len(alerts)))
        output.say_rich(f"[bold yellow]{escape(_('Achtung:'))}[/] {escape(message)}")
        for (summary, reporter), n in sorted(grouped.items(), key=lambda item: -item[1])[:10]:
            by = _(" (gemeldet von {reporter})").format(reporter=reporter) if reporter else ""
            output.say(f"  {integer(n)} × {summary}{by}")
    unattributed = [o for o in report.unattributed if o.review]
    if unattributed:
        output.say(
            ngettext(
                "{n} Rückläufer oder eine Beschwerde beweist nicht, um welche unserer Mails es "
                "geht, und hat nichts geändert: `isamail bounces ls --unattributed` zeigt ihn, "
                "`isamail bounces apply NR` wendet ihn an.",
                "{n} Rückläufer oder Beschwerden beweisen nicht, um welche unserer Mails es "
                "geht, und haben nichts geändert: `isamail bounces ls --unattributed` zeigt "
                "sie, `isamail bounces apply NR` wendet einen an.",
                len(unattributed),
            ).format(n=integer(len(unattributed)))
        )
    for spike in report.spikes:
        message = _(
            "Liste „{list}“ hat in diesem Lauf {removed} von {members} Mitgliedern verloren "
            "(Rückläufer und Beschwerden). Bitte prüfen, ob die Berichte echt sind: {addresses}"
        ).format(
            list=spike.list_name,
            removed=integer(spike.removed),
            members=integer(spike.members),
            addresses=", ".join(spike.addresses),
        )
        output.say_rich(
            f"[bold red]{escape(_('Auffällig viele auf einmal:'))}[/] {escape(message)}"
        )


@app.command("ls")
def list_command(
    ctx: typer.Context,
    unattributed: Annotated[
        bool,
        typer.Option(
            "--unattributed",
            help="Nur Berichte ohne Beweis, die auf eine Entscheidung warten.",
        ),
    ] = False,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="Höchstens so viele (die neuesten).")
    ] = 50,
    show_all: Annotated[bool, typer.Option("--all", help="Alle, ohne Begrenzung.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Verarbeitete Rückläufer und Beschwerden, die neuesten zuerst.

    Mit --unattributed nur die Berichte, die nicht beweisen, um welche unserer Mails es
    geht: sie haben nichts geändert und nennen Adressen, über die jemand entscheiden muss
    (`isamail bounces apply NR` oder `isamail bounces dismiss NR`).
    """
    from isamail.bounces.review import list_reports

    entries = list_reports(
        project(ctx).engine, unattributed=unattributed, limit=None if show_all else limit
    )
    if as_json:
        output.print_json([e.as_json() for e in entries])
        return
    if not entries:
        output.say(
            _("Keine Berichte warten auf eine Entscheidung.")
            if unattributed
            else _("Noch keine Rückläufer verarbeitet.")
        )
        return
    _print_entries(entries)


def _print_entries(entries: list[BounceEntry]) -> None:
    # one block per report, never folded: the addresses are what staff look for (grep)
    for e in entries:
        state = _(_REVIEW_LABELS[e.review]) if e.review in _REVIEW_LABELS else e.review
        head = _("Nr. {number}  {at}  {kind}  Zuordnung: {proof}").format(
            number=e.id, at=when(e.created_at), kind=_kind(e.kind), proof=_proof_label(e.proof)
        ) + (f"  [{state}]" if state else "")
        output.line(head)
        output.line(_("  Adressen: {addresses}").format(addresses=", ".join(e.addresses) or "–"))
        by = _(" (gemeldet von {reporter})").format(reporter=e.reporter) if e.reporter else ""
        output.line(_("  Grund: {reason}").format(reason=e.summary) + by)


def _proof_label(proof: str | None) -> str:
    if not proof:
        return _("keine")
    return _(_PROOF_LABELS[proof]) if proof in _PROOF_LABELS else proof


@app.command("apply")
def apply(
    ctx: typer.Context,
    numbers: Annotated[list[int], typer.Argument(help="Nummern aus `isamail bounces ls`.")],
) -> None:
    """Wendet Berichte ohne Beweis von Hand an, nach Prüfung durch einen Menschen.

    Die genannten Adressen werden behandelt, wie ein bewiesener Bericht es getan hätte:
    dauerhaft unzustellbar sperrt, eine Beschwerde meldet von allen Listen ab. Wer das
    tut, sollte vorher geprüft haben, dass der Bericht echt ist (Absender, Kopfzeilen).
    """
    from isamail.bounces.review import apply_report

    engine = project(ctx).engine
    for number in numbers:
        done = apply_report(engine, number)
        n = len(done.acted_on)
        if done.kind == "complaint":
            what = ngettext("{n} Adresse abgemeldet", "{n} Adressen abgemeldet", n)
        else:
            what = ngettext("{n} Adresse gesperrt", "{n} Adressen gesperrt", n)
        output.say(
            _("Nr. {number}: {what}").format(number=number, what=what.format(n=integer(n)))
            + (f": {', '.join(done.acted_on)}" if done.acted_on else "")
            + (
                _("; unbekannt: {addresses}").format(addresses=", ".join(done.unknown))
                if done.unknown
                else ""
            )
        )


@app.command("dismiss")
def dismiss(
    ctx: typer.Context,
    numbers: Annotated[list[int], typer.Argument(help="Nummern aus `isamail bounces ls`.")],
) -> None:
    """Verwirft Berichte ohne Beweis: nichts wird geändert, sie warten nicht mehr."""
    from isamail.bounces.review import dismiss_report

    engine = project(ctx).engine
    for number in numbers:
        dismiss_report(engine, number)
        output.say(_("Nr. {number} verworfen.").format(number=number))


@app.command("lift-complaint")
def lift_complaint(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Die Adresse, die sich beschwert hatte.")],
    consent_note: Annotated[
        str,
        typer.Option(
            "--consent-note",
            help="Wann und wie die Person darum gebeten hat (wird im Einwilligungsprotokoll "
            "festgehalten), z. B. „Telefonat mit Frau X am 3. 5. 2025“.",
        ),
    ],
) -> None:
    """Hebt die Sperre nach einer Spam-Beschwerde auf, auf Wunsch der Person.

    Die Person bleibt abgemeldet; sie kann sich danach wieder anmelden und bestätigt das
    selbst (Double-Opt-in). Ohne diesen Befehl sendet isamail einer Adresse nach einer
    Beschwerde nie wieder etwas, auch keine Bestätigungsmail.
    """
    from isamail.bounces.actions import lift_complaint as lift

    done = lift(project(ctx).engine, email, note=consent_note)
    if done.lifted:
        output.say(
            _(
                "Beschwerde-Sperre für {email} aufgehoben; eine neue Anmeldung mit Bestätigung "
                "ist jetzt möglich."
            ).format(email=done.email)
        )
    else:
        output.say(_("Für {email} liegt keine Beschwerde-Sperre vor.").format(email=done.email))
