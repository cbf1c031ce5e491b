"""`isamail report`: how the editions went, for staff at the terminal and for scripts.

Tables fit the terminal without breaking an issue, list or domain name; when stdout is
not a terminal they are tab-separated lines (cli.output). Numbers and times are German
and in Europe/Berlin for people; ``--json`` and ``--csv`` carry the same numbers, plain,
with times in UTC (ISO 8601).
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

from isamail.cli import output
from isamail.cli.names import label
from isamail.cli.state import project
from isamail.errors import IsamailError
from isamail.i18n import N_, _
from isamail.i18n.formats import day, integer, percent, when

if TYPE_CHECKING:
    from isamail.config import Settings
    from isamail.db.readonly import ReadOnlyDatabase
    from isamail.reports import DeliveryRow, EditionReport, IssueDetail

_KIND_LABELS = {
    "": N_("SMTP-Ablehnung"),
    "hard": N_("Bounce dauerhaft"),
    "policy": N_("Bounce Richtlinie"),
    "soft": N_("Bounce vorüberg."),
    "complaint": N_("Beschwerde"),
}
# why a delivery was skipped (SkipReason)
_SKIP_LABELS = {
    "unsubscribed": N_("abgemeldet"),
    "complaint": N_("Beschwerde"),
    "erased": N_("gelöscht"),
    "blocklisted": N_("gesperrt"),
    "bounced": N_("unzustellbar"),
    "not_confirmed": N_("nicht bestätigt"),
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
        typer.Option(
            "--csv",
            help="Als CSV ausgeben (mit AUSGABE: eine Zeile je Empfänger), für deutsches "
            "Excel: Semikolon, UTF-8 mit BOM.",
        ),
    ] = False,
    delimiter: Annotated[
        str,
        typer.Option(
            "--delimiter", help="Trennzeichen des CSV: ; (Voreinstellung), , oder tab (ohne BOM)."
        ),
    ] = ";",
) -> None:
    """Zustellbericht: versandt, fehlgeschlagen, unzustellbar, Beschwerden, Abmeldungen.

    Ohne AUSGABE eine Zeile je Ausgabe, mit Warnungen, wo Bounce- oder Beschwerderate über
    den Grenzwerten liegen (bounces.max_bounce_rate, bounces.max_complaint_rate). Mit
    AUSGABE: Zahlen nach Zustand, Gründe mit den Antworten der Server, Empfänger-Domains,
    möglicherweise doppelt Versandtes, Versand über die Zeit und was noch wartet.
    """
    # The report runs without SQLAlchemy, on the database's own driver: it must answer
    # in under a second over a million deliveries, start-up included (isamail.db.readonly).
    from isamail.audience.csvout import delimiter as parse_delimiter
    from isamail.db.readonly import read_only

    if as_json and as_csv:
        raise IsamailError(_("Entweder --json oder --csv, nicht beides."))
    settings = project(ctx).settings
    csv_delimiter = parse_delimiter(delimiter) if as_csv else ""
    with read_only(settings.database_url) as db:
        _report(db, settings, issue, as_json=as_json, csv_delimiter=csv_delimiter)


def _report(
    db: ReadOnlyDatabase,
    settings: Settings,
    issue: str | None,
    *,
    as_json: bool,
    csv_delimiter: str,
) -> None:
    from isamail.reports import edition_reports, edition_summary, issue_detail, iter_deliveries

    if issue is None:
        reports = edition_reports(db, settings=settings)
        if as_json:
            output.print_json([r.as_json() for r in reports])
        elif csv_delimiter:
            _editions_csv(reports, csv_delimiter)
        else:
            _editions_table(reports)
        for r in reports:
            for warning in r.warnings:
                output.warn(warning)
        _open_alerts(db)
        return
    if csv_delimiter:
        from isamail.audience.csvout import BOM, line_end, wants_bom

        edition_summary(db, issue)  # an unknown issue fails before the CSV header
        end = line_end(csv_delimiter)
        _write((BOM if wants_bom(csv_delimiter) else "") + csv_delimiter.join(_DELIVERY_CSV) + end)
        for batch in _in_batches(iter_deliveries(db, issue)):
            _write(_deliveries_csv(batch, csv_delimiter))
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
            _("Störung seit {since} ({n}-mal): {title}: {message}").format(
                since=when(alert.first_at),
                n=_n(alert.count),
                title=alert.title,
                message=alert.message,
            )
        )


# --- output helpers -------------------------------------------------------------------


def _in_batches(rows: Iterator[DeliveryRow]) -> Iterator[list[DeliveryRow]]:
    """Rows a few thousand at a time, each batch written to stdout as one string: one write
    per row costs a system call each where stdout is unbuffered (PYTHONUNBUFFERED, some
    service managers), seconds for an edition of 200,000."""
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


# what makes the csv module quote a field (besides the delimiter); lines with none of them
# are joined directly, five times faster than csv.writer and, a test shows, the same
_CSV_QUOTED = re.compile('["\r\n]')


def _deliveries_csv(batch: list[DeliveryRow], delimiter: str = ";") -> str:
    """The CSV lines of ``batch``, as csv.writer writes them."""
    from isamail.audience.csvfiles import spreadsheet_safe as safe
    from isamail.audience.csvout import line_end

    end = line_end(delimiter)
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=end)
    for email, status, code, reply, dup, kind, at, skip_reason in batch:
        fields = (safe(email or ""), status, str(code or ""), safe(reply), "1" if dup else "0")
        line = delimiter.join((*fields, kind or "", at or "", skip_reason or ""))
        if line.count(delimiter) == len(_DELIVERY_CSV) - 1 and not _CSV_QUOTED.search(line):
            text.write(line + end)
        else:
            writer.writerow((*fields, kind or "", at or "", skip_reason or ""))
    return text.getvalue()


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _n(value: int) -> str:
    return integer(value)


# --- all editions ---------------------------------------------------------------------


def _editions_table(reports: list[EditionReport]) -> None:
    if not reports:
        output.say(_("Noch keine Ausgabe verschickt."))
        return
    t = output.table(
        output.Column(_("Datum"), key=True),
        output.Column(_("Ausgabe"), key=True),
        output.Column(_("Liste"), key=True, optional=1),
        "#" + _("Empf."),
        "#" + _("vers."),
        "#" + _("fehlg."),
        "#" + _("Bounce"),
        "#" + _("Beschw."),
        "#" + _("abgem."),
        "#" + _("wartend"),
    )
    for r in reports:
        t.add_row(
            day(r.date),
            r.issue,
            r.lists,
            _n(r.recipients),
            _n(r.sent),
            _n(r.failed),
            _n(r.bounced),
            _n(r.complaints),
            _n(r.unsubscribed),
            _n(r.queued + r.sending),
        )
    output.show(t)


def _editions_csv(reports: list[EditionReport], delimiter: str) -> None:
    from isamail.audience import csvout
    from isamail.audience.csvfiles import spreadsheet_safe

    writer = csvout.writer(sys.stdout, delimiter)
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
    r = detail.report
    attempted = r.sent + r.failed + r.bounced
    title = _("{issue} an {lists} ({date})").format(
        issue=r.issue, lists=r.lists or "–", date=day(r.date)
    )
    t = output.table(_("Zustand"), "#" + _("Anzahl"), "#" + _("Anteil"), title=title)

    def row(label: str, n: int, of: int) -> None:
        t.add_row(label, _n(n), percent(n / of) if of else "")

    row(_("Empfänger"), r.recipients, r.recipients)
    row(_("versandt"), r.sent, attempted)
    row(_("fehlgeschlagen (beim Senden abgelehnt)"), r.failed, attempted)
    row(_("unzustellbar (Bounce)"), r.bounced, attempted)
    if r.policy_bounces:
        row(_("  davon Ablehnung aus Richtliniengründen"), r.policy_bounces, attempted)
    row(_("vorübergehend unzustellbar (soft)"), r.soft_bounces, attempted)
    row(_("Spam-Beschwerden (gemeldete; Grenze 0,3 %)"), r.complaints, r.sent)
    row(_("seitdem abgemeldet"), r.unsubscribed, r.recipients)
    row(_("wartend / in Arbeit"), r.queued + r.sending, r.recipients)
    if r.skipped:
        row(
            _("übersprungen (vor dem Versand abgemeldet, gelöscht, gesperrt)"),
            r.skipped,
            r.recipients,
        )
    output.show(t)
    output.line(_complaints_unseen(detail))
    for warning in r.warnings:
        output.warn(warning)
    _reasons(detail)
    _domains(detail)
    _timeline(detail)
    if detail.duplicates:
        output.line(
            _(
                "Möglicherweise doppelt erhalten nach einem Absturz (gleiche Message-ID), "
                "{n} Empfänger: {examples}"
            ).format(
                n=_n(detail.duplicates),
                examples=", ".join(detail.duplicate_examples)
                + (" …" if detail.duplicates > len(detail.duplicate_examples) else ""),
            )
        )
    if detail.waiting:
        output.line(
            _("Es warten noch {n} Empfänger: {examples}").format(
                n=_n(detail.waiting),
                examples=", ".join(detail.waiting_examples)
                + (" …" if detail.waiting > len(detail.waiting_examples) else ""),
            )
        )
        quota = _quota_line(detail).strip()
        if quota:
            output.line(quota)
        output.line(_("Weiter mit: {command}").format(command=detail.resume_command))


def _complaints_unseen(detail: IssueDetail) -> str:
    """What the complaint rate cannot show: providers without a feedback loop."""
    gmail = detail.gmail_recipients
    share = ""
    if gmail and detail.report.sent:
        share = " " + _("{n} der Versandten ({share}) gingen an Gmail-Adressen.").format(
            n=_n(gmail), share=percent(gmail / detail.report.sent)
        )
    return _(
        "Beschwerden melden nur Anbieter mit Rückmeldeschleife (Microsoft, Yahoo, nach "
        "Anmeldung); Gmail meldet keine.{share} Die Spamrate bei Gmail zeigen die Google "
        "Postmaster Tools (postmaster.google.com); Gmail verlangt unter {limit}."
    ).format(share=share, limit=percent(0.003, 1))


def _quota_line(detail: IssueDetail) -> str:
    if detail.quota_until is None:
        return ""
    return "\n" + _("Sie warten auf das Kontingent des Relays ({limit}) bis {until}.").format(
        limit=detail.quota_limit, until=when(detail.quota_until)
    )


def _reasons(detail: IssueDetail) -> None:
    if not detail.reasons:
        return
    t = output.table(
        "#" + _("Anzahl"),
        _("Art"),
        "#" + _("Code"),
        _("Antwort des Servers"),
        title=_("Fehler und Rückläufer"),
    )
    for group in detail.reasons[:15]:
        t.add_row(
            _n(group.count),
            (
                _("übersprungen: {reason}").format(reason=label(_SKIP_LABELS, group.kind))
                if group.status == "skipped"
                else label(_KIND_LABELS, group.kind)
            ),
            str(group.code or ""),
            group.reply or "–",
        )
    output.show(t)
    if len(detail.reasons) > 15:
        output.line(
            _("… und {n} weitere Gründe (--json zeigt alle).").format(
                n=_n(len(detail.reasons) - 15)
            )
        )


def _domains(detail: IssueDetail) -> None:
    if not detail.domains:
        return
    t = output.table(
        "@" + _("Domain"),
        "#" + _("Empf."),
        "#" + _("vers."),
        "#" + _("fehlg."),
        "#" + _("Bounce"),
        "#" + _("Beschw."),
        "#" + _("wartend"),
        title=_("Empfänger-Domains"),
    )
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
    output.show(t)


def _timeline(detail: IssueDetail) -> None:
    bars = detail.timeline
    if not bars:
        return
    width = bars[0].minutes
    from isamail.i18n import ngettext
    from isamail.i18n.formats import zone_name

    unit = ngettext("Minute", "{n} Minuten", width).format(n=width)
    output.line(_("Versand über die Zeit ({zone}, je {unit})").format(zone=zone_name(), unit=unit))
    starts = [when(bar.start.replace(" ", "T") + "+00:00") for bar in bars]
    days = {start[:-6] for start in starts}
    top = max(bar.count for bar in bars)
    block = "█" if output.out.is_terminal and output.out.encoding.lower().startswith("utf") else "#"
    for bar, start in zip(bars, starts, strict=True):
        shown = start[11:] if len(days) == 1 else start
        length = max(1, round(bar.count / top * BAR_WIDTH)) if bar.count else 0
        output.line(f"{shown:>5} {block * length:<{BAR_WIDTH}} {_n(bar.count)}")
