"""`isamail bounces process`: read returned mail and keep the lists clean."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import IsamailError

if TYPE_CHECKING:
    from isamail.bounces.process import ProcessReport

app = typer.Typer(help="Rückläufer (Bounces), Beschwerden und Abmeldungen per E-Mail.")

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
    "unattributed": "nicht zuzuordnen",
}


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
            envvar="ISAMAIL_BOUNCES_IMAP_URL",
            show_envvar=False,
            help="imaps://BENUTZER:PASSWORT@SERVER[:993]/ORDNER[?processed=ORDNER]; "
            "verarbeitete Nachrichten werden in den processed-Ordner verschoben (er wird "
            "bei Bedarf angelegt) oder ohne ihn markiert. Das Zertifikat wird geprüft; "
            "eine eigene CA mit SSL_CERT_FILE=DATEI.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Liest Rückläufer, ordnet sie Zustellungen zu und sperrt unzustellbare Adressen.

    Dauerhafte Fehler sperren die Adresse, Beschwerden melden von allen Listen ab,
    vorübergehende Fehler werden gezählt, Ablehnungen aus Richtliniengründen gemeldet.
    Dieselbe Nachricht zweimal zu verarbeiten ändert nichts. Gelesen werden
    Rückläufer nach RFC 3464 und gängige andere Formate, Beschwerden (ARF) und
    Benachrichtigungen von Amazon SES (JSON).
    """
    from isamail.bounces.mailbox import ImapMailbox, read_maildir, read_mbox
    from isamail.bounces.process import process_mailbox

    chosen = [name for name, value in (("--mbox", mbox), ("--maildir", maildir)) if value]
    if imap:
        chosen.append("--imap")
    if len(chosen) != 1:
        raise IsamailError(
            "Genau eine Quelle angeben: --mbox DATEI, --maildir ORDNER oder --imap URL"
            + (f" (nicht {' und '.join(chosen)})." if chosen else ".")
        )
    proj = project(ctx)
    engine, settings = proj.engine, proj.settings
    if mbox is not None:
        report = process_mailbox(engine, settings, read_mbox(mbox))
    elif maildir is not None:
        report = process_mailbox(engine, settings, read_maildir(maildir))
    else:
        assert imap is not None
        with ImapMailbox(imap) as box:
            report = process_mailbox(engine, settings, box, mark_processed=box.mark_processed)
    if as_json:
        output.print_json(report.as_json())
    else:
        _print(report)
    _warn(report)


def _print(report: ProcessReport) -> None:
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


def _warn(report: ProcessReport) -> None:
    from isamail.bounces.process import Action

    alerts = report.policy_alerts
    if alerts:
        grouped: dict[tuple[str, str], int] = {}
        for o in alerts:
            key = (o.summary, o.reporter)
            grouped[key] = grouped.get(key, 0) + 1
        output.say(
            f"[bold yellow]Achtung:[/] {len(alerts)} Ablehnung(en) aus Richtliniengründen "
            "(DMARC/SPF/DKIM, Sperrlisten, Ratenbegrenzung): das liegt am Versand, nicht an "
            "den Empfängern. Bitte Absender-Einrichtung und Reputation prüfen."
        )
        for (summary, reporter), n in sorted(grouped.items(), key=lambda item: -item[1])[:10]:
            by = f" (gemeldet von {reporter})" if reporter else ""
            output.say(escape(f"  {n} × {summary}{by}"))
    unattributed = report.by_action[Action.UNATTRIBUTED]
    if unattributed:
        output.say(
            f"{unattributed} Rückläufer ließen sich keiner Zustellung und keinem "
            "Abonnenten zuordnen."
        )
