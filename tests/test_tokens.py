"""Stateless tokens: links in mails already sent must keep working, so a token's form
is fixed. Checked against HMAC-SHA256 and RFC 4648 base32 as the standard library
spells them, and against tokens an earlier isamail wrote."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random

from isamail.tokens import (
    bounce_token,
    read_bounce_token,
    read_unsubscribe_token,
    unsubscribe_token,
)


def reference(secret: str, purpose: str, ident: int) -> str:
    digits = ""
    n = ident
    while True:
        n, r = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
        if not n:
            break
    mac = hmac.new(secret.encode(), f"{purpose}:{digits}".encode(), hashlib.sha256).digest()
    return f"{digits}-{base64.b32encode(mac).decode('ascii').lower()[:16]}"


def test_tokens_are_hmac_sha256_in_lower_case_base32() -> None:
    rng = random.Random(20261201)
    for _ in range(5_000):
        secret = rng.choice(["test-secret-key", "Geheimnis-äöü-密钥", "x" * 80])
        ident = rng.choice([0, 1, 35, 36, rng.randrange(10**6), rng.randrange(10**15)])
        token = bounce_token(secret, ident)
        assert token == reference(secret, "bounce", ident)
        assert unsubscribe_token(secret, ident) == reference(secret, "unsubscribe", ident)
        assert read_bounce_token(secret, token) == ident
        assert read_unsubscribe_token(secret, token) is None  # another purpose


def test_tokens_of_an_earlier_isamail_are_made_and_read_alike() -> None:
    # written by the isamail of 2026-11 (hmac.new(...).copy() and base64.b32encode)
    assert bounce_token("test-secret-key", 4711) == "3mv-bnncdvidh5r3jqjr"
    assert unsubscribe_token("test-secret-key", 4711) == "3mv-essc3hrgmo5wrjmr"
    assert unsubscribe_token("Geheimnis-äöü-密钥", 10**12) == "cre66i9s-enqowvkzdxrwr3wd"
    assert read_unsubscribe_token("test-secret-key", "3MV-ESSC3HRGMO5WRJMR") == 4711


def test_message_ids_carry_a_mac_that_names_kind_and_id() -> None:
    from isamail.tokens import message_id_local, read_message_id

    local = message_id_local("k", "a1b2c3", 41)
    assert read_message_id("k", f"<{local}@isa-portal.de>") == ("a1b2c3", 41)
    # a neighbour's id, another kind, another key or a bare sequence number: refused
    neighbour = local.replace(".15-", ".16-")
    assert read_message_id("k", f"<{neighbour}@isa-portal.de>") is None
    assert read_message_id("k", f"<{local.replace('a1b2c3', 'a1b2c4')}@x>") is None
    assert read_message_id("other", f"<{local}@isa-portal.de>") is None
    assert read_message_id("k", "<a1b2c3.41@isa-portal.de>") is None
    assert message_id_local("k", "a1b2c3", 42).split("-")[1] != local.split("-")[1]
