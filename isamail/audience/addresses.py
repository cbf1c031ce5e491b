"""E-mail addresses: normalising, validating, hashing.

An address is stored as written, with surrounding space removed and the domain
lower-cased (IDN domains stay in Unicode; the ASCII form is made when sending).
Two addresses are the same subscriber when their lower-cased forms match
(``address_key``): offices write "Max.Muster@Stadt.example" and
"max.muster@stadt.example" for one person.

Validation is email-validator's. It costs about 46 µs an address, too much for
an import of 100,000 rows, so plain ASCII addresses that are valid by a strict
pattern (a subset of what email-validator accepts; a test holds the two
together) skip it, and email-validator is imported only when an address needs it.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from isamail.errors import InvalidAddress

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_PLAIN_ASCII = re.compile(
    rf"{_ATEXT}(?:\.{_ATEXT})*@(?:[a-z0-9](?:[a-z0-9-]{{0,61}}[a-z0-9])?\.)+[a-z]{{2,63}}"
)
# email-validator's SPECIAL_USE_DOMAIN_NAMES, copied so that the fast path needs no import of
# it; a test holds the two equal. They are all single labels, so the top-level label decides.
_SPECIAL_USE = frozenset(("arpa", "invalid", "local", "localhost", "onion", "test"))
# Characters trimmed from both ends: spaces, tabs, no-break spaces, zero-width ones, and the
# angle brackets of "<a@b.example>" as pasted from a mail client.
_TRIM = " \t\r\n\u00a0\u2007\u202f\u200b\ufeff<>"


class Address(NamedTuple):  # a tuple: an import makes 100,000 of them
    email: str  # as stored: local part as written, domain lower-cased
    key: str  # lower-cased, for matching duplicates

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2]

    @property
    def needs_smtputf8(self) -> bool:
        return not self.email.rpartition("@")[0].isascii()


def normalise(raw: str) -> Address:
    """The address in its stored form, or InvalidAddress with a reason in German."""
    text = raw.strip(_TRIM)
    if not text:
        raise InvalidAddress("keine E-Mail-Adresse")
    local, at, domain = text.rpartition("@")
    if not at:
        raise InvalidAddress(f"„{text}“ ist keine E-Mail-Adresse (kein @)")
    candidate = f"{local}@{domain.lower()}"
    email = candidate if _fast_valid(candidate) else _validated(candidate)
    return Address(email, address_key(email))


def address_key(email: str) -> str:
    return email.lower()


def address_hash(email: str) -> str:
    """The hash kept on the suppression list (of the lower-cased address)."""
    return hashlib.sha256(address_key(email).encode("utf-8")).hexdigest()


def address_forms(email: str) -> set[str]:
    """The ways a server may write the address back: as stored, and with the domain in
    its ASCII (xn--) form."""
    local, _, domain = email.rpartition("@")
    forms = {email}
    if not domain.isascii():
        import idna

        with contextlib.suppress(idna.IDNAError):
            forms.add(f"{local}@{idna.encode(domain, uts46=True).decode('ascii')}")
    return forms


def _fast_valid(candidate: str) -> bool:
    if len(candidate) > 254 or not _PLAIN_ASCII.fullmatch(candidate):
        return False
    local, _, domain = candidate.rpartition("@")
    if len(local) > 64:
        return False
    # IDNA-encoded labels ("xn--") and reserved names need email-validator's full check.
    if "--" in domain and any(label[2:4] == "--" for label in domain.split(".")):
        return False
    return domain.rpartition(".")[2] not in _SPECIAL_USE


@lru_cache(maxsize=4096)
def _validated(candidate: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        raise InvalidAddress(f"„{candidate}“ ist ungültig: {_german_reason(str(exc))}") from None
    # email-validator lower-cases role names ("Info@" -> "info@"); the local part is kept as
    # written (NFC only), like the fast path does, so both paths store the same thing.
    local = unicodedata.normalize("NFC", candidate.rpartition("@")[0])
    return f"{local}@{result.domain}"


def _german_reason(reason: str) -> str:
    """email-validator's English reason in the reader's language (isamail.i18n)."""
    from isamail.i18n.libraries import email_reason

    return email_reason(reason)


def mask(address: str) -> str:
    """The address as a page may show it to whoever holds a link: the start of the local
    part and the domain, enough for its owner to recognise (an•••@example.org)."""
    local, at, domain = address.rpartition("@")
    if not at:
        return "•••"
    keep = 1 if len(local) <= 3 else 2
    return f"{local[:keep]}•••@{domain}"
