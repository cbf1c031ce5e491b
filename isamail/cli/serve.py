"""`isamail serve`: the web endpoint behind the links, served by uvicorn."""

from __future__ import annotations

import logging
from typing import Annotated

import typer

from isamail.cli import output
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
            help="Jede Anfrage protokollieren (enthält Token-URLs und IP-Adressen).",
        ),
    ] = False,
) -> None:
    """Startet die Webseiten: Anmeldung, Bestätigung, Abmeldung (auch RFC 8058), Archiv."""
    import uvicorn

    from isamail.web import create_app

    proj = project(ctx)
    proj.settings.require("secret_key", "keine Abmeldelinks prüfen und daher den Webserver")
    proj.engine  # noqa: B018 - a schema this code does not know stops it here, in one line
    if not proj.settings["smtp_url"]:
        output.say("Warnung: smtp_url fehlt, Bestätigungsmails bleiben in der Warteschlange.")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    app = create_app(proj)
    output.say(f"isamail serve: http://{host}:{port}/ (öffentlich: {proj.settings.base_url})")
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
        log_level="info",
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
