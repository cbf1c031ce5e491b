"""Bounce classification on real notices, labelled by hand: hard-bounce recall and
false-hard rate, overall and per kind of notice.

    python bench/bench_bounces.py            # the tables (figures in bench/README.md)
    python bench/bench_bounces.py --misses   # every notice read wrong, with its label's basis

The labels are tests/data/bounces/labels.tsv (how they were made: bench/README.md). Each
notice is fed to ``classify`` as the bounce mailbox receives it: delivered to the VERP
address of its own delivery (a ``Delivered-To: bounces+TOKEN@…`` line in front).
Notices stored without headers (the crisp fixtures: only the body) get a minimal
header of a mailer daemon. Byte-identical notices and notices labelled "unclear" (no
reason given, or one a person cannot decide either) are left out.

* **recall**: hard notices read as hard, over all hard notices;
* **false-hard rate**: soft, policy, auto-reply, complaint and other notices read as
  hard, over all of them. This is the number that must stay at zero first: a wrong
  "hard" silences a reader for good.
"""

from __future__ import annotations

import argparse
import collections
import logging
import re
import sys
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import compat32
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from isamail.bounces.classify import _human_text, classify
from isamail.bounces.process import message_digest
from isamail.tokens import bounce_token

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "bounces"
HEADERLESS = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
    b"Subject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\n\n"
)

LANGUAGES = {  # the language of the notice's own words (the first that matches)
    "Japanese": r"[\u3040-\u30ff]",
    "Chinese": r"[\u4e00-\u9fff]",
    "Russian": r"[\u0400-\u04ff]",
    "French": r"n'existe|n.a pas pu|destinataire|adresse .{0,20}invalide|rejete|boite|utilisateur",
    "German": r"empf(?:ä|ae)nger|unbekannt|zugestellt|postfach|benutzer|nachricht",
    "Spanish": r"destinatario|desconocid|casilla|mensaje|buz[oó]n|usuario",
    "Portuguese": r"destinat[áa]rio|usu[áa]rio|n[ãa]o|mensagem|caixa postal",
    "Polish": r"nie istnieje|odbiorca|konto",
    "Dutch": r"bericht kan niet|ontvanger",
}
FAMILIES = {  # legacy and provider formats, from the notice or its file name
    "Exchange / X.400": r"MSEXCH|MTS-ID|X400|x\.400|exchange|RESOLVER\.|Microsoft Mail",
    "GroupWise / Novell": r"groupwise|novell",
    "Lotus Notes / Domino": r"domino|lotus|notes",
    "PMDF / VMS / Messaging Server": r"PMDF|%MAIL-E|This report relates to a message you sent"
    r"|messagingserver|Sun Java|iPlanet",
    "qmail": r"qmail",
    "Yahoo (old formats)": r"yahoo",
    "Hotmail / MSN (old formats)": r"hotmail|msn\.com|Requested action not taken: mailbox",
}
_ENHANCED = re.compile(r"(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?![\d.]*\d)")
_BASIC = re.compile(r"(?<![\w.\-:/#=])[45][0-5]\d(?=[\s\-]|$)")


@dataclass(frozen=True)
class Case:
    path: str
    label: str
    basis: str
    raw: bytes
    got: str
    tags: frozenset[str]


def load() -> tuple[list[Case], int, int]:
    cases, seen, duplicates, unclear = [], set(), 0, 0
    for n, line in enumerate((DATA / "labels.tsv").read_text(encoding="utf-8").splitlines()):
        if not line or line.startswith("#"):
            continue
        path, label, tags, basis = line.split("\t")
        if label == "unclear":
            unclear += 1
            continue
        raw = (DATA / path).read_bytes()
        if "headerless" in tags:
            raw = HEADERLESS + raw
        digest = message_digest(raw)
        if digest in seen:
            duplicates += 1
            continue
        seen.add(digest)
        token = bounce_token("bench-secret", n)
        delivered = f"Delivered-To: bounces+{token}@isa-portal.de\n".encode()
        got = classify(delivered + raw.lstrip(b" \t\r\n")).kind.value
        cases.append(Case(path, label, basis, raw, got, frozenset(_tags(path, raw))))
    return cases, duplicates, unclear


def _tags(path: str, raw: bytes) -> set[str]:
    msg = message_from_bytes(raw.lstrip(b" \t\r\n"), policy=compat32)
    text = _human_text(msg)
    tags = {f"corpus: {path.split('/')[1] if path.startswith('extra/') else 'sisimai'}"}
    language = next(
        (name for name, pattern in LANGUAGES.items() if re.search(pattern, text, re.IGNORECASE)),
        "English",
    )
    tags.add(f"language: {language}")
    haystack = path + "\n" + raw.decode("utf-8", "replace")[:20_000]
    for family, pattern in FAMILIES.items():
        if re.search(pattern, haystack, re.IGNORECASE):
            tags.add(f"server: {family}")
    if not _ENHANCED.search(raw.decode("utf-8", "replace")):
        tags.add("code: no enhanced status code")
        if not _BASIC.search(text):
            tags.add("code: no status code at all")
    return tags


def rates(cases: list[Case]) -> tuple[str, str]:
    hard = [c for c in cases if c.label == "hard"]
    other = [c for c in cases if c.label != "hard"]
    found = sum(c.got == "hard" for c in hard)
    wrong = sum(c.got == "hard" for c in other)
    recall = f"{found / len(hard):.3f} ({found}/{len(hard)})" if hard else "–"
    false_hard = f"{wrong / len(other):.3f} ({wrong}/{len(other)})" if other else "–"
    return recall, false_hard


def table(title: str, groups: dict[str, list[Case]]) -> None:
    print(f"\n{title}")
    print(f"  {'':34} {'notices':>7}  {'hard recall':>16}  {'false-hard rate':>16}")
    for name, group in sorted(groups.items()):
        recall, false_hard = rates(group)
        print(f"  {name:34} {len(group):7}  {recall:>16}  {false_hard:>16}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every notice read wrong")
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # flufl.bounce logs its detectors' tracebacks
    started = time.perf_counter()
    cases, duplicates, unclear = load()
    elapsed = time.perf_counter() - started
    print(
        f"{len(cases)} labelled notices ({duplicates} byte-identical copies and {unclear}"
        f" unclear ones left out), classified in {elapsed:.1f} s"
    )
    table("All notices", {"all": cases})
    table("By label (false-hard rate per kind that is not hard)", _group(cases, "label"))
    for prefix in ("language", "server", "code", "corpus"):
        table(f"By {prefix}", _group(cases, prefix))
    confusion = collections.Counter((c.label, c.got) for c in cases)
    print("\nLabel → read as")
    for (label, got), n in sorted(confusion.items()):
        print(f"  {label:11} → {got:11} {n:5}")
    if args.misses:
        print("\nRead wrong (hard missed, or read as hard):")
        for c in cases:
            if (c.label == "hard") != (c.got == "hard"):
                print(f"  {c.path}: label {c.label}, read {c.got}  [{c.basis}]")


def _group(cases: list[Case], prefix: str) -> dict[str, list[Case]]:
    groups: dict[str, list[Case]] = collections.defaultdict(list)
    for c in cases:
        if prefix == "label":
            groups[c.label].append(c)
        for tag in c.tags:
            if tag.startswith(prefix + ": "):
                groups[tag.removeprefix(prefix + ": ")].append(c)
    return groups


if __name__ == "__main__":
    main()
