"""`isamail archive hide|show ISSUE`: an edition out of the public web archive and back."""

from __future__ import annotations

from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.groups import CommandGroup
from isamail.cli.state import project
from isamail.i18n import _

app = typer.Typer(
    cls=CommandGroup,
    help="Das öffentliche Web-Archiv: Ausgaben herausnehmen und wieder zeigen.",
    no_args_is_help=True,
)

IssueName = Annotated[
    str, typer.Argument(help="Ordnername der Ausgabe unter issues/, z. B. 2021-07.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")]


def _set(ctx: typer.Context, issue: str, listed: bool, as_json: bool) -> None:
    from isamail.archive import set_listed

    proj = project(ctx)
    state = set_listed(proj.engine, proj.issues_dir, issue.strip().rstrip("/"), listed)
    if as_json:
        output.print_json({"issue": state.issue, "public": state.public, "reason": state.reason})
        return
    if state.public:
        url = f"{proj.settings.base_url}/archive/{state.issue}"
        output.say(
            _("{issue} steht im öffentlichen Archiv: {url}").format(issue=state.issue, url=url)
        )
    elif listed:
        output.say(
            _(
                "{issue} darf ins Archiv, erscheint aber nicht: {reason}. Sobald die Ausgabe "
                "an eine öffentliche Liste geht, steht sie dort."
            ).format(issue=state.issue, reason=state.reason)
        )
    else:
        output.say(
            _(
                "{issue} ist nicht im öffentlichen Archiv. Wer die Ausgabe per Mail bekommen "
                "hat, öffnet sie über den Link in der Mail weiterhin."
            ).format(issue=state.issue)
        )


@app.command("hide")
def hide(ctx: typer.Context, issue: IssueName, as_json: AsJson = False) -> None:
    """Nimmt eine Ausgabe aus dem öffentlichen Archiv (auch vor dem Versand möglich)."""
    _set(ctx, issue, False, as_json)


@app.command("show")
def show(ctx: typer.Context, issue: IssueName, as_json: AsJson = False) -> None:
    """Zeigt eine Ausgabe wieder im Archiv (auch gegen archive = false in issue.toml)."""
    _set(ctx, issue, True, as_json)
