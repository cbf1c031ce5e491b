"""Writing CSV: for German Excel unless a script asks otherwise.

German Excel opens a file by double-click only if it is separated by semicolons
(its list separator, since the comma is the decimal sign) and reads UTF-8 only after
a byte order mark. So that is the default for every CSV isamail writes (exports,
reports, rejects). A script asks for another delimiter (``--delimiter ,``) and then
gets plain UTF-8 without the mark. Every cell is made safe against formula injection
(csvfiles.spreadsheet_safe) by the writers that take user data.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any

from isamail.errors import IsamailError

EXCEL_DELIMITER = ";"
BOM = "\ufeff"
_NAMED = {"tab": "\t", "\\t": "\t", "semicolon": ";", "comma": ","}


def delimiter(text: str) -> str:
    """The delimiter ``--delimiter`` names: one character, or "tab"."""
    value = _NAMED.get(text.strip().lower(), text)
    if len(value) != 1 or value in '"\r\n':
        raise IsamailError(
            f"Trennzeichen „{text}“ geht nicht: ein Zeichen wie ; oder , oder „tab“."
        )
    return value


def wants_bom(delim: str) -> bool:
    """The mark goes with the Excel format only: scripts choosing their delimiter get
    plain UTF-8, which every CSV reader takes."""
    return delim == EXCEL_DELIMITER


def writer(stream: IO[str], delim: str = EXCEL_DELIMITER) -> Any:
    """A csv writer for ``stream``; the byte order mark is written first where it goes."""
    if wants_bom(delim):
        stream.write(BOM)
    return csv.writer(stream, delimiter=delim, lineterminator=line_end(delim))


def line_end(delim: str) -> str:
    """Excel's CRLF in the Excel format, a plain newline for scripts."""
    return "\r\n" if wants_bom(delim) else "\n"


def open_file(path: Path) -> IO[str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="")
