"""The consent text of the signup form, as the person saw it: the element with class
"consent" of ``web/subscribe.html`` rendered in the page's language, as plain text
(links as "text (URL)"), stored with each signup (``audience/consent.py``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from isamail.audience.consent import Wording
from isamail.web.deps import Pages


class _ConsentText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside the consent element
        self.parts: list[str] = []
        self.links: list[str | None] = []
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag not in _VOID
            if tag == "a":
                self.links.append(dict(attrs).get("href"))
        elif "consent" in classes and not self.found:
            self.depth, self.found = 1, True

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "a" and self.links and (href := self.links.pop()):
            self.parts.append(f" ({href})")
        self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


_VOID = {"br", "img", "input", "hr", "wbr", "meta", "link"}


def consent_text(html: str) -> str | None:
    """The plain text of the first element with class "consent"; None if there is none."""
    parser = _ConsentText()
    parser.feed(html)
    parser.close()
    text = re.sub(r"\s+", " ", "".join(parser.parts)).strip()
    text = re.sub(r" ([.,;:!?])", r"\1", text)
    return text or None


def signup_form_wording(pages: Pages, language: str, version: str) -> Wording | None:
    """What the signup form says about consent in ``language``, under ``version``."""
    page = pages.render(
        "subscribe.html", language=language, lists=[], chosen=set(), error=None, email="", name=""
    )
    text = consent_text(bytes(page.body).decode("utf-8"))
    return None if text is None else Wording(version, language, text)
