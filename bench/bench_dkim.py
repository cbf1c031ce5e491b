"""Cost of DKIM signing per message (rsa-sha256 2048 against ed25519-sha256), beside
what the message costs without it.

    .venv/bin/python bench/bench_dkim.py [--recipients 2000] [--issue 2020-10]

Composes the corpus issue once, then measures CPU time per recipient on one core: the finished
message (``for_recipient``, the reference in the same run), and the same message
signed with each key (``Signer.sign``, dkimpy, relaxed/relaxed, the headers of
``dkim.SIGNED_HEADERS`` oversigned). Also splits the signing into its parts: dkimpy's
parsing and body hash alone (a signature with a 1024-bit key costs little more than
that) and the private-key operation.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import dkim as dkimpy

from isamail.compose import render
from isamail.compose.message import PreparedMessage, Recipient
from isamail.config import load_settings
from isamail.deliverability import dkim
from isamail.issues import load_issue

ROOT = Path(__file__).resolve().parent.parent


def recipients(count: int, base_url: str) -> list[Recipient]:
    return [
        Recipient(
            email=f"vorname.nachname{i}@wirtschaftsfoerderung.example",
            name=f"Leser {i}",
            unsubscribe_url=f"{base_url}/u/{i:08d}AbCdEfGhIjKlMnOpQrSt",
            unsubscribe_mailto=f"mailto:bounces+{i:08d}AbCdEfGhIjKlMnOpQrSt@isa-portal.de",
            message_id=f"<{i:08d}.d{i}@isa-portal.de>",
        )
        for i in range(count)
    ]


def per_message(items: Sequence[Any], fn: Callable[[Any], object]) -> float:
    """CPU seconds per message: on a shared machine the process's own CPU time varies far
    less than the wall clock."""
    fn(items[0])  # warm-up
    start = time.process_time()
    for item in items:
        fn(item)
    return (time.process_time() - start) / len(items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=2_000)
    parser.add_argument("--issue", default="2020-10")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            Path(tmp), {"ISAMAIL_BASE_URL": "https://newsletter.isa-portal.de"}
        )
    rendered = render.compose_issue(load_issue(ROOT / "issues" / args.issue), settings)
    prepared = PreparedMessage.prepare(rendered, settings, list_id="<isa-newsletter.isa-portal.de>")
    people = recipients(args.recipients, settings.base_url)

    messages = [prepared.for_recipient(p) for p in people]
    t_message = per_message(people, prepared.for_recipient)
    size = sum(map(len, messages)) / len(messages) / 1000

    rows = [("for_recipient, unsigned (reference)", t_message)]
    for algorithm, bits in (("rsa", 2048), ("ed25519", 256), ("rsa", 1024)):
        signer = dkim.Signer(dkim.generate_key(algorithm, bits), "bench", "isa-portal.de")  # type: ignore[arg-type]
        rows.append(
            (f"+ Signer.sign, {signer.algorithm} {bits}", per_message(messages, signer.sign))
        )

    # the parts of one signature: parsing, canonicalisation and body hash, then the key
    def parse_and_hash(message: bytes) -> None:
        d = dkimpy.DKIM(message)
        policy = dkimpy.CanonicalizationPolicy.from_c_value(b"relaxed/relaxed")
        policy.canonicalize_body(d.body)

    rows.append(("  of which dkimpy parse + relaxed body", per_message(messages, parse_and_hash)))

    print(f"issue {args.issue}: {size:.1f} KB per message, {len(people)} recipients, one core")
    print(f"load {' '.join(Path('/proc/loadavg').read_text().split()[:3])}\n")
    print(f"{'step (per message)':<46} {'CPU ms':>8} {'per CPU s':>12} {'× ref':>8}")
    for label, seconds in rows:
        ratio = seconds / t_message
        print(f"{label:<46} {seconds * 1000:>8.3f} {1 / seconds:>12,.0f} {ratio:>8.0f}")


if __name__ == "__main__":
    main()
