"""SMTP transport: connections to the relay.

The only module that imports smtplib, and it uses smtplib only to open a session:
connect, EHLO, STARTTLS and AUTH (``open_connection``). The mail transactions run on
``transport.protocol.ClientProtocol``, which works on bytes; ``SmtpConnection`` moves
those bytes over the session's socket, blocking (``send``, one message) or not
(``flush`` and ``read``, for the engine, which drives all its connections from one
thread: a thread per connection spent more time handing Python's interpreter lock
around than on the mail, bench/README.md). Messages go out as isamail built them,
CRLF line ends and dots stuffed once (smtplib's ``sendmail`` runs a regex over every
message for that).

Errors that concern the server as a whole (unreachable, TLS, AUTH, greeting) raise
``SmtpError`` from ``open_connection``. Errors that concern one message end its
transaction with an outcome; sending never raises for SMTP or network trouble, so
every attempt can be recorded.
"""

from __future__ import annotations

import contextlib
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import TracebackType
from typing import Protocol
from urllib.parse import quote, unquote, urlsplit

from isamail.config import redact_url
from isamail.errors import SmtpError, SmtpLoginRefused
from isamail.transport.protocol import (
    ClientProtocol,
    Outcome,
    Stage,
    Status,
    Transaction,
    dot_stuffed,
)

__all__ = [
    "DEFAULT_PORTS",
    "RelayProbe",
    "SendOutcome",
    "SmtpConnection",
    "SmtpEndpoint",
    "TokenSource",
    "open_connection",
    "parse_smtp_url",
    "probe_relay",
]

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
MASK = "********"


class TokenSource(Protocol):
    """Where an OAuth2 access token for XOAUTH2 comes from (isamail.deliverability.oauth2).

    ``token`` may fetch one (and raises an IsamailError if it cannot); ``invalidate``
    forgets a token the server refused, so that the next ``token`` fetches a fresh one.
    """

    def token(self) -> str: ...

    def invalidate(self) -> None: ...


@dataclass(frozen=True)
class SmtpEndpoint:
    """Where to deliver, parsed from ``smtp_url``, and how to log in.

    ``smtp``: plain, upgraded with STARTTLS when the server offers it;
    ``smtp+starttls``: STARTTLS required; ``smtps``: TLS from the first byte.
    Credentials (a user name, with a password or an OAuth2 token) go only over TLS:
    with them, ``smtp`` requires STARTTLS as well, unless ``allow_plaintext_login`` is
    set and the server is on this machine.
    """

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    allow_plaintext_login: bool = False
    # Set: log in with XOAUTH2 (user name from the URL, token from here), not a password.
    oauth2: TokenSource | None = field(default=None, repr=False, compare=False)

    def display(self) -> str:
        """The URL with the password masked, for messages and logs."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        userinfo = ""
        if self.username is not None:
            userinfo = quote(self.username, safe="")
            if self.password is not None:
                userinfo += ":" + MASK
            userinfo += "@"
        return f"{self.scheme}://{userinfo}{host}:{self.port}"

    def __str__(self) -> str:
        return self.display()


def parse_smtp_url(url: str) -> SmtpEndpoint:
    """``smtp://[user:pass@]host[:port]`` (also ``smtp+starttls://``, ``smtps://``).

    User name and password are percent-decoded, so ``%40`` stands for "@".
    """
    shown = _masked(url)
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise SmtpError(f"SMTP-Adresse {shown} hat keinen gültigen Port.") from None
    if parts.scheme not in DEFAULT_PORTS:
        raise SmtpError(
            f"SMTP-Adresse {shown} muss mit smtp://, smtp+starttls:// oder smtps:// beginnen."
        )
    if not parts.hostname:
        raise SmtpError(f"SMTP-Adresse {shown} nennt keinen Server (smtp://host:port).")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpError(f"SMTP-Adresse {shown} darf nach host:port nichts weiter enthalten.")
    if port == 0:
        raise SmtpError(f"SMTP-Adresse {shown} hat keinen gültigen Port.")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and username is None:
        raise SmtpError(f"SMTP-Adresse {shown} nennt ein Passwort, aber keinen Benutzernamen.")
    return SmtpEndpoint(
        scheme=parts.scheme,
        host=parts.hostname,
        port=port or DEFAULT_PORTS[parts.scheme],
        username=username,
        password=password,
    )


def _masked(url: str) -> str:
    try:
        return redact_url(url)
    except ValueError:  # unparsable: show only the scheme rather than risk the password
        return url.partition("://")[0] + "://…"


@dataclass(frozen=True)
class SendOutcome:
    """What happened to one message for one recipient (see transport.protocol.Outcome)."""

    status: Status
    code: int | None  # SMTP reply code; None when no reply decided it
    text: str  # the server's reply (one line) or our reason
    # The command whose reply decided it; None when no reply did. A refusal at
    # "mail" is about the sender or the session (530 authentication required,
    # 550 sender not allowed), not about the recipient.
    stage: Stage | None = None

    @property
    def ok(self) -> bool:
        return self.status == "sent"


_RECV = 65536


class SmtpConnection:
    """An open session, greeted and (where configured) encrypted and logged in; its mail
    transactions run on ``protocol`` (transport.protocol), this class moves the bytes.

    The engine drives many connections from one thread on non-blocking sockets
    (``flush`` and ``read``); ``send`` runs one transaction on the blocking socket.
    """

    def __init__(self, smtp: smtplib.SMTP, endpoint: SmtpEndpoint) -> None:
        self._smtp = smtp
        self.endpoint = endpoint
        self.protocol = ClientProtocol(
            pipelining=smtp.has_extn("pipelining"),
            smtputf8=smtp.has_extn("smtputf8"),
            eightbitmime=smtp.has_extn("8bitmime"),
        )
        size = smtp.esmtp_features.get("size", "")
        self.max_size = int(size) if size.isdigit() else None  # SIZE (RFC 1870); 0: none
        self.sock: socket.socket | None = smtp.sock
        self._pending = bytearray()  # queued by the protocol, not yet taken by the socket
        self._timeout = self.sock.gettimeout() if self.sock is not None else None
        if self.sock is not None:
            # Every write is a complete command group followed by a read, so Nagle's
            # algorithm can only add delay (against delayed ACKs).
            with contextlib.suppress(OSError):
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def supports_smtputf8(self) -> bool:
        return self.protocol.smtputf8

    @property
    def alive(self) -> bool:
        """False once the server went away, said 421, or the connection was closed."""
        return self.sock is not None and self.protocol.broken is None

    @property
    def wants_write(self) -> bool:
        return bool(self._pending) or self.protocol.has_output

    @property
    def wants_read(self) -> bool:
        return self.protocol.waiting

    def set_blocking(self, blocking: bool) -> None:
        if self.sock is not None:
            with contextlib.suppress(OSError):
                if blocking:
                    self.sock.settimeout(self._timeout)
                else:
                    self.sock.setblocking(False)

    def flush(self) -> list[Outcome]:
        """Writes what the protocol queued, as far as the socket takes it now. Returns
        the transactions a failed write ended (undecided)."""
        self._pending += self.protocol.data_to_send()
        sock = self.sock
        if not self._pending or sock is None:
            return []
        try:
            sent = sock.send(self._pending)
        except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
            return []
        except OSError as exc:
            return self._lost(exc)
        del self._pending[:sent]
        return []

    def read(self) -> list[Outcome]:
        """Reads what the server sent; returns the transactions it ended."""
        sock = self.sock
        if sock is None:
            return self.protocol.connection_lost("Verbindung ist bereits geschlossen")
        try:
            chunk = sock.recv(_RECV)
        except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
            return []
        except OSError as exc:
            return self._lost(exc)
        if not chunk:
            return self._lost(None)
        outcomes = self.protocol.receive(chunk)
        # TLS may hold decrypted bytes the socket no longer shows as readable
        while isinstance(sock, ssl.SSLSocket) and sock.pending() and self.protocol.waiting:
            outcomes += self.protocol.receive(sock.recv(_RECV))
        return outcomes

    def timed_out(self) -> list[Outcome]:
        return self._lost(TimeoutError())

    def _lost(self, exc: BaseException | None) -> list[Outcome]:
        reason = _lost_reason(exc) if exc is not None else "Verbindung vom Server beendet"
        outcomes = self.protocol.connection_lost(reason)
        self._close_socket()
        return outcomes

    def send(
        self, envelope_from: str, recipient: str, message: bytes, *, smtputf8: bool = False
    ) -> SendOutcome:
        """Delivers ``message`` (RFC 5322 with CRLF line ends, not dot-stuffed) to one
        recipient on the blocking socket; never raises for SMTP or network trouble."""
        if not self.protocol.ready:
            reason = self.protocol.broken or "Verbindung ist nicht bereit"
            return SendOutcome("connection_lost", None, reason)
        tx = Transaction(
            0,
            wire_address(envelope_from),
            wire_address(recipient),
            dot_stuffed(message),
            smtputf8=smtputf8,
            eight_bit=not message.isascii(),
        )
        self.set_blocking(True)
        outcomes = [immediate] if (immediate := self.protocol.begin(tx)) else []
        while not outcomes:
            outcomes = self.flush()
            if self._pending or outcomes:
                continue
            outcomes = self.read()
        self.flush()  # an RSET the protocol queued after a refusal
        first = outcomes[0]
        return SendOutcome(first.status, first.code, first.text, first.stage)

    def close(self) -> None:
        """QUIT politely if the session is idle; never raises. A connection closed in
        the middle of a transaction leaves it undelivered (RFC 5321 3.8)."""
        if self.alive and not self.protocol.open_keys and not self._pending:
            self.set_blocking(True)
            self.protocol.quit()
            with contextlib.suppress(OSError):
                assert self.sock is not None
                self.sock.sendall(self.protocol.data_to_send())
                self.sock.recv(_RECV)
        self._close_socket()

    def _close_socket(self) -> None:
        with contextlib.suppress(OSError):
            self._smtp.close()
        self.sock = None

    def __enter__(self) -> SmtpConnection:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "offen" if self.alive else "geschlossen"
        return f"<SmtpConnection {self.endpoint.display()} {state}>"


def _lost_reason(exc: BaseException) -> str:
    # smtplib turns a read timeout into SMTPServerDisconnected; the timeout is its context.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "Zeitüberschreitung: der Server antwortet nicht"
    detail = str(exc).replace("\n", " ").strip() or type(exc).__name__
    return f"Verbindung unterbrochen: {detail}"


def wire_address(address: str) -> str:
    """The address as it goes into MAIL FROM / RCPT TO: an IDN domain in its xn-- form
    (IDNA 2008); the local part as it is (a non-ASCII one needs SMTPUTF8)."""
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    return f"{local}@{_idna(domain)}"


@lru_cache(maxsize=4096)
def _idna(domain: str) -> str:
    import idna  # IDNA 2008 (comes with email-validator); Python's codec is IDNA 2003

    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain  # left as it is: the server refuses it, for this recipient only


def open_connection(
    endpoint: SmtpEndpoint,
    *,
    timeout: float = 30,
    verify_tls: bool = True,
    ca_file: str | None = None,
    local_hostname: str | None = None,
) -> SmtpConnection:
    """Connect, greet, secure and log in; SmtpError (one German line) if that fails."""
    shown = endpoint.display()
    context = _tls_context(verify_tls, ca_file) if ca_file or endpoint.scheme == "smtps" else None
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _session(endpoint, timeout, context, local_hostname)
        _secure_and_login(smtp, endpoint, lambda: context or _tls_context(verify_tls, None))
        return SmtpConnection(smtp, endpoint)
    except SmtpError:
        _discard(smtp)
        raise
    except (OSError, UnicodeError) as exc:
        _discard(smtp)
        raise _connection_error(shown, endpoint, exc, timeout) from None


def _secure_and_login(
    smtp: smtplib.SMTP, endpoint: SmtpEndpoint, tls: Callable[[], ssl.SSLContext]
) -> None:
    _secure(smtp, endpoint, tls)
    _login(smtp, endpoint)


def _secure(smtp: smtplib.SMTP, endpoint: SmtpEndpoint, tls: Callable[[], ssl.SSLContext]) -> None:
    """EHLO, then STARTTLS where the scheme asks for it, or the server offers it, or a
    login needs it."""
    shown = endpoint.display()
    smtp.ehlo_or_helo_if_needed()
    if endpoint.scheme == "smtps":
        return
    if smtp.has_extn("starttls"):
        smtp.starttls(context=tls())
        code, reply = smtp.ehlo()
        if code != 250:
            raise smtplib.SMTPHeloError(code, reply)
    elif endpoint.scheme == "smtp+starttls":
        raise SmtpError(
            f"SMTP-Server {shown} bietet kein STARTTLS an, smtp+starttls:// verlangt es.",
            hint="Prüfen Sie Server und Port (587 für STARTTLS, 465 für smtps://).",
        )
    elif endpoint.username is not None:
        _refuse_plaintext_login(endpoint)


def _login(smtp: smtplib.SMTP, endpoint: SmtpEndpoint) -> None:
    shown = endpoint.display()
    if endpoint.username is None:
        return
    if not smtp.has_extn("auth"):
        raise SmtpError(
            f"SMTP-Server {shown} bietet keine Anmeldung (AUTH) an, smtp_url nennt aber einen "
            "Benutzer.",
            hint="Entfernen Sie Benutzer und Passwort aus smtp_url "
            "oder prüfen Sie Server und Port.",
        )
    if endpoint.oauth2 is not None:
        _login_xoauth2(smtp, endpoint, endpoint.oauth2)
        return
    try:
        smtp.login(endpoint.username, endpoint.password or "")
    except UnicodeEncodeError:  # smtplib encodes credentials as ASCII
        raise SmtpError(
            f"Anmeldung am SMTP-Server {shown} nicht möglich: "
            "Benutzername und Passwort dürfen nur ASCII-Zeichen enthalten."
        ) from None


@dataclass(frozen=True)
class RelayProbe:
    """What the relay said about itself (``probe_relay``), for ``isamail doctor``."""

    greeting: str
    starttls_offered: bool
    tls_version: str | None  # "TLSv1.3" once encrypted; None for a session in clear text
    tls_error: str | None  # STARTTLS or the certificate failed, or TLS was refused
    auth_mechanisms: tuple[str, ...]  # as offered on the session a login would use
    size_limit: int | None  # SIZE of EHLO in bytes; None where the server names none
    extensions: tuple[str, ...]  # every EHLO keyword, upper case
    login_error: str | None  # None: logged in, or no credentials to try
    logged_in: bool


def probe_relay(
    endpoint: SmtpEndpoint,
    *,
    timeout: float = 30,
    verify_tls: bool = True,
    ca_file: str | None = None,
    local_hostname: str | None = None,
) -> RelayProbe:
    """Connects as ``open_connection`` does, reports what was offered, logs in where
    credentials are configured (never without TLS) and QUITs. SmtpError only if the
    server cannot be reached or greeted at all."""
    shown = endpoint.display()
    context = _tls_context(verify_tls, ca_file) if ca_file or endpoint.scheme == "smtps" else None
    smtp: smtplib.SMTP | None = None
    try:
        smtp = _session(endpoint, timeout, context, local_hostname)
        smtp.ehlo_or_helo_if_needed()
        greeting = (smtp.ehlo_resp or b"").decode("utf-8", "replace").split("\n")[0]
        starttls_offered = smtp.has_extn("starttls")
        tls_error = login_error = None
        logged_in = False
        try:
            _secure(smtp, endpoint, lambda: context or _tls_context(verify_tls, None))
        except SmtpError as exc:
            tls_error = exc.message
        except (OSError, smtplib.SMTPException) as exc:
            tls_error = _connection_error(shown, endpoint, exc, timeout).message
        sock = smtp.sock
        tls_version = sock.version() if isinstance(sock, ssl.SSLSocket) else None
        probe_features = dict(smtp.esmtp_features)
        if tls_error is None and endpoint.username is not None:
            try:
                _login(smtp, endpoint)
                logged_in = True
            except SmtpError as exc:
                login_error = exc.message
            except (OSError, smtplib.SMTPException) as exc:
                login_error = _connection_error(shown, endpoint, exc, timeout).message
        with contextlib.suppress(smtplib.SMTPException, OSError):
            smtp.quit()
        size = probe_features.get("size", "").strip()
        return RelayProbe(
            greeting=greeting,
            starttls_offered=starttls_offered,
            tls_version=tls_version,
            tls_error=tls_error,
            auth_mechanisms=tuple(probe_features.get("auth", "").upper().split()),
            size_limit=int(size) if size.isdigit() and int(size) > 0 else None,
            extensions=tuple(sorted(k.upper() for k in probe_features)),
            login_error=login_error,
            logged_in=logged_in,
        )
    except SmtpError:
        _discard(smtp)
        raise
    except (OSError, UnicodeError) as exc:
        _discard(smtp)
        raise _connection_error(shown, endpoint, exc, timeout) from None


def _session(
    endpoint: SmtpEndpoint,
    timeout: float,
    context: ssl.SSLContext | None,
    local_hostname: str | None,
) -> smtplib.SMTP:
    """A connected, greeted session (TLS from the first byte for smtps://). Loading the
    system's CA store costs 20-30 ms: for smtp:// the caller passes a context only once
    the server offers STARTTLS, unless a CA file is named (read now, so that a wrong one
    is reported whatever the server offers)."""
    local = local_hostname or _local_hostname()
    if endpoint.scheme == "smtps":
        return smtplib.SMTP_SSL(
            endpoint.host, endpoint.port, local, timeout=timeout, context=context
        )
    return smtplib.SMTP(endpoint.host, endpoint.port, local, timeout=timeout)


def _refuse_plaintext_login(endpoint: SmtpEndpoint) -> None:
    """Raises unless a login in clear text is allowed: only where the settings say so
    for a server on this machine. Called before anything of the credentials is sent;
    a network that strips STARTTLS from the server's EHLO reply ends up here too."""
    if endpoint.allow_plaintext_login and is_local_host(endpoint.host):
        return
    shown = endpoint.display()
    if endpoint.allow_plaintext_login:
        raise SmtpError(
            f"SMTP-Server {shown} bietet kein STARTTLS an; smtp.allow_plaintext_login gilt "
            f"nur für einen Server auf diesem Rechner, nicht für {endpoint.host}: "
            "isamail meldet sich nicht unverschlüsselt an.",
            hint="Nutzen Sie smtp+starttls:// (Port 587) oder smtps:// (Port 465).",
        )
    raise SmtpError(
        f"SMTP-Server {shown} bietet kein STARTTLS an: isamail sendet Zugangsdaten nur "
        "verschlüsselt und meldet sich nicht an.",
        hint="Nutzen Sie smtp+starttls:// (Port 587) oder smtps:// (Port 465); nur für einen "
        "Server auf diesem Rechner: smtp.allow_plaintext_login = true.",
    )


def is_local_host(host: str) -> bool:
    """True for a loopback address or the name localhost; a name is not resolved, so
    that DNS cannot make a distant server look local."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _login_xoauth2(smtp: smtplib.SMTP, endpoint: SmtpEndpoint, source: TokenSource) -> None:
    """AUTH XOAUTH2 (Google's and Microsoft's SASL mechanism for OAuth2 bearer tokens).

    A refused token is forgotten and a fresh one tried once: a cached token may have
    been revoked or may have expired early. The token never appears in a message."""
    shown = endpoint.display()
    offered = str(smtp.esmtp_features.get("auth", "")).upper().split()
    if "XOAUTH2" not in offered:
        raise SmtpError(
            f"SMTP-Server {shown} bietet keine Anmeldung mit OAuth2 (XOAUTH2) an, nur: "
            f"{' '.join(offered) or 'keine'}.",
            hint="Prüfen Sie Server und Port, oder melden Sie sich mit Passwort an "
            "(ohne [oauth2] in isamail.toml).",
        )
    user = endpoint.username or ""
    for attempt in (1, 2):
        token = source.token()
        initial = f"user={user}\x01auth=Bearer {token}\x01\x01"

        def respond(challenge: bytes | None = None, initial: str = initial) -> str:
            # A challenge after the initial response carries the server's error (JSON);
            # RFC 7628 3.2.3: answer it with an empty response to get the final reply.
            return initial if challenge is None else ""

        try:
            smtp.auth("XOAUTH2", respond)
            return
        except UnicodeEncodeError:  # smtplib encodes the response as ASCII
            raise SmtpError(
                f"Anmeldung am SMTP-Server {shown} nicht möglich: der Benutzername darf nur "
                "ASCII-Zeichen enthalten."
            ) from None
        except smtplib.SMTPAuthenticationError as exc:
            source.invalidate()
            if attempt == 2:
                raise SmtpLoginRefused(
                    f"Anmeldung mit OAuth2 am SMTP-Server {shown} fehlgeschlagen: {_reply(exc)}",
                    hint="Prüfen Sie den Benutzer in smtp_url und Client, Geheimnis und "
                    "Bereich (scope) in [oauth2]; der Benutzer braucht das Recht SMTP AUTH.",
                ) from None


def _connection_error(
    shown: str, endpoint: SmtpEndpoint, exc: BaseException, timeout: float
) -> SmtpError:
    # Order matters: smtplib's exceptions and ssl's are OSErrors too.
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpLoginRefused(
            f"Anmeldung am SMTP-Server {shown} fehlgeschlagen: {_reply(exc)}",
            hint="Prüfen Sie Benutzername und Passwort in smtp_url.",
        )
    if isinstance(exc, smtplib.SMTPConnectError):
        return SmtpError(f"SMTP-Server {shown} weist die Verbindung ab: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPHeloError):
        return SmtpError(f"SMTP-Server {shown} lehnt die Begrüßung (EHLO) ab: {_reply(exc)}")
    if isinstance(exc, smtplib.SMTPResponseException):
        return SmtpError(f"SMTP-Server {shown} lehnt die Verbindung ab: {_reply(exc)}")
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib reports a read timeout as SMTPServerDisconnected with the timeout as context.
        return SmtpError(
            f"SMTP-Server {shown} antwortet nicht (Zeitüberschreitung nach {timeout:g} s)."
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return SmtpError(f"SMTP-Server {shown} hat die Verbindung unerwartet beendet.")
    if isinstance(exc, smtplib.SMTPException):  # e.g. no AUTH mechanism smtplib knows
        return SmtpError(f"SMTP-Server {shown}: {_one_line(str(exc))}")
    if isinstance(exc, ssl.SSLCertVerificationError):
        return SmtpError(
            f"Das TLS-Zertifikat des SMTP-Servers {shown} ist nicht gültig: "
            f"{exc.verify_message or exc.reason}.",
            hint="Nennen Sie mit smtp.ca_file die ausstellende CA "
            "(nur zum Testen: smtp.verify_tls = false).",
        )
    if isinstance(exc, ssl.SSLError):
        return SmtpError(f"TLS mit dem SMTP-Server {shown} gescheitert: {exc.reason or exc}.")
    if isinstance(exc, ConnectionRefusedError):
        return SmtpError(f"SMTP-Server {shown} ist nicht erreichbar: Verbindung abgelehnt.")
    if isinstance(exc, socket.gaierror):
        return SmtpError(f"SMTP-Server {shown}: der Name {endpoint.host} ist unbekannt.")
    if isinstance(exc, UnicodeError):  # a host name the idna codec refuses
        return SmtpError(f"SMTP-Server {shown}: der Name {endpoint.host} ist ungültig.")
    if isinstance(exc, OSError) and exc.strerror:
        return SmtpError(f"SMTP-Server {shown} ist nicht erreichbar: {exc.strerror}.")
    return SmtpError(f"SMTP-Server {shown} ist nicht erreichbar: {_one_line(str(exc))}.")


def _reply(exc: smtplib.SMTPResponseException) -> str:
    text = exc.smtp_error
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{exc.smtp_code} {_one_line(str(text))}".strip()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _discard(smtp: smtplib.SMTP | None) -> None:
    if smtp is not None:
        with contextlib.suppress(OSError):
            smtp.close()


@lru_cache(maxsize=8)
def _tls_context(verify: bool, ca_file: str | None) -> ssl.SSLContext:
    """One context per setting: loading the system CA store costs milliseconds."""
    try:
        context = ssl.create_default_context(cafile=ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise SmtpError(
            f"smtp.ca_file {ca_file} kann nicht als CA-Datei gelesen werden: "
            f"{getattr(exc, 'strerror', None) or exc}."
        ) from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


@cache
def _local_hostname() -> str:
    # smtplib calls getfqdn() per connection; it can wait for a reverse DNS lookup.
    return socket.getfqdn()
