"""What composing an issue produces, and its per-recipient placeholders.

Apart from ``render`` (Jinja2, markdown-it, premailer), so that what only holds or
sends a rendered issue (the delivery queue, the sender) loads none of those: the
send command imports this module while the issue is composed in another process.
"""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass

# Letters only: nothing that HTML escaping, URL quoting or quoted-printable would touch.
UNSUBSCRIBE_URL = "ISAMAILxPLACEHOLDERxUNSUBSCRIBExURL"
RECIPIENT_EMAIL = "ISAMAILxPLACEHOLDERxRECIPIENTxEMAIL"
# the web version, signed for its reader: it opens even when the edition is not public
WEB_URL = "ISAMAILxPLACEHOLDERxWEBxURL"
PLACEHOLDERS = (UNSUBSCRIBE_URL, RECIPIENT_EMAIL, WEB_URL)


@dataclass(frozen=True)
class RenderedIssue:
    name: str
    title: str
    subject: str
    preheader: str
    language: str
    html: str  # CSS inlined; holds the placeholders above
    text: str


def personalise(
    rendered: RenderedIssue, *, email: str, unsubscribe_url: str, web_url: str
) -> tuple[str, str]:
    """(html, text) for one recipient: the slow, obvious way (used for previews and tests)."""
    html, text = rendered.html, rendered.text
    for placeholder, value in (
        (UNSUBSCRIBE_URL, unsubscribe_url),
        (RECIPIENT_EMAIL, email),
        (WEB_URL, web_url),
    ):
        html = html.replace(placeholder, html_lib.escape(value))
        text = text.replace(placeholder, value)
    return html, text
