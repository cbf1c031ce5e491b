"""The public web archive under the editors' control, over HTTP against a real server:
what was sent to private lists or taken out stays out, readers' own links keep working,
and nothing of an unsent issue is at a URL anyone could guess. Sends are real
(`isamail send` to a real SMTP server on 127.0.0.1); every test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

import email
import email.policy
import json
import re
import shutil
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest

from isamail import weblinks
from isamail.archive import archive_state
from isamail.audience.lists import create_list
from isamail.audience.subscribers import add_subscriber
from isamail.context import Project
from tests.conftest import Cli
from tests.smtpd import SmtpTestServer
from tests.test_compose import png
from tests.test_web import client_for

REPO = Path(__file__).resolve().parent.parent
ISSUE = "2020-10"
PICTURE = png(40, 30)


@pytest.fixture
def newsroom(
    project: Project, smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> Project:
    """Two issues (one with a picture), a public and a private list with one reader each."""
    monkeypatch.setenv("ISAMAIL_SMTP_URL", smtp_server.url)
    for name in (ISSUE, "2021-02"):
        shutil.copytree(REPO / "issues" / name, project.issues_dir / name)
    with_picture(project.issues_dir / ISSUE)
    create_list(project.engine, "isa", title="ISA-Newsletter")
    create_list(project.engine, "vorstand", title="Vorstand", private=True)
    add_subscriber(project.engine, "leser@example.org", "isa", confirmed=True)
    add_subscriber(project.engine, "vorstand@example.org", "vorstand", confirmed=True)
    return project


def with_picture(folder: Path) -> None:
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "foshan.png").write_bytes(PICTURE)
    article = folder / "02-foshan-ist-ausrichter-der-plenarversammlung.md"
    if not article.exists():
        article = sorted(folder.glob("0[2-9]-*.md"))[0]
    article.write_text(
        article.read_text(encoding="utf-8") + '\n![Rathaus](images/foshan.png "Foshan")\n',
        encoding="utf-8",
    )


@pytest.fixture
def client(newsroom: Project) -> Iterator[httpx.Client]:
    with client_for(newsroom) as c:
        yield c


def send(project: Project, issue: str, list_name: str) -> None:
    result = Cli(project.directory)("send", issue, "--list", list_name, "--yes")
    assert result.exit_code == 0, result.output


def received(server: SmtpTestServer, address: str) -> EmailMessage:
    """The first message ``address`` received."""
    message = next(m for m in server.messages if address in m.rcpt_tos)
    parsed = email.message_from_bytes(message.data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def html_part(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def web_link(message: EmailMessage) -> str:
    """The path and query of the mail's web version link (its host is the project's
    base_url; the test server listens elsewhere)."""
    found = re.search(r'href="http://127\.0\.0\.1:8000(/archive/[^"]+)"', html_part(message))
    assert found, "no web version link"
    return found.group(1).replace("&amp;", "&")


def listed(client: httpx.Client) -> list[str]:
    return re.findall(r'href="/archive/([^"]+)"', client.get("/archive").text)


def test_a_private_list_send_stays_out_but_its_readers_can_open_it(
    newsroom: Project, client: httpx.Client, smtp_server: SmtpTestServer
) -> None:
    test_copy = Cli(newsroom.directory)("send", ISSUE, "--to", "redaktion@example.org")
    assert test_copy.exit_code == 0, test_copy.output
    send(newsroom, ISSUE, "vorstand")
    assert listed(client) == []
    assert client.get(f"/archive/{ISSUE}").status_code == 404
    assert archive_state(newsroom.engine, newsroom.issues_dir, ISSUE).reason == (
        "nur an private Listen verschickt"
    )
    # the reader's web version link and the picture in the mail work all the same
    mail = received(smtp_server, "vorstand@example.org")
    page = client.get(web_link(mail))
    assert page.status_code == 200 and "Rathaus" in page.text
    assert "vorstand@example.org" not in page.text
    assert client.get(f"/archive/{ISSUE}/images/foshan.png").content == PICTURE
    forged = web_link(mail)[:-3] + "abc"
    assert client.get(forged).status_code == 404
    # once it also goes to a public list, it is in the archive
    send(newsroom, ISSUE, "isa")
    assert listed(client) == [ISSUE]
    assert client.get(f"/archive/{ISSUE}").status_code == 200


def test_hide_and_show_an_edition(
    newsroom: Project, client: httpx.Client, smtp_server: SmtpTestServer
) -> None:
    send(newsroom, ISSUE, "isa")
    send(newsroom, "2021-02", "isa")
    assert listed(client) == ["2021-02", ISSUE]
    cli = Cli(newsroom.directory)
    hidden = cli("archive", "hide", ISSUE)
    assert hidden.exit_code == 0, hidden.output
    assert (
        f"{ISSUE} ist nicht im öffentlichen Archiv. Wer die Ausgabe per Mail bekommen hat, "
        "öffnet sie über den Link in der Mail weiterhin." in " ".join(hidden.output.split())
    )
    assert listed(client) == ["2021-02"]
    assert client.get(f"/archive/{ISSUE}").status_code == 404
    link = web_link(received(smtp_server, "leser@example.org"))
    assert client.get(link).status_code == 200  # readers are not bound by the archive
    shown = cli("archive", "show", ISSUE, "--json")
    assert json.loads(shown.stdout) == {
        "issue": ISSUE,
        "public": True,
        "reason": "öffentlich im Archiv",
    }
    assert listed(client) == ["2021-02", ISSUE]
    assert cli("archive", "hide", "2099-01").exit_code == 1


def test_archive_false_in_issue_toml_and_show_overriding_it(
    newsroom: Project, client: httpx.Client
) -> None:
    toml = newsroom.issues_dir / ISSUE / "issue.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + "archive = false\n", encoding="utf-8")
    send(newsroom, ISSUE, "isa")
    assert listed(client) == []
    assert archive_state(newsroom.engine, newsroom.issues_dir, ISSUE).reason == (
        "archive = false in issue.toml"
    )
    Cli(newsroom.directory)("archive", "show", ISSUE)
    assert listed(client) == [ISSUE]


def test_hiding_before_the_send_holds_when_it_is_sent(
    newsroom: Project, client: httpx.Client
) -> None:
    before = Cli(newsroom.directory)("archive", "hide", ISSUE)
    assert before.exit_code == 0 and "nicht im öffentlichen Archiv" in before.output
    send(newsroom, ISSUE, "isa")
    assert listed(client) == []


def test_an_unsent_issue_shows_its_images_only_behind_a_proof_link(
    newsroom: Project, client: httpx.Client
) -> None:
    secret = newsroom.settings.secret_key
    image = f"/archive/{ISSUE}/images/foshan.png"
    assert client.get(image).status_code == 404
    assert client.get(f"/archive/{ISSUE}").status_code == 404
    token = weblinks.proof_token(secret, ISSUE)
    answer = client.get(image, params={"p": token})
    assert answer.status_code == 200 and answer.content == PICTURE
    assert answer.headers["cache-control"].startswith("private")
    page = client.get(f"/archive/{ISSUE}", params={"p": token})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    # the draft's images behind proof links of their own
    (signed,) = re.findall(rf'src="[^"]*{re.escape(image)}\?p=([^"]+)"', page.text)
    assert weblinks.proof_valid(secret, ISSUE, signed) is True
    assert "ISAMAILx" not in page.text
    expired = weblinks.proof_token(secret, ISSUE, days=-1)
    gone = client.get(image, params={"p": expired})
    assert gone.status_code == 410 and "Link aus einem Testexemplar ist abgelaufen" in gone.text
    other = weblinks.proof_token(secret, "2021-02")
    assert client.get(image, params={"p": other}).status_code == 404
    assert client.get(f"/archive/{ISSUE}/images/foshan.png", params={"p": "x"}).status_code == 404
