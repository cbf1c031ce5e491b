"""The pages and endpoints. Each route calls one library function and renders a page;
the rules (tokens, throttles, consent) live in optin, subscribers and sending.transactional.

Only POST changes anything: link scanners in mail gateways open every GET.
"""

from __future__ import annotations

import logging
import mimetypes
import re
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import FileResponse, HTMLResponse, PlainTextResponse, Response

from isamail import archive, weblinks
from isamail.audience import optin
from isamail.audience.subscribers import unsubscribe_by_token
from isamail.compose.render import web_html
from isamail.config import Settings
from isamail.context import Project
from isamail.errors import InvalidAddress, IsamailError, NotFound
from isamail.sending import editions
from isamail.tokens import unsubscribe_token
from isamail.web.consent import signup_form_wording
from isamail.web.deps import (
    ClientIP,
    EngineDep,
    Outbox,
    Pages,
    PagesDep,
    ProjectDep,
    SettingsDep,
    SignupForm,
    SignupFormData,
    SignupThrottle,
    StateDep,
    UnsubscribeForm,
    UserAgent,
    WriteSlot,
)
from isamail.web.texts import LANGUAGES, TEXTS

log = logging.getLogger("isamail.web")
router = APIRouter()

ISSUE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"
IMAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}\.(png|jpe?g|gif|webp|svg)", re.IGNORECASE)
IssueName = Annotated[str, Path(pattern=ISSUE)]
Token = Annotated[str, Path(max_length=100)]


@router.get("/", response_class=HTMLResponse)
@router.get("/subscribe", response_class=HTMLResponse)
def signup_page(
    pages: PagesDep,
    engine: EngineDep,
    preselect: Annotated[list[str] | None, Query(alias="list")] = None,
) -> HTMLResponse:
    lists = optin.public_lists(engine)
    chosen = set(preselect or []) or ({lists[0].name} if len(lists) == 1 else set())
    return pages.render("subscribe.html", lists=lists, chosen=chosen, error=None, email="", name="")


@router.post("/subscribe", response_class=HTMLResponse, dependencies=[WriteSlot])
def signup(
    form: SignupForm,
    pages: PagesDep,
    project: ProjectDep,
    ip: ClientIP,
    user_agent: UserAgent,
    throttle: SignupThrottle,
    worker: Outbox,
) -> HTMLResponse:
    language = form.lang or pages.language()
    # Honeypot and per-IP limit: the bot or flooder sees the same page as everyone
    # else and learns nothing; nothing is stored, nothing is sent.
    if form.honeypot:
        log.info("signup ignored: honeypot filled")
    elif not throttle.allow(ip):
        log.warning("signup ignored: too many from one IP")
    else:
        try:
            outcome = optin.signup(
                project,
                optin.SignupRequest(
                    email=form.email,
                    lists=form.lists,
                    name=form.name,
                    language=form.lang,
                    ip=ip,
                    user_agent=user_agent,
                    form=form.origin,
                    consent=signup_form_wording(
                        pages, language, project.settings["consent_text_version"]
                    ),
                ),
            )
        except IsamailError as exc:
            return _signup_again(pages, project, form, language, exc)
        if outcome.mail_id is not None and worker is not None:
            worker.wake()
    return pages.render("subscribed.html", language=language)


def _signup_again(
    pages: Pages, project: Project, form: SignupFormData, language: str, exc: IsamailError
) -> HTMLResponse:
    """The form again, with what was typed and one line saying what to fix."""
    texts = TEXTS[language]
    if isinstance(exc, InvalidAddress):
        error = texts["bad_address"]
    elif isinstance(exc, optin.NoListChosen):
        error = texts["choose_list"]
    else:
        error = exc.message
    return pages.render(
        "subscribe.html",
        status=exc.http_status,
        language=language,
        lists=optin.public_lists(project.engine),
        chosen=set(form.lists),
        error=error,
        email=form.email,
        name=form.name,
    )


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(token: Token, pages: PagesDep, engine: EngineDep) -> HTMLResponse:
    view = optin.confirm_view(engine, token)
    return pages.render(
        "confirm.html", language=pages.language(view.language), view=view, token=token
    )


@router.post("/confirm/{token}", response_class=HTMLResponse, dependencies=[WriteSlot])
def confirm(
    token: Token,
    pages: PagesDep,
    engine: EngineDep,
    settings: SettingsDep,
    ip: ClientIP,
    user_agent: UserAgent,
) -> HTMLResponse:
    view = optin.confirm(
        engine,
        token,
        ip=ip,
        user_agent=user_agent,
        consent_text_version=settings["consent_text_version"],
    )
    return pages.render("confirmed.html", language=pages.language(view.language), view=view)


def _subscriber_language(pages: Pages, preferred: str) -> str:
    """The unsubscribe pages speak the subscriber's language, not the browser's (a shared
    or office computer); the page's own language links (?lang=) still win."""
    if pages.override in LANGUAGES:
        return str(pages.override)
    return preferred if preferred in LANGUAGES else pages.language()


@router.get("/u/{token}", response_class=HTMLResponse)
def unsubscribe_page(
    token: Token, pages: PagesDep, engine: EngineDep, settings: SettingsDep
) -> HTMLResponse:
    view = optin.unsubscribe_view(engine, settings.secret_key, token)
    language = _subscriber_language(pages, view.language)
    return pages.render("unsubscribe.html", language=language, view=view, token=token)


@router.post("/u/{token}", response_class=HTMLResponse, dependencies=[WriteSlot])
def unsubscribe(
    token: Token,
    form: UnsubscribeForm,
    pages: PagesDep,
    engine: EngineDep,
    settings: SettingsDep,
) -> HTMLResponse:
    """The page's buttons and RFC 8058 one-click (no cookie, no redirect, 200, idempotent)."""
    view = optin.unsubscribe_view(engine, settings.secret_key, token)
    unsubscribe_by_token(
        engine,
        settings.secret_key,
        token,
        all_lists=form.all_lists,
        source="one-click" if form.one_click else "web",
    )
    return pages.render(
        "unsubscribed.html", language=_subscriber_language(pages, view.language), view=view
    )


@router.get("/unsubscribe", response_class=HTMLResponse)
def unsubscribe_help(pages: PagesDep) -> HTMLResponse:
    """Where the web version's unsubscribe link leads: it cannot know who reads it."""
    return pages.render("message.html", title_key="unsub_title", text_key="unsubscribe_help")


@router.get("/archive", response_class=HTMLResponse)
def archive_list(pages: PagesDep, engine: EngineDep, project: ProjectDep) -> HTMLResponse:
    return pages.render(
        "archive.html", editions=archive.public_editions(engine, project.issues_dir)
    )


@router.get("/archive/{issue}", response_class=HTMLResponse)
def archive_issue(
    issue: IssueName,
    engine: EngineDep,
    project: ProjectDep,
    settings: SettingsDep,
    reader: Annotated[str | None, Query(alias="r", max_length=40)] = None,
    proof: Annotated[str | None, Query(alias="p", max_length=40)] = None,
) -> HTMLResponse:
    """The web version: public editions for anyone; with a reader's signed link (``r``)
    any sent edition; with a proof link (``p``) the issue's current draft."""
    if proof is not None:
        return HTMLResponse(
            _proof_page(project, issue, proof), headers={"cache-control": "no-store"}
        )
    if reader is not None:
        subscription = weblinks.read_reader_token(settings.secret_key, issue, reader)
        if subscription is None:
            raise optin.LinkInvalid("Dieser Link zur Web-Version ist ungültig.")
        # 0: a link signed for no one in particular (weblinks.reader_link)
        unsubscribe_url = f"{settings.base_url}/unsubscribe"
        if subscription:
            token = unsubscribe_token(settings.secret_key, subscription)
            unsubscribe_url = f"{settings.base_url}/u/{token}"
        html = web_html(
            editions.edition_content(archive.sent_edition(engine, issue)),
            settings,
            unsubscribe_url=unsubscribe_url,
            link=weblinks.reader_link(settings.secret_key, settings.base_url, issue, subscription),
        )
        return HTMLResponse(html, headers={"cache-control": "private, no-store"})
    edition = archive.public_edition(engine, project.issues_dir, issue)
    html = web_html(
        editions.edition_content(edition),
        settings,
        unsubscribe_url=f"{settings.base_url}/unsubscribe",
    )
    return HTMLResponse(html, headers={"cache-control": "public, max-age=300"})


def _check_proof(settings: Settings, issue: str, token: str) -> None:
    valid = weblinks.proof_valid(settings.secret_key, issue, token)
    if valid is None:
        raise optin.LinkInvalid("Dieser Vorschau-Link ist ungültig.")
    if not valid:
        raise archive.ProofExpired(
            "Dieser Link aus einem Testexemplar ist abgelaufen; ein neues Testexemplar "
            "bringt neue Links."
        )


def _proof_page(project: Project, issue: str, token: str) -> str:
    """The issue as its source reads now, for a test copy's web version link."""
    from isamail.compose.proof import proof_copy
    from isamail.compose.render import compose_issue
    from isamail.issues import draft_issue, resolve_issue

    settings = project.settings
    _check_proof(settings, issue, token)
    draft, problems = draft_issue(resolve_issue(project.issues_dir, issue))
    rendered = compose_issue(draft, settings, project.templates_dir, lenient=bool(problems))
    return web_html(proof_copy(rendered, settings), settings, link=f"{settings.base_url}/")


@router.get("/archive/{issue}/images/{filename}")
def archive_image(
    issue: IssueName,
    filename: str,
    engine: EngineDep,
    project: ProjectDep,
    settings: SettingsDep,
    proof: Annotated[str | None, Query(alias="p", max_length=40)] = None,
) -> Response:
    """An issue's image: for every edition sent (readers' mails link here, whether or not
    the edition is public), for an unsent one only with a valid proof link."""
    if not IMAGE.fullmatch(filename):
        raise NotFound("Kein Bild.")
    if proof is not None:
        _check_proof(settings, issue, proof)
        cache = "private, max-age=3600"
    else:
        archive.sent_edition(engine, issue)
        cache = "public, max-age=86400"
    folder = (project.issues_dir / issue / "images").resolve()
    path = (folder / filename).resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise NotFound("Kein Bild.")
    media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media_type, headers={"cache-control": cache})


@router.get("/static/isa.css")
def stylesheet(state: StateDep) -> Response:
    loader = state.pages.loader
    assert loader is not None
    source, _, _ = loader.get_source(state.pages, "web/isa.css")
    return Response(
        source,
        media_type="text/css; charset=utf-8",
        headers={"cache-control": "public, max-age=3600"},
    )


@router.get("/healthz")
def health() -> PlainTextResponse:
    return PlainTextResponse("ok\n")


@router.get("/robots.txt")
def robots() -> PlainTextResponse:
    return PlainTextResponse("User-agent: *\nDisallow: /u/\nDisallow: /confirm/\n")
