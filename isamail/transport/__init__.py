"""Transports: how a finished message leaves isamail.

``protocol`` is SMTP's client side on bytes alone; ``smtp`` opens sessions with the
relay (the only module that imports smtplib) and moves the protocol's bytes over them.
Only the sending package uses the transport.
"""

from __future__ import annotations

from isamail.transport.smtp import (
    SendOutcome,
    SmtpConnection,
    SmtpEndpoint,
    open_connection,
    parse_smtp_url,
)

__all__ = [
    "SendOutcome",
    "SmtpConnection",
    "SmtpEndpoint",
    "open_connection",
    "parse_smtp_url",
]
