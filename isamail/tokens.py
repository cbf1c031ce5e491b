"""Tokens in links and envelope addresses.

Unsubscribe and bounce tokens are stateless: the id they name plus a truncated
HMAC with the project's secret key, so that nothing needs storing per mail, a
token cannot be turned into another subscription's, and URLs stay short enough
for a List-Unsubscribe header that is folded, not encoded. Confirmation tokens
(double opt-in) are random, single-use and stored only as a hash.
"""

from __future__ import annotations

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


_BASE32 = "abcdefghijklmnopqrstuvwxyz234567"  # RFC 4648's alphabet, lower case
_BASE32_PAIRS = [a + b for a in _BASE32 for b in _BASE32]  # 10 bits -> 2 characters
_MAC_BYTES = _MAC_CHARS * 5 // 8


@lru_cache(maxsize=8)
def _key(secret: str) -> bytes:
    return secret.encode()


def _mac(secret: str, purpose: str, value: str) -> str:
    # One call into OpenSSL's HMAC: a send makes two tokens per message, and the hmac
    # module's HMAC object (even a copied one) cost most of the 7 µs a token took.
    digest = hmac.digest(_key(secret), f"{purpose}:{value}".encode(), "sha256")
    # Lower-case base32 (it survives mail servers that fold the case of local parts) of
    # the 10 bytes that make the 16 characters kept: base64.b32encode's result, from a
    # table of character pairs instead of its pure-Python loop.
    n = int.from_bytes(digest[:_MAC_BYTES], "big")
    pairs = _BASE32_PAIRS
    return "".join([pairs[(n >> shift) & 1023] for shift in range(70, -1, -10)])


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


def signed_id(secret: str, purpose: str, ident: int) -> str:
    """``ident`` with a MAC for ``purpose``: for tokens defined elsewhere (weblinks)."""
    return _make(secret, purpose, ident)


def read_signed_id(secret: str, purpose: str, token: str) -> int | None:
    """The id of a ``signed_id`` token, or None for a forged or mangled one."""
    return _read(secret, purpose, token) if secret else None


def unsubscribe_token(secret: str, subscription_id: int) -> str:
    return _make(secret, "unsubscribe", subscription_id)


def read_unsubscribe_token(secret: str, token: str) -> int | None:
    """The subscription id, or None for a forged or mangled token."""
    return _read(secret, "unsubscribe", token)


def bounce_token(secret: str, delivery_id: int) -> str:
    return _make(secret, "bounce", delivery_id)


def read_bounce_token(secret: str, token: str) -> int | None:
    return _read(secret, "bounce", token)


TRANSACTIONAL_PREFIX = "t."


def transactional_bounce_token(secret: str, mail_id: int) -> str:
    """The VERP token of a confirmation or welcome mail (an ``outgoing_mail`` row)."""
    return TRANSACTIONAL_PREFIX + _make(secret, "bounce:t", mail_id)


def read_transactional_bounce_token(secret: str, token: str) -> int | None:
    if not token.lower().startswith(TRANSACTIONAL_PREFIX):
        return None
    return _read(secret, "bounce:t", token[len(TRANSACTIONAL_PREFIX) :])


def message_id_local(secret: str, kind: str, ident: int) -> str:
    """The part before the @ of a Message-ID: ``KIND.ID-MAC``. ``kind`` tells what the
    id counts (an edition's nonce for newsletter deliveries, ``t`` for transactional
    mail); the MAC covers both, so one recipient's Message-ID reveals nothing about
    another's and a returned one proves which mail it was (bounces/)."""
    return f"{kind}.{_make(secret, 'message-id:' + kind, ident)}"


def read_message_id(secret: str, message_id: str) -> tuple[str, int] | None:
    """(kind, id) of a Message-ID made with ``message_id_local``; None for anything
    else, a forged or altered one included."""
    local = message_id.strip().removeprefix("<").partition("@")[0]
    kind, dot, token = local.partition(".")
    if not dot or not kind or len(kind) > 32:
        return None
    ident = _read(secret, "message-id:" + kind, token)
    return None if ident is None else (kind, ident)


def new_confirm_token() -> tuple[str, str]:
    """(the token for the link, the hash to store)."""
    token = secrets.token_urlsafe(24)
    return token, confirm_token_hash(token)


def confirm_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
