"""The relay as the settings describe it: where it is, how isamail logs in, and, for
relays isamail knows, their SPF include and their sending limits."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from isamail.config import Settings
from isamail.deliverability.quotas import Quota
from isamail.transport.smtp import SmtpEndpoint, parse_smtp_url


def relay_endpoint(settings: Settings) -> SmtpEndpoint:
    """``smtp_url`` with the login rules of the settings: ``smtp.allow_plaintext_login``,
    and XOAUTH2 where ``[oauth2]`` names a token endpoint or command."""
    from isamail.deliverability.oauth2 import token_source_for

    endpoint = parse_smtp_url(settings["smtp_url"])
    return dataclasses.replace(
        endpoint,
        allow_plaintext_login=bool(settings["smtp.allow_plaintext_login"]),
        oauth2=token_source_for(settings),
    )


@dataclass(frozen=True)
class RelayProvider:
    name: str
    hosts: tuple[str, ...]  # host names or suffixes (".example.com")
    spf_include: str  # what the sender's SPF record must include
    quota: Quota | None  # the provider's published limits for one sender, where fixed


RELAYS = (
    RelayProvider(
        "Microsoft 365",
        ("smtp.office365.com", ".mail.protection.outlook.com", "smtp-mail.outlook.com"),
        "spf.protection.outlook.com",
        Quota(per_minute=30, per_day=10_000),
    ),
    RelayProvider(
        "Google Workspace (smtp-relay)",
        ("smtp-relay.gmail.com",),
        "_spf.google.com",
        Quota(per_day=10_000),
    ),
    RelayProvider(
        "Google (smtp.gmail.com)", ("smtp.gmail.com",), "_spf.google.com", Quota(per_day=2_000)
    ),
    RelayProvider("Amazon SES", (".amazonaws.com",), "amazonses.com", None),
    RelayProvider("IONOS", ("smtp.ionos.de", "smtp.ionos.com"), "_spf-eu.ionos.com", None),
    RelayProvider("Mailjet", ("in-v3.mailjet.com",), "spf.mailjet.com", None),
    RelayProvider(
        "Brevo", ("smtp-relay.brevo.com", "smtp-relay.sendinblue.com"), "spf.brevo.com", None
    ),
)


def relay_provider(settings: Settings) -> RelayProvider | None:
    """The known provider behind ``smtp_url``, if any."""
    try:
        host = parse_smtp_url(settings["smtp_url"]).host.lower().rstrip(".")
    except Exception:
        return None
    for provider in RELAYS:
        for pattern in provider.hosts:
            if host == pattern or (pattern.startswith(".") and host.endswith(pattern)):
                return provider
    return None
