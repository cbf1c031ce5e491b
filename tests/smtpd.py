"""A real SMTP server for tests and the demo, with faults to order.

Built on aiosmtpd, listening on 127.0.0.1: the client under test speaks real
SMTP over a real socket. Every fault option can be changed while the server
runs (from the test's thread); options that shape a session (``smtputf8``,
``tls``, ``require_auth``, ``pipelining``) apply to connections opened after
the change.

    with SmtpTestServer(temp_fail_rcpt=1) as server:
        ...send to server.url...
        assert server.parsed(0)["Subject"] == "Hallo"

Run it for the demo (prints one line, runs until SIGTERM/SIGINT):

    .venv/bin/python -m tests.smtpd --port 2525 --maildir demo/maildir

Used as a pytest plugin (``pytest_plugins = ["tests.smtpd"]``) it provides the
``smtp_server`` fixture.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import email
import email.message
import email.policy
import json
import mailbox
import shutil
import signal
import ssl
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

# A set of addresses (compared case-insensitively) or a predicate on the address.
Matcher = Collection[str] | Callable[[str], bool]


def _matches(matcher: Matcher | None, address: str) -> bool:
    if matcher is None:
        return False
    if callable(matcher):
        return bool(matcher(address))
    return address.lower() in {a.lower() for a in matcher}


@dataclass
class Received:
    """One message as the server accepted it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes  # exactly as received, dots un-stuffed, CRLF line endings
    smtputf8: bool
    received_at: float  # time.time()
    mail_options: list[str] = field(default_factory=list)
    tls: bool = False  # the session was encrypted (STARTTLS or implicit TLS)


class SmtpTestServer:
    """aiosmtpd on 127.0.0.1 with fault modes; a context manager."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,  # 0: a free port
        maildir: Path | None = None,
        smtputf8: bool = True,
        pipelining: bool = True,  # as Postfix and the big providers advertise it
        tls: bool = False,  # offer STARTTLS with a trustme certificate (see ca_file)
        implicit_tls: bool = False,  # TLS from the first byte (smtps://); fixed at start
        require_auth: tuple[str, str] | None = None,
        require_oauth2: tuple[str, Collection[str]] | None = None,
        refuse_greeting: bool = False,
        temp_fail_rcpt: int = 0,
        temp_fail_until: float | None = None,
        temp_fail_match: Matcher | None = None,
        reject_rcpt: Matcher | None = None,
        close_with_421_after: int | None = None,
        close_with_421_connections: int | None = None,
        drop_in_data_every: int | None = None,
        delay: float = 0.0,
        hold_after: int | None = None,
        reject_mail_from: str | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.maildir = maildir
        self.smtputf8 = smtputf8
        self.pipelining = pipelining
        self.tls = tls
        self.implicit_tls = implicit_tls
        self.require_auth = require_auth
        # (user, accepted bearer tokens): AUTH XOAUTH2 is offered and required.
        self.require_oauth2 = require_oauth2
        # 554 instead of the 220 greeting.
        self.refuse_greeting = refuse_greeting
        # 451 for the first N RCPT attempts of each recipient (0: off) ...
        self.temp_fail_rcpt = temp_fail_rcpt
        # ... and for every RCPT until this time.monotonic() value (see temp_fail_for) ...
        self.temp_fail_until = temp_fail_until
        # ... limited to these recipients (None: all).
        self.temp_fail_match = temp_fail_match
        # 550 5.1.1 for these recipients.
        self.reject_rcpt = reject_rcpt
        # 421 and close at the next MAIL once a connection has delivered N messages ...
        self.close_with_421_after = close_with_421_after
        # ... but only on the first N connections (None: on all).
        self.close_with_421_connections = close_with_421_connections
        # Close the connection in the middle of DATA of every Nth DATA command.
        self.drop_in_data_every = drop_in_data_every
        # Seconds to wait before answering the end of DATA.
        self.delay = delay
        # Once this many messages are stored, hold the reply to the next end of DATA until
        # release(): the client under test is then caught in the middle of its work.
        self.hold_after = hold_after
        self.holding = threading.Event()  # set while a message waits for release()
        self._released = threading.Event()
        # This reply (e.g. "550 5.7.1 sender rejected") to every MAIL FROM (None: off).
        self.reject_mail_from = reject_mail_from

        self.messages: list[Received] = []
        self.connections = 0  # connections accepted (the start-up probe not counted)
        self.rcpt_attempts: dict[str, int] = {}
        self.data_commands = 0
        # Every AUTH command line as it arrived (with PLAIN's initial response) ...
        self.auth_commands: list[str] = []
        # ... and every credential the server was given: (mechanism, user, secret, tls).
        self.auth_attempts: list[tuple[str, str, str, bool]] = []
        self._lock = threading.Lock()
        self._controller: _Controller | None = None
        self._tmpdir: Path | None = None
        self._ca: Any = None  # trustme.CA, created on first use
        self._server_tls: ssl.SSLContext | None = None

    # --- life cycle -------------------------------------------------------------

    def start(self) -> SmtpTestServer:
        if self.maildir is not None:
            mailbox.Maildir(self.maildir, create=True)
        self._controller = _Controller(
            self,
            _Handler(self),
            hostname=self.host,
            port=self.port,
            ssl_context=self.server_tls_context() if self.implicit_tls else None,
            server_hostname="smtp.isamail.test",
            ready_timeout=10.0,
        )
        self._controller.start()
        self.port = self._controller.port
        with self._lock:
            self.connections = 0  # forget the controller's start-up probe
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> SmtpTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        scheme = "smtps" if self.implicit_tls else "smtp"
        return f"{scheme}://{self.host}:{self.port}"

    # --- TLS --------------------------------------------------------------------

    @property
    def ca_file(self) -> str:
        """PEM file of the CA that signed the server's certificate, for the client."""
        self.server_tls_context()
        assert self._tmpdir is not None
        return str(self._tmpdir / "ca.pem")

    def server_tls_context(self) -> ssl.SSLContext:
        if self._server_tls is None:
            import trustme  # only TLS tests need it

            self._ca = trustme.CA()
            cert = self._ca.issue_cert(self.host, "localhost")
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            cert.configure_cert(context)
            self._tmpdir = Path(tempfile.mkdtemp(prefix="isamail-smtpd-"))
            self._ca.cert_pem.write_to_path(str(self._tmpdir / "ca.pem"))
            self._server_tls = context
        return self._server_tls

    # --- faults -----------------------------------------------------------------

    def temp_fail_for(self, seconds: float) -> None:
        """Answer every RCPT (or those of temp_fail_match) with 451 for ``seconds``."""
        self.temp_fail_until = time.monotonic() + seconds

    def release(self) -> None:
        """Lets the held message (and every later one) through."""
        self._released.set()

    # --- what arrived -----------------------------------------------------------

    def parsed(self, i: int) -> email.message.EmailMessage:
        message = email.message_from_bytes(self.messages[i].data, policy=email.policy.default)
        assert isinstance(message, email.message.EmailMessage)
        return message

    def by_recipient(self) -> dict[str, list[Received]]:
        result: dict[str, list[Received]] = {}
        for received in list(self.messages):
            for rcpt in received.rcpt_tos:
                result.setdefault(rcpt, []).append(received)
        return result

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.rcpt_attempts.clear()

    # --- called from the server thread ------------------------------------------

    def _next_connection(self) -> int:
        with self._lock:
            self.connections += 1
            return self.connections

    def _rcpt_status(self, address: str) -> str | None:
        if _matches(self.reject_rcpt, address):
            return "550 5.1.1 user unknown"
        with self._lock:
            attempts = self.rcpt_attempts.get(address, 0) + 1
            self.rcpt_attempts[address] = attempts
        if self.temp_fail_match is None or _matches(self.temp_fail_match, address):
            if attempts <= self.temp_fail_rcpt:
                return "451 4.7.1 greylisted, try again later"
            if self.temp_fail_until is not None and time.monotonic() < self.temp_fail_until:
                return "451 4.3.0 temporarily unavailable, try again later"
        return None

    def _note_auth(self, line: str) -> None:
        with self._lock:
            self.auth_commands.append(line)

    def _note_credentials(self, mechanism: str, user: str, secret: str, tls: bool) -> None:
        with self._lock:
            self.auth_attempts.append((mechanism, user, secret, tls))

    @property
    def wants_auth(self) -> bool:
        return self.require_auth is not None or self.require_oauth2 is not None

    def _drop_this_data(self) -> bool:
        with self._lock:
            self.data_commands += 1
            every = self.drop_in_data_every
            return every is not None and every > 0 and self.data_commands % every == 0

    def _store(self, smtp: SMTP, envelope: Envelope) -> None:
        data = envelope.original_content or b""
        received = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            data=data,
            smtputf8=bool(envelope.smtp_utf8),
            received_at=time.time(),
            mail_options=list(envelope.mail_options),
            tls=smtp.transport is not None
            and smtp.transport.get_extra_info("ssl_object") is not None,
        )
        if self.maildir is not None:
            mailbox.Maildir(self.maildir, create=True).add(data)
        with self._lock:
            self.messages.append(received)


class _Handler:
    def __init__(self, server: SmtpTestServer) -> None:
        self.server = server

    async def handle_EHLO(
        self, smtp: SMTP, session: Session, envelope: Envelope, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        if self.server.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_RCPT(
        self,
        smtp: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        status = self.server._rcpt_status(address)
        if status is not None:
            return status
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 OK"

    async def auth_XOAUTH2(self, smtp: SMTP, args: list[str]) -> AuthResult:
        """RFC 7628-style XOAUTH2 as Google and Microsoft speak it: an error is a 334
        challenge with JSON, answered by an empty line, then 535."""
        try:
            if len(args) > 1:
                response = base64.b64decode(args[1], validate=True)
            else:
                answer = await smtp.challenge_auth("", encode_to_b64=False)
                if not isinstance(answer, bytes):
                    return AuthResult(success=False, handled=True)
                response = answer
            fields = response.decode("utf-8").split("\x01")
        except (ValueError, UnicodeDecodeError):
            return AuthResult(success=False, handled=False, message="501 5.5.2 cannot decode")
        user = next((f[5:] for f in fields if f.startswith("user=")), "")
        token = next((f[12:] for f in fields if f.startswith("auth=Bearer ")), "")
        tls = smtp.transport is not None and smtp.transport.get_extra_info("ssl_object")
        self.server._note_credentials("XOAUTH2", user, token, bool(tls))
        expected = self.server.require_oauth2
        if expected is not None and user == expected[0] and token in expected[1]:
            return AuthResult(success=True, auth_data=user)
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://mail"})
        await smtp.challenge_auth(error)
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        hold = self.server.hold_after
        if hold is not None and len(self.server.messages) >= hold:
            self.server.holding.set()
            while not self.server._released.is_set():
                await asyncio.sleep(0.01)
        self.server._store(smtp, envelope)
        assert isinstance(smtp, _FaultySMTP)
        smtp.delivered += 1
        return "250 2.0.0 OK queued"


def _authenticator(server: SmtpTestServer) -> Callable[..., AuthResult]:
    def check(
        smtp: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        expected = server.require_auth
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        given = (auth_data.login.decode("utf-8"), auth_data.password.decode("utf-8"))
        tls = smtp.transport is not None and smtp.transport.get_extra_info("ssl_object")
        server._note_credentials(mechanism, *given, bool(tls))
        return AuthResult(success=expected is not None and given == expected, handled=False)

    return check


class _FaultySMTP(SMTP):
    """aiosmtpd's session with the faults that need to step outside its hooks."""

    def __init__(self, owner: SmtpTestServer, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.delivered = 0
        self.number = 0

    async def _handle_client(self) -> None:
        self.number = self.owner._next_connection()
        if self.owner.refuse_greeting:
            await self.push("554 5.3.2 no service for you")
            await self._hang_up()
            return
        await super()._handle_client()

    async def smtp_MAIL(self, arg: str | None) -> None:
        owner = self.owner
        limit, first = owner.close_with_421_after, owner.close_with_421_connections
        if (
            limit is not None
            and self.delivered >= limit
            and (first is None or self.number <= first)
        ):
            await self.push("421 4.3.2 shutting down, try again later")
            await self._hang_up()
            return
        if owner.wants_auth and self.session and not self.session.authenticated:
            await self.push("530 5.7.0 Authentication required")
            return
        if owner.reject_mail_from is not None and self.session and self.session.host_name:
            await self.push(owner.reject_mail_from)
            return
        await super().smtp_MAIL(arg)

    async def smtp_AUTH(self, arg: str) -> None:
        self.owner._note_auth(arg)
        await super().smtp_AUTH(arg)

    async def smtp_DATA(self, arg: str | None) -> None:
        envelope = self.envelope
        if not (envelope and envelope.rcpt_tos) or not self.owner._drop_this_data():
            await super().smtp_DATA(arg or "")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        await self._reader.readuntil(b"\r\n")  # take a little of the message, then vanish
        assert isinstance(self.transport, asyncio.Transport)
        self.transport.abort()
        await self._hang_up(close=False)

    async def _hang_up(self, *, close: bool = True) -> None:
        """Close and wait to be cancelled, as aiosmtpd's own QUIT does.

        Returning to the command loop instead would read buffered commands and
        answer them into a closed socket.
        """
        if close and self.transport is not None:
            self.transport.close()
        await asyncio.sleep(3600)


class _Controller(Controller):
    def __init__(self, owner: SmtpTestServer, handler: _Handler, **kwargs: Any) -> None:
        super().__init__(handler, **kwargs)
        self.owner = owner

    def factory(self) -> SMTP:
        owner = self.owner
        auth = owner.wants_auth
        tls_context = owner.server_tls_context() if owner.tls else None
        return _FaultySMTP(
            owner,
            self.handler,
            hostname="smtp.isamail.test",
            enable_SMTPUTF8=owner.smtputf8,
            tls_context=tls_context,
            # Our own 530 in smtp_MAIL enforces AUTH: aiosmtpd warns when it is asked
            # to require AUTH without TLS, and warnings are errors under pytest.
            auth_required=False,
            auth_require_tls=not auth,
            authenticator=_authenticator(owner) if auth else None,
            auth_exclude_mechanism=[] if owner.require_oauth2 is not None else ["XOAUTH2"],
            loop=self.loop,
        )

    def _trigger_server(self) -> None:
        # Listening on port 0 lets the OS pick a free port without a race; learn it here.
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A fresh SmtpTestServer on a free port, stopped after the test."""
    with SmtpTestServer() as server:
        yield server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.smtpd", description="SMTP-Testserver für isamail"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--maildir", type=Path, help="jede Nachricht auch hier ablegen")
    parser.add_argument("--no-smtputf8", action="store_true", help="SMTPUTF8 nicht anbieten")
    parser.add_argument("--tls", action="store_true", help="STARTTLS anbieten (trustme-CA)")
    parser.add_argument("--temp-fail-rcpt", type=int, default=0, metavar="N")
    parser.add_argument("--reject", action="append", default=[], metavar="ADRESSE")
    parser.add_argument("--drop-in-data-every", type=int, metavar="N")
    parser.add_argument("--delay", type=float, default=0.0, metavar="SEKUNDEN")
    args = parser.parse_args(argv)
    server = SmtpTestServer(
        host=args.host,
        port=args.port,
        maildir=args.maildir,
        smtputf8=not args.no_smtputf8,
        tls=args.tls,
        temp_fail_rcpt=args.temp_fail_rcpt,
        reject_rcpt=set(args.reject) or None,
        drop_in_data_every=args.drop_in_data_every,
        delay=args.delay,
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    with server:
        where = f" (Maildir {args.maildir})" if args.maildir else ""
        ca = f", CA {server.ca_file}" if args.tls else ""
        print(f"SMTP-Testserver läuft auf {server.url}{where}{ca}", flush=True)
        while not stop.wait(1.0):
            pass


if __name__ == "__main__":
    main()
