"""Tokens in links and envelope addresses.

Unsubscribe and bounce tokens are stateless: the id they name plus a truncated
HMAC with the project's secret key, so that nothing needs storing per mail, a
token cannot be turned into another subscription's, and URLs stay short enough
for a List-Unsubscribe header that is folded, not encoded. Confirmation tokens
(double opt-in) are random, single-use and stored only as a hash.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from functools import lru_cache

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_MAC_CHARS = 16  # 16 base32 chars = 80 bits of HMAC


def _base36(n: int) -> str:
    if n < 0:
        raise ValueError("negative id")
    digits = ""
    while True:
        n, r = divmod(n, 36)
        digits = _ALPHABET[r] + digits
        if n == 0:
            return digits


@lru_cache(maxsize=8)
def _keyed(secret: str, purpose: str) -> hmac.HMAC:
    """The HMAC state after the key and the purpose: a send makes two tokens per message,
    and copying this state is cheaper than keying a new HMAC each time."""
    return hmac.new(secret.encode(), f"{purpose}:".encode(), hashlib.sha256)


def _mac(secret: str, purpose: str, value: str) -> str:
    mac = _keyed(secret, purpose).copy()
    mac.update(value.encode())
    # lower-case base32: survives mail servers that fold the case of local parts. Only the
    # bytes that make the kept characters are encoded (5 bits a character): the same
    # token, for a third of base64's pure-Python base32 work, twice per message sent.
    digest = mac.digest()[: _MAC_CHARS * 5 // 8]
    return base64.b32encode(digest).decode("ascii").lower()


def _make(secret: str, purpose: str, ident: int) -> str:
    value = _base36(ident)
    return f"{value}-{_mac(secret, purpose, value)}"


def _read(secret: str, purpose: str, token: str) -> int | None:
    value, _, mac = token.strip().lower().partition("-")
    if not value or not mac or any(c not in _ALPHABET for c in value) or len(value) > 13:
        return None
    if not hmac.compare_digest(mac, _mac(secret, purpose, value)):
        return None
    return int(value, 36)


def unsubscribe_token(secret: str, subscription_id: int) -> str:
    return _make(secret, "unsubscribe", subscription_id)


def read_unsubscribe_token(secret: str, token: str) -> int | None:
    """The subscription id, or None for a forged or mangled token."""
    return _read(secret, "unsubscribe", token)


def bounce_token(secret: str, delivery_id: int) -> str:
    return _make(secret, "bounce", delivery_id)


def read_bounce_token(secret: str, token: str) -> int | None:
    return _read(secret, "bounce", token)


def new_confirm_token() -> tuple[str, str]:
    """(the token for the link, the hash to store)."""
    token = secrets.token_urlsafe(24)
    return token, confirm_token_hash(token)


def confirm_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
