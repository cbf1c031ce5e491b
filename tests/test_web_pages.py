"""The pages a subscriber reads after a click: the unsubscribe page in their language,
naming the address that leaves, and the signup form that keeps what was typed when it
asks for a correction. Over HTTP against a real server, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import lxml.html  # type: ignore[import-untyped]
import pytest

from isamail.audience.addresses import mask
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from isamail.tokens import unsubscribe_token
from tests.test_web import client_for, subscriber_count


@pytest.fixture
def site(project: Project) -> Project:
    create_list(project.engine, "isa", title="ISA-Newsletter")
    create_list(project.engine, "presse", title="ISA-Pressedienst")
    return project


@pytest.fixture
def client(site: Project) -> Iterator[httpx.Client]:
    with client_for(site) as c:
        yield c


def token_for(project: Project, email: str, language: str) -> str:
    added = add_subscriber(project.engine, email, "isa", language=language, confirmed=True)
    return unsubscribe_token(project.settings.secret_key, added.subscription_id)


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh", "将退订的邮箱：li•••@example.org"),
        ("en", "This unsubscribes li•••@example.org."),
        ("de", "Abmelden wird die Adresse li•••@example.org."),
    ],
)
def test_the_unsubscribe_page_speaks_the_subscribers_language(
    site: Project, client: httpx.Client, language: str, says: str
) -> None:
    token = token_for(site, "li.wei@example.org", language)
    # a German office browser opens a Chinese subscriber's link: the page is in Chinese
    page = client.get(f"/u/{token}", headers={"accept-language": "de-DE,de;q=0.9"})
    assert page.status_code == 200
    assert f'<html lang="{language}">' in page.text
    assert says in " ".join(lxml.html.document_fromstring(page.text).text_content().split())
    assert "li.wei@example.org" not in page.text
    done = client.post(f"/u/{token}", headers={"accept-language": "de"}, data={"scope": "list"})
    assert f'<html lang="{language}">' in done.text and "li•••@example.org" in done.text
    # the page's own language links still win
    assert '<html lang="en">' in client.get(f"/u/{token}", params={"lang": "en"}).text


def test_masking_keeps_what_the_owner_recognises() -> None:
    assert mask("anna.schmidt@stadt-dortmund.example") == "an•••@stadt-dortmund.example"
    assert mask("max@x.example") == "m•••@x.example"
    assert mask("王伟@例子.example") == "王•••@例子.example"


def test_the_signup_form_keeps_what_was_typed(site: Project, client: httpx.Client) -> None:
    typed = {"email": "anna.schmidt@example", "name": "Anna Schmidt", "list": "presse"}
    bad = client.post("/subscribe", data=typed)
    assert bad.status_code == 400
    doc = lxml.html.document_fromstring(bad.text)
    assert (
        doc.xpath("//p[@role='alert']")[0].text_content() == "Bitte prüfen Sie die E-Mail-Adresse."
    )
    assert doc.get_element_by_id("email").get("value") == "anna.schmidt@example"
    assert doc.get_element_by_id("name").get("value") == "Anna Schmidt"
    assert doc.xpath("//input[@name='list'][@checked]/@value") == ["presse"]
    none = client.post(
        "/subscribe", data={"email": "anna@example.org", "name": "Anna", "lang": "en"}
    )
    assert none.status_code == 400 and 'lang="en"' in none.text
    assert "Please choose at least one newsletter." in none.text
    assert 'value="anna@example.org"' in none.text
    assert subscriber_count(site) == 0
