"""`isamail report`: how the editions went."""

from __future__ import annotations

from typing import Annotated

import typer

from isamail.cli import output
from isamail.cli.state import project
from isamail.reports import edition_report, edition_reports


def report(
    ctx: typer.Context,
    issue: Annotated[
        str | None, typer.Argument(help="Nur diese Ausgabe, mit allen Empfängern.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
) -> None:
    """Zustellbericht: versandt, fehlgeschlagen, unzustellbar, wartend je Ausgabe."""
    engine = project(ctx).engine
    if issue is None:
        reports = edition_reports(engine)
        if as_json:
            output.print_json([r.as_json() for r in reports])
            return
        t = output.table(
            "Ausgabe",
            "Liste",
            "#Empfänger",
            "#versandt",
            "#fehlgeschl.",
            "#unzustellbar",
            "#wartend",
        )
        for r in reports:
            t.add_row(
                r.issue,
                r.lists,
                str(r.recipients),
                str(r.sent),
                str(r.failed),
                str(r.bounced),
                str(r.queued + r.sending),
            )
        output.out.print(t)
        return
    one = edition_report(engine, issue)
    if as_json:
        output.print_json(one.as_json(with_deliveries=True))
        return
    t = output.table("Status", "#Anzahl", title=f"{one.issue} an {one.lists}")
    for label, n in (
        ("Empfänger", one.recipients),
        ("versandt", one.sent),
        ("fehlgeschlagen", one.failed),
        ("unzustellbar", one.bounced),
        ("wartend", one.queued + one.sending),
    ):
        t.add_row(label, str(n))
    output.out.print(t)
    failed = [d for d in one.deliveries if d["status"] == "failed"]
    if failed:
        f = output.table("E-Mail", "Code", "Antwort des Servers", title="Fehlgeschlagen")
        for d in failed[:50]:
            f.add_row(d["email"] or "(gelöscht)", str(d["smtp_code"] or ""), d["reply"])
        output.out.print(f)
