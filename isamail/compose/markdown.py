"""Section bodies: Markdown (CommonMark, raw HTML escaped) to mail HTML and to readable text.

One parser configuration is shared by the issue checker (which walks its tokens for
links and images) and the renderers, so what is checked is exactly what is rendered.

German dates stay text: CommonMark reads a line starting "12. Oktober" as an ordered
list numbered from 12 (and "- 12. Oktober" as a bullet holding one). A line that
starts with a day and a German month is never taken as a list marker here.
"""

from __future__ import annotations

import html as html_lib
import re
import textwrap
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

LINK_SCHEMES = ("http", "https", "mailto")
TEXT_WIDTH = 72

_MONTH = (
    r"(?:Januar|Jan\.|Februar|Feb\.|März|Mär\.|Mrz\.|April|Apr\.|Mai|Juni|Jun\.|Juli|Jul\."
    r"|August|Aug\.|September|Sept?\.|Oktober|Okt\.|November|Nov\.|Dezember|Dez\.)"
)
# "12. Oktober", "1. Mai 2021", "12. und 13. Oktober", "12.–14. Okt." (but not "Maifest")
GERMAN_DATE = re.compile(
    rf"\d{{1,2}}\.(?:\s*(?:-|–|bis|und|u\.|/)\s*\d{{1,2}}\.)?\s+{_MONTH}(?![^\W\d_])"
)


class _Parser(MarkdownIt):
    # markdown-it silently turns links with unsafe schemes (javascript:, data:, …) into
    # plain text; the checker wants to see every link so that it can name the bad ones.
    # Rendering refuses bad URLs itself (``link_problem``), so nothing unsafe gets through.
    def validateLink(self, url: str) -> bool:
        return True


def _dates_are_not_lists(md: MarkdownIt) -> None:
    """Wraps the list rule: a block that starts with a German date is a paragraph. Inside a
    bullet item the rule runs again on the item's text, so "- 12. Oktober: …" stays one
    bullet whose text begins with the date."""
    rules = md.block.ruler.__rules__
    list_rule = next(rule.fn for rule in rules if rule.name == "list")

    def list_unless_date(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        begin = state.bMarks[start] + state.tShift[start]
        if GERMAN_DATE.match(state.src, begin, state.eMarks[start]):
            return False
        return bool(list_rule(state, start, end, silent))

    md.block.ruler.at("list", list_unless_date, {"alt": ["paragraph", "reference", "blockquote"]})


def parser(*, html: bool = False) -> MarkdownIt:
    """CommonMark with raw HTML disabled: ``<script>`` in a body is shown, never run.
    ``html=True`` only for finding such HTML, to warn that readers will see it as text."""
    md = _Parser("commonmark", {"html": html, "typographer": False, "linkify": False})
    _dates_are_not_lists(md)
    return md


_PARSER = parser()
_HTML_FINDER = parser(html=True)


def parse(body: str) -> list[Token]:
    return _PARSER.parse(body)


def link_problem(url: str) -> str | None:
    """Why ``url`` may not be a link in a mail, or None when it is fine."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in LINK_SCHEMES:
        shown = f"„{scheme}:“" if scheme else "keine Adresse mit http(s):// oder mailto:"
        return f"Link „{url}“ ist nicht erlaubt ({shown}; erlaubt sind http, https, mailto)"
    if scheme in ("http", "https") and not parts.hostname:
        return f"Link „{url}“ nennt keinen Server"
    if scheme == "mailto" and "@" not in parts.path:
        return f"Link „{url}“ nennt keine E-Mail-Adresse"
    return None


def iter_inline(tokens: Sequence[Token]) -> list[tuple[Token, Token]]:
    """(block inline token, child) pairs: every link and image with the block it is in."""
    found = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("link_open", "image"):
                found.append((token, child))
    return found


@dataclass(frozen=True)
class Finding:
    line: int  # 0-based line of the body
    text: str


def raw_html(body: str) -> list[Finding]:
    """HTML written into the body (tags, comments): shown to readers as literal text."""
    found: list[Finding] = []
    lines = body.split("\n")
    for token in _HTML_FINDER.parse(body):
        start = (token.map or (0, 1))[0]
        if token.type == "html_block":
            found.append(Finding(start, token.content.strip().split("\n")[0]))
        for child in token.children or ():
            if child.type == "html_inline":
                end = (token.map or (start, start + 1))[1]
                offset = next((i for i in range(start, end) if child.content in lines[i]), start)
                found.append(Finding(offset, child.content))
    return found


def numbered_lists(body: str) -> list[tuple[Finding, int]]:
    """Every ordered list with the number it starts at (a line that looks like a list to
    Markdown: "2021. …", "3. Platz …")."""
    lines = body.split("\n")
    return [
        (Finding(start, lines[start].strip()), int(token.attrGet("start") or 1))
        for token in parse(body)
        if token.type == "ordered_list_open"
        for start in [(token.map or (0, 1))[0]]
    ]


# --- HTML -------------------------------------------------------------------------------

ImageSize = Callable[[str], tuple[int, int] | None]


@dataclass(frozen=True)
class Images:
    """How a body's images become mail HTML: ``resolve`` maps ``images/x.png`` to the URL
    readers load, ``size`` gives a local image's pixel size (None when unknown), and
    ``column`` is the widest an image may be shown."""

    resolve: Callable[[str], str]
    size: ImageSize = lambda src: None
    column: int = 536


class _MailRenderer(RendererHTML):
    """Markdown's HTML with image paths made absolute and URLs checked once more.
    (markdown-it picks up rules by method name: ``image``, ``link_open``.)"""

    def image(self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        images: Images = env["images"]
        src = str(token.attrGet("src") or "")
        token.attrSet("src", images.resolve(src))
        # Shown at its own size, at most the column's width. The attributes are what
        # Outlook uses (it ignores max-width); the inlined CSS scales it down on phones.
        size = images.size(src)
        if size is not None:
            width, height = size
            shown = min(width, images.column)
            token.attrSet("width", str(shown))
            token.attrSet("height", str(max(round(height * shown / width), 1)))
        caption = str(token.attrGet("title") or "").strip()
        if caption:
            del token.attrs["title"]
        img = super().image(tokens, idx, options, env)
        if caption:
            img += f'<span class="caption">{html_lib.escape(caption)}</span>'
        return img

    def link_open(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
    ) -> str:
        href = str(tokens[idx].attrGet("href") or "")
        if link_problem(href):
            if not env.get("lenient"):
                raise ValueError(f"unchecked link in an issue body: {href!r}")
            return "<a>"  # a preview of a faulty issue: the text, without the link
        return self.renderToken(tokens, idx, options, env)


_HTML = _MailRenderer()


def to_html(body: str, images: Images, *, lenient: bool = False) -> str:
    """The body as HTML. ``lenient``: links that the checker refuses become plain text
    instead of an error (for a preview of an issue that still has errors)."""
    env: dict[str, Any] = {"images": images, "lenient": lenient}
    return _HTML.render(parse(body), _PARSER.options, env)


# --- plain text -------------------------------------------------------------------------


@dataclass
class LinkNumbers:
    """Numbered link references for the text version, shared by all sections of one mail
    so that a number means the same URL everywhere; ``pending`` are listed after a section."""

    numbers: dict[str, int] = field(default_factory=dict)
    pending: list[tuple[int, str]] = field(default_factory=list)

    def number(self, url: str) -> int:
        if url not in self.numbers:
            self.numbers[url] = len(self.numbers) + 1
            self.pending.append((self.numbers[url], url))
        return self.numbers[url]

    def take(self) -> list[tuple[int, str]]:
        taken, self.pending = self.pending, []
        return taken


def display_width(text: str) -> int:
    """Columns a text takes in a terminal or monospace font: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def underline(text: str, char: str = "=") -> str:
    return char * max(display_width(text), 3)


def to_text(body: str, links: LinkNumbers, resolve_image: Callable[[str], str]) -> str:
    """The body as text written for reading: wrapped paragraphs, list markers, links as
    numbered references ``[1]`` (collected in ``links``), headings underlined."""
    return _TextWriter(links, resolve_image).render(parse(body))


class _TextWriter:
    def __init__(self, links: LinkNumbers, resolve_image: Callable[[str], str]) -> None:
        self.links = links
        self.resolve_image = resolve_image
        self.blocks: list[str] = []
        self.prefixes: list[str] = []  # "> " for quotes, list markers for items
        self.lists: list[list[int]] = []  # counters of open lists (-1: bullet)
        self.first_in_item = False

    def render(self, tokens: Sequence[Token]) -> str:
        heading_char = ""
        for token in tokens:
            kind = token.type
            if kind == "heading_open":
                heading_char = "=" if token.tag in ("h1", "h2") else "-"
            elif kind == "heading_close":
                heading_char = ""
            elif kind == "inline":
                text = self.inline(token.children or [])
                if heading_char:
                    self.add(text + "\n" + underline(text, heading_char), wrap=False)
                else:
                    self.add(text)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else 0
                self.lists.append([start if kind == "ordered_list_open" else -1])
            elif kind in ("bullet_list_close", "ordered_list_close"):
                self.lists.pop()
            elif kind == "list_item_open":
                counter = self.lists[-1]
                marker = "- " if counter[0] < 0 else f"{counter[0]}. "
                if counter[0] >= 0:
                    counter[0] += 1
                self.prefixes.append(marker)
                self.first_in_item = True
            elif kind == "list_item_close" or kind == "blockquote_close":
                self.prefixes.pop()
            elif kind == "blockquote_open":
                self.prefixes.append("> ")
            elif kind in ("fence", "code_block"):
                self.add(token.content.rstrip("\n"), wrap=False)
            elif kind == "hr":
                self.add("-" * 20, wrap=False)
        return "\n\n".join(self.blocks)

    def add(self, text: str, *, wrap: bool = True) -> None:
        first, rest = self._prefix()
        lines: list[str] = []
        for line in text.split("\n"):
            if wrap and line:
                lines.extend(
                    textwrap.wrap(
                        line,
                        width=max(TEXT_WIDTH - len(first), 20),
                        break_long_words=False,
                        break_on_hyphens=False,
                    )
                )
            else:
                lines.append(line)
        out = [(first if i == 0 else rest) + line for i, line in enumerate(lines)]
        self.blocks.append("\n".join(s.rstrip() for s in out))

    def _prefix(self) -> tuple[str, str]:
        first = rest = ""
        for i, p in enumerate(self.prefixes):
            is_marker = p != "> "
            last = i == len(self.prefixes) - 1
            if is_marker and not (last and self.first_in_item):
                p = " " * len(p)
            first += p
            rest += p if not is_marker else " " * len(p)
        self.first_in_item = False
        return first, rest

    def inline(self, children: Sequence[Token]) -> str:
        parts: list[str] = []
        href: str | None = None
        start = 0
        for child in children:
            kind = child.type
            if kind == "text" or kind == "code_inline":
                parts.append(child.content)
            elif kind == "softbreak":
                parts.append(" ")
            elif kind == "hardbreak":
                parts.append("\n")
            elif kind == "link_open":
                href = str(child.attrGet("href") or "")
                start = len(parts)
                if link_problem(href):  # only in a preview of a faulty issue
                    href = None
            elif kind == "link_close" and href is not None:
                label = "".join(parts[start:])
                # a link whose text is the URL itself needs no reference
                if label != href and not href.startswith("mailto:"):
                    parts.append(f" [{self.links.number(href)}]")
                elif href.startswith("mailto:") and label != href[7:]:
                    parts.append(f" ({href[7:]})")
                href = None
            elif kind == "image":
                alt = child.content or ""
                url = self.resolve_image(str(child.attrGet("src") or ""))
                caption = str(child.attrGet("title") or "").strip()
                shown = f"[{alt}] [{self.links.number(url)}]" if alt else ""
                parts.append(f"{shown} ({caption})" if caption else shown)
        return "".join(parts)
