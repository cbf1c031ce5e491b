"""The relay: the one place that opens connections to it, for every kind of mail."""

from __future__ import annotations

from collections.abc import Callable

from isamail.config import Settings
from isamail.deliverability.relay import relay_endpoint
from isamail.transport.smtp import SmtpConnection, open_connection

Connect = Callable[[], SmtpConnection]


def connector(settings: Settings) -> Connect:
    """A function that opens one greeted, secured and logged-in connection to the relay
    of ``settings`` (SmtpError, one German line, if it cannot)."""
    endpoint = relay_endpoint(settings)
    timeout = float(settings["smtp.timeout"])
    verify_tls = bool(settings["smtp.verify_tls"])
    ca_file = str(settings["smtp.ca_file"] or "") or None

    def connect() -> SmtpConnection:
        return open_connection(endpoint, timeout=timeout, verify_tls=verify_tls, ca_file=ca_file)

    return connect


def describe(settings: Settings) -> str:
    """The relay for messages: its URL, the password masked."""
    return relay_endpoint(settings).display()
