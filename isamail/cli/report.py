"""`isamail report`: how the editions went, for staff at the terminal and for scripts.

Tables fit an 80-column terminal; when stdout is not a terminal they lose their rules
and colours (rich drops colour by itself there and under NO_COLOR) so that the output
is plain, aligned text. ``--json`` and ``--csv`` carry the same numbers.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from isamail.cli import output
from isamail.cli.state import project
from isamail.errors import IsamailError

if TYPE_CHECKING:
    from isamail.config import Settings
    from isamail.db.readonly import ReadOnlyDatabase
    from isamail.reports import DeliveryRow, EditionReport, IssueDetail

_STATE_DE = {
    "sent": "versandt",
    "failed": "fehlgeschlagen",
    "bounced": "unzustellbar",
    "queued": "wartend",
    "sending": "in Arbeit",
    "skipped": "übersprungen",
}
_KIND_DE = {
    "": "SMTP-Ablehnung",
    "hard": "Bounce dauerhaft",
    "policy": "Bounce Richtlinie",
    "soft": "Bounce vorüberg.",
    "complaint": "Beschwerde",
}
# why a delivery was skipped (SkipReason)
_SKIP_DE = {
    "unsubscribed": "abgemeldet",
    "complaint": "Beschwerde",
    "erased": "gelöscht",
    "blocklisted": "gesperrt",
    "bounced": "unzustellbar",
    "not_confirmed": "nicht bestätigt",
}
_EDITION_CSV = (
    "date",
    "issue",
    "list",
    "recipients",
    "sent",
    "failed",
    "bounced",
    "complaints",
    "unsubscribed",
    "queued",
    "sending",
    "skipped",
    "soft_bounces",
    "policy_bounces",
    "bounce_rate",
    "complaint_rate",
)
_DELIVERY_CSV = (
    "email",
    "status",
    "smtp_code",
    "reply",
    "possibly_duplicate",
    "bounce_kind",
    "sent_at",
    "skip_reason",
)
BAR_WIDTH = 40
BATCH_ROWS = 5000


def report(
    ctx: typer.Context,
    issue: Annotated[
        str | None, typer.Argument(help="Nur diese Ausgabe, ausführlich mit allen Empfängern.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Als JSON ausgeben.")] = False,
    as_csv: Annotated[
        bool,
        typer.Option("--csv", help="Als CSV ausgeben (mit ISSUE: eine Zeile je Empfänger)."),
    ] = False,
) -> None:
    """Zustellbericht: versandt, fehlgeschlagen, unzustellbar, Beschwerden, Abmeldungen.

    Ohne ISSUE eine Zeile je Ausgabe, mit Warnungen, wo Bounce- oder Beschwerderate über
    den Grenzwerten liegen (bounces.max_bounce_rate, bounces.max_complaint_rate). Mit
    ISSUE: Zahlen nach Zustand, Gründe mit den Antworten der Server, Empfänger-Domains,
    möglicherweise doppelt Versandtes, Versand über die Zeit und was noch wartet.
    """
    # The report runs without SQLAlchemy, on the database's own driver: it must answer
    # in under a second over a million deliveries, start-up included (isamail.db.readonly).
    from isamail.db.readonly import read_only

    if as_json and as_csv:
        raise IsamailError("Entweder --json oder --csv, nicht beides.")
    settings = project(ctx).settings
    with read_only(settings.database_url) as db:
        _report(db, settings, issue, as_json=as_json, as_csv=as_csv)


def _report(
    db: ReadOnlyDatabase, settings: Settings, issue: str | None, *, as_json: bool, as_csv: bool
) -> None:
    from isamail.reports import edition_reports, edition_summary, issue_detail, iter_deliveries

    if issue is None:
        reports = edition_reports(db, settings=settings)
        if as_json:
            output.print_json([r.as_json() for r in reports])
        elif as_csv:
            _editions_csv(reports)
        else:
            _editions_table(reports)
        for r in reports:
            for warning in r.warnings:
                output.say(escape(f"Warnung: {warning}"))
        _open_alerts(db)
        return
    if as_csv:
        edition_summary(db, issue)  # an unknown issue fails before the CSV header
        _write(",".join(_DELIVERY_CSV) + "\n")
        for batch in _in_batches(iter_deliveries(db, issue)):
            _write(_deliveries_csv(batch))
        return
    detail = issue_detail(db, issue, settings=settings)
    if as_json:
        _detail_json(db, issue, detail)
        return
    _detail_tables(detail)


def _open_alerts(db: ReadOnlyDatabase) -> None:
    """Unattended work that fails (isamail.alerts): on stderr, like the warnings."""
    from isamail.alerts import open_alerts

    for alert in open_alerts(db):
        output.say(
            escape(
                f"Störung seit {alert.first_at:%d.%m.%Y %H:%M} UTC ({alert.count}-mal): "
                f"{alert.title}: {alert.message}"
            )
        )


# --- output helpers -------------------------------------------------------------------


def _in_batches(rows: Iterator[DeliveryRow]) -> Iterator[list[DeliveryRow]]:
    """Rows a few thousand at a time, each batch written to stdout as one string: one write
    per row costs a system call each where stdout is unbuffered (PYTHONUNBUFFERED, some
    service managers), seconds for an edition of 200,000."""
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


# what makes the csv module quote a field (besides the comma); lines with none of them
# are joined directly, five times faster than csv.writer and, a test shows, the same
_CSV_QUOTED = re.compile('["\r\n]')


def _deliveries_csv(batch: list[DeliveryRow]) -> str:
    """The CSV lines of ``batch``, as csv.writer writes them."""
    from isamail.audience.csvfiles import spreadsheet_safe as safe

    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    for email, status, code, reply, dup, kind, at, skip_reason in batch:
        fields = (safe(email or ""), status, str(code or ""), safe(reply), "1" if dup else "0")
        line = ",".join((*fields, kind or "", at or "", skip_reason or ""))
        if line.count(",") == len(_DELIVERY_CSV) - 1 and not _CSV_QUOTED.search(line):
            text.write(line + "\n")
        else:
            writer.writerow((*fields, kind or "", at or "", skip_reason or ""))
    return text.getvalue()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _table(*columns: str, title: str | None = None) -> Table:
    """output.table, plain (no rules) when stdout is not a terminal."""
    t = output.table(*columns, title=title)
    t.box = box.SIMPLE_HEAD if output.out.is_terminal else None
    t.collapse_padding = True
    for column in t.columns:
        if column.justify == "right":
            column.no_wrap = True
    return t


def _n(value: int) -> str:
    return str(value)


# --- all editions ---------------------------------------------------------------------


def _editions_table(reports: list[EditionReport]) -> None:
    if not reports:
        output.say("Noch keine Ausgabe verschickt.")
        return
    t = _table(
        "Datum",
        "Ausgabe",
        "Liste",
        "#Empf.",
        "#vers.",
        "#fehlg.",
        "#Bounce",
        "#Beschw.",
        "#abgem.",
        "#wartend",
    )
    for r in reports:
        t.add_row(
            r.date,
            r.issue,
            # Folded into a second line, a long list name read like another edition:
            # cut with … instead (--json and --csv carry it whole).
            Text(r.lists, no_wrap=True, overflow="ellipsis"),
            _n(r.recipients),
            _n(r.sent),
            _n(r.failed),
            _n(r.bounced),
            _n(r.complaints),
            _n(r.unsubscribed),
            _n(r.queued + r.sending),
        )
    output.out.print(t)


def _editions_csv(reports: list[EditionReport]) -> None:
    from isamail.audience.csvfiles import spreadsheet_safe

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(_EDITION_CSV)
    for r in reports:
        data = r.as_json()
        writer.writerow(
            [spreadsheet_safe(str(data[k])) if k == "list" else data[k] for k in _EDITION_CSV]
        )


# --- one edition ----------------------------------------------------------------------


def _detail_json(db: ReadOnlyDatabase, issue: str, detail: IssueDetail) -> None:
    """The report as one JSON object whose ``deliveries`` are streamed, not held in memory."""
    from isamail.reports import delivery_json, iter_deliveries

    head = json.dumps(detail.as_json(), ensure_ascii=False, indent=2)
    _write(head[: head.rindex("}")].rstrip() + ',\n  "deliveries": [')
    separator = "\n    "
    for batch in _in_batches(iter_deliveries(db, issue)):
        _write(separator + ",\n    ".join(map(delivery_json, batch)))
        separator = ",\n    "
    _write("]\n}\n" if separator == "\n    " else "\n  ]\n}\n")


def _detail_tables(detail: IssueDetail) -> None:
    from isamail.reports import percent

    r = detail.report
    attempted = r.sent + r.failed + r.bounced
    t = _table("Zustand", "#Anzahl", "#Anteil", title=f"{r.issue} an {r.lists or '–'} ({r.date})")

    def row(label: str, n: int, of: int) -> None:
        t.add_row(label, _n(n), percent(n / of) if of else "")

    row("Empfänger", r.recipients, r.recipients)
    row("versandt", r.sent, attempted)
    row("fehlgeschlagen (beim Senden abgelehnt)", r.failed, attempted)
    row("unzustellbar (Bounce)", r.bounced, attempted)
    if r.policy_bounces:
        row("  davon Ablehnung aus Richtliniengründen", r.policy_bounces, attempted)
    row("vorübergehend unzustellbar (soft)", r.soft_bounces, attempted)
    row("Spam-Beschwerden (gemeldete; Grenze 0,3 %)", r.complaints, r.sent)
    row("seitdem abgemeldet", r.unsubscribed, r.recipients)
    row("wartend / in Arbeit", r.queued + r.sending, r.recipients)
    if r.skipped:
        row(
            "übersprungen (vor dem Versand abgemeldet, gelöscht, gesperrt)", r.skipped, r.recipients
        )
    output.out.print(t)
    output.out.print(escape(_complaints_unseen(detail)))
    for warning in r.warnings:
        output.say(escape(f"Warnung: {warning}"))
    _reasons(detail)
    _domains(detail)
    _timeline(detail)
    if detail.duplicates:
        output.out.print(
            escape(
                f"\n{detail.duplicates} Empfänger haben die Ausgabe nach einem Absturz "
                "möglicherweise doppelt erhalten (gleiche Message-ID): "
                + ", ".join(detail.duplicate_examples)
                + (" …" if detail.duplicates > len(detail.duplicate_examples) else "")
            )
        )
    if detail.waiting:
        output.out.print(
            escape(
                f"\n{detail.waiting} Empfänger warten noch: "
                + ", ".join(detail.waiting_examples)
                + (" …" if detail.waiting > len(detail.waiting_examples) else "")
                + _quota_line(detail)
                + f"\nWeiter mit: {detail.resume_command}"
            )
        )


def _complaints_unseen(detail: IssueDetail) -> str:
    """What the complaint rate cannot show: providers without a feedback loop."""
    from isamail.reports import percent

    gmail = detail.gmail_recipients
    share = ""
    if gmail and detail.report.sent:
        share = f" {_n(gmail)} der Versandten ({percent(gmail / detail.report.sent)})"
        share += " gingen an Gmail-Adressen."
    return (
        "Beschwerden melden nur Anbieter mit Rückmeldeschleife (Microsoft, Yahoo, nach "
        f"Anmeldung); Gmail meldet keine.{share} Die Spamrate bei Gmail zeigen die Google "
        "Postmaster Tools (postmaster.google.com); Gmail verlangt unter 0,3 %."
    )


def _quota_line(detail: IssueDetail) -> str:
    if detail.quota_until is None:
        return ""
    until = detail.quota_until.astimezone().strftime("%d.%m.%Y %H:%M")
    return f"\nSie warten auf das Kontingent des Relays ({detail.quota_limit}) bis {until}."


def _reasons(detail: IssueDetail) -> None:
    if not detail.reasons:
        return
    t = _table("#Anzahl", "Art", "Code", "Antwort des Servers", title="\nFehler und Rückläufer")
    for group in detail.reasons[:15]:
        t.add_row(
            _n(group.count),
            (
                f"übersprungen: {_SKIP_DE.get(group.kind, group.kind)}"
                if group.status == "skipped"
                else _KIND_DE.get(group.kind, group.kind)
            ),
            str(group.code or ""),
            group.reply or "–",
        )
    output.out.print(t)
    if len(detail.reasons) > 15:
        output.out.print(f"… und {len(detail.reasons) - 15} weitere Gründe (--json zeigt alle).")


def _domains(detail: IssueDetail) -> None:
    if not detail.domains:
        return
    t = _table(
        "Domain",
        "#Empf.",
        "#vers.",
        "#fehlg.",
        "#Bounce",
        "#Beschw.",
        "#wartend",
        title="\nEmpfänger-Domains",
    )
    # One line per domain: a long one ends in "…" rather than breaking into two rows
    # that read as two domains (--json and --csv carry it whole).
    domain = t.columns[0]
    domain.overflow, domain.no_wrap = "ellipsis", True
    domain.max_width = max(20, output.out.width - 44)  # what the six counts leave
    for d in detail.domains:
        t.add_row(
            d.domain,
            _n(d.recipients),
            _n(d.sent),
            _n(d.failed),
            _n(d.bounced),
            _n(d.complaints),
            _n(d.queued),
        )
    output.out.print(t)


def _timeline(detail: IssueDetail) -> None:
    bars = detail.timeline
    if not bars:
        return
    width = bars[0].minutes
    unit = "Minute" if width == 1 else f"{width} Minuten"
    output.out.print(f"\nVersand über die Zeit (UTC, je {unit})")
    days = {bar.start[:10] for bar in bars}
    top = max(bar.count for bar in bars)
    block = "█" if output.out.is_terminal and output.out.encoding.lower().startswith("utf") else "#"
    for bar in bars:
        label = bar.start[11:] if len(days) == 1 else bar.start[5:]
        length = max(1, round(bar.count / top * BAR_WIDTH)) if bar.count else 0
        output.out.print(f"{label:>11} {block * length:<{BAR_WIDTH}} {bar.count}", markup=False)
