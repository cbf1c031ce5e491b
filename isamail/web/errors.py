"""The web app's one error boundary: every IsamailError (and HTTP or validation error)
becomes a friendly page in the visitor's language; anything else is a bug and gets a
plain 500 page without details."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from isamail.audience import optin
from isamail.errors import InvalidAddress, IsamailError, NotFound
from isamail.web.deps import Pages, WebState

log = logging.getLogger("isamail.web")

# (title, text) keys of the pages for each kind of error
_PAGES: list[tuple[type[IsamailError], str, str]] = [
    (optin.LinkInvalid, "invalid_title", "invalid_text"),
    (optin.LinkExpired, "expired_title", "expired_text"),
    (optin.LinkUsed, "used_title", "used_text"),
    (NotFound, "notfound_title", "notfound_text"),
    (InvalidAddress, "error_title", "bad_address"),
]


def _pages(request: Request) -> Pages:
    state = request.app.state.web
    assert isinstance(state, WebState)
    return Pages(request, state)


def _message(
    request: Request, status: int, title_key: str, text_key: str, **extra: Any
) -> HTMLResponse:
    return _pages(request).render(
        "message.html", status=status, title_key=title_key, text_key=text_key, **extra
    )


async def isamail_error(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, IsamailError)
    signup_link = isinstance(exc, optin.LinkExpired | optin.LinkUsed)
    for cls, title_key, text_key in _PAGES:
        if isinstance(exc, cls):
            return _message(request, exc.http_status, title_key, text_key, signup_link=signup_link)
    # other user errors (no list chosen, unknown list …): German line, generic title
    return _message(
        request, exc.http_status, "error_title", "", detail=exc.message, signup_link=True
    )


async def http_error(request: Request, exc: Exception) -> HTMLResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        return _message(request, 404, "notfound_title", "notfound_text")
    if exc.status_code == 413:
        return _message(request, 413, "error_title", "too_large")
    return _message(request, exc.status_code, "error_title", "bad_request")


async def validation_error(request: Request, exc: Exception) -> HTMLResponse:
    # a path that does not match (a mangled token or issue name) is a link that is wrong
    if request.method == "GET" or request.url.path.startswith(("/u/", "/confirm/")):
        return _message(request, 404, "invalid_title", "invalid_text")
    return _message(request, 400, "error_title", "bad_request", signup_link=True)


async def server_error(request: Request, exc: Exception) -> HTMLResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    try:
        return _message(request, 500, "error_title", "server_error")
    except Exception:  # the page itself failed: the plainest answer
        return HTMLResponse("500 – interner Fehler / internal error / 内部错误", status_code=500)


def install(app: FastAPI) -> None:
    app.add_exception_handler(IsamailError, isamail_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
