"""The consoles: data to stdout, messages to stderr (so `--json` output stays clean)."""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

out = Console(highlight=False)
# soft_wrap: a message stays one line however narrow the terminal (scripts grep for it)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def table(*columns: str, title: str | None = None) -> Table:
    t = Table(title=title, title_justify="left", show_edge=False, pad_edge=False)
    for column in columns:
        if column.startswith("#"):
            t.add_column(column[1:], justify="right")
        else:
            t.add_column(column, overflow="fold")
    return t


def say(message: str) -> None:
    """A message for the person at the terminal (stderr)."""
    err.print(message)


def fail(message: str, hint: str | None = None) -> None:
    # Messages quote file names and server replies; "[ssl]" in one is text, not markup.
    err.print(f"[bold red]Fehler:[/] {escape(message)}", markup=True, highlight=False)
    if hint:
        err.print(f"  {hint}", markup=False)
