"""`isamail serve`: the web endpoint behind the links, served by uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from isamail.cli.state import project


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Adresse, auf der gelauscht wird.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log",
            help="Jede Anfrage protokollieren (mit IP-Adresse; Tokens in Pfaden verdeckt).",
        ),
    ] = False,
) -> None:
    """Startet die Webseiten: Anmeldung, Bestätigung, Abmeldung (auch RFC 8058), Archiv.

    Mit worker.in_serve = true läuft die Schleife von `isamail worker` mit (ein Prozess
    für alles). Protokoll: eine Zeile je Ereignis, log.format = json für JSON-Zeilen."""
    import uvicorn

    from isamail import logs
    from isamail.web import create_app
    from isamail.web.app import token_path_prefixes

    proj = project(ctx)
    proj.settings.require("secret_key", "keine Abmeldelinks prüfen und daher den Webserver")
    proj.engine  # noqa: B018 - a schema this code does not know stops it here, in one line
    redact = logs.setup(proj.settings, service="serve")
    redact.add_paths(token_path_prefixes())
    log = logging.getLogger("isamail.web")
    if not proj.settings["smtp_url"]:
        log.warning("smtp_url fehlt, Bestätigungsmails bleiben in der Warteschlange")
    app = create_app(proj)
    log.info("isamail serve: http://%s:%s/ (öffentlich: %s)", host, port, proj.settings.base_url)
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1;
    # the app honours it only from web.trusted_proxies.
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=False,
        server_header=False,
        date_header=True,
        access_log=access_log,
        log_config=None,  # isamail.logs has set up one line per event, masked
        log_level=str(proj.settings["log.level"]),
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
