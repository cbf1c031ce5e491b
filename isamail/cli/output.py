"""The consoles: data to stdout, messages to stderr (so `--json` output stays clean).

Tables read one way at a terminal and another in a pipe. At a terminal they fit its
width with the columns chosen so that addresses, keys and numbers are never broken or
cut: a column that may go (``optional``) goes first, and long free text folds. Not at
a terminal (piped into grep, redirected to a file) they are tab-separated rows under a
header line, as ``gh`` prints them: never wrapped, never cut. Data is printed as
text, never as rich markup ("[smtp]" stays), and without control characters.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from isamail.i18n import _

out = Console(highlight=False)
# soft_wrap: a message stays one line however narrow the terminal (scripts grep for it)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# C0 and C1 control characters and DEL: a name from a form or a CSV must not move the
# cursor or recolour the operator's terminal; tabs and line breaks become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_BREAKS = re.compile(r"[\t\n\r]")
GAP = 2  # the space between two columns at a terminal
FLEX_MIN = 10  # the narrowest a column of free text gets before columns are left out


def printable(value: object) -> str:
    """``value`` as one line of plain text: no control characters, no line breaks."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", _BREAKS.sub(" ", text))


def is_terminal() -> bool:
    return out.is_terminal


@dataclass
class Column:
    title: str
    numeric: bool = False  # right-aligned, never broken
    key: bool = False  # an address, a key, a name of a thing: never broken, never cut
    optional: int = 0  # may be left out on a narrow terminal, the highest first


@dataclass
class Table:
    columns: list[Column]
    title: str | None = None
    rows: list[list[str]] = field(default_factory=list)

    def add_row(self, *cells: object) -> None:
        self.rows.append([printable(c) for c in cells])


def table(*columns: str | Column, title: str | None = None) -> Table:
    """A table; a column given as "#Anzahl" is numeric, "@E-Mail" a key."""
    made = []
    for column in columns:
        if isinstance(column, Column):
            made.append(column)
        elif column.startswith("#"):
            made.append(Column(column[1:], numeric=True))
        elif column.startswith("@"):
            made.append(Column(column[1:], key=True))
        else:
            made.append(Column(column))
    return Table(made, title)


def show(t: Table, *, stderr: bool = False) -> None:
    """Prints ``t``: fitted to the terminal, or as tab-separated lines when not one."""
    console = err if stderr else out
    if not console.is_terminal:
        _write_plain(t, sys.stderr if stderr else sys.stdout)
        return
    console.print(_fitted(t, console.width), soft_wrap=False)


def _write_plain(t: Table, stream: Any) -> None:
    lines = [] if t.title is None else [printable(t.title).strip()]
    lines.append("\t".join(printable(c.title) for c in t.columns))
    lines.extend("\t".join(row) for row in t.rows)
    stream.write("\n".join(lines) + "\n")
    stream.flush()


def _natural(t: Table, i: int) -> int:
    return max([len(t.columns[i].title)] + [len(row[i]) for row in t.rows])


def _fitted(t: Table, width: int) -> RichTable:
    shown = list(range(len(t.columns)))
    fixed = {i for i in shown if t.columns[i].key or t.columns[i].numeric}

    def needed(indices: list[int]) -> int:
        widths = [_natural(t, i) if i in fixed else min(_natural(t, i), FLEX_MIN) for i in indices]
        return sum(widths) + GAP * (len(indices) - 1)

    while needed(shown) > width:
        optional = [i for i in shown if t.columns[i].optional]
        if not optional:
            break
        shown.remove(max(optional, key=lambda i: (t.columns[i].optional, i)))
    flexible = [i for i in shown if i not in fixed]
    room = width - sum(_natural(t, i) for i in shown if i in fixed) - GAP * (len(shown) - 1)
    rich = RichTable(
        title=None if t.title is None else Text(t.title),
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    shares = _shares([_natural(t, i) for i in flexible], max(room, FLEX_MIN * len(flexible)))
    share = dict(zip(flexible, shares, strict=True))
    for i in shown:
        column = t.columns[i]
        if i in fixed:
            natural = _natural(t, i)
            rich.add_column(
                Text(column.title),
                justify="right" if column.numeric else "left",
                no_wrap=True,
                min_width=natural,
            )
        else:
            rich.add_column(Text(column.title), overflow="fold", max_width=share[i])
    for row in t.rows:
        rich.add_row(*(Text(row[i]) for i in shown))
    return rich


def _shares(naturals: list[int], room: int) -> list[int]:
    """``room`` divided among columns that would like ``naturals``: none gets more than
    it needs, the rest goes to the wider ones."""
    shares = [0] * len(naturals)
    left = room
    for position, i in enumerate(sorted(range(len(naturals)), key=lambda i: naturals[i])):
        fair = left // (len(naturals) - position)
        shares[i] = max(1, min(naturals[i], fair))
        left -= shares[i]
    return shares


def _json_value(value: Any) -> Any:
    """Times as ISO 8601 in UTC without an offset, the form every command's JSON uses
    ("2021-07-01T10:00:00"), whether the value came naive from the database or aware."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value) + "\n")
    sys.stdout.flush()


def line(text: str) -> None:
    """A line of data on stdout, printed as it is (no markup, no wrapping)."""
    sys.stdout.write(printable(text) + "\n")


def line_rich(markup: str) -> None:
    """A line on stdout written in rich markup (colours at a terminal, none in a pipe),
    never wrapped; its data escaped by the caller (rich.markup.escape)."""
    out.print(markup, soft_wrap=True)


def say(message: str) -> None:
    """A message for the person at the terminal (stderr); plain text, never markup."""
    err.print(message, markup=False)


def say_rich(message: str) -> None:
    """A message written in rich markup, its data escaped by the caller (rich.markup.escape)."""
    err.print(message)


def warn(message: str) -> None:
    err.print(f"[yellow]{escape(_('Warnung:'))}[/] {escape(message)}", markup=True)


def fail(message: str, hint: str | None = None) -> None:
    # Messages quote file names and server replies; "[ssl]" in one is text, not markup.
    err.print(f"[bold red]{escape(_('Fehler:'))}[/] {escape(message)}", markup=True)
    if hint:
        err.print(f"  {hint}", markup=False)


def confirm(question: str) -> bool:
    """Asks on the terminal; j, ja, y or yes is yes, n, nein, no or nothing is no."""
    yes = {"j", "ja", "y", "yes", _("j"), _("ja")}
    no = {"n", "nein", "no", ""}
    while True:
        err.print(f"{question} {_('[j/N]')} ", end="", markup=False)
        answer = sys.stdin.readline()
        if not answer:  # end of input
            err.print()
            return False
        answer = answer.strip().lower()
        if answer in yes:
            return True
        if answer in no:
            return False
        say(_("Bitte mit j (ja) oder n (nein) antworten."))


def lines(items: Iterable[str]) -> None:
    for item in items:
        line(item)
