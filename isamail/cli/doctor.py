"""`isamail doctor` and `isamail dkim`: can this project deliver, and its DKIM key."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.i18n import N_, _, ngettext

dkim_app = typer.Typer(
    cls=CommandGroup,
    help="DKIM: Schlüssel anlegen und den DNS-Eintrag zeigen.",
    no_args_is_help=True,
)

_MARKS = {"ok": "[green]✓[/]", "info": "[blue]i[/]", "warn": "[yellow]![/]", "fail": "[red]✗[/]"}
_HEADINGS = {
    "spf": "SPF",
    "dkim": "DKIM",
    "dmarc": "DMARC",
    "mx": N_("MX (Rückläufer)"),
    "web": N_("Webadresse (base_url)"),
    "relay": "Relay",
    "relay_tls": "Relay: TLS",
    "relay_auth": N_("Relay: Anmeldung"),
    "relay_size": N_("Relay: Größe"),
    "quota": N_("Relay: Kontingent"),
    "secret_key": N_("Geheimer Schlüssel"),
    "permissions": N_("Dateirechte"),
}


def doctor(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
    no_relay: Annotated[
        bool, typer.Option("--no-relay", help="Den SMTP-Server nicht fragen.")
    ] = False,
    no_web: Annotated[bool, typer.Option("--no-web", help="base_url nicht abrufen.")] = False,
) -> None:
    """Prüft, ob dieses Projekt zustellen kann: SPF, DKIM, DMARC, MX, base_url über https,
    TLS, Anmeldung und Größengrenze des Relays, Kontingent, geheimer Schlüssel und
    Dateirechte. Zu jedem Befund steht, was zu ändern ist. Exit-Status 1, wenn etwas
    die Zustellung verhindert."""
    from isamail.deliverability.doctor import diagnose

    diagnosis = diagnose(project(ctx).settings, relay=not no_relay, web=not no_web)
    if as_json:
        output.print_json(diagnosis.as_json())
    else:
        _print(diagnosis)
    if not diagnosis.can_deliver:
        raise typer.Exit(1)


def _print(diagnosis: object) -> None:
    from isamail.deliverability.doctor import Diagnosis

    assert isinstance(diagnosis, Diagnosis)
    heading = None
    for finding in diagnosis.findings:
        if finding.check != heading:
            if heading is not None:
                output.line("")
            heading = finding.check
            output.line_rich(f"[bold]{escape(_(_HEADINGS.get(heading, heading)))}[/]")
        # one line each, never wrapped: a record to publish is copied whole
        output.line_rich(f"  {_MARKS[finding.level.value]} {escape(finding.text)}")
        if finding.fix:
            output.line(f"    → {finding.fix}")
        if finding.record:
            output.line(f"    {finding.record}")
    failed = sum(f.level.value == "fail" for f in diagnosis.findings)
    warned = sum(f.level.value == "warn" for f in diagnosis.findings)
    output.line("")
    problems = ngettext("{n} Problem", "{n} Probleme", failed).format(n=failed)
    warnings = ngettext("{n} Warnung", "{n} Warnungen", warned).format(n=warned)
    if failed:
        verdict = _("Zustellung gefährdet: {problems}, {warnings}.")
        output.line_rich(
            "[red]" + escape(verdict.format(problems=problems, warnings=warnings)) + "[/]"
        )
    elif warned:
        verdict = _("Zustellbar, mit {warnings}.")
        output.line_rich("[yellow]" + escape(verdict.format(warnings=warnings)) + "[/]")
    else:
        output.line_rich("[green]" + escape(_("Alles bereit für die Zustellung.")) + "[/]")


@dkim_app.command("keygen")
def keygen(
    ctx: typer.Context,
    selector: Annotated[
        str | None,
        typer.Option(help="Selektor des Schlüssels (Voreinstellung: isaJJJJMM)."),
    ] = None,
    algorithm: Annotated[
        str, typer.Option(help="rsa (überall geprüft) oder ed25519 (klein, nicht überall).")
    ] = "rsa",
    bits: Annotated[int, typer.Option(help="Schlüssellänge für RSA.")] = 2048,
) -> None:
    """Legt einen DKIM-Schlüssel im Projekt an (dkim/SELEKTOR.pem, nur für den Besitzer
    lesbar, von git ausgenommen) und zeigt den DNS-Eintrag und die Einstellungen."""
    from isamail.deliverability import dkim
    from isamail.errors import IsamailError

    settings = project(ctx).settings
    if algorithm not in ("rsa", "ed25519"):
        raise IsamailError(
            _("--algorithm {value}: erlaubt sind rsa und ed25519.").format(value=algorithm)
        )
    chosen = selector or f"isa{date.today():%Y%m}"
    problem = _selector_problem(chosen)
    if problem:
        raise IsamailError(f"--selector {chosen}: {problem}.")  # the check's words
    key = dkim.generate_key("rsa" if algorithm == "rsa" else "ed25519", bits)
    relative = Path("dkim") / f"{chosen}.pem"
    dkim.write_key(settings.project_dir / relative, key)
    _ignore_in_git(settings.project_dir, "dkim/")
    domain = dkim.signing_domain(settings)
    output.say(
        _("Schlüssel angelegt: {path} (Modus 0600)").format(path=settings.project_dir / relative)
    )
    output.say(_("1. Veröffentlichen Sie diesen TXT-Eintrag:"))
    output.line(f'{chosen}._domainkey.{domain}. TXT "{key.record}"')
    output.say(_("2. Tragen Sie in isamail.toml ein:"))
    output.say(f'   [dkim]\n   selector = "{chosen}"\n   key_file = "{relative}"')
    output.say(_("3. Prüfen Sie mit: isamail doctor"))


@dkim_app.command("record")
def record(ctx: typer.Context) -> None:
    """Zeigt den DNS-Eintrag zum DKIM-Schlüssel des Projekts (dkim.key_file)."""
    from isamail.deliverability import dkim
    from isamail.errors import ConfigError

    signer = dkim.signer_for(project(ctx).settings)
    if signer is None:
        raise ConfigError(
            _("dkim.key_file ist nicht gesetzt: isamail signiert nicht selbst."),
            hint=_("Einen Schlüssel legt isamail dkim keygen an."),
        )
    output.line(f'{signer.record_name}. TXT "{signer.key.record}"')


def _selector_problem(selector: str) -> str | None:
    from isamail.config import SETTINGS

    check = next(s.check for s in SETTINGS if s.key == "dkim.selector")
    return check(selector) if check else None


def _ignore_in_git(directory: Path, pattern: str) -> None:
    gitignore = directory / ".gitignore"
    text = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if {pattern, pattern.rstrip("/"), "/" + pattern} & set(text.splitlines()):
        return
    if text and not text.endswith("\n"):
        text += "\n"
    gitignore.write_text(text + pattern + "\n", encoding="utf-8")


def register(app: typer.Typer) -> None:
    app.command()(doctor)
    app.add_typer(dkim_app, name="dkim")
