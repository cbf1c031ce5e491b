"""Compiles the catalogs: ``po/LANG.po`` → ``locale/LANG/LC_MESSAGES/isamail.mo``.

``python -m isamail.i18n.build`` writes them, ``--check`` only says whether the
committed ones are current. The output depends on the ``.po`` files alone (entries
sorted, no dates), so the same sources give the same bytes on every machine, and a
test holds the committed files to their sources. No GNU gettext tools are needed.
"""

from __future__ import annotations

import ast
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

from isamail.i18n import DOMAIN, LANGUAGES, LOCALE_DIR

PO_DIR = Path(__file__).parent / "po"
# msgid, or (msgid, msgid_plural) → msgstr, or the plural forms
Catalog = dict[str | tuple[str, str], str | list[str]]
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    body = text.strip()
    if len(body) < 2 or body[0] != '"' or body[-1] != '"':
        raise ValueError(f"not a quoted string: {text!r}")
    out, chars = [], iter(body[1:-1])
    for c in chars:
        out.append(_ESCAPES[next(chars)] if c == "\\" else c)
    return "".join(out)


def read_po(text: str) -> Catalog:
    """The entries of a .po file (fuzzy ones left out, as msgfmt does)."""
    catalog: Catalog = {}
    entries: list[dict[str, str]] = []
    current: dict[str, str] = {}
    key = ""
    fuzzy = False
    for raw in [*text.splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                current["fuzzy"] = "1" if fuzzy else ""
                entries.append(current)
            current, key, fuzzy = {}, "", False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += _unquote(line)
        else:
            key, _space, rest = line.partition(" ")
            current[key] = _unquote(rest)
    for entry in entries:
        if entry["fuzzy"] and entry["msgid"]:
            continue
        if "msgid_plural" in entry:
            forms = [entry[k] for k in sorted(entry) if k.startswith("msgstr[")]
            if all(forms):
                catalog[(entry["msgid"], entry["msgid_plural"])] = forms
        elif entry.get("msgstr"):
            catalog[entry["msgid"]] = entry["msgstr"]
    return catalog


def write_mo(catalog: Catalog) -> bytes:
    """The GNU .mo form of ``catalog``: sorted by original, without a hash table."""
    pairs = []
    for key, value in catalog.items():
        original = key if isinstance(key, str) else "\0".join(key)
        translated = value if isinstance(value, str) else "\0".join(value)
        pairs.append((original.encode("utf-8"), translated.encode("utf-8")))
    pairs.sort()
    count = len(pairs)
    header_size = 7 * 4
    originals_at = header_size
    translations_at = originals_at + 8 * count
    data_at = translations_at + 8 * count
    table_o, table_t, data = [], [], b""
    for source, _target in pairs:
        table_o.append((len(source), data_at + len(data)))
        data += source + b"\0"
    for _source, target in pairs:
        table_t.append((len(target), data_at + len(data)))
        data += target + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, originals_at, translations_at, 0, 0)
    tables = b"".join(struct.pack("<2I", *entry) for entry in table_o + table_t)
    return head + tables + data


def mo_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.mo"


def compiled(language: str) -> bytes:
    return write_mo(read_po((PO_DIR / f"{language}.po").read_text(encoding="utf-8")))


def marked_strings(paths: Iterable[Path]) -> set[str | tuple[str, str]]:
    """The texts marked for translation in Python files: ``_("…")``, ``N_("…")`` and
    ``ngettext("…", "…", n)`` with literal strings."""
    found: set[str | tuple[str, str]] = set()
    for path in paths:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(
                node.func, ast.Name | ast.Attribute
            ):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if not all(isinstance(t, str) for t in texts):
                continue
            if name in ("_", "N_", "gettext") and len(node.args) == 1 and texts:
                found.add(str(texts[0]))
            elif name == "ngettext" and len(texts) >= 2:
                found.add((str(texts[0]), str(texts[1])))
    return found


def main(argv: list[str]) -> int:
    stale = []
    for language in LANGUAGES:
        data, target = compiled(language), mo_path(language)
        if target.is_file() and target.read_bytes() == data:
            continue
        stale.append(target)
        if "--check" not in argv:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    for target in stale:
        print(("stale: " if "--check" in argv else "written: ") + str(target))
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
