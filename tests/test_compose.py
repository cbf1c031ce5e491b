"""Rendering and the message: what the reader sees, and the bytes handed to SMTP."""

from __future__ import annotations

import base64
import email
import email.policy
import random
import re
import struct
import zlib
from dataclasses import replace
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from pathlib import Path

import lxml.html  # type: ignore[import-untyped]
import pytest

from isamail import weblinks
from isamail.compose import markdown
from isamail.compose.images import pixel_size
from isamail.compose.message import (
    PreparedMessage,
    Recipient,
    ascii_domain,
    build_simple_message,
    format_address,
    needs_smtputf8,
    qp_encode,
)
from isamail.compose.proof import embed_images, proof_copy
from isamail.compose.render import (
    compose_issue,
    size_warnings,
    web_html,
)
from isamail.compose.rendered import (
    PLACEHOLDERS,
    RECIPIENT_EMAIL,
    UNSUBSCRIBE_URL,
    WEB_URL,
    RenderedIssue,
    personalise,
)
from isamail.compose.texts import TEXTS
from isamail.config import Settings, load_settings
from isamail.errors import IsamailError
from isamail.issues import load_issue
from isamail.transport.protocol import dot_stuffed as _dot_stuffed
from tests.test_issues import CORPUS, CORPUS_ISSUES, make_issue

BASE = "https://newsletter.isa-portal.de"


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return load_settings(tmp_path_factory.mktemp("p"), {"ISAMAIL_BASE_URL": BASE})


@pytest.fixture(scope="module")
def rendered_corpus(settings: Settings) -> dict[str, RenderedIssue]:
    return {name: compose_issue(load_issue(CORPUS / name), settings) for name in CORPUS_ISSUES}


def body_links(body: str) -> list[str]:
    return [
        str(child.attrGet("href"))
        for _, child in markdown.iter_inline(markdown.parse(body))
        if child.type == "link_open"
    ]


# --- HTML and text of the corpus ----------------------------------------------------------


@pytest.mark.parametrize("name", CORPUS_ISSUES)
def test_corpus_renders_every_title_and_link(
    name: str, settings: Settings, rendered_corpus: dict[str, RenderedIssue]
) -> None:
    issue = load_issue(CORPUS / name)
    rendered = rendered_corpus[name]
    doc = lxml.html.document_fromstring(rendered.html)
    headings = [h.text_content().strip() for h in doc.iter("h2")]
    hrefs = set(doc.xpath("//a/@href"))
    text = rendered.text
    assert headings == [s.title for s in issue.sections if s.title]
    for section in issue.sections:
        if section.title:
            assert f"{section.title}\n{'-' * markdown.display_width(section.title)}\n" in text
        links = body_links(section.body) + ([section.link] if section.link else [])
        for link in links:
            assert link in hrefs
            assert re.search(rf"^\[\d+\] {re.escape(link)}$", text, re.M), link
        if section.link:
            assert (section.link_text or "Lesen Sie mehr") in doc.text_content()
    # the web version's link is signed per reader when sent (WEB_URL), public on the web
    assert WEB_URL in hrefs and f"Im Browser ansehen: {WEB_URL}" in text
    web = web_html(rendered, settings)
    assert f'href="{BASE}/archive/{name}"' in web
    assert doc.find(".//h1").text_content() == issue.title
    assert len(rendered.html.encode()) < 100_000 and size_warnings(rendered) == []


def test_chinese_city_names_and_german_quotes_survive(
    rendered_corpus: dict[str, RenderedIssue],
) -> None:
    rendered = rendered_corpus["2020-10"]
    doc = lxml.html.document_fromstring(rendered.html)
    visible = doc.text_content()
    for part in (" ".join(visible.split()), " ".join(rendered.text.split())):
        for city in ("BAODING 保定市", "HUZHOU 湖州市", "LUOYANG 洛阳市", "XUCHANG 许昌市"):
            assert city in part
        assert "„Baoding bedeutet Schutz und Ruhe“" in part
        assert "Thema „Smart Cities“ in China" in part
        assert "Industriestädteallianz" in part


def test_editorial_first_then_articles(rendered_corpus: dict[str, RenderedIssue]) -> None:
    doc = lxml.html.document_fromstring(rendered_corpus["2020-10"].html)
    cells = [td for td in doc.iter("td") if "section" in (td.get("class") or "")]
    assert cells[0].text_content().strip().startswith("Liebe Mitglieder, Freunde und Förderer")
    assert (
        cells[1].find(".//h2").text_content()
        == "9. Plenarversammlung der ISA Auch als virtueller Austausch ein Erfolg"
    )


def test_header_preheader_and_footer(
    settings: Settings, rendered_corpus: dict[str, RenderedIssue]
) -> None:
    rendered = rendered_corpus["2020-10"]
    doc = lxml.html.document_fromstring(rendered.html)
    assert "ISA – Chinesisch-Deutsche Industriestädteallianz" in doc.text_content()
    pre = doc.find_class("preheader")[0]
    assert "display: none" in pre.get("style")
    assert pre.text_content().startswith("9. Plenarversammlung der ISA Auch…")
    assert UNSUBSCRIBE_URL in doc.xpath("//a/@href")
    for part in (doc.text_content(), rendered.text):
        assert f"weil Sie sich mit {RECIPIENT_EMAIL}" in " ".join(part.split())
        for key in ("organisation", "publisher", "address", "contact"):
            assert settings[f"imprint.{key}"] in part
    assert f"Abmelden: {UNSUBSCRIBE_URL}" in rendered.text
    assert "mailto:newsletter@isa-portal.de" in doc.xpath("//a/@href")
    assert settings["imprint.privacy_url"] in doc.xpath("//a/@href")


def test_look_is_inlined_and_needs_no_class(rendered_corpus: dict[str, RenderedIssue]) -> None:
    html = rendered_corpus["2020-10"].html
    doc = lxml.html.document_fromstring(html)
    for element in doc.iter():
        element.attrib.pop("class", None)  # what a client that drops classes sees

    def style(xpath: str) -> str:
        return str(doc.xpath(xpath)[0].get("style") or "")

    assert "font-family" in style("//body") and "background-color" in style("//body")
    assert "width:600px" in style("//table[@width='600']")
    assert "font-size:26px" in style("//h1")
    assert "color:#1f3a5f" in style("//h2")
    assert "margin" in style("//td//p")
    assert "color:#b5121b" in style("//p[a[contains(., 'Lesen Sie mehr')]]/a")
    # what stays in <style> is only what cannot be inlined: the two @media blocks
    styles = "".join(doc.xpath("//style/text()"))
    outside_media = re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*\s*\}", "", styles).strip()
    assert outside_media == ""
    assert "@media (prefers-color-scheme: dark)" in styles
    assert "@media (max-width: 620px)" in styles
    assert styles.count("!important") > 10
    assert len(re.findall(r"@media", html)) == 2  # one level, never nested


def test_text_version_is_written_for_reading(rendered_corpus: dict[str, RenderedIssue]) -> None:
    text = rendered_corpus["2020-10"].text
    assert "<" not in text.replace("<=", "")  # no markup
    # the month stands once: the title already names it
    assert "ISA-Newsletter Oktober 2020\n===========================\n\nIm Browser" in text
    assert "Weitere Informationen [2]\n\n[2] https://isa-portal.de/de/newsletter/2020-10/" in text
    assert all(len(line) <= 100 for line in text.splitlines() if "://" not in line)
    assert "\n\n\n\n" not in text and not any(line.endswith(" ") for line in text.splitlines())


# --- bodies: markup, images, languages ----------------------------------------------------


def render_one(tmp_path: Path, settings: Settings, body: str, **front: str) -> RenderedIssue:
    head = "".join(f"{k}: {v}\n" for k, v in ({"kind": "article", "title": "T"} | front).items())
    folder = make_issue(tmp_path, {"01-a.md": f"---\n{head}---\n{body}"})
    return compose_issue(load_issue(folder), settings)


def test_markup_in_a_body_is_shown_not_executed(tmp_path: Path, settings: Settings) -> None:
    body = "Vorsicht <script>alert(1)</script> und <b>x</b>.\n\n<img src=x onerror=alert(1)>\n"
    rendered = render_one(tmp_path, settings, body)
    doc = lxml.html.document_fromstring(rendered.html)
    assert doc.xpath("//script") == [] and doc.xpath("//b") == []
    assert not doc.xpath("//img[@onerror]")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "&lt;b&gt;x&lt;/b&gt;" in rendered.html
    assert "Vorsicht <script>alert(1)</script> und <b>x</b>." in doc.text_content()
    assert "<script>alert(1)</script>" in rendered.text  # plain text: shown as written


def test_title_and_link_text_are_escaped(tmp_path: Path, settings: Settings) -> None:
    rendered = render_one(
        tmp_path, settings, "X\n", title="'<i>kursiv</i> & mehr'", link="https://a.example/?a=1&b=2"
    )
    doc = lxml.html.document_fromstring(rendered.html)
    assert doc.xpath("//i") == []
    assert doc.find(".//h2").text_content() == "<i>kursiv</i> & mehr"
    assert "https://a.example/?a=1&b=2" in doc.xpath("//a/@href")


def test_images_get_absolute_urls_and_alt_text(tmp_path: Path, settings: Settings) -> None:
    folder = make_issue(
        tmp_path,
        {
            "01-a.md": "---\nkind: article\ntitle: T\n---\n"
            "![Rathaus in Foshan 佛山](images/r.png)\n",
            "images/r.png": "png",
        },
    )
    rendered = compose_issue(load_issue(folder), settings)
    (img,) = lxml.html.document_fromstring(rendered.html).xpath("//img")
    assert img.get("src") == f"{BASE}/archive/2021-07/images/r.png"
    assert img.get("alt") == "Rathaus in Foshan 佛山"
    assert "max-width:100%" in img.get("style")
    assert (
        f"[Rathaus in Foshan 佛山] [1]\n\n[1] {BASE}/archive/2021-07/images/r.png" in rendered.text
    )


@pytest.mark.parametrize(
    ("language", "read_more"), [("de", "Lesen Sie mehr"), ("en", "Read more"), ("zh", "阅读全文")]
)
def test_fixed_texts_follow_the_language(
    tmp_path: Path, settings: Settings, language: str, read_more: str
) -> None:
    folder = make_issue(tmp_path, toml=f'title = "T"\ndate = 2021-07-01\nlanguage = "{language}"\n')
    rendered = compose_issue(load_issue(folder), settings)
    t = TEXTS[language]
    assert f"{read_more} ›" in rendered.html  # the article has a link but no link_text
    assert f"{read_more} [" in rendered.text
    assert t["unsubscribe_line"] in rendered.html and t["org_name"] in rendered.text
    assert f'lang="{language}"' in rendered.html


def test_every_language_has_every_text() -> None:
    assert set(TEXTS) == {"de", "en", "zh"}
    assert all(set(t) == set(TEXTS["de"]) and all(t.values()) for t in TEXTS.values())
    assert all("{email}" in t["why"] for t in TEXTS.values())


def test_text_lists_quotes_and_headings() -> None:
    links = markdown.LinkNumbers()
    body = (
        "## Zwischentitel\n\n- eins mit [Link](https://a.example)\n- zwei\n\n"
        "1. erstens\n2. zweitens [Link](https://a.example)\n\n> zitiert\n\n"
        "[c@c.example](mailto:c@c.example) und <https://b.example>\n"
    )
    text = markdown.to_text(body, links, lambda s: s)
    assert text == (
        "Zwischentitel\n=============\n\n- eins mit Link [1]\n\n- zwei\n\n"
        "1. erstens\n\n2. zweitens Link [1]\n\n> zitiert\n\nc@c.example und https://b.example"
    )
    assert links.take() == [(1, "https://a.example")]


def png(width: int, height: int, rgb: tuple[int, int, int] = (181, 18, 27)) -> bytes:
    """A real PNG of one colour (browsers decode it), made without an imaging library."""
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# --- German dates, lists, raw HTML -----------------------------------------------------------


def test_a_german_date_in_a_bullet_stays_text(tmp_path: Path, settings: Settings) -> None:
    body = "Termine:\n\n- 12. Oktober: Online-Seminar\n- 1. Mai 2022: Jahrestreffen\n"
    rendered = render_one(tmp_path, settings, body)
    doc = lxml.html.document_fromstring(rendered.html)
    assert doc.xpath("//ol") == []
    items = [li.text_content() for li in doc.xpath("//ul/li")]
    assert items == ["12. Oktober: Online-Seminar", "1. Mai 2022: Jahrestreffen"]
    # the text part keeps the bullets
    assert "- 12. Oktober: Online-Seminar\n\n- 1. Mai 2022: Jahrestreffen" in rendered.text


@pytest.mark.parametrize(
    "line",
    [
        "4. November ist der Termin.",
        "12. und 13. Oktober: Fachtagung in Foshan",
        "3.–5. Dez. Messe in Hannover",
        "1. Januar 2022 tritt die Regel in Kraft.",
    ],
)
def test_a_paragraph_starting_with_a_date_is_a_paragraph(line: str) -> None:
    html = markdown.to_html(f"Vorher.\n\n{line}\n", markdown.Images(lambda s: s))
    assert html == f"<p>Vorher.</p>\n<p>{line}</p>\n"
    text = markdown.to_text(f"{line}\n", markdown.LinkNumbers(), lambda s: s)
    assert text == line


def test_real_numbered_lists_stay_lists() -> None:
    html = markdown.to_html("1. Anmelden\n2. Bestätigen\n", markdown.Images(lambda s: s))
    assert html.startswith("<ol>\n<li>Anmelden</li>")
    html = markdown.to_html("3. Platz für Foshan\n", markdown.Images(lambda s: s))
    assert '<ol start="3">' in html  # not a date: `issue check` warns about it
    assert markdown.numbered_lists("Text\n\n3. Platz für Foshan\n")[0][1] == 3
    assert "Maifest" in markdown.to_html("1. Maifest\n", markdown.Images(lambda s: s))
    assert "<ol>" in markdown.to_html("1. Maifest\n", markdown.Images(lambda s: s))


def test_raw_html_is_found_with_its_line() -> None:
    found = markdown.raw_html("Erste Zeile\n\nmit <b>fett</b>\n\n<div>Block</div>\n<!-- x -->\n")
    assert [(f.line, f.text) for f in found] == [(2, "<b>"), (2, "</b>"), (4, "<div>Block</div>")]
    assert markdown.raw_html("Nur Text, ein Link <https://a.example> und 3 < 4.\n") == []


# --- images: their own size, captions ------------------------------------------------------


def image_issue(tmp_path: Path, settings: Settings, body: str, **files: bytes) -> RenderedIssue:
    folder = make_issue(tmp_path, {"01-a.md": f"---\nkind: article\ntitle: T\n---\n{body}"})
    (folder / "images").mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / "images" / name).write_bytes(data)
    return compose_issue(load_issue(folder), settings)


def test_images_keep_their_size_up_to_the_column(tmp_path: Path, settings: Settings) -> None:
    rendered = image_issue(
        tmp_path,
        settings,
        "![Logo](images/klein.png)\n\n![Foto](images/gross.png)\n",
        **{"klein.png": png(60, 40), "gross.png": png(1200, 800)},
    )
    small, large = lxml.html.document_fromstring(rendered.html).xpath("//img")
    assert (small.get("width"), small.get("height")) == ("60", "40")  # not stretched
    assert (large.get("width"), large.get("height")) == ("536", "357")  # the column
    assert 'height="auto"' not in rendered.html
    assert "max-width:100%" in large.get("style") and "height:auto" in large.get("style")


def test_an_image_of_unknown_size_gets_no_size(tmp_path: Path, settings: Settings) -> None:
    rendered = image_issue(
        tmp_path, settings, "![Plan](images/plan.svg)\n", **{"plan.svg": b"<svg/>"}
    )
    (img,) = lxml.html.document_fromstring(rendered.html).xpath("//img")
    assert img.get("width") is None and img.get("height") is None


def test_an_image_title_becomes_its_caption(tmp_path: Path, settings: Settings) -> None:
    rendered = image_issue(
        tmp_path,
        settings,
        '![Rathaus](images/r.png "Das Rathaus von Foshan <1958>")\n',
        **{"r.png": png(10, 10)},
    )
    doc = lxml.html.document_fromstring(rendered.html)
    (caption,) = doc.xpath("//span[@class='caption']")
    assert caption.text_content() == "Das Rathaus von Foshan <1958>"
    assert doc.xpath("//img/@title") == []
    assert "[Rathaus] [1] (Das Rathaus von Foshan <1958>)" in rendered.text


@pytest.mark.parametrize(
    ("data", "size"),
    [
        (png(640, 480), (640, 480)),
        (b"GIF89a" + struct.pack("<HH", 320, 200) + b"\x00" * 20, (320, 200)),
        (
            # SOI, an APP0 segment, then SOF0 with height 300 and width 500
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
            b"\xff\xc0\x00\x11\x08" + struct.pack(">HH", 300, 500) + b"\x03" + b"\x00" * 9,
            (500, 300),
        ),
        (
            b"RIFF\x00\x00\x00\x00WEBPVP8X\x0a\x00\x00\x00\x00\x00\x00\x00"
            + (799).to_bytes(3, "little")
            + (599).to_bytes(3, "little"),
            (800, 600),
        ),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"\x89PNG\r\n\x1a\nkaputt", None),
    ],
)
def test_pixel_size_reads_the_header(tmp_path: Path, data: bytes, size: object) -> None:
    path = tmp_path / "bild"
    path.write_bytes(data)
    assert pixel_size(path) == size


# --- the editorial's signatures ---------------------------------------------------------------


def test_signatures_stand_apart_with_name_and_function(tmp_path: Path, settings: Settings) -> None:
    front = (
        "---\nkind: editorial\nsignatures:\n"
        "  - Dr. Anna Schneider, Geschäftsführerin der ISA\n"
        "  - |\n    Ernst Schwanhold\n    Staatsminister a. D.\n    Vorsitzender\n---\n"
    )
    folder = make_issue(tmp_path, {"01-g.md": front + "Liebe Leser,\n\nText.\n\nHerzlich\n"})
    rendered = compose_issue(load_issue(folder), settings)
    doc = lxml.html.document_fromstring(rendered.html)
    signatures = doc.xpath("//p[contains(@class, 'signature')]")
    assert [s.text_content() for s in signatures] == [
        "Dr. Anna SchneiderGeschäftsführerin der ISA",
        "Ernst SchwanholdStaatsminister a. D.Vorsitzender",
    ]
    assert len(signatures[1].xpath(".//br")) == 2  # one line each
    assert (
        "Herzlich\n\nDr. Anna Schneider\nGeschäftsführerin der ISA\n\n"
        "Ernst Schwanhold\nStaatsminister a. D.\nVorsitzender\n" in rendered.text
    )


# --- proofs: images as readers see them, nothing published -----------------------------------


def test_preview_files_carry_their_images(tmp_path: Path, settings: Settings) -> None:
    picture = png(30, 20)
    rendered = image_issue(tmp_path, settings, "![Bild](images/b.png)\n", **{"b.png": picture})
    shown = embed_images(rendered, settings, tmp_path / "issues" / "2021-07")
    (img,) = lxml.html.document_fromstring(shown.html).xpath("//img")
    assert img.get("src") == "data:image/png;base64," + base64.b64encode(picture).decode()
    assert shown.text == rendered.text  # the text part names the link readers get


def test_a_test_copy_links_images_and_web_version_signed(tmp_path: Path) -> None:
    settings = load_settings(tmp_path, {"ISAMAIL_BASE_URL": BASE, "ISAMAIL_SECRET_KEY": "k" * 32})
    rendered = image_issue(tmp_path, settings, "![Bild](images/b.png)\n", **{"b.png": png(3, 3)})
    proof = proof_copy(rendered, settings, now=1_700_000_000)
    (img,) = lxml.html.document_fromstring(proof.html).xpath("//img")
    url, _, query = img.get("src").partition("?p=")
    assert url == f"{BASE}/archive/2021-07/images/b.png"
    assert weblinks.proof_valid("k" * 32, "2021-07", query, now=1_700_000_000) is True
    assert weblinks.proof_valid("k" * 32, "2021-07", query, now=1_700_000_000 + 15 * 86400) is False
    assert weblinks.proof_valid("k" * 32, "2021-08", query, now=1_700_000_000) is None
    assert f"{BASE}/archive/2021-07?p={query}" in proof.html
    assert WEB_URL not in proof.html + proof.text
    assert f"{BASE}/archive/2021-07/images/b.png?p={query}" in proof.text
    assert UNSUBSCRIBE_URL in proof.html  # still filled per recipient


def test_reader_links_are_signed_for_one_issue_and_reader() -> None:
    link = weblinks.reader_link("geheim", BASE, "2021-07", 4711)
    assert link.startswith(f"{BASE}/archive/2021-07?r=")
    token = link.partition("?r=")[2]
    assert weblinks.read_reader_token("geheim", "2021-07", token) == 4711
    assert weblinks.read_reader_token("geheim", "2021-08", token) is None
    assert weblinks.read_reader_token("anders", "2021-07", token) is None
    assert weblinks.read_reader_token("geheim", "2021-07", "1234-" + token[-16:]) is None
    assert weblinks.read_reader_token("geheim", "2021-07", "ü-x") is None


# --- templates ----------------------------------------------------------------------------


def test_project_templates_win_and_defaults_fill_in(tmp_path: Path, settings: Settings) -> None:
    templates = tmp_path / "templates" / "mail"
    templates.mkdir(parents=True)
    (templates / "newsletter.txt").write_text("Eigene Vorlage: {{ issue.title }}\n")
    issue = load_issue(make_issue(tmp_path))
    rendered = compose_issue(issue, settings, tmp_path / "templates")
    assert rendered.text == "Eigene Vorlage: ISA-Newsletter Juli 2021\n"
    assert "<table" in rendered.html


def test_undefined_template_value_is_an_error(tmp_path: Path, settings: Settings) -> None:
    templates = tmp_path / "templates" / "mail"
    templates.mkdir(parents=True)
    (templates / "newsletter.txt").write_text("{{ issue.autor }}\n")
    with pytest.raises(IsamailError, match=r"Vorlage mail/newsletter\.txt"):
        compose_issue(load_issue(make_issue(tmp_path)), settings, tmp_path / "templates")


def test_web_version_holds_no_personal_data(
    settings: Settings, rendered_corpus: dict[str, RenderedIssue]
) -> None:
    web = web_html(rendered_corpus["2020-10"], settings)
    assert not any(p in web for p in PLACEHOLDERS)
    assert "weil Sie sich mit Ihrer E-Mail-Adresse" in " ".join(web.split())
    assert f'href="{BASE}/"' in web


def test_size_warning_for_gmail(tmp_path: Path, settings: Settings) -> None:
    rendered = render_one(tmp_path, settings, "\n\n".join(["Absatz " * 30] * 600) + "\n")
    (warning,) = size_warnings(rendered)
    assert "Gmail" in warning


# --- quoted-printable ----------------------------------------------------------------------


def qp_decode(data: bytes) -> str:
    import quopri

    return quopri.decodestring(data.replace(b"\r\n", b"\n")).decode("utf-8")


def test_qp_pieces_concatenate_to_the_concatenated_text() -> None:
    rng = random.Random(7)
    alphabet = "aäß =.\t\n„“保定市-_<>&?" + "x" * 20
    for _ in range(300):
        pieces = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 200))) for _ in range(3)
        ]
        encoded = b"".join(qp_encode(p) for p in pieces)
        assert qp_decode(encoded) == "".join(pieces)
        lines = encoded.split(b"\r\n")
        assert all(len(line) <= 76 for line in lines)
        assert b"\n" not in encoded.replace(b"\r\n", b"")
        assert not any(line.endswith((b" ", b"\t")) for line in lines)


# --- the message ---------------------------------------------------------------------------

RECIPIENTS = [
    Recipient(
        "max.muster@stadt.example",
        "Max Muster",
        f"{BASE}/u/AbCdEfGhIjKlMnOpQrStUvWxYz0123",
        "mailto:unsubscribe+AbCdEfGhIjKlMnOpQrStUvWxYz0123@isa-portal.de",
        "<d1.x7@isa-portal.de>",
        f"{BASE}/archive/2020-10?r=3x-signedforthisreader",
    ),
    Recipient(
        "juergen@müller-straße.example",
        "Jürgen Müller",
        f"{BASE}/u/t2",
        "unsubscribe+t2@isa-portal.de",
        "<d2.x7@isa-portal.de>",
    ),
    Recipient(
        "王伟@例子.example",
        "王伟 (保定市)",
        f"{BASE}/u/t3",
        "mailto:unsubscribe+t3@isa-portal.de",
        "<d3.x7@isa-portal.de>",
    ),
    Recipient(
        "o'brien+news@sub.domain.example.org",
        'Dr. "Pat" O\'Brien, Stadtverwaltung Göttingen – Wirtschaftsförderung und Internationales',
        "https://newsletter.isa-portal.de/unsubscribe/with/a/very/long/path/"
        "0123456789012345678901234567890123456789?list=isa-newsletter&x=%20",
        "mailto:unsubscribe@isa-portal.de?subject=unsubscribe-0123456789012345678901234567890123",
        "<d4.x7@isa-portal.de>",
    ),
    Recipient(
        "a&b@x.example", "", f"{BASE}/u/t5", "mailto:u@isa-portal.de", "<d5.x7@isa-portal.de>"
    ),
]


@pytest.fixture(scope="module")
def prepared(settings: Settings, rendered_corpus: dict[str, RenderedIssue]) -> PreparedMessage:
    return PreparedMessage.prepare(
        rendered_corpus["2020-10"], settings, list_id="<isa-newsletter.isa-portal.de>"
    )


def parse(data: bytes) -> EmailMessage:
    # decoded as UTF-8 first, so that raw UTF-8 headers (SMTPUTF8) read as text
    msg = email.message_from_string(data.decode("utf-8"), policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


def parts(msg: Message) -> list[tuple[str, str]]:
    assert isinstance(msg, EmailMessage)
    return [(p.get_content_type(), p.get_content()) for p in msg.iter_parts()]


def decoded(data: bytes, name: str) -> str:
    """A header decoded as RFC 2047 says: whitespace between adjacent encoded words is
    dropped. (Python's address parser keeps it, so a long name split into several words
    reads "Göt tingen" there; mail clients read "Göttingen".)"""
    raw = email.message_from_string(data.decode("utf-8"), policy=email.policy.compat32)[name]
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", str(raw))
    text = " ".join(str(make_header(decode_header(unfolded))).split())
    quoted = re.fullmatch(r'"(.*)" (<.*>)', text)  # a quoted phrase: compare its content
    return f"{quoted[1]} {quoted[2]}".replace('\\"', '"') if quoted else text


def expected_to(recipient: Recipient) -> str:
    local, _, domain = recipient.email.rpartition("@")
    addr = f"{local}@{ascii_domain(domain)}"
    name = " ".join(recipient.name.split())
    return f"{name} <{addr}>" if name else addr


@pytest.mark.parametrize("recipient", RECIPIENTS, ids=lambda r: r.email)
def test_fast_message_equals_reference(
    prepared: PreparedMessage, recipient: Recipient, rendered_corpus: dict[str, RenderedIssue]
) -> None:
    data = prepared.for_recipient(recipient)
    fast = parse(data)
    ref = parse(prepared.reference_message(recipient).as_bytes())
    assert fast.defects == [] and all(p.defects == [] for p in fast.iter_parts())
    assert parts(fast) == parts(ref)
    assert [t for t, _ in parts(fast)] == ["text/plain", "text/html"]
    for name in (
        "Subject",
        "From",
        "Message-ID",
        "List-Id",
        "List-Unsubscribe-Post",
        "MIME-Version",
    ):
        assert str(fast[name]) == str(ref[name]), name
    ref_bytes = prepared.reference_message(recipient).as_bytes()
    assert decoded(data, "To") == decoded(ref_bytes, "To") == expected_to(recipient)
    if len(recipient.name.encode()) <= 39:  # one encoded word: Python's parser reads it too
        assert fast["To"].addresses == ref["To"].addresses
    assert fast["List-Unsubscribe"].split() == ref["List-Unsubscribe"].split()
    assert fast["Date"].datetime is not None
    # and it says what it should
    html, text = personalise(
        rendered_corpus["2020-10"],
        email=recipient.email,
        unsubscribe_url=recipient.unsubscribe_url,
        web_url=recipient.web_url or f"{BASE}/archive/2020-10",
    )
    got = dict(parts(fast))
    assert got["text/plain"].replace("\r\n", "\n") == text
    assert got["text/html"].replace("\r\n", "\n") == html
    assert (
        "保定市" in got["text/plain"] and "„Baoding bedeutet Schutz und Ruhe“" in got["text/html"]
    )
    assert recipient.email in got["text/plain"]
    assert not any(p in got["text/html"] + got["text/plain"] for p in PLACEHOLDERS)
    assert fast["Message-ID"] == recipient.message_id


def without_date(data: bytes) -> bytes:
    return re.sub(rb"^Date: [^\r]*\r\n", b"", data)


def test_smtp_data_is_the_message_dot_stuffed(
    settings: Settings, rendered_corpus: dict[str, RenderedIssue]
) -> None:
    """The payload stuffed piece by piece equals the whole message stuffed by the SMTP
    transport, for every corpus issue and for text full of dots at line starts, also
    right before and after the per-recipient values."""
    dotty = "\n".join(
        [".Punkt am Anfang", "..zwei", ".", f".{UNSUBSCRIBE_URL}", f"{RECIPIENT_EMAIL}", ".Ende"]
    )
    issues = [*rendered_corpus.values()]
    issues.append(replace(issues[0], text=dotty + "\n", html=f"<p>\n{dotty}\n</p>"))
    issues.append(replace(issues[0], text=dotty, html=f".{UNSUBSCRIBE_URL}"))
    dotted = Recipient(".a@b.example", ".Punkt", f"{BASE}/u/.t", "mailto:u@x", "<a.b@c>")
    for rendered in issues:
        prepared = PreparedMessage.prepare(rendered, settings, list_id="<isa.isa-portal.de>")
        for recipient in [*RECIPIENTS, dotted]:
            payload = prepared.smtp_data(recipient)
            whole = _dot_stuffed(prepared.for_recipient(recipient))
            assert without_date(payload) == without_date(whole)
    assert b"\r\n..Punkt am Anfang\r\n" in payload and payload.endswith(b"\r\n.\r\n")


def test_raw_bytes_follow_the_rules(prepared: PreparedMessage) -> None:
    for recipient in RECIPIENTS:
        data = prepared.for_recipient(recipient)
        head, _, body = data.partition(b"\r\n\r\n")
        assert b"\n" not in data.replace(b"\r\n", b"")  # CRLF only
        assert all(len(line) <= 998 for line in data.split(b"\r\n"))
        assert all(len(line) <= 76 for line in body.split(b"\r\n"))
        mailto = recipient.unsubscribe_mailto.removeprefix("mailto:")
        expected = (
            f"\r\nList-Unsubscribe: <{recipient.unsubscribe_url}>,\r\n <mailto:{mailto}>\r\n"
        ).encode()
        assert expected in head
        assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in head
        assert b"\r\nList-Id: <isa-newsletter.isa-portal.de>\r\n" in head
        assert b"?utf-8?" not in head.split(b"List-Unsubscribe:")[1].split(b"\r\nList-Id")[0]
        assert re.search(rb"\r\nDate: \w{3}, \d", b"\r\n" + head)


def test_to_header_idn_and_smtputf8(prepared: PreparedMessage) -> None:
    ascii_one, idn, chinese = (prepared.for_recipient(r) for r in RECIPIENTS[:3])
    assert b"\r\nTo: Max Muster <max.muster@stadt.example>\r\n" in ascii_one
    assert b"\r\nTo: =?utf-8?b?" in idn and b" <juergen@xn--mller-strae-" in idn
    assert not needs_smtputf8(RECIPIENTS[1].email)
    to = "To: 王伟 (保定市) <王伟@xn--fsqu00a.example>".encode()
    assert needs_smtputf8(RECIPIENTS[2].email)
    assert b"\r\n" + to.replace(b"To: ", b'To: "').replace(b") <", b')" <') + b"\r\n" in chinese


def test_every_header_line_of_ascii_recipients_is_ascii(prepared: PreparedMessage) -> None:
    for recipient in RECIPIENTS:
        if needs_smtputf8(recipient.email):
            continue
        data = prepared.for_recipient(recipient)
        head = data.partition(b"\r\n\r\n")[0]
        assert head.isascii(), recipient.email
        assert data.isascii()


def test_header_injection_is_refused(prepared: PreparedMessage) -> None:
    bad = Recipient("a@b.example", "X", f"{BASE}/u/t>\r\nBcc: x@y", "mailto:u@x", "<a@b>")
    with pytest.raises(ValueError):
        prepared.for_recipient(bad)
    name = Recipient("a@b.example", "X\r\nBcc: x@y.example", f"{BASE}/u/t", "mailto:u@x", "<a@b>")
    assert b"\r\nBcc:" not in prepared.for_recipient(name)


def test_format_address_quotes_and_folds() -> None:
    assert format_address("", "a@b.example") == "a@b.example"
    assert format_address("Stadt Köln, Amt 80", "a@b.example").startswith("=?utf-8?b?")
    assert format_address("Smith, John", "a@b.example") == '"Smith, John" <a@b.example>'
    long = format_address("Ä" * 60, "a@b.example")
    assert all(len(line) <= 76 for line in long.split("\r\n"))


def test_simple_message_parses(settings: Settings) -> None:
    data = build_simple_message(
        subject="Bitte bestätigen Sie Ihre Anmeldung",
        text="Hallo,\n\nbitte bestätigen: https://x.example/c/abc\n",
        html="<p>Hallo, <a href='https://x.example/c/abc'>bestätigen</a></p>",
        to="王伟 <王伟@例子.example>",
        from_=settings.from_address,
        message_id="<c1@isa-portal.de>",
        headers={"Auto-Submitted": "auto-generated"},
    )
    msg = parse(data)
    assert str(msg["Subject"]) == "Bitte bestätigen Sie Ihre Anmeldung"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["To"].addresses[0].username == "王伟"
    assert [t for t, _ in parts(msg)] == ["text/plain", "text/html"]
    assert "bestätigen: https://x.example/c/abc" in parts(msg)[0][1]
    text_only = build_simple_message(
        subject="S",
        text="nur Text",
        html=None,
        to="a@b.example",
        from_="c@d.example",
        message_id="<c2@d.example>",
    )
    assert parse(text_only).get_content().strip() == "nur Text"


def test_encoded_names_of_every_length_decode_and_fit_the_line() -> None:
    """One RFC 2047 word while the name's UTF-8 fits 39 bytes, several after that,
    always cut between characters."""
    for length in range(1, 70):
        name = ("Jürgen Groß-Wang 王伟 " * 5)[:length].strip() or "ü"
        header = f"To: {format_address(name, 'a@b.example')}\r\n"
        assert all(len(line) <= 78 for line in header.split("\r\n"))
        assert decoded(header.encode(), "To") == f"{' '.join(name.split())} <a@b.example>"
