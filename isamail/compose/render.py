"""An issue rendered once per edition: HTML (CSS inlined by premailer) and plain text.

Inlining costs ~16 ms, so it runs here, once. Per-recipient values (unsubscribe link,
recipient address, the signed web version link) stay as ASCII placeholders that survive
Jinja, premailer and lxml untouched; ``message.PreparedMessage`` fills them into the
encoded bytes per recipient.
"""

from __future__ import annotations

import logging
import textwrap
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from isamail.compose import markdown
from isamail.compose.images import pixel_size
from isamail.compose.rendered import (
    RECIPIENT_EMAIL,
    UNSUBSCRIBE_URL,
    WEB_URL,
    RenderedIssue,
    personalise,
)
from isamail.compose.texts import month_year, texts
from isamail.config import Settings
from isamail.errors import IsamailError
from isamail.issues.model import Issue, Section

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "default_templates"
HTML_TEMPLATE = "mail/newsletter.html"
TEXT_TEMPLATE = "mail/newsletter.txt"

HTML_SIZE_LIMIT = 100_000  # Gmail clips mails whose HTML is over about 102 KB
# the widest an image is shown: newsletter.html's 600 px column less 2 × 32 px padding
COLUMN_WIDTH = 536


def web_url(settings: Settings, issue_name: str) -> str:
    return f"{settings.base_url}/archive/{issue_name}"


def image_url(settings: Settings, issue_name: str, src: str) -> str:
    if src.startswith(("http://", "https://")):
        return src
    return f"{web_url(settings, issue_name)}/{src.lstrip('./')}"


def compose_issue(
    issue: Issue, settings: Settings, templates_dir: Path | None = None, *, lenient: bool = False
) -> RenderedIssue:
    """Renders ``issue`` with the project's templates (falling back to the defaults).
    ``lenient``: an issue read by ``draft_issue`` for a preview, links the checker
    refuses shown as plain text."""
    env = template_environment(templates_dir)
    context = _context(issue, settings, lenient=lenient)
    html_source = _render(env, HTML_TEMPLATE, context)
    text = _render(env, TEXT_TEMPLATE, context)
    return RenderedIssue(
        name=issue.name,
        title=issue.title,
        subject=issue.subject,
        preheader=issue.preheader,
        language=issue.language,
        html=inline_css(html_source),
        text=_tidy_text(text),
    )


def web_html(
    rendered: RenderedIssue, settings: Settings, *, unsubscribe_url: str = "", link: str = ""
) -> str:
    """The web/archive version: no personal data. The address becomes "your e-mail address",
    the unsubscribe link points to ``unsubscribe_url`` (default: the site's start page)
    and the web version link to ``link`` (default: the public archive page)."""
    neutral = texts(rendered.language)["your_address"]
    return personalise(
        rendered,
        email=neutral,
        unsubscribe_url=unsubscribe_url or f"{settings.base_url}/",
        web_url=link or web_url(settings, rendered.name),
    )[0]


def size_warnings(rendered: RenderedIssue) -> list[str]:
    """Warnings that do not stop sending, e.g. an HTML part that Gmail will clip."""
    size = len(rendered.html.encode("utf-8"))
    if size > HTML_SIZE_LIMIT:
        return [
            f"Der HTML-Teil ist {size / 1000:.0f} KB groß; Gmail kürzt Mails ab etwa 102 KB "
            "und zeigt den Rest (mit Abmeldelink) erst nach einem Klick."
        ]
    return []


def template_environment(templates_dir: Path | None) -> jinja2.Environment:
    loaders: list[jinja2.BaseLoader] = []
    if templates_dir is not None:
        loaders.append(jinja2.FileSystemLoader(templates_dir))
    loaders.append(jinja2.FileSystemLoader(DEFAULT_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=jinja2.select_autoescape(["html", "htm"], default_for_string=False),
        undefined=jinja2.StrictUndefined,  # a missing value is an error, never a blank
        keep_trailing_newline=True,
        trim_blocks=True,
    )
    env.filters["underline"] = markdown.underline
    env.filters["wrap"] = lambda s: "\n".join(
        textwrap.wrap(s, markdown.TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)
    )
    return env


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise IsamailError(f"Vorlage {exc.filename or name}:{exc.lineno}: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise IsamailError(f"Vorlage {name}: {exc}") from None


def _context(issue: Issue, settings: Settings, *, lenient: bool) -> dict[str, Any]:
    fixed = texts(issue.language)
    links = markdown.LinkNumbers()

    def resolve(src: str) -> str:
        return image_url(settings, issue.name, src)

    def size(src: str) -> tuple[int, int] | None:
        if "://" in src or ".." in src or src.startswith("/"):
            return None
        return pixel_size(issue.path / src)

    images = markdown.Images(resolve, size, COLUMN_WIDTH)
    sections = [_section(s, fixed, links, images, lenient) for s in issue.sections]
    return {
        "language": issue.language,
        "t": fixed,
        "issue": {
            "name": issue.name,
            "title": issue.title,
            "subject": issue.subject,
            "preheader": issue.preheader,
            "month": month_year(issue.date, issue.language),
            "date": issue.date,
        },
        "sections": sections,
        "web_url": WEB_URL,
        "unsubscribe_url": UNSUBSCRIBE_URL,
        "recipient_email": RECIPIENT_EMAIL,
        "imprint": {
            key: settings[f"imprint.{key}"]
            for key in ("organisation", "publisher", "address", "contact", "website")
        }
        | {"privacy_url": settings["imprint.privacy_url"]},
    }


def _section(
    section: Section,
    fixed: dict[str, str],
    links: markdown.LinkNumbers,
    images: markdown.Images,
    lenient: bool,
) -> dict[str, Any]:
    text = markdown.to_text(section.body, links, images.resolve)
    link_number = links.number(section.link) if section.link else None
    html = markdown.to_html(section.body, images, lenient=lenient)
    return {
        "kind": section.kind,
        "title": section.title,
        "html": Markup(html),  # noqa: S704 - escaped by markdown-it
        "signatures": section.signatures,
        "text": text,
        "link": section.link,
        "link_text": section.link_text or fixed["read_more"],
        "link_number": link_number,
        "refs": links.take(),
    }


def inline_css(html: str) -> str:
    """premailer with the settings a mail needs: keep !important (dark mode and mobile rules
    must beat the inlined styles), keep classes (the @media rules match them)."""
    # imported here: premailer (with requests and cssutils) costs half a second at start-up,
    # and only commands that render an issue need it
    from premailer import Premailer

    return str(
        Premailer(
            html,
            strip_important=False,
            keep_style_tags=False,  # rules that cannot be inlined (@media) are kept anyway
            remove_classes=False,
            disable_validation=True,
            allow_network=False,
            cssutils_logging_level=logging.CRITICAL,
            cache_css_parsing=False,
            # premailer would copy the CSS "height: auto" into an invalid height="auto"
            # over the image's real height, which Outlook needs
            disable_basic_attributes=["height"],
        ).transform()
    )


def _tidy_text(text: str) -> str:
    """No trailing spaces (quoted-printable would spell them =20) and no runs of blank lines."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]) or (len(out) >= 2 and out[-2]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
