"""End to end in a real browser: headless Chromium (Debian's) driven by Playwright,
against `isamail serve`'s app on a real uvicorn and a real SMTP server on 127.0.0.1.

Screenshots of every page go to tests/screenshots/ (gitignored) for a look.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import quopri
import re
import shutil
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
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer
from tests.test_compose import png
from tests.test_web import REPO, bound_socket, live_server

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


# --- proofs: every image shows before anything is published ---------------------------------

ISSUE = "2020-10"


def issue_with_pictures(project: Project) -> Path:
    """The October 2020 issue with two pictures, one larger than the column."""
    folder = project.issues_dir / ISSUE
    shutil.copytree(REPO / "issues" / ISSUE, folder)
    (folder / "images").mkdir()
    (folder / "images" / "logo.png").write_bytes(png(60, 40, (31, 58, 95)))
    (folder / "images" / "foshan.png").write_bytes(png(900, 500))
    article = sorted(folder.glob("02-*.md"))[0]
    article.write_text(
        article.read_text(encoding="utf-8")
        + '\n![ISA-Logo](images/logo.png)\n\n![Foshan](images/foshan.png "Das Rathaus")\n',
        encoding="utf-8",
    )
    return folder


def images_shown(page: object) -> list[tuple[str, int, int]]:
    """(src, natural width, shown width) of every image, once the page has loaded."""
    page.wait_for_load_state("load")  # type: ignore[attr-defined]
    return [
        (str(src)[:80], int(natural), int(shown))
        for src, natural, shown in page.evaluate(  # type: ignore[attr-defined]
            "() => Array.from(document.images).map(i => [i.src, i.naturalWidth, i.width])"
        )
    ]


def html_of(message: bytes) -> str:
    parsed = email.message_from_bytes(message, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    part = parsed.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_a_preview_file_shows_every_image(
    project: Project, browser_page: object, tmp_path: Path
) -> None:
    issue_with_pictures(project)
    result = Cli(project.directory)("issue", "preview", ISSUE, "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    page = browser_page
    page.goto((tmp_path / f"{ISSUE}.html").as_uri())  # type: ignore[attr-defined]
    shown = images_shown(page)
    shot(page, "10-preview-with-images")
    assert len(shown) == 2
    assert all(natural > 0 for _, natural, _ in shown), shown  # every image loaded
    assert [natural for _, natural, _ in shown] == [60, 900]
    assert shown[0][2] == 60  # its own size, not stretched to the column
    assert 0 < shown[1][2] <= 536  # the column (narrower on this phone-sized window)
    assert all(src.startswith("data:image/png;base64,") for src, _, _ in shown)


def test_a_test_copy_as_received_shows_every_image(
    served: tuple[Project, str],
    smtp_server: SmtpTestServer,
    browser_page: object,
    tmp_path: Path,
) -> None:
    project, url = served
    issue_with_pictures(project)
    sent = Cli(project.directory)("send", ISSUE, "--to", "redaktion@example.org")
    assert sent.exit_code == 0, sent.output
    html = html_of(wait_for_mail(smtp_server))
    (tmp_path / "testexemplar.html").write_text(html, encoding="utf-8")
    page = browser_page
    page.goto((tmp_path / "testexemplar.html").as_uri())  # type: ignore[attr-defined]
    shown = images_shown(page)
    shot(page, "11-test-copy-with-images")
    assert [natural for _, natural, _ in shown] == [60, 900], shown
    assert all(src.startswith(f"{url}/archive/{ISSUE}/images/") for src, _, _ in shown)
    # its web version, too, before anything is published
    web = re.search(rf'href="({re.escape(url)}/archive/{ISSUE}\?p=[^"]+)"', html)
    assert web, "no proof link to the web version"
    page.goto(web.group(1).replace("&amp;", "&"))  # type: ignore[attr-defined]
    assert [natural for _, natural, _ in images_shown(page)] == [60, 900]
    page.goto(f"{url}/archive")  # type: ignore[attr-defined]
    assert ISSUE not in page.content()  # type: ignore[attr-defined]


def test_a_private_list_send_is_absent_from_the_archive(
    served: tuple[Project, str], smtp_server: SmtpTestServer, browser_page: object
) -> None:
    project, url = served
    issue_with_pictures(project)
    create_list(project.engine, "vorstand", title="Vorstand", private=True)
    add_subscriber(project.engine, "vorstand@example.org", "vorstand", confirmed=True)
    sent = Cli(project.directory)("send", ISSUE, "--list", "vorstand", "--yes")
    assert sent.exit_code == 0, sent.output
    page = browser_page
    page.goto(f"{url}/archive")  # type: ignore[attr-defined]
    shot(page, "12-archive-without-private-edition")
    assert page.locator(f"a[href='/archive/{ISSUE}']").count() == 0  # type: ignore[attr-defined]
    assert "Noch keine Ausgaben" in page.content()  # type: ignore[attr-defined]
    missing = page.goto(f"{url}/archive/{ISSUE}")  # type: ignore[attr-defined]
    assert missing.status == 404
    # the reader opens the web version from the mail: there, with every picture
    html = html_of(wait_for_mail(smtp_server))
    web = re.search(rf'href="({re.escape(url)}/archive/{ISSUE}\?r=[^"]+)"', html)
    assert web, "no signed web version link in the mail"
    page.goto(web.group(1).replace("&amp;", "&"))  # type: ignore[attr-defined]
    shot(page, "13-private-edition-for-its-reader")
    assert [natural for _, natural, _ in images_shown(page)] == [60, 900]
    assert "Die neuen Mitgliedsstädte der ISA" in page.content()  # type: ignore[attr-defined]
