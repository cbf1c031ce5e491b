"""Per-recipient cost of a finished message (the bytes handed to SMTP), and what it replaces.

    .venv/bin/python bench/bench_compose.py [--recipients 20000] [--issue 2021-02]

Renders the largest corpus issue (by HTML size) once, then times on one core:
premailer per call, the whole compose per issue, PreparedMessage.prepare per edition,
the reference EmailMessage path per recipient, and for_recipient() per recipient.
Target: for_recipient() at least 5,000 messages per second.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from isamail.compose import render
from isamail.compose.message import PreparedMessage, Recipient
from isamail.config import load_settings
from isamail.issues import load_issue
from isamail.transport.smtp import _dot_stuffed

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "issues"
TARGET = 5_000


def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median seconds per call over ``repeat`` calls (after one warm-up call)."""
    fn()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def recipients(count: int, base_url: str) -> list[Recipient]:
    """Mostly ASCII addresses, every 50th with an IDN domain, every 200th with a Chinese
    local part and name, as in the ISA lists."""
    out = []
    for i in range(count):
        token = f"{i:08d}AbCdEfGhIjKlMnOpQrStUv"[:30]
        if i % 200 == 0:
            address, name = f"王伟{i}@例子.example", "王伟 (保定市)"
        elif i % 50 == 0:
            address, name = f"jürgen.müller{i}@stadt-köln.example", "Jürgen Müller"
        else:
            address, name = f"vorname.nachname{i}@wirtschaftsfoerderung.example", f"Leser {i}"
        out.append(
            Recipient(
                email=address,
                name=name,
                unsubscribe_url=f"{base_url}/u/{token}",
                unsubscribe_mailto=f"mailto:unsubscribe+{token}@isa-portal.de",
                message_id=f"<{token}.d{i}@isa-portal.de>",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=20_000)
    parser.add_argument("--issue", default="", help="corpus issue (default: the largest)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            Path(tmp), {"ISAMAIL_BASE_URL": "https://newsletter.isa-portal.de"}
        )
    issues = {p.name: load_issue(p) for p in sorted(CORPUS.iterdir()) if p.is_dir()}
    rendered_all = {name: render.compose_issue(i, settings) for name, i in issues.items()}
    name = args.issue or max(rendered_all, key=lambda n: len(rendered_all[n].html))
    issue, rendered = issues[name], rendered_all[name]

    env = render.template_environment(None)
    raw_html = render._render(env, render.HTML_TEMPLATE, render._context(issue, settings))
    t_load = timed(lambda: load_issue(CORPUS / name), 20)
    t_jinja = timed(
        lambda: render._render(env, render.HTML_TEMPLATE, render._context(issue, settings)), 20
    )
    t_premailer = timed(lambda: render.inline_css(raw_html), 20)
    t_compose = timed(lambda: render.compose_issue(issue, settings), 10)
    t_prepare = timed(
        lambda: PreparedMessage.prepare(
            rendered, settings, list_id="<isa-newsletter.isa-portal.de>"
        ),
        20,
    )

    prepared = PreparedMessage.prepare(rendered, settings, list_id="<isa-newsletter.isa-portal.de>")
    people = recipients(args.recipients, settings.base_url)
    sample = people[1:201]
    t_reference = timed(lambda: [prepared.reference_message(r).as_bytes() for r in sample], 3)
    t_reference /= len(sample)

    # the measured loop: one core, the same work the sender does per recipient
    total_bytes = 0
    start = time.perf_counter()
    for person in people:
        total_bytes += len(prepared.for_recipient(person))
    elapsed = time.perf_counter() - start
    per_message = elapsed / len(people)
    rate = len(people) / elapsed
    # what the sender really calls: the same message, dot-stuffed for DATA
    start = time.perf_counter()
    for person in people:
        prepared.smtp_data(person)
    per_payload = (time.perf_counter() - start) / len(people)
    # and the transport's whole-message stuffing it replaces
    messages = [prepared.for_recipient(r) for r in sample]
    t_stuff = timed(lambda: [_dot_stuffed(m) for m in messages], 3) / len(messages)

    html_kb = len(rendered.html.encode()) / 1000
    print(f"issue {name}: HTML {html_kb:.1f} KB, text {len(rendered.text.encode()) / 1000:.1f} KB,")
    print(
        f"message {total_bytes / len(people) / 1000:.1f} KB on average, {len(people)} recipients\n"
    )
    rows = [
        ("load + check issue (per issue)", t_load),
        ("Markdown + Jinja2 HTML render (per issue)", t_jinja),
        ("premailer inline CSS (per call)", t_premailer),
        ("compose_issue, all of it (per issue)", t_compose),
        ("PreparedMessage.prepare (per edition)", t_prepare),
        ("reference EmailMessage + bytes (per recipient)", t_reference),
        ("for_recipient (per recipient)", per_message),
        ("smtp_data: the same, dot-stuffed (per recipient)", per_payload),
        ("transport's whole-message dot-stuffing (per message)", t_stuff),
    ]
    print(f"{'step':<54} {'ms':>10} {'per second':>12}")
    for label, seconds in rows:
        print(f"{label:<54} {seconds * 1000:>10.3f} {1 / seconds:>12,.0f}")
    print(
        f"\nfor_recipient: {rate:,.0f} messages/s on one core "
        f"({'meets' if rate >= TARGET else 'MISSES'} the target of {TARGET:,}/s); "
        f"{t_reference / per_message:.0f}× faster than the reference path"
    )


if __name__ == "__main__":
    main()
