"""SMTP transport: one connection to the relay, one transaction per recipient.

The only module that imports smtplib. smtplib is used for the connection, TLS,
EHLO and AUTH, but not for the mail transaction: ``sendmail``/``data`` run a
regex over every message to normalise line endings and stuff dots, which is
more than half of smtplib's CPU time per 40 KB message. Our messages already
have CRLF line endings, so dots are stuffed with one ``bytes.replace``.

With PIPELINING the next transaction's MAIL, RCPT and DATA go out in the same
write as this message's content (RFC 2920 3.1 allows the content to open a
group): one round trip per message instead of two. An envelope written ahead
transfers nothing; if the connection dies before its content follows, the
server drops the transaction.

The mail transaction is written as steps (``SmtpConnection.steps``), a generator
that says when it must wait for the socket: the sender drives the steps of all
its connections from one thread over non-blocking sockets, so that the
connections never take the interpreter lock from each other (four threads did,
on every system call; bench/README.md). ``send`` runs the same steps on the
blocking socket, where they never wait.

Errors that concern the server as a whole (unreachable, TLS, AUTH, greeting)
raise ``SmtpError`` from ``open_connection``. Errors that concern one message
are returned as a ``SendOutcome``; ``send`` itself never raises for SMTP or
network trouble, so the sender can record every attempt.
"""

from __future__ import annotations

import contextlib
import ipaddress
import smtplib
import socket
import ssl
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from types import TracebackType
from typing import Literal, Protocol, TypeVar
from urllib.parse import quote, unquote, urlsplit

from isamail.config import redact_url
from isamail.errors import SmtpError

__all__ = [
    "DEFAULT_PORTS",
    "Outgoing",
    "RelayProbe",
    "SendOutcome",
    "SmtpConnection",
    "SmtpEndpoint",
    "TokenSource",
    "open_connection",
    "parse_smtp_url",
    "probe_relay",
]

_T = TypeVar("_T")

DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}
MASK = "********"

Status = Literal["sent", "temporary", "permanent", "connection_lost"]
Stage = Literal["mail", "rcpt", "data"]
# What a step waits for: the socket to become readable, or writable.
Wait = Literal["read", "write"]


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
    """What happened to one message for one recipient."""

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


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for one recipient, as ``SmtpConnection.send`` takes it."""

    envelope_from: str
    recipient: str
    message: bytes  # RFC 5322 with CRLF line endings; see ``stuffed``
    smtputf8: bool = False
    # True: ``message`` is already DATA's payload, dot-stuffed and ended by CRLF.CRLF
    # (PreparedMessage.smtp_data), so the transport sends it as it is.
    stuffed: bool = False


@dataclass(frozen=True, slots=True)
class _Envelope:
    """MAIL, RCPT and DATA of one transaction, ready to write."""

    key: tuple[str, str]  # (envelope_from, recipient) as the caller gave them
    commands: bytes


Steps = Generator[Wait, None, SendOutcome]

_LOST_CLOSED = "Verbindung ist bereits geschlossen"
_MAX_LINE = 8192  # smtplib's limit for a reply line
_RECV = 65536


class SmtpConnection:
    """An open, greeted (and, where configured, encrypted and logged-in) session.

    Not thread-safe: one connection per sending thread, or many driven by one thread
    through ``steps`` (see the module docstring).
    """

    def __init__(self, smtp: smtplib.SMTP, endpoint: SmtpEndpoint) -> None:
        self._smtp = smtp
        self.endpoint = endpoint
        self.supports_smtputf8: bool = smtp.has_extn("smtputf8")
        self.supports_8bitmime: bool = smtp.has_extn("8bitmime")
        self.supports_pipelining: bool = smtp.has_extn("pipelining")
        self.sent_count = 0
        self._alive = True
        # An envelope written ahead with the previous message, replies not yet read.
        self._ahead: _Envelope | None = None
        # Replies are read here rather than through smtplib's file object, which cannot
        # wait without blocking. smtplib read nothing past the last EHLO reply: a
        # server says nothing until asked.
        self._received = bytearray()
        sock = smtp.sock
        self._timeout = sock.gettimeout() if sock is not None else None
        self._blocking = True
        # Just written, no reply read since: on a non-blocking socket the first recv would
        # almost always find nothing (9,578 of 10,000 messages against smtp-sink), so the
        # steps wait for the socket first.
        self._unanswered = False
        if sock is not None:
            # Every write is a complete command or message followed by a read, so
            # Nagle's algorithm can only add delay (against delayed ACKs).
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    @property
    def sock(self) -> socket.socket | None:
        """The session's socket (TLS-wrapped where it is encrypted); None once closed."""
        return self._smtp.sock

    @property
    def envelope_ahead(self) -> bool:
        """An envelope went out ahead with the last message (PIPELINING): the server
        waits for that message's content, and only closing the connection aborts it."""
        return self._ahead is not None

    @property
    def alive(self) -> bool:
        """False once the server went away, said 421, or ``close`` was called."""
        return self._alive

    def set_blocking(self, blocking: bool) -> None:
        """Non-blocking for a driver of ``steps``; blocking (with the connection's
        timeout) for ``send`` and ``close``."""
        self._blocking = blocking
        self._unanswered = False
        if self.sock is not None:
            with contextlib.suppress(OSError):
                if blocking:
                    self.sock.settimeout(self._timeout)
                else:
                    self.sock.setblocking(False)

    def send(
        self,
        envelope_from: str,
        recipient: str,
        message: bytes,
        *,
        smtputf8: bool = False,
        stuffed: bool = False,
        then: Outgoing | None = None,
    ) -> SendOutcome:
        """Deliver ``message`` (RFC 5322, CRLF line endings, not dot-stuffed) to one recipient.

        SMTPUTF8 is also used, without being asked for, when an address has a
        non-ASCII local part: there is no other way to send to it. With ``stuffed``
        the message is already DATA's payload (dot-stuffed, ended by CRLF.CRLF).

        ``then`` is the message the caller sends next on this connection: with
        PIPELINING its envelope goes out with this message's content, and the next
        ``send`` must be for exactly that message.
        """
        steps = self.steps(
            envelope_from, recipient, message, smtputf8=smtputf8, stuffed=stuffed, then=then
        )
        return _complete(steps)

    def steps(
        self,
        envelope_from: str,
        recipient: str,
        message: bytes,
        *,
        smtputf8: bool = False,
        stuffed: bool = False,
        then: Outgoing | None = None,
    ) -> Steps:
        """``send`` as steps: yields "read" or "write" where a non-blocking socket must
        become readable or writable before it goes on, and returns the outcome."""
        if not self._alive:
            return SendOutcome("connection_lost", None, _LOST_CLOSED)
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead.key != (envelope_from, recipient):
            self._mark_dead()
            raise RuntimeError("send() must follow with the message given as then=")
        envelope = ahead or self._envelope(Outgoing(envelope_from, recipient, message, smtputf8))
        if isinstance(envelope, SendOutcome):
            return envelope
        try:
            if self.supports_pipelining:
                outcome = yield from self._pipelined(
                    envelope, ahead is not None, message, stuffed, then
                )
            else:
                outcome = yield from self._stepwise(envelope, message, stuffed)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # SMTPResponseException and ssl's errors are OSErrors too; any of them leaves
            # the session in an unknown state, so the caller must reopen and retry.
            self._mark_dead()
            return SendOutcome("connection_lost", None, _lost_reason(exc))
        if outcome.ok:
            self.sent_count += 1
        return outcome

    def _envelope(self, outgoing: Outgoing) -> _Envelope | SendOutcome:
        smtputf8 = outgoing.smtputf8 or not (
            _ascii_local(outgoing.recipient) and _ascii_local(outgoing.envelope_from)
        )
        if smtputf8 and not self.supports_smtputf8:
            return SendOutcome("permanent", None, "Server unterstützt kein SMTPUTF8")
        try:
            sender = _envelope_address(outgoing.envelope_from)
            rcpt = _envelope_address(outgoing.recipient)
        except ValueError as exc:
            return SendOutcome("permanent", None, str(exc))
        mail_args = f"<{sender}>"
        if smtputf8:
            mail_args += " SMTPUTF8"
        if self.supports_8bitmime and (smtputf8 or not outgoing.message.isascii()):
            mail_args += " BODY=8BITMIME"
        commands = f"MAIL FROM:{mail_args}\r\nRCPT TO:<{rcpt}>\r\nDATA\r\n"
        return _Envelope(
            (outgoing.envelope_from, outgoing.recipient),
            commands.encode("utf-8" if smtputf8 else "ascii"),
        )

    def _stepwise(self, envelope: _Envelope, message: bytes, stuffed: bool) -> Steps:
        stages: tuple[Stage, ...] = ("mail", "rcpt", "data")
        for stage, line in zip(stages, envelope.commands.split(b"\r\n"), strict=False):
            yield from self._write(line + b"\r\n")
            code, reply = yield from self._reply()
            if code // 100 != (3 if stage == "data" else 2):
                return (yield from self._failed(stage, code, reply))
        return (yield from self._data(message, stuffed, None))

    def _pipelined(
        self,
        envelope: _Envelope,
        written: bool,
        message: bytes,
        stuffed: bool,
        then: Outgoing | None,
    ) -> Steps:
        """RFC 2920: MAIL, RCPT and DATA in one packet, replies read in order."""
        if not written:
            yield from self._write(envelope.commands)
        failure: tuple[Stage, int, bytes] | None = None
        stages: tuple[tuple[Stage, int], ...] = (("mail", 2), ("rcpt", 2), ("data", 3))
        code = 0
        for stage, expected in stages:
            code, reply = yield from self._reply()
            if code == 421:  # the server closes now: later replies will never come
                return (yield from self._failed(stage, code, reply))
            if code // 100 != expected and failure is None:
                failure = (stage, code, reply)
        if failure is None:
            following = self._envelope(then) if then is not None else None
            ahead = following if isinstance(following, _Envelope) else None
            return (yield from self._data(message, stuffed, ahead))
        if code == 354:
            # The server took DATA although the envelope failed; an empty message
            # ends it, and the server must refuse that for lack of recipients.
            yield from self._write(b".\r\n")
            yield from self._reply()
        return (yield from self._failed(*failure))

    def _data(self, message: bytes, stuffed: bool, following: _Envelope | None) -> Steps:
        payload = message if stuffed else _dot_stuffed(message)
        if following is not None:
            payload += following.commands
        yield from self._write(payload)
        self._ahead = following
        code, reply = yield from self._reply()
        outcome = _classify(code, reply, "data")
        # The end of DATA ends the transaction whatever the reply, so no RSET.
        if code == 421 or outcome.status == "connection_lost":
            self._mark_dead()
        return outcome

    def _failed(self, stage: Stage, code: int, reply: bytes) -> Steps:
        outcome = _classify(code, reply, stage)
        if outcome.ok:  # e.g. 250 where 354 was due: we no longer know the server's state
            outcome = SendOutcome("connection_lost", code, f"unerwartete Antwort: {outcome.text}")
        if code == 421 or outcome.status == "connection_lost":
            self._mark_dead()
        else:
            yield from self._reset()
        return outcome

    def _reset(self) -> Generator[Wait, None, None]:
        """RSET, so the next transaction starts clean; marks the connection dead if it fails."""
        if not self._alive:
            return
        try:
            yield from self._write(b"RSET\r\n")
            code, _ = yield from self._reply()
        except (smtplib.SMTPServerDisconnected, OSError):
            code = -1
        if code != 250:
            self._mark_dead()

    def reset(self) -> None:
        _complete(self._reset())

    # --- the socket -------------------------------------------------------------------

    def _write(self, data: bytes) -> Generator[Wait, None, None]:
        sock = self._socket()
        view = memoryview(data)
        while view:
            try:
                view = view[sock.send(view) :]
            except (BlockingIOError, ssl.SSLWantWriteError):
                yield "write"
            except ssl.SSLWantReadError:  # TLS renegotiation: the same bytes again
                yield "read"
        self._unanswered = not self._blocking

    def _reply(self) -> Generator[Wait, None, tuple[int, bytes]]:
        """The next reply: (code, text lines joined by LF), as smtplib's getreply gives
        it (-1 for a code that is not a number)."""
        while True:
            reply = _parse_reply(self._received)
            if reply is not None:
                return reply
            if len(self._received) > _MAX_LINE and b"\n" not in self._received:
                raise smtplib.SMTPResponseException(500, "Line too long.")
            sock = self._socket()
            if self._unanswered:
                self._unanswered = False
                # TLS may hold decrypted bytes the socket no longer shows as readable
                if not (isinstance(sock, ssl.SSLSocket) and sock.pending()):
                    yield "read"
            try:
                chunk = sock.recv(_RECV)
            except (BlockingIOError, ssl.SSLWantReadError):
                yield "read"
                continue
            except ssl.SSLWantWriteError:
                yield "write"
                continue
            if not chunk:
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
            self._received += chunk

    def _socket(self) -> socket.socket:
        sock = self._smtp.sock
        if sock is None:
            raise smtplib.SMTPServerDisconnected("nicht verbunden")
        return sock

    def close(self) -> None:
        """QUIT politely if still connected; never raises.

        With an envelope written ahead the server may be waiting for message content,
        where QUIT would be read as text: the socket is closed without it, and a server
        treats a connection closed mid-transaction like RSET (RFC 5321 3.8).
        """
        if self._alive and self._ahead is None:
            self.set_blocking(True)
            with contextlib.suppress(smtplib.SMTPException, OSError, RuntimeError):
                _complete(self._quit())
        self._alive = False
        self._ahead = None
        self._close_socket()

    def abandon(self) -> None:
        """Lets go of a connection inherited by a forked process: the descriptor is closed
        without a word, since the parent still talks on the same session."""
        self._alive = False
        self._ahead = None
        self._close_socket()

    def _quit(self) -> Generator[Wait, None, None]:
        yield from self._write(b"QUIT\r\n")
        yield from self._reply()

    def _mark_dead(self) -> None:
        self._alive = False
        self._ahead = None
        self._close_socket()

    def _close_socket(self) -> None:
        with contextlib.suppress(OSError):
            self._smtp.close()

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
        state = "offen" if self._alive else "geschlossen"
        return f"<SmtpConnection {self.endpoint.display()} {state}, {self.sent_count} gesendet>"


def _complete(steps: Generator[Wait, None, _T]) -> _T:
    """Runs steps on a blocking socket, where they never have to wait."""
    try:
        wanted = next(steps)
    except StopIteration as done:
        return done.value
    steps.close()
    raise RuntimeError(f"steps on a blocking socket waited ({wanted})")


def _parse_reply(received: bytearray) -> tuple[int, bytes] | None:
    """Takes one complete reply off the front of ``received`` (None if it has none)."""
    lines: list[bytes] = []
    start = 0
    while True:
        end = received.find(b"\n", start)
        if end < 0:
            return None
        line = bytes(received[start : end + 1])
        start = end + 1
        lines.append(line[4:].strip(b" \t\r\n"))
        if line[3:4] != b"-":
            del received[:start]
            try:
                code = int(line[:3])
            except ValueError:
                code = -1
            return code, b"\n".join(lines)


def _dot_stuffed(message: bytes) -> bytes:
    """The DATA payload: dots at line starts doubled, ended by CRLF.CRLF (RFC 5321 4.5.2)."""
    body = message.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    return body + (b".\r\n" if body.endswith(b"\r\n") else b"\r\n.\r\n")


def _classify(code: int, reply: bytes, stage: Stage) -> SendOutcome:
    text = reply.decode("utf-8", "replace").replace("\n", " ").strip()
    if code == 421:
        return SendOutcome("temporary", code, text or "Server beendet die Verbindung", stage)
    match code // 100:
        case 2:
            return SendOutcome("sent", code, text, stage)
        case 4:
            return SendOutcome("temporary", code, text, stage)
        case 5:
            return SendOutcome("permanent", code, text, stage)
    # An unexpected code means we no longer know where in the dialogue we are.
    return SendOutcome(
        "connection_lost", code if code > 0 else None, f"unerwartete Antwort: {text}", stage
    )


def _lost_reason(exc: BaseException) -> str:
    # smtplib turns a read timeout into SMTPServerDisconnected; the timeout is its context.
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        return "Zeitüberschreitung: der Server antwortet nicht"
    detail = str(exc).replace("\n", " ").strip() or type(exc).__name__
    return f"Verbindung unterbrochen: {detail}"


def _ascii_local(address: str) -> bool:
    return address.rpartition("@")[0].isascii()


_FORBIDDEN = frozenset("\r\n<> \t\x00")


def _envelope_address(address: str) -> str:
    """The address as it goes into MAIL FROM / RCPT TO: an IDN domain in its xn-- form."""
    if _FORBIDDEN.intersection(address):
        raise ValueError(f"ungültige Adresse für den SMTP-Umschlag: {address!r}")
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    return f"{local}@{_idna(domain)}"


@lru_cache(maxsize=4096)
def _idna(domain: str) -> str:
    import idna  # IDNA 2008 (comes with email-validator); Python's codec is IDNA 2003

    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError as exc:
        raise ValueError(f"Domain {domain} ist kein gültiger internationaler Name: {exc}") from None


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
    # Loading the system's CA store costs 20-30 ms: for smtp:// only once the server
    # offers STARTTLS. A CA file named in the settings is read now, so that a wrong one
    # is reported whatever the server offers.
    context = _tls_context(verify_tls, ca_file) if ca_file or endpoint.scheme == "smtps" else None
    smtp: smtplib.SMTP | None = None
    try:
        local = local_hostname or _local_hostname()
        if endpoint.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                endpoint.host, endpoint.port, local, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(endpoint.host, endpoint.port, local, timeout=timeout)
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
        local = local_hostname or _local_hostname()
        if endpoint.scheme == "smtps":
            smtp = smtplib.SMTP_SSL(
                endpoint.host, endpoint.port, local, timeout=timeout, context=context
            )
        else:
            smtp = smtplib.SMTP(endpoint.host, endpoint.port, local, timeout=timeout)
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
                raise SmtpError(
                    f"Anmeldung mit OAuth2 am SMTP-Server {shown} fehlgeschlagen: {_reply(exc)}",
                    hint="Prüfen Sie den Benutzer in smtp_url und Client, Geheimnis und "
                    "Bereich (scope) in [oauth2]; der Benutzer braucht das Recht SMTP AUTH.",
                ) from None


def _connection_error(
    shown: str, endpoint: SmtpEndpoint, exc: BaseException, timeout: float
) -> SmtpError:
    # Order matters: smtplib's exceptions and ssl's are OSErrors too.
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return SmtpError(
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
