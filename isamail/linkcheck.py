"""`issue check --links`: every link of an issue fetched once, the dead ones reported.

A link is dead when its server answers 4xx or 5xx (after redirects) or does not answer
within the timeout. Some servers refuse HEAD, so a GET is made and closed after the
headers. Links are fetched a few at a time; each URL once, however often it occurs.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from isamail.compose import markdown
from isamail.issues.model import WARNING, Issue, Problem, Section

USER_AGENT = "isamail-linkcheck/1 (+https://isa-portal.de)"
PARALLEL = 8


@dataclass(frozen=True)
class Link:
    url: str
    file: str  # relative to issues/
    line: int


def issue_links(issue: Issue) -> list[Link]:
    """Every http(s) link and remote image of the issue, where it is written."""
    found = []
    for section in issue.sections:
        where = f"{issue.name}/{section.path.relative_to(issue.path).as_posix()}"
        if section.link:
            found.append(Link(section.link, where, _front_matter_line(section, "link")))
        lines = section.body.split("\n")
        for block, child in markdown.iter_inline(markdown.parse(section.body)):
            url = str(child.attrGet("href") or child.attrGet("src") or "")
            if not url.lower().startswith(("http://", "https://")):
                continue
            start, end = block.map or (0, 1)
            offset = next((i for i in range(start, end) if url in lines[i]), start)
            found.append(Link(url, where, section.body_line + offset))
    return found


def check_links(links: list[Link], *, timeout: float = 10.0) -> list[Problem]:
    """A warning for each dead link, in the order the links were given."""
    urls = list(dict.fromkeys(link.url for link in links))
    with ThreadPoolExecutor(max_workers=min(PARALLEL, len(urls) or 1)) as pool:
        verdicts = dict(zip(urls, pool.map(lambda u: fetch(u, timeout), urls), strict=True))
    return [
        Problem(link.file, link.line, WARNING, f"Link {link.url} {verdicts[link.url]}")
        for link in links
        if verdicts[link.url] is not None
    ]


def fetch(url: str, timeout: float) -> str | None:
    """None when ``url`` answers; else why not, as the end of a German sentence."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310 - http(s) only, see issue_links
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310
            return None
    except urllib.error.HTTPError as exc:
        return f"ist tot: der Server antwortet {exc.code} {exc.reason}".rstrip()
    except urllib.error.URLError as exc:
        return f"ist nicht erreichbar: {_reason(exc.reason)}"
    except TimeoutError:
        return f"antwortet nicht innerhalb von {timeout:g} s"
    except (http.client.HTTPException, ssl.SSLError, OSError, ValueError) as exc:
        return f"ist nicht erreichbar: {_reason(exc)}"


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return "keine Antwort (Zeitüberschreitung)"
    if isinstance(reason, socket.gaierror):
        return "den Server gibt es nicht (DNS)"
    if isinstance(reason, ConnectionRefusedError):
        return "Verbindung abgelehnt"
    if isinstance(reason, ssl.SSLCertVerificationError):
        return "das TLS-Zertifikat ist ungültig"
    return str(reason) or type(reason).__name__


def _front_matter_line(section: Section, key: str) -> int:
    try:
        lines = section.path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, line in enumerate(lines, 1) if line.startswith(f"{key}:")), 1)
