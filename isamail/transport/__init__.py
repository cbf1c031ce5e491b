"""Transports: how a finished message leaves isamail.

``smtp`` talks to the relay (the only module that imports smtplib). Every
transport hands out connections with the same small surface, ``Connection``,
so that the sender does not care whether mail goes to a server, to files or
to a list in a test.
"""

from __future__ import annotations

from typing import Protocol

from isamail.transport.smtp import (
    SendOutcome,
    SmtpConnection,
    SmtpEndpoint,
    open_connection,
    parse_smtp_url,
)

__all__ = [
    "Connection",
    "SendOutcome",
    "SmtpConnection",
    "SmtpEndpoint",
    "open_connection",
    "parse_smtp_url",
]


class Connection(Protocol):
    """One open session of a transport; used by one thread at a time."""

    supports_smtputf8: bool
    sent_count: int

    @property
    def alive(self) -> bool: ...

    def send(
        self, envelope_from: str, recipient: str, message: bytes, *, smtputf8: bool = False
    ) -> SendOutcome: ...

    def reset(self) -> None: ...

    def close(self) -> None: ...
