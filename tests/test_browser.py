"""End to end in a real browser: headless Chromium (Debian's) driven by Playwright,
against `isamail serve`'s app on a real uvicorn and a real SMTP server on 127.0.0.1.

Screenshots of every page go to tests/screenshots/ (gitignored) for a look.
"""

from __future__ import annotations

import quopri
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from isamail.db.engine import read_session
from isamail.db.models import Subscription
from isamail.tokens import unsubscribe_token
from isamail.web import create_app
from tests.smtpd import SmtpTestServer
from tests.test_web import bound_socket, live_server

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser_page() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(locale="de-DE", viewport={"width": 390, "height": 844})
        try:
            yield context.new_page()
        finally:
            context.close()
            browser.close()


@pytest.fixture
def served(
    project: Project, smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Project, str]]:
    """The project served on a free port, its base_url pointing there, mail to smtp_server."""
    sock = bound_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("ISAMAIL_BASE_URL", url)
    monkeypatch.setenv("ISAMAIL_SMTP_URL", smtp_server.url)
    create_list(project.engine, "isa", title="ISA-Newsletter")
    create_list(project.engine, "presse", title="ISA-Pressedienst")
    opened = Project.open(project.directory)
    with live_server(create_app(opened), sock):
        yield opened, url
    opened.close()


def shot(page: object, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def wait_for_mail(server: SmtpTestServer, count: int = 1, timeout: float = 15) -> bytes:
    deadline = time.monotonic() + timeout
    while len(server.messages) < count:
        assert time.monotonic() < deadline, "no confirmation mail arrived"
        time.sleep(0.05)
    return server.messages[count - 1].data


def test_signup_confirm_and_unsubscribe_in_a_browser(
    served: tuple[Project, str], smtp_server: SmtpTestServer, browser_page: object
) -> None:
    project, url = served
    page = browser_page
    page.goto(f"{url}/subscribe")  # type: ignore[attr-defined]
    shot(page, "01-signup")
    page.fill("#email", "anna.schmidt@example.org")  # type: ignore[attr-defined]
    page.fill("#name", "Anna Schmidt")  # type: ignore[attr-defined]
    page.check("input[name=list][value=isa]")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Fast geschafft" in page.content()  # type: ignore[attr-defined]
    shot(page, "02-check-your-inbox")

    raw = wait_for_mail(smtp_server)
    text = quopri.decodestring(raw).decode("utf-8")
    link = re.search(r"(http://127\.0\.0\.1:\d+/confirm/[A-Za-z0-9_-]+)", text)
    assert link, text
    page.goto(link.group(1))  # type: ignore[attr-defined]
    shot(page, "03-confirm")
    with read_session(project.engine) as session:
        assert session.exec(select(Subscription.status)).all() == ["pending"]
    page.click("#confirm")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "Willkommen" in page.content()  # type: ignore[attr-defined]
    shot(page, "04-welcome")
    with read_session(project.engine) as session:
        subscription = session.exec(select(Subscription)).one()
    assert subscription.status == "confirmed"

    # the unsubscribe link every issue carries
    add_subscriber(project.engine, "anna.schmidt@example.org", "presse", confirmed=True)
    token = unsubscribe_token(project.settings.secret_key, subscription.id or 0)
    page.goto(f"{url}/u/{token}")  # type: ignore[attr-defined]
    shot(page, "05-unsubscribe")
    page.click("#unsubscribe-list")  # type: ignore[attr-defined]
    page.wait_for_load_state()  # type: ignore[attr-defined]
    assert "abgemeldet" in page.content()  # type: ignore[attr-defined]
    shot(page, "06-unsubscribed")
    with read_session(project.engine) as session:
        states = dict(session.exec(select(Subscription.list_id, Subscription.status)).all())
    assert sorted(states.values()) == ["confirmed", "unsubscribed"]

    page.goto(f"{url}/u/VORSCHAU")  # type: ignore[attr-defined]
    shot(page, "07-invalid-link")
    page.goto(f"{url}/subscribe?lang=zh")  # type: ignore[attr-defined]
    shot(page, "08-signup-zh")
    page.goto(f"{url}/archive?lang=en")  # type: ignore[attr-defined]
    shot(page, "09-archive-en")
