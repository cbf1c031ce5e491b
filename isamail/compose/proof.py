"""Proofs show an issue as readers will see it, images included, before it is published.

The mail links its images to the web archive (``/archive/ISSUE/images/…``), which
serves them only once the issue has been sent. A proof therefore points them elsewhere:

- ``embed_images``: preview files carry each image inside the HTML (``data:`` URIs), so
  they show everything without a server and publish nothing;
- ``proof_copy``: a test copy links each image, and its web version, with a signed link
  that expires (weblinks.py), served by `isamail serve`; no image of an unsent issue is
  ever at a URL that can be guessed.

Both take the rendered issue and return another; the per-recipient placeholders stay.
A preview of an issue with problems carries them in a box at its top (``with_banner``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import escape
from pathlib import Path

from isamail.compose.images import data_uri
from isamail.compose.rendered import WEB_URL, RenderedIssue
from isamail.config import Settings
from isamail.issues.model import Problem
from isamail.weblinks import PROOF_DAYS, archive_url, proof_token

_NAME = r"([A-Za-z0-9][A-Za-z0-9._-]*)"


def _image_urls(settings: Settings, issue: str) -> re.Pattern[str]:
    return re.compile(re.escape(f"{archive_url(settings.base_url, issue)}/images/") + _NAME)


def embed_images(rendered: RenderedIssue, settings: Settings, folder: Path) -> RenderedIssue:
    """The HTML with every image of the issue's images/ folder inside it. The text part
    keeps the links readers get."""

    def embedded(match: re.Match[str]) -> str:
        path = folder / "images" / match.group(1)
        return data_uri(path) if path.is_file() else match.group(0)

    html = _image_urls(settings, rendered.name).sub(embedded, rendered.html)
    return replace(rendered, html=html)


def proof_copy(
    rendered: RenderedIssue, settings: Settings, *, days: int = PROOF_DAYS, now: float | None = None
) -> RenderedIssue:
    """The issue as a test copy shows it: images and the web version behind signed links
    valid for ``days`` (then they answer "expired"). Needs the secret key."""
    secret = settings.require("secret_key", "Testexemplare (mit signierten Bild-Links)")
    token = proof_token(secret, rendered.name, days=days, now=now)
    images = _image_urls(settings, rendered.name)
    web = f"{archive_url(settings.base_url, rendered.name)}?p={token}"

    def signed(content: str) -> str:
        content = images.sub(lambda m: f"{m.group(0)}?p={token}", content)
        return content.replace(WEB_URL, web)

    return replace(rendered, html=signed(rendered.html), text=signed(rendered.text))


# --- problems shown in a preview ------------------------------------------------------

_BANNER = (
    "margin:0;padding:14px 18px;background:{color};color:#ffffff;"
    "font:14px/20px Arial,Helvetica,sans-serif;"
)


def _banner(problems: list[Problem]) -> str:
    bad = [p for p in problems if p.is_error]
    notes = [p for p in problems if not p.is_error]
    if bad:
        head = (
            f"Vorschau mit {len(bad)} Fehler{'n' if len(bad) != 1 else ''}: "
            "so kann diese Ausgabe nicht verschickt werden"
        )
    else:
        head = f"Vorschau mit {len(notes)} Warnung{'en' if len(notes) != 1 else ''}"
    style = _BANNER.format(color="#b5121b" if bad else "#7a5d00")
    items = "".join(
        f"<li>{'Fehler' if p.is_error else 'Warnung'}: {escape(str(p))}</li>" for p in bad + notes
    )
    return (
        f'<div id="isamail-preview-banner" role="alert" style="{style}">'
        f"<strong>{escape(head)}</strong>"
        f'<ul style="margin:8px 0 0 0;padding:0 0 0 20px;">{items}</ul></div>'
    )


def with_banner(html: str, problems: list[Problem]) -> str:
    """``html`` with ``problems`` in a box at the top of its body (unchanged if none)."""
    if not problems:
        return html
    start = html.find("<body")
    end = html.find(">", start) + 1 if start >= 0 else 0
    return html[:end] + _banner(problems) + html[end:]


def banner_issue(rendered: RenderedIssue, problems: list[Problem]) -> RenderedIssue:
    return replace(rendered, html=with_banner(rendered.html, problems)) if problems else rendered


def text_banner(problems: list[Problem]) -> str:
    """The text version's head for the same problems ("" if none)."""
    if not problems:
        return ""
    lines = [f"VORSCHAU MIT {len(problems)} FEHLER(N) – so nicht zu verschicken:"]
    lines += [f"- {p}" for p in problems]
    return "\n".join(lines) + "\n" + "=" * 72 + "\n\n"
