"""Checks before anything leaves: `issue check` shows them, `send` refuses on an error.

``preflight(project, issue)`` gathers, in this order: the issue's format errors, text
left from the scaffold, settings that would make every link in the mail dead (no
``--force`` may override those: an unsubscribe link is a legal must), then the
warnings (subject, preheader, raw HTML, lists, images, size). No database is opened.

The renderer (Jinja2, premailer) is imported only where it is needed, so that `send`
can pass the issue it composed anyway as ``rendered``.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from isamail.issues.model import ERROR, WARNING, Issue, Problem

if TYPE_CHECKING:
    from isamail.compose.rendered import RenderedIssue
    from isamail.config import Settings
    from isamail.context import Project

__all__ = ["Problem", "errors", "link_base_problems", "preflight", "warnings"]


def preflight(
    project: Project, issue: str, *, rendered: RenderedIssue | None = None
) -> list[Problem]:
    """Every problem of issue ``issue`` (its folder name), errors first. ``rendered``:
    the issue as already composed for sending (saves composing it again)."""
    from isamail.issues.checks import content_problems
    from isamail.issues.parse import draft_issue, read_issue, resolve_issue

    folder = resolve_issue(project.issues_dir, issue)
    strict, problems = read_issue(folder)
    draft = strict if strict is not None else draft_issue(folder)[0]
    problems = problems + content_problems(draft)
    problems += link_base_problems(project.settings)
    if strict is not None:
        problems += rendered_problems(strict, project, rendered)
    return sorted(problems, key=lambda p: not p.is_error)  # stable: file order kept


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.is_error]


def warnings(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if not p.is_error]


def rendered_problems(
    issue: Issue, project: Project, rendered: RenderedIssue | None = None
) -> list[Problem]:
    """What only the composed mail shows: its size, and a project template that would
    drop the editorial's signatures."""
    from isamail.compose.render import HTML_SIZE_LIMIT, HTML_TEMPLATE, compose_issue

    if rendered is None:
        rendered = compose_issue(issue, project.settings, project.templates_dir)
    found = []
    size = len(rendered.html.encode("utf-8"))
    if size > HTML_SIZE_LIMIT:
        found.append(
            Problem(
                f"{issue.name}/",
                None,
                WARNING,
                f"Der HTML-Teil ist {size / 1000:.0f} KB groß; Gmail kürzt Mails ab etwa "
                "102 KB und zeigt den Rest (mit dem Abmeldelink) erst nach einem Klick. "
                "Kürzen Sie Texte oder verteilen Sie sie auf zwei Ausgaben",
            )
        )
    template = project.templates_dir / HTML_TEMPLATE
    signed = [s for s in issue.sections if s.signatures]
    if signed and template.is_file() and "signatures" not in template.read_text("utf-8"):
        found.append(
            Problem(
                f"{issue.name}/{signed[0].path.name}",
                None,
                WARNING,
                f"Die Vorlage {HTML_TEMPLATE} des Projekts zeigt keine Unterschriften "
                "(signatures); übernehmen Sie den Abschnitt „signature“ aus der "
                "mitgelieferten Vorlage (isamail/default_templates)",
            )
        )
    return found


def link_base_problems(settings: Settings) -> list[Problem]:
    """``base_url`` makes every unsubscribe link, web version and image of a mail: on
    loopback or plain http it reaches no reader. An error when the mail goes to a server
    elsewhere, a warning when a server on this machine may pass it on."""
    base = settings.base_url
    parts = urlsplit(base)
    smtp_host = urlsplit(str(settings["smtp_url"] or "")).hostname or ""
    if not smtp_host:
        return []  # nothing can be sent; `send` says why
    internal = _loopback(parts.hostname or "")
    if not internal and parts.scheme == "https":
        return []
    where = settings.source("base_url").split(" (")[0]  # "isamail.toml", a variable, …
    if internal:
        reason = "ist nur auf diesem Rechner erreichbar"
    else:
        reason = "ist unverschlüsselt (http): Mailprogramme warnen vor solchen Links"
    if _loopback(smtp_host):
        if not internal:
            return []
        return [
            Problem(
                None,
                None,
                WARNING,
                f"base_url {base} ({where}) {reason}. Gibt der SMTP-Server {smtp_host} die "
                "Mails ins Internet weiter, sind Abmeldelink, Web-Version und Bilder für "
                "die Leser tot: dann base_url auf die öffentliche https-Adresse von "
                "`isamail serve` setzen",
            )
        ]
    return [
        Problem(
            None,
            None,
            ERROR,
            f"base_url {base} ({where}) {reason}, die Mails gehen aber über {smtp_host} "
            "hinaus: Abmeldelink, Web-Version und Bilder wären für die Leser tot. Setzen "
            "Sie base_url in isamail.toml (oder ISAMAIL_BASE_URL) auf die öffentliche "
            "https-Adresse von `isamail serve`, z. B. https://newsletter.isa-portal.de",
        )
    ]


def _loopback(host: str) -> bool:
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified
