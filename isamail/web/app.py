"""``create_app(project)``: the FastAPI app behind `isamail serve`.

A factory, not a module-level app: nothing (engine, settings, threads) exists until a
front end builds it for one project, so tests build as many as they like.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from isamail.compose.render import template_environment
from isamail.context import Project
from isamail.errors import ConfigError
from isamail.web import errors
from isamail.web.deps import WebState
from isamail.web.routes import router
from isamail.web.security import MAX_BODY, BodyLimit, SecurityHeaders, Throttle, parse_networks
from isamail.web.worker import OutboxWorker


def token_path_prefixes() -> set[str]:
    """The first path segment of every route with a ``{token}`` in its path: the log
    masks what follows it (isamail.logs)."""
    prefixes = set()
    for route in router.routes:
        path = getattr(route, "path", "")
        if "{token}" in path:
            prefixes.add(path.strip("/").split("/")[0])
    return prefixes


def create_app(project: Project, *, background: bool = True, max_body: int = MAX_BODY) -> FastAPI:
    """The app for ``project``. ``background=False`` leaves confirmation mails queued
    (tests deliver them with ``sending.transactional.deliver_due``)."""
    settings = project.settings
    try:
        trusted = parse_networks(settings["web.trusted_proxies"])
    except ValueError as exc:
        raise ConfigError(f"web.trusted_proxies: {exc}") from None
    worker = OutboxWorker(project) if background else None
    loop = None
    if background and settings["worker.in_serve"]:
        from isamail.worker.loop import in_thread

        loop = in_thread(project)
    state = WebState(
        project=project,
        pages=template_environment(project.templates_dir),
        trusted_proxies=trusted,
        signups_per_ip=Throttle(int(settings["web.signups_per_ip_per_hour"]), 3600.0),
        worker=worker,
        write_slot=threading.Semaphore(1) if settings.database_url.startswith("sqlite") else None,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        project.engine  # noqa: B018 - open (and check) the database before the first request
        if worker is not None:
            worker.start()
            worker.wake()  # send what a previous run left queued
        if loop is not None:  # the worker's loop in this process (worker.in_serve)
            loop[1].start()
        try:
            yield
        finally:
            if loop is not None:
                loop[0].stop()
                loop[1].join(60)  # the task in hand finishes, its lease is given back
            if worker is not None:
                worker.stop()

    app = FastAPI(
        title="isamail",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.include_router(router)
    errors.install(app)
    # outermost last: the size limit runs first, headers wrap every answer incl. 413
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(
        SecurityHeaders,
        signup_frame_ancestors=settings["web.signup_frame_ancestors"],
        base_url=settings.base_url,
    )
    return app
