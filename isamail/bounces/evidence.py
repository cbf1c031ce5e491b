"""What in a returned message could prove which of our mails it is about.

Nothing found here is trusted. Each value is a candidate that ``bounces.proof`` verifies
before anything acts on it: a VERP token or Message-ID by its MAC, an unsubscribe token
by its MAC, an Amazon SES message id by an exact match with the id SES gave us when it
took the mail. Addresses a report names are *not* evidence: anyone can write any address
into a report mailed to the (public) bounce address.

Where candidates come from, most trustworthy first:

* **tokens**: our VERP envelope sender ``bounces+TOKEN@domain`` (``bounces+t.TOKEN@domain``
  for confirmation and welcome mails) in the envelope headers
  the receiving MTA wrote (``Delivered-To``, ``X-Original-To``, ``Envelope-To``), in the
  bounce's ``To`` (the MTA addresses it to the envelope sender), in the returned
  original's ``Return-Path``; for Amazon SES, ``mail.source`` (the envelope sender we
  gave SES).
* **message_ids**: the ``Message-ID`` of the returned original (a ``message/rfc822`` or
  ``text/rfc822-headers`` part, or header lines a text bounce quotes), then
  ``In-Reply-To``/``References`` of the report itself.
* **unsubscribe_tokens**: the returned original's ``List-Unsubscribe`` header and the
  ``/u/TOKEN`` links of its body.
* **relay_ids**: Amazon SES's own message id (``mail.messageId``), which SES also uses as
  the Message-ID of the mail it delivers (``<ID@email.amazonses.com>``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import Message

_TOKEN_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To")
_ANGLE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")
_QUOTED_MESSAGE_ID = re.compile(r"^\s*message-id\s*:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
# /u/TOKEN in a link, or "unsubscribe TOKEN" in a mailto: subject (tokens.unsubscribe_token)
_UNSUBSCRIBE = re.compile(
    r"(?:/u/|subject=unsubscribe(?:%20|\+|\s)+)([0-9a-z]{1,13}-[a-z2-7]{16})(?![a-z0-9])",
    re.IGNORECASE,
)
# Amazon SES: 16 hex digits, a random UUID, 6 hex digits. Nothing shorter or guessable is
# taken as a relay id (a Postfix queue id, say, is nearly sequential).
SES_MESSAGE_ID = re.compile(
    r"[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{6}"
)


@dataclass(frozen=True)
class Evidence:
    """Candidates, in the order they are tried; see the module docstring."""

    tokens: tuple[str, ...] = ()
    message_ids: tuple[str, ...] = ()
    unsubscribe_tokens: tuple[str, ...] = ()
    relay_ids: tuple[str, ...] = ()

    def merged(self, other: Evidence) -> Evidence:
        """This evidence first, then other's."""
        return Evidence(
            _unique(self.tokens + other.tokens),
            _unique(self.message_ids + other.message_ids),
            _unique(self.unsubscribe_tokens + other.unsubscribe_tokens),
            _unique(self.relay_ids + other.relay_ids),
        )


def token_pattern(verp_local: str) -> re.Pattern[str]:
    """``LOCAL+TOKEN@domain``; TOKEN a delivery's, or ``t.`` and a transactional mail's."""
    return re.compile(
        rf"(?<![\w.+-])(?i:{re.escape(verp_local)})\+((?i:t\.)?[A-Za-z0-9_-]+)@[\w-]+(?:\.[\w-]+)+"
    )


def find_evidence(
    headers: Iterable[tuple[str, str]],
    original: Message | None,
    original_text: str,
    report_text: str,
    verp_local: str,
) -> Evidence:
    """Candidates from the report's headers (name, decoded value), the returned original's
    headers and decoded body text, and the report's own human-readable text."""
    headers = list(headers)
    pattern = token_pattern(verp_local)
    places = [v for name in _TOKEN_HEADERS for n, v in headers if n.lower() == name.lower()]
    original_headers = list(original.items()) if original is not None else []
    places += [str(v) for n, v in original_headers if n.lower() == "return-path"]
    tokens = [m.group(1) for place in places for m in pattern.finditer(place)]

    ids = [
        found
        for n, v in original_headers
        if n.lower() == "message-id"
        for found in _message_ids(str(v))
    ]
    ids += _QUOTED_MESSAGE_ID.findall(report_text)
    for name in ("In-Reply-To", "References"):
        ids += [i for n, v in headers if n.lower() == name.lower() for i in _ANGLE_ID.findall(v)]

    listed = " ".join(str(v) for n, v in original_headers if n.lower() == "list-unsubscribe")
    unsubscribe = [m.group(1).lower() for m in _UNSUBSCRIBE.finditer(listed)]
    unsubscribe += [m.group(1).lower() for m in _UNSUBSCRIBE.finditer(original_text)]

    relay = [m.group(0) for i in ids for m in SES_MESSAGE_ID.finditer(i.lower())]
    return Evidence(_unique(tokens), _unique(ids), _unique(unsubscribe), _unique(relay))


def ses_evidence(mail: dict[str, object], message_ids: Iterable[str], verp_local: str) -> Evidence:
    """Candidates from an SES notification's ``mail`` object."""
    source = mail.get("source")
    tokens = token_pattern(verp_local).findall(source) if isinstance(source, str) else []
    own = mail.get("messageId")
    relay = (
        [own.strip().lower()]
        if isinstance(own, str) and SES_MESSAGE_ID.fullmatch(own.strip().lower())
        else []
    )
    return Evidence(_unique(tokens), _unique(message_ids), (), _unique(relay))


def _message_ids(value: str) -> list[str]:
    found = _ANGLE_ID.findall(value)
    if found:
        return found
    value = value.strip()
    # some MTAs drop the angle brackets
    return [f"<{value}>"] if "@" in value and " " not in value else []


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
