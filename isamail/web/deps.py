"""What routes need, as named types: a route's signature says what it uses."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import Engine

from isamail.config import Settings
from isamail.context import Project
from isamail.web.security import IPNetwork, Throttle, client_ip
from isamail.web.texts import LANGUAGE_NAMES, LANGUAGES, TEXTS, negotiate
from isamail.web.worker import OutboxWorker

MAX_FIELDS = 40


@dataclass
class WebState:
    """Everything create_app builds once, kept on ``app.state.web``."""

    project: Project
    pages: jinja2.Environment
    trusted_proxies: tuple[IPNetwork, ...]
    signups_per_ip: Throttle
    worker: OutboxWorker | None
    # SQLite has one writer; threads queueing here wait in order instead of sleeping in
    # SQLite's busy handler (whose growing back-off made the load test's p99 seconds long)
    write_slot: threading.Semaphore | None = None


def _state(request: Request) -> WebState:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return state


def _project(request: Request) -> Project:
    return _state(request).project


def _engine(request: Request) -> Engine:
    return _state(request).project.engine


def _settings(request: Request) -> Settings:
    return _state(request).project.settings


def _client_ip(request: Request) -> str:
    peer = request.client.host if request.client else ""
    return client_ip(
        peer, request.headers.getlist("x-forwarded-for"), _state(request).trusted_proxies
    )


def _user_agent(request: Request) -> str:
    return request.headers.get("user-agent", "")[:500]


def _worker(request: Request) -> OutboxWorker | None:
    return _state(request).worker


def _throttle(request: Request) -> Throttle:
    return _state(request).signups_per_ip


def _write_slot(request: Request) -> Iterator[None]:
    slot = _state(request).write_slot
    if slot is None:
        yield
        return
    with slot:
        yield


StateDep = Annotated[WebState, Depends(_state)]
WriteSlot = Depends(_write_slot)
ProjectDep = Annotated[Project, Depends(_project)]
EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
ClientIP = Annotated[str, Depends(_client_ip)]
UserAgent = Annotated[str, Depends(_user_agent)]
Outbox = Annotated[OutboxWorker | None, Depends(_worker)]
SignupThrottle = Annotated[Throttle, Depends(_throttle)]


class Pages:
    """Renders the web templates in the request's language."""

    def __init__(self, request: Request, state: WebState) -> None:
        self.request = request
        self.state = state
        self.override = request.query_params.get("lang")

    def language(self, fallback: str | None = None) -> str:
        settings = self.state.project.settings
        return negotiate(
            self.request.headers.get("accept-language", ""),
            self.override,
            fallback or settings["language"],
        )

    def render(
        self, template: str, *, status: int = 200, language: str | None = None, **context: Any
    ) -> HTMLResponse:
        lang = language or self.language()
        settings = self.state.project.settings
        base = {
            "lang": lang,
            "t": TEXTS[lang],
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "path": self.request.url.path,
            "imprint": {
                key: settings[f"imprint.{key}"]
                for key in ("organisation", "publisher", "address", "contact", "website")
            },
            "privacy_url": settings["imprint.privacy_url"],
        }
        html = self.state.pages.get_template(f"web/{template}").render(base | context)
        return HTMLResponse(html, status_code=status)


def _pages(request: Request, state: StateDep) -> Pages:
    return Pages(request, state)


PagesDep = Annotated[Pages, Depends(_pages)]


@dataclass(frozen=True)
class SignupFormData:
    email: str
    name: str
    lists: list[str]
    honeypot: str
    lang: str | None
    origin: str  # where the form was posted from, for the consent log


async def _signup_form(request: Request) -> SignupFormData:
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    lang = str(form.get("lang") or "") or None
    origin = request.headers.get("origin") or ""
    return SignupFormData(
        email=str(form.get("email") or "")[:320],
        name=str(form.get("name") or "")[:300],
        lists=[str(v)[:100] for v in form.getlist("list")],
        honeypot=str(form.get("website") or ""),
        lang=lang if lang in LANGUAGES else None,
        origin=f"web form {origin}"[:200] if origin and origin != "null" else "web form",
    )


SignupForm = Annotated[SignupFormData, Depends(_signup_form)]


@dataclass(frozen=True)
class UnsubscribeFormData:
    one_click: bool  # RFC 8058: List-Unsubscribe=One-Click
    all_lists: bool


async def _unsubscribe_form(request: Request) -> UnsubscribeFormData:
    # urlencoded or multipart/form-data, as mail providers send either
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return UnsubscribeFormData(
        one_click=str(form.get("List-Unsubscribe") or "").strip().lower() == "one-click",
        all_lists=form.get("scope") == "all",
    )


UnsubscribeForm = Annotated[UnsubscribeFormData, Depends(_unsubscribe_form)]
