"""`isamail serve`: the web endpoint behind the links, served by uvicorn."""

from __future__ import annotations

import errno
import logging
import socket
from typing import Annotated

import typer

from isamail.cli.state import project
from isamail.errors import IsamailError
from isamail.i18n import _


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
    proj.settings.require(
        "secret_key",
        "ohne diesen Schlüssel kann isamail Bestätigungs- und Abmeldelinks nicht prüfen "
        "und startet den Webserver nicht",
    )
    proj.engine  # noqa: B018 - a schema this code does not know stops it here, in one line
    redact = logs.setup(proj.settings, service="serve")
    redact.add_paths(token_path_prefixes())
    log = logging.getLogger("isamail.web")
    if not proj.settings["smtp_url"]:
        log.warning("smtp_url fehlt, Bestätigungsmails bleiben in der Warteschlange")
    listening = _listen(host, port)
    app = create_app(proj)
    log.info("isamail serve: http://%s:%s/ (öffentlich: %s)", host, port, proj.settings.base_url)
    # proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1;
    # the app honours it only from web.trusted_proxies.
    config = uvicorn.Config(
        app,
        proxy_headers=False,
        server_header=False,
        date_header=True,
        access_log=access_log,
        log_config=None,  # isamail.logs has set up one line per event, masked
        log_level=str(proj.settings["log.level"]),
    )
    uvicorn.Server(config).run(sockets=[listening])


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here so that a port in use is one line and exit status
    1 (uvicorn would log its own English line and exit 3, which means failed messages)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise IsamailError(
                _("Port {port} auf {host} ist schon belegt: läuft isamail serve schon?").format(
                    port=port, host=host
                ),
                hint=_("Einen anderen wählen mit --port."),
            ) from None
        raise IsamailError(
            _("Auf {host}:{port} lässt sich nicht lauschen: {reason}.").format(
                host=host, port=port, reason=exc.strerror
            )
        ) from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
