"""HTTP tests of `isamail serve`'s app, served by a real uvicorn on 127.0.0.1 and spoken
to with httpx: one-click exactly as Gmail sends it, tokens, enumeration, throttling,
limits and headers. Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from sqlmodel import col, select

from isamail import archive
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.compose.render import compose_issue
from isamail.context import Project
from isamail.db.engine import read_session, unit_of_work
from isamail.db.models import (
    ConsentEvent,
    ConsentKind,
    Delivery,
    DeliveryStatus,
    OutgoingMail,
    Subscriber,
    Subscription,
)
from isamail.issues.parse import load_issue, resolve_issue
from isamail.sending import editions
from isamail.tokens import unsubscribe_token
from isamail.web import create_app

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@contextmanager
def live_server(app: FastAPI, sock: socket.socket | None = None) -> Iterator[str]:
    """``app`` served by uvicorn in a thread; yields its base URL."""
    if sock is None:
        sock = bound_socket()
    config = uvicorn.Config(
        app, log_level="warning", proxy_headers=False, ws="none", lifespan="on", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def bound_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.fixture
def site(project: Project) -> Project:
    create_list(project.engine, "isa", title="ISA-Newsletter")
    create_list(project.engine, "presse", title="ISA-Presse")
    return project


@contextmanager
def client_for(project: Project, **env: str) -> Iterator[httpx.Client]:
    """A client of a fresh app for ``project`` (settings re-read with ``env`` applied)."""
    mp = pytest.MonkeyPatch()
    for key, value in env.items():
        mp.setenv(key, value)
    opened = Project.open(project.directory)
    mp.undo()
    try:
        with (
            live_server(create_app(opened, background=False)) as url,
            httpx.Client(base_url=url, follow_redirects=False) as client,
        ):
            yield client
    finally:
        opened.close()


@pytest.fixture
def client(site: Project) -> Iterator[httpx.Client]:
    with client_for(site) as c:
        yield c


def confirmed(project: Project, email: str, list_name: str = "isa") -> str:
    """A confirmed subscriber; returns the token of their unsubscribe link."""
    result = add_subscriber(project.engine, email, list_name, confirmed=True)
    return unsubscribe_token(project.settings.secret_key, result.subscription_id)


def status_of(project: Project, email: str) -> dict[str, str]:
    from isamail.audience.subscribers import subscriber_record

    return {
        s["list"]: s["status"] for s in subscriber_record(project.engine, email)["subscriptions"]
    }


def consent(project: Project, kind: str) -> list[ConsentEvent]:
    with read_session(project.engine) as session:
        return list(
            session.exec(
                select(ConsentEvent).where(ConsentEvent.kind == kind).order_by(col(ConsentEvent.id))
            ).all()
        )


def outgoing(project: Project) -> list[OutgoingMail]:
    with read_session(project.engine) as session:
        return list(session.exec(select(OutgoingMail)).all())


def subscriber_count(project: Project) -> int:
    with read_session(project.engine) as session:
        return len(session.exec(select(Subscriber.id)).all())


# --- one-click unsubscribe ------------------------------------------------------------

GMAIL_HEADERS = {
    # what Google's one-click fetcher sends: no cookie, no referrer, no Origin of ours
    "user-agent": "Mozilla/5.0 (compatible; Google-One-Click-Unsubscribe)",
    "accept": "*/*",
}


def assert_one_click_answer(response: httpx.Response) -> None:
    assert response.status_code == 200
    assert "location" not in response.headers
    assert "set-cookie" not in response.headers


def test_one_click_urlencoded_exactly_as_gmail(site: Project, client: httpx.Client) -> None:
    token = confirmed(site, "anna@example.org")
    confirmed(site, "anna@example.org", "presse")
    for _ in range(3):  # idempotent: providers retry
        response = client.post(
            f"/u/{token}",
            content=b"List-Unsubscribe=One-Click",
            headers=GMAIL_HEADERS | {"content-type": "application/x-www-form-urlencoded"},
        )
        assert_one_click_answer(response)
    assert status_of(site, "anna@example.org") == {"isa": "unsubscribed", "presse": "confirmed"}
    (event,) = consent(site, ConsentKind.UNSUBSCRIBED)
    assert event.source == "one-click"


def test_one_click_multipart_exactly_as_gmail(site: Project, client: httpx.Client) -> None:
    token = confirmed(site, "anna@example.org")
    boundary = "0000000000001b5c2a05f0a1b2c3"
    body = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="List-Unsubscribe"\r\n'
        "\r\n"
        "One-Click\r\n"
        f"--{boundary}--\r\n"
    ).encode()
    for _ in range(2):
        response = client.post(
            f"/u/{token}",
            content=body,
            headers=GMAIL_HEADERS | {"content-type": f"multipart/form-data; boundary={boundary}"},
        )
        assert_one_click_answer(response)
    assert status_of(site, "anna@example.org") == {"isa": "unsubscribed"}
    assert len(consent(site, ConsentKind.UNSUBSCRIBED)) == 1


def test_get_never_changes_anything(site: Project, client: httpx.Client) -> None:
    token = confirmed(site, "anna@example.org")
    for _ in range(3):
        page = client.get(f"/u/{token}")
        assert page.status_code == 200 and "abmelden" in page.text
        client.head(f"/u/{token}")
    assert status_of(site, "anna@example.org") == {"isa": "confirmed"}


def test_the_page_buttons_unsubscribe_one_list_or_all(site: Project, client: httpx.Client) -> None:
    token = confirmed(site, "anna@example.org")
    confirmed(site, "anna@example.org", "presse")
    page = client.get(f"/u/{token}")
    assert 'value="all"' in page.text and 'value="list"' in page.text
    assert client.post(f"/u/{token}", data={"scope": "list"}).status_code == 200
    assert status_of(site, "anna@example.org") == {"isa": "unsubscribed", "presse": "confirmed"}
    assert client.post(f"/u/{token}", data={"scope": "all"}).status_code == 200
    assert status_of(site, "anna@example.org") == {"isa": "unsubscribed", "presse": "unsubscribed"}


@pytest.mark.parametrize("kind", ["preview", "mangled", "forged", "other-key", "unknown-id"])
def test_forged_and_preview_tokens_get_a_friendly_page(
    site: Project, client: httpx.Client, kind: str
) -> None:
    token = confirmed(site, "anna@example.org")
    value, _, mac = token.partition("-")
    bad = {
        "preview": "VORSCHAU",
        "mangled": token[:-3],
        "forged": f"{value}-{'a' * len(mac)}",
        "other-key": unsubscribe_token("another-secret", 1),
        "unknown-id": unsubscribe_token(site.settings.secret_key, 999),
    }[kind]
    for response in (
        client.get(f"/u/{bad}"),
        client.post(f"/u/{bad}", data={"List-Unsubscribe": "One-Click"}),
    ):
        assert response.status_code == 404
        assert "Link ist ungültig" in response.text
    assert client.get("/u/test").status_code == 404
    assert status_of(site, "anna@example.org") == {"isa": "confirmed"}


def test_a_token_cannot_be_turned_into_another_subscription(
    site: Project, client: httpx.Client
) -> None:
    anna = confirmed(site, "anna@example.org")
    confirmed(site, "bert@example.org")
    value, _, mac = anna.partition("-")
    neighbour = f"{int(value, 36) + 1:x}-{mac}"
    assert client.post(f"/u/{neighbour}", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert status_of(site, "bert@example.org") == {"isa": "confirmed"}


# --- signup and confirm ---------------------------------------------------------------


def test_signup_answer_is_identical_for_new_pending_and_confirmed(
    site: Project, client: httpx.Client
) -> None:
    confirmed(site, "confirmed@example.org")
    client.post("/subscribe", data={"email": "pending@example.org", "list": "isa"})
    answers = []
    for email in ("new@example.org", "pending@example.org", "confirmed@example.org"):
        response = client.post("/subscribe", data={"email": email, "list": "isa", "lang": "de"})
        answers.append((response.status_code, response.text, sorted(response.headers.keys())))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200 and "Fast geschafft" in answers[0][1]


def test_signup_confirm_flow_only_post_confirms(site: Project, client: httpx.Client) -> None:
    response = client.post(
        "/subscribe",
        data={"email": "anna@example.org", "name": "Anna", "list": ["isa", "presse"]},
        headers={"user-agent": "Browser/1.0"},
    )
    assert response.status_code == 200
    (mail,) = outgoing(site)
    from tests.test_optin import token_of

    token = token_of(mail.message)
    for _ in range(2):
        page = client.get(f"/confirm/{token}")
        assert page.status_code == 200 and '<form method="post"' in page.text
        assert page.headers["referrer-policy"] == "no-referrer"
        assert page.headers["cache-control"] == "no-store"
    assert status_of(site, "anna@example.org") == {"isa": "pending", "presse": "pending"}
    welcome = client.post(f"/confirm/{token}")
    assert welcome.status_code == 200 and "Willkommen" in welcome.text
    assert status_of(site, "anna@example.org") == {"isa": "confirmed", "presse": "confirmed"}
    (signup, _) = consent(site, ConsentKind.SIGNUP)
    assert (signup.ip, signup.user_agent) == ("127.0.0.1", "Browser/1.0")
    used = client.post(f"/confirm/{token}")
    assert used.status_code == 410 and "schon verwendet" in used.text
    assert "/subscribe" in used.text  # a way to sign up again
    changed = "y" if token.endswith("x") else "x"  # a different token, whatever it ends in
    forged = client.get(f"/confirm/{token[:-1]}{changed}")
    assert forged.status_code == 404


def test_expired_confirm_link(site: Project, client: httpx.Client) -> None:
    from isamail.db.models import ConfirmToken, utcnow
    from tests.test_optin import token_of

    client.post("/subscribe", data={"email": "anna@example.org", "list": "isa"})
    token = token_of(outgoing(site)[0].message)
    with unit_of_work(site.engine) as session:
        for row in session.exec(select(ConfirmToken)).all():
            row.created_at = row.expires_at = utcnow().replace(year=2020)
    for response in (client.get(f"/confirm/{token}"), client.post(f"/confirm/{token}")):
        assert response.status_code == 410 and "abgelaufen" in response.text
    assert status_of(site, "anna@example.org") == {"isa": "pending"}


def test_honeypot_stores_and_sends_nothing(site: Project, client: httpx.Client) -> None:
    normal = client.post("/subscribe", data={"email": "a@example.org", "list": "isa"})
    bot = client.post(
        "/subscribe", data={"email": "b@example.org", "list": "isa", "website": "http://spam"}
    )
    assert (bot.status_code, bot.text) == (normal.status_code, normal.text)
    assert [m.recipient for m in outgoing(site)] == ["a@example.org"]


def test_throttle_per_ip(site: Project) -> None:
    with client_for(site, ISAMAIL_WEB_SIGNUPS_PER_IP_PER_HOUR="2") as client:
        answers = {
            client.post("/subscribe", data={"email": f"p{i}@example.org", "list": "isa"}).text
            for i in range(4)
        }
    assert len(answers) == 1  # the same page, throttled or not
    assert sorted(m.recipient for m in outgoing(site)) == ["p0@example.org", "p1@example.org"]
    assert subscriber_count(site) == 2


def test_throttle_per_address(site: Project, client: httpx.Client) -> None:
    for _ in range(5):
        assert (
            client.post("/subscribe", data={"email": "v@example.org", "list": "isa"}).status_code
            == 200
        )
    assert len(outgoing(site)) == 3  # web.confirmations_per_address_per_day


def test_forwarded_for_only_from_trusted_proxies(site: Project) -> None:
    spoof = {"x-forwarded-for": "198.51.100.9"}
    with client_for(site) as client:
        client.post("/subscribe", data={"email": "a@example.org", "list": "isa"}, headers=spoof)
    with client_for(site, ISAMAIL_WEB_TRUSTED_PROXIES="127.0.0.1") as client:
        client.post(
            "/subscribe",
            data={"email": "b@example.org", "list": "isa"},
            headers={"x-forwarded-for": "10.9.9.9, 203.0.113.5"},
        )
    assert [e.ip for e in consent(site, ConsentKind.SIGNUP)] == ["127.0.0.1", "203.0.113.5"]


def test_bad_input_gets_friendly_pages(site: Project, client: httpx.Client) -> None:
    bad = client.post("/subscribe", data={"email": "kein-at", "list": "isa"})
    assert bad.status_code == 400 and "E-Mail-Adresse" in bad.text
    unknown = client.post("/subscribe", data={"email": "a@example.org", "list": "geheim"})
    assert unknown.status_code == 404
    none = client.post("/subscribe", data={"email": "a@example.org"})  # two lists offered
    assert none.status_code == 400 and "Liste" in none.text
    assert client.get("/gibtsnicht").status_code == 404
    assert subscriber_count(site) == 0


def test_request_size_limit(site: Project, client: httpx.Client) -> None:
    big = {"email": "a@example.org", "name": "x" * 20_000}
    assert client.post("/subscribe", data=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while streaming
        yield b"email=a%40example.org&name="
        for _ in range(40):
            yield b"x" * 1000

    streamed = client.post(
        "/subscribe",
        content=chunks(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert streamed.status_code == 413
    assert subscriber_count(site) == 0


# --- headers, languages, archive ------------------------------------------------------


def test_security_headers(site: Project, client: httpx.Client) -> None:
    token = confirmed(site, "anna@example.org")
    for path in ("/subscribe", f"/u/{token}", "/archive", "/gibtsnicht"):
        headers = client.get(path).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert "set-cookie" not in headers
    assert client.get(f"/u/{token}").headers["referrer-policy"] == "no-referrer"
    with client_for(site, ISAMAIL_WEB_SIGNUP_FRAME_ANCESTORS="https://isa-portal.de") as framed:
        signup = framed.get("/subscribe").headers
        assert "frame-ancestors 'self' https://isa-portal.de" in signup["content-security-policy"]
        assert "x-frame-options" not in signup
        unsub = framed.get(f"/u/{token}").headers
        assert "frame-ancestors 'none'" in unsub["content-security-policy"]


def test_pages_follow_accept_language(site: Project, client: httpx.Client) -> None:
    assert "订阅新闻简报" in client.get("/subscribe", headers={"accept-language": "zh-CN"}).text
    english = client.get("/subscribe", headers={"accept-language": "fr, en-GB;q=0.8, de;q=0.5"})
    assert "Subscribe to the newsletter" in english.text and 'lang="en"' in english.text
    assert 'lang="de"' in client.get("/subscribe").text
    assert "此链接无效" in client.get("/u/test", params={"lang": "zh"}).text


@pytest.fixture
def published(site: Project) -> str:
    shutil.copytree(REPO / "issues" / ISSUE, site.issues_dir / ISSUE)
    images = site.issues_dir / ISSUE / "images"
    images.mkdir(exist_ok=True)
    (images / "logo.png").write_bytes(PNG)
    rendered = compose_issue(
        load_issue(resolve_issue(site.issues_dir, ISSUE)), site.settings, site.templates_dir
    )
    edition = editions.freeze_edition(site.engine, rendered, "hash")
    add_subscriber(site.engine, "reader@example.org", "isa", confirmed=True)
    with unit_of_work(site.engine) as session:
        subscription = session.exec(select(Subscription)).one()
        session.add(
            Delivery(
                edition_id=edition.id or 0,
                subscriber_id=subscription.subscriber_id,
                subscription_id=subscription.id,
                list_id=subscription.list_id,
                status=DeliveryStatus.SENT,
            )
        )
    return ISSUE


def test_archive_shows_sent_editions_without_personal_data(
    site: Project, client: httpx.Client, published: str
) -> None:
    listing = client.get("/archive")
    assert listing.status_code == 200 and f'href="/archive/{published}"' in listing.text
    page = client.get(f"/archive/{published}")
    assert page.status_code == 200
    assert "reader@example.org" not in page.text and "ISAMAILx" not in page.text
    assert "/unsubscribe" in page.text
    image = client.get(f"/archive/{published}/images/logo.png")
    assert image.status_code == 200 and image.content == PNG
    assert image.headers["content-type"] == "image/png"
    for path in (
        f"/archive/{published}/images/..%2F..%2Fisamail.toml",
        f"/archive/{published}/images/%2E%2E%2Fissue.md",
        f"/archive/{published}/images/../../../isamail.toml",
        "/archive/..%2Fisamail.toml",
        "/archive/2099-01",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "secret_key" not in response.text


def test_unsent_editions_are_not_in_the_archive(site: Project, client: httpx.Client) -> None:
    shutil.copytree(REPO / "issues" / ISSUE, site.issues_dir / ISSUE)
    rendered = compose_issue(
        load_issue(resolve_issue(site.issues_dir, ISSUE)), site.settings, site.templates_dir
    )
    editions.freeze_edition(site.engine, rendered, "hash")
    assert ISSUE not in client.get("/archive").text
    assert client.get(f"/archive/{ISSUE}").status_code == 404
    assert archive.public_editions(site.engine, site.issues_dir) == []
