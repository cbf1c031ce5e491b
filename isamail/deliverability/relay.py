"""The relay as the settings describe it: where it is and how isamail logs in."""

from __future__ import annotations

import dataclasses

from isamail.config import Settings
from isamail.transport.smtp import SmtpEndpoint, parse_smtp_url


def relay_endpoint(settings: Settings) -> SmtpEndpoint:
    """``smtp_url`` with the login rules of the settings (``smtp.allow_plaintext_login``)."""
    endpoint = parse_smtp_url(settings.require("smtp_url", "Mail versenden"))
    return dataclasses.replace(
        endpoint, allow_plaintext_login=bool(settings["smtp.allow_plaintext_login"])
    )
