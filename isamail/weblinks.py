"""Signed links to an issue's web version and images, checked by `isamail serve`.

- A reader's link (``?r=``) names the subscription it was mailed to: the web version
  opens whether or not the edition is in the public archive, with that reader's own
  unsubscribe link. It does not expire; mails are read months later.
- A proof link (``?p=``) carries an expiry time: test copies show an unsent issue and
  its images for PROOF_DAYS, and nothing of an unsent issue is ever at a URL that can
  be guessed.

Both are an id or a time plus a truncated HMAC over it and the issue's name, like the
unsubscribe tokens (made by tokens.py), so nothing is stored per link.
"""

from __future__ import annotations

import time
from urllib.parse import quote

from isamail.tokens import read_signed_id as _read
from isamail.tokens import signed_id as _sign

PROOF_DAYS = 14


def archive_url(base_url: str, issue: str) -> str:
    return f"{base_url.rstrip('/')}/archive/{quote(issue)}"


# --- readers --------------------------------------------------------------------------


def reader_token(secret: str, issue: str, subscription_id: int) -> str:
    return _sign(secret, f"web:{issue}", subscription_id)


def read_reader_token(secret: str, issue: str, token: str) -> int | None:
    """The subscription a reader's link was made for, or None for a forged one."""
    return _read(secret, f"web:{issue}", token)


def reader_link(secret: str, base_url: str, issue: str, subscription_id: int) -> str:
    """The web version link in the mail to subscription ``subscription_id``."""
    return f"{archive_url(base_url, issue)}?r={reader_token(secret, issue, subscription_id)}"


# --- proofs ---------------------------------------------------------------------------


def proof_token(
    secret: str, issue: str, *, days: int = PROOF_DAYS, now: float | None = None
) -> str:
    expires = int((time.time() if now is None else now) + days * 86400)
    return _sign(secret, f"proof:{issue}", expires)


def proof_valid(secret: str, issue: str, token: str, *, now: float | None = None) -> bool | None:
    """True while a proof token is valid, False once it has expired, None if forged."""
    expires = _read(secret, f"proof:{issue}", token)
    if expires is None:
        return None
    return (time.time() if now is None else now) < expires
