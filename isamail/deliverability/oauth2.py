"""OAuth2 access tokens for XOAUTH2, the login Microsoft 365 and Google keep for SMTP
once passwords are retired.

Two sources, from ``[oauth2]`` in isamail.toml:

* a token endpoint (``token_url``, ``client_id``, ``client_secret``, ``scope``): the
  client credentials grant (Microsoft 365 with an app registration), or with
  ``refresh_token`` the refresh grant (Google, delegated Microsoft access);
* a command (``token_command``) that prints an access token, for anything else
  (``gcloud auth print-access-token``, a vault, a script).

A token is kept until shortly before it expires and fetched anew when the server
refuses it. Tokens and secrets never appear in a message, a log or a ``repr``.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from urllib.parse import urlsplit

from isamail.config import Settings
from isamail.errors import ConfigError, SmtpError
from isamail.transport.smtp import TokenSource, is_local_host, parse_smtp_url

# A token this close to its expiry is renewed first: the login must not race the clock.
RENEW_BEFORE = 60.0
# A command gives no expiry: its token is used for this long, then the command runs again.
COMMAND_TOKEN_SECONDS = 300.0


class OAuth2Error(SmtpError):
    """No token: the endpoint or the command failed. Stops the send like a refused login."""


class TokenEndpoint:
    """Fetches tokens from an OAuth2 token endpoint (RFC 6749 4.4 and 6)."""

    def __init__(
        self,
        url: str,
        client_id: str,
        client_secret: str,
        scope: str,
        *,
        refresh_token: str = "",
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.client_id = client_id
        self._secret = client_secret
        self.scope = scope
        self._refresh = refresh_token
        self._timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.fetches = 0  # how often a token was fetched (tests and the doctor read it)

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires - RENEW_BEFORE:
                self._token, lifetime = self._fetch()
                self._expires = self._clock() + lifetime
                self.fetches += 1
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _fetch(self) -> tuple[str, float]:
        form = {"client_id": self.client_id}
        if self._secret:
            form["client_secret"] = self._secret
        if self._refresh:
            form.update(grant_type="refresh_token", refresh_token=self._refresh)
        else:
            form["grant_type"] = "client_credentials"
        if self.scope:
            form["scope"] = self.scope
        request = urllib.request.Request(  # noqa: S310 - https, or http on this machine only
            self.url,
            data=urllib.parse.urlencode(form).encode("ascii"),
            headers={"Accept": "application/json", "User-Agent": "isamail"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self._timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as exc:
            raise OAuth2Error(
                f"OAuth2-Token von {self.url} verweigert ({exc.code}): {_error_text(exc.read())}",
                hint="Prüfen Sie client_id, client_secret und scope in [oauth2].",
            ) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise OAuth2Error(
                f"OAuth2-Tokenendpunkt {self.url} nicht erreichbar: "
                f"{getattr(reason, 'strerror', None) or reason}."
            ) from None
        try:
            data = json.loads(body)
            token = str(data["access_token"])
            lifetime = float(data.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise OAuth2Error(
                f"OAuth2-Tokenendpunkt {self.url} antwortet ohne access_token."
            ) from None
        if data.get("refresh_token"):  # rotated refresh tokens (Microsoft): use the newest
            self._refresh = str(data["refresh_token"])
        return token, lifetime

    def __repr__(self) -> str:
        return f"<TokenEndpoint {self.url} client {self.client_id}>"


class TokenCommand:
    """Runs a command that prints an access token on its first line."""

    def __init__(
        self,
        command: str,
        *,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.command = command
        self._argv = shlex.split(command)
        self._timeout = timeout
        self._clock = clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()
        self.runs = 0

    def token(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires:
                self._token = self._run()
                self._expires = self._clock() + COMMAND_TOKEN_SECONDS
                self.runs += 1
            return self._token

    def invalidate(self) -> None:
        with self._lock:
            self._token = None

    def _run(self) -> str:
        name = self._argv[0] if self._argv else ""
        try:
            done = subprocess.run(  # noqa: S603 - the project's own setting, no shell
                self._argv, capture_output=True, timeout=self._timeout, check=False
            )
        except FileNotFoundError:
            raise OAuth2Error(f"oauth2.token_command: {name} nicht gefunden.") from None
        except subprocess.TimeoutExpired:
            raise OAuth2Error(
                f"oauth2.token_command {name} antwortet nicht ({self._timeout:g} s)."
            ) from None
        except OSError as exc:
            raise OAuth2Error(f"oauth2.token_command {name}: {exc.strerror}.") from None
        if done.returncode != 0:
            # stderr, never stdout: stdout is where a token would be
            why = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise OAuth2Error(
                f"oauth2.token_command {name} endete mit Status {done.returncode}"
                + (f": {why[0][:200]}" if why else ".")
            )
        lines = done.stdout.decode("utf-8", "replace").split()
        if not lines:
            raise OAuth2Error(f"oauth2.token_command {name} gab kein Token aus.")
        return lines[0]

    def __repr__(self) -> str:
        return f"<TokenCommand {self.command}>"


def _error_text(body: bytes) -> str:
    """The endpoint's error and the first line of its description (Microsoft's AADSTS…)."""
    try:
        data = json.loads(body)
        error = str(data.get("error", ""))
        description = str(data.get("error_description", "")).strip().splitlines()
    except (ValueError, AttributeError):
        return body.decode("utf-8", "replace").strip().splitlines()[0][:200] if body else ""
    return " – ".join(filter(None, [error, description[0][:300] if description else ""]))


def token_source_for(settings: Settings) -> TokenSource | None:
    """The source ``[oauth2]`` describes, or None for a login with the password of smtp_url."""
    command = str(settings["oauth2.token_command"])
    url = str(settings["oauth2.token_url"])
    if not command and not url:
        return None
    endpoint = parse_smtp_url(settings["smtp_url"])
    if endpoint.username is None:
        raise ConfigError(
            "[oauth2] ist gesetzt, smtp_url nennt aber keinen Benutzer: XOAUTH2 meldet "
            "einen Benutzer an, z. B. smtp+starttls://newsletter%40isa-portal.de@"
            "smtp.office365.com:587."
        )
    if endpoint.password is not None:
        raise ConfigError(
            "smtp_url nennt ein Passwort und [oauth2] ist gesetzt: entweder Passwort oder "
            "OAuth2. Entfernen Sie das Passwort aus smtp_url."
        )
    timeout = float(settings["smtp.timeout"])
    if command:
        return TokenCommand(command, timeout=timeout)
    host = urlsplit(url).hostname or ""
    if not url.startswith("https://") and not is_local_host(host):
        raise ConfigError(
            f"oauth2.token_url {url} ist kein https: das Client-Geheimnis ginge "
            "unverschlüsselt über das Netz."
        )
    client_id = settings.require("oauth2.client_id", "ein OAuth2-Token holen")
    return TokenEndpoint(
        url,
        str(client_id),
        str(settings["oauth2.client_secret"]),
        str(settings["oauth2.scope"]),
        refresh_token=str(settings["oauth2.refresh_token"]),
        timeout=timeout,
    )
