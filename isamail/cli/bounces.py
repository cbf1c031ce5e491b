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

if TYPE_CHECKING:
    from isamail.bounces.process import ProcessReport
    from isamail.bounces.review import BounceEntry

app = typer.Typer(
    cls=CommandGroup, help="Rückläufer (Bounces), Beschwerden und Abmeldungen per E-Mail."
)

_KIND_LABELS = {
    "hard": "dauerhaft unzustellbar",
    "soft": "vorübergehend unzustellbar",
    "policy": "vom Server abgelehnt (Richtlinie)",
    "complaint": "Spam-Beschwerde",
    "unsubscribe": "Abmeldung per E-Mail",
    "autoreply": "automatische Antwort",
    "not_bounce": "kein Rückläufer",
}
# keyed by the values of bounces.process.Action (a StrEnum), so that --help need not load it
_ACTION_LABELS = {
    "suppressed": "gesperrt",
    "unsubscribed": "abgemeldet",
    "counted": "gezählt",
    "reported": "gemeldet",
    "ignored": "ignoriert",
    "unattributed": "nicht zugeordnet",
}
_REVIEW_LABELS = {
    "open": "wartet",
    "applied": "angewendet",
    "dismissed": "verworfen",
    "": "",
}
SHOWN = 20  # addresses per group before "--all"

AllOption = Annotated[
    bool, typer.Option("--all", help=f"Alle Adressen zeigen (sonst höchstens {SHOWN} je Gruppe).")
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
            f"Genau eine Quelle angeben: --mbox DATEI, --maildir ORDNER oder --imap URL "
            f"(nicht {' und '.join(chosen)})."
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
                "Genau eine Quelle angeben: --mbox DATEI, --maildir ORDNER oder --imap URL.",
                hint="Oder das Rückläufer-Postfach in isamail.toml eintragen: "
                '[bounces] imap_url = "imaps://…" oder maildir = "…".',
            )
        output.say_rich(f"Postfach: {escape(configured_mailbox(settings) or '')}")
        report = configured
    if as_json:
        output.print_json(report.as_json())
    else:
        _print(report, show_all=show_all)
    _warn(report)


def _print(report: ProcessReport, *, show_all: bool) -> None:
    from isamail.bounces.process import Action

    if not report.outcomes:
        output.say("Keine Nachrichten gefunden.")
        return
    t = output.table("Art", "#Nachrichten", "Folge", title="Verarbeitete Rückläufer")
    per_kind: dict[str, dict[str, int]] = {}
    for o in report.outcomes:
        if o.action is not Action.DUPLICATE:
            actions = per_kind.setdefault(o.kind, {})
            actions[o.action] = actions.get(o.action, 0) + 1
    for kind, label in _KIND_LABELS.items():
        if kind in per_kind:
            actions = per_kind[kind]
            what = ", ".join(f"{n} {_ACTION_LABELS[Action(a)]}" for a, n in sorted(actions.items()))
            t.add_row(label, str(sum(actions.values())), what)
    if report.duplicates:
        t.add_row("schon früher verarbeitet", str(report.duplicates), "unverändert")
    output.out.print(t)
    _names(report, show_all=show_all)


def _names(report: ProcessReport, *, show_all: bool) -> None:
    """The addresses acted on, and those unproven reports name: staff want to know who."""
    groups = [
        ("Gesperrt (dauerhaft unzustellbar)", report.acted_on("hard") + report.acted_on("soft")),
        ("Abgemeldet (Spam-Beschwerde)", report.acted_on("complaint")),
        (
            "Nicht zugeordnet, nichts geändert (isamail bounces apply NR)",
            [
                f"Nr. {o.bounce_id}: {_KIND_LABELS.get(o.kind, o.kind)}, "
                f"nennt {', '.join(o.named) or 'niemanden'}"
                for o in report.unattributed
                if o.review
            ],
        ),
    ]
    for title, lines in groups:
        print_group(title, lines, show_all=show_all)


def print_group(title: str, lines: list[str], *, show_all: bool) -> None:
    """A titled list of addresses on stdout, cut after ``SHOWN`` lines unless --all."""
    if not lines:
        return
    _line(f"\n{title}: {len(lines)}")
    shown = lines if show_all else lines[:SHOWN]
    for line in shown:
        _line(f"  {line}")
    if len(shown) < len(lines):
        _line(f"  … und {len(lines) - len(shown)} weitere (--all zeigt alle)")


def _warn(report: ProcessReport) -> None:
    alerts = report.policy_alerts
    if alerts:
        grouped: dict[tuple[str, str], int] = {}
        for o in alerts:
            key = (o.summary, o.reporter)
            grouped[key] = grouped.get(key, 0) + 1
        output.say_rich(
            f"[bold yellow]Achtung:[/] {len(alerts)} Ablehnung(en) aus Richtliniengründen "
            "(DMARC/SPF/DKIM, Sperrlisten, Ratenbegrenzung): das liegt am Versand, nicht an "
            "den Empfängern. Bitte Absender-Einrichtung und Reputation prüfen."
        )
        for (summary, reporter), n in sorted(grouped.items(), key=lambda item: -item[1])[:10]:
            by = f" (gemeldet von {reporter})" if reporter else ""
            output.say_rich(escape(f"  {n} × {summary}{by}"))
    unattributed = [o for o in report.unattributed if o.review]
    if unattributed:
        output.say(
            f"{len(unattributed)} Rückläufer oder Beschwerde(n) beweisen nicht, um welche "
            "unserer Mails es geht, und haben nichts geändert: "
            "`isamail bounces ls --unattributed` zeigt sie, `isamail bounces apply NR` "
            "wendet einen an."
        )
    for spike in report.spikes:
        output.say_rich(
            f"[bold red]Auffällig viele auf einmal:[/] Liste „{escape(spike.list_name)}“ hat "
            f"in diesem Lauf {spike.removed} von {spike.members} Mitgliedern verloren "
            "(Rückläufer und Beschwerden). Bitte prüfen, ob die Berichte echt sind: "
            + escape(", ".join(spike.addresses))
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
            "Keine Berichte warten auf eine Entscheidung."
            if unattributed
            else "Noch keine Rückläufer verarbeitet."
        )
        return
    _print_entries(entries)


def _print_entries(entries: list[BounceEntry]) -> None:
    # one block per report, never folded: the addresses are what staff look for (grep)
    for e in entries:
        state = _REVIEW_LABELS.get(e.review, e.review)
        head = (
            f"Nr. {e.id}  {e.created_at.strftime('%d.%m.%Y %H:%M')}  "
            f"{_KIND_LABELS.get(e.kind, e.kind)}  Zuordnung: {_proof_label(e.proof)}"
            + (f"  [{state}]" if state else "")
        )
        _line(head)
        _line(f"  Adressen: {', '.join(e.addresses) or '–'}")
        _line(f"  Grund: {e.summary}" + (f" (gemeldet von {e.reporter})" if e.reporter else ""))


def _line(text: str) -> None:
    output.out.print(text, markup=False, highlight=False, soft_wrap=True)


def _proof_label(proof: str | None) -> str:
    return {
        None: "keine",
        "token": "Token",
        "message_id": "Message-ID",
        "unsubscribe_token": "Abmelde-Token",
        "relay_id": "SES-Kennung",
        "staff": "von Hand",
    }.get(proof, proof or "keine")


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
        what = "abgemeldet" if done.kind == "complaint" else "gesperrt"
        output.say_rich(
            f"Nr. {number}: {len(done.acted_on)} Adresse(n) {what}"
            + (f": {escape(', '.join(done.acted_on))}" if done.acted_on else "")
            + (f"; unbekannt: {escape(', '.join(done.unknown))}" if done.unknown else "")
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
        output.say(f"Nr. {number} verworfen.")


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
        output.say_rich(
            f"Beschwerde-Sperre für {escape(done.email)} aufgehoben; eine neue Anmeldung "
            "mit Bestätigung ist jetzt möglich."
        )
    else:
        output.say_rich(f"Für {escape(done.email)} liegt keine Beschwerde-Sperre vor.")
