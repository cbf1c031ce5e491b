"""Reading the CSV files offices really export, and writing CSV that is safe in Excel.

Reading finds the encoding (UTF-8 with or without BOM, UTF-16 "Unicode text"
from Excel, else Windows-1252), the delimiter (comma, semicolon or tab) and
which column is what, from German or English headers and from Mailchimp's and
CleverReach's export columns. It yields rows with canonical field names and
the line number each record starts on, so that rejects can be traced.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import IO, NamedTuple

from isamail.errors import ImportFileError

# canonical field -> header spellings (compared lower-case, without spaces, -, _ and .)
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "email": (
        "email",
        "emailadresse",
        "emailaddress",
        "mail",
        "mailadresse",
        "emailadress",
        "e-mail",
        "emailaddresse",
        "邮箱",
        "电子邮件",
        "电子邮箱",
    ),
    "first_name": ("vorname", "firstname", "fname", "givenname", "名"),
    "last_name": ("nachname", "lastname", "lname", "surname", "familienname", "familyname", "姓"),
    "name": ("name", "fullname", "vollername", "anzeigename", "displayname", "姓名"),
    "organisation": (
        "organisation",
        "organization",
        "firma",
        "unternehmen",
        "company",
        "companyname",
        "institution",
        "behörde",
        "einrichtung",
        "单位",
        "公司",
    ),
    "city": ("stadt", "ort", "city", "town", "kommune", "城市"),
    "country": ("land", "country", "staat", "国家"),
    "language": ("sprache", "language", "lang", "locale", "语言"),
    # export columns that say the address must not be mailed (Mailchimp, CleverReach)
    "unsubscribed_at": ("unsubtime", "deactivated", "abgemeldetam"),
    "cleaned_at": ("cleantime",),
    # Mailchimp's record of the double opt-in, kept with an import's consent event
    "optin_time": ("optintime",),
    "optin_ip": ("optinip",),
    "confirm_time": ("confirmtime", "activated"),
    "confirm_ip": ("confirmip",),
    # columns of isamail's own export that describe this project's state, not the person's
    "ignored": ("status",),
}


def _header_key(header: str) -> str:
    return re.sub(r"[\s_.\-]", "", header.strip().strip("\ufeff").lower())


_ALIAS_TO_FIELD = {
    _header_key(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases
}


class Fields(NamedTuple):
    """A row's canonical fields (HEADER_ALIASES but "ignored"), stripped; "" where the file
    has no such column or the cell is empty. A tuple rather than a dict: one itemgetter call
    picks it from the cells, for each of an import's 100,000 rows."""

    email: str
    first_name: str
    last_name: str
    name: str
    organisation: str
    city: str
    country: str
    language: str
    unsubscribed_at: str
    cleaned_at: str
    optin_time: str
    optin_ip: str
    confirm_time: str
    confirm_ip: str


class Row(NamedTuple):
    line: int  # the line the record starts on (the header is line 1)
    values: Fields
    extra: dict[str, str]  # other non-empty columns, by their header
    raw: list[str]  # the cells as read, for the rejects file


@dataclass
class Table:
    path: Path
    encoding: str
    delimiter: str
    headers: list[str]
    fields: list[str | None]  # canonical field of each column, None for unknown ones
    _reader: Iterator[list[str]]
    _text: IO[str]

    def rows(self) -> Iterator[Row]:
        # Which column is what is worked out once; a row then takes a few C-level calls
        # unless it has a spreadsheet-safe apostrophe or a field in two columns.
        width = len(self.headers)
        columns = [[i for i, f in enumerate(self.fields) if f == name] for name in Fields._fields]
        pick: Callable[[list[str]], tuple[str, ...]]
        if all(len(c) <= 1 for c in columns):
            # a field the file lacks reads the "" appended to every row
            pick = itemgetter(*(c[0] if c else width for c in columns))
        else:
            # a field named by two columns (say "E-Mail" and "Mail"): the first non-empty one
            def pick(cut: list[str]) -> tuple[str, ...]:
                return tuple(next((cut[i] for i in c if cut[i]), "") for c in columns)

        named = [
            (i, header.strip())
            for i, (field, header) in enumerate(zip(self.fields, self.headers, strict=True))
            if field is None and header.strip()
        ]
        padding = [""] * width
        strip = str.strip
        make = Fields._make
        line = 2
        reader = self._reader
        for cells in reader:
            start, line = line, reader.line_num + 1  # type: ignore[attr-defined]
            # short rows count as empty cells; cells past the header have no name and go
            cut = list(map(strip, cells if len(cells) == width else (cells + padding)[:width]))
            if "'" in "".join(cut):
                cut = [from_spreadsheet_safe(c) if c[:1] == "'" else c for c in cut]
            cut.append("")
            values = make(pick(cut))
            extra = {header: value for i, header in named if (value := cut[i])} if named else {}
            if extra or any(values):
                yield Row(start, values, extra, cells)

    def close(self) -> None:
        self._text.close()


def open_table(path: Path) -> Table:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(f"{path}: lässt sich nicht lesen ({exc.strerror}).") from None
    encoding = detect_encoding(data)
    # decoded as it is read: decoded at once (and copied into a StringIO), a file of 100,000
    # rows was the import's largest object, tens of MB
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    header_line = stream.readline().lstrip("\ufeff")
    if not header_line:
        raise ImportFileError(f"{path}: die Datei ist leer.")
    delimiter = _detect_delimiter(header_line)
    reader = csv.reader(itertools.chain([header_line], stream), delimiter=delimiter)
    headers = next(reader)
    fields = [_ALIAS_TO_FIELD.get(_header_key(h)) for h in headers]
    if "email" not in fields:
        raise ImportFileError(
            f"{path}, Zeile 1: keine Spalte mit E-Mail-Adressen gefunden "
            f"(Kopfzeile: {delimiter.join(headers)[:120]}). Erwartet wird z. B. „E-Mail“ "
            "oder „Email Address“."
        )
    return Table(path, encoding, delimiter, headers, fields, reader, stream)


def detect_encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without BOM: the zero bytes of ASCII text sit on the odd or the even side
        return "utf-16-le" if head[1::2].count(b"\x00") > head[0::2].count(b"\x00") else "utf-16-be"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"  # cp1252 leaves five bytes undefined; latin-1 reads every byte
    return "cp1252"


def _detect_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _count_outside_quotes(line: str, char: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == char and not quoted:
            n += 1
    return n


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell Excel and LibreOffice will not run as a formula (OWASP CSV injection):
    a leading =, +, -, @, tab or CR gets a leading apostrophe, which the import strips."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def from_spreadsheet_safe(value: str) -> str:
    return (
        value[1:] if value.startswith("'") and value[1:2] in _FORMULA_START and value[1:] else value
    )
