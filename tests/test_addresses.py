"""Addresses: normalising, validating, and the fast path agreeing with email-validator."""

from __future__ import annotations

import csv

import pytest
from email_validator import EmailNotValidError, validate_email

from isamail.audience.addresses import _fast_valid, address_hash, normalise
from isamail.errors import InvalidAddress
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("  Anna.Schmidt@WFG-Aachen.Example ", "Anna.Schmidt@wfg-aachen.example"),
        ("王伟@例子.example", "王伟@例子.example"),
        ("info@müller-gmbh.example", "info@müller-gmbh.example"),
        ("Info@Müller-Bau.EXAMPLE", "Info@müller-bau.example"),
        ("x@xn--mller-kva.example", "x@müller.example"),
        ("<m.braun@wfg-dortmund.example>", "m.braun@wfg-dortmund.example"),
        ("\u00a0jürgen.köhler@stadt-aachen.example", "jürgen.köhler@stadt-aachen.example"),
    ],
)
def test_normalise_keeps_local_part_and_lowercases_domain(raw: str, stored: str) -> None:
    address = normalise(raw)
    assert address.email == stored
    assert address.key == stored.lower()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("max.mustermann@", "nach dem @ fehlt"),
        ("kein Eintrag", "kein @"),
        ("a@b", "keinen Punkt"),
        ("name@@example.com", "ungültig"),
        ("test@example..com", "zwei Punkte"),
        ("info(at)region-fulda.example", "kein @"),
        ("", "keine E-Mail-Adresse"),
        ("someone@host.test", "ungültig"),
    ],
)
def test_invalid_addresses_are_rejected_with_a_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidAddress, match=reason):
        normalise(raw)


def test_case_variants_share_key_and_hash() -> None:
    a, b = normalise("M.Braun@WFG-Dortmund.example"), normalise("m.braun@wfg-dortmund.example")
    assert a.key == b.key
    assert address_hash(a.email) == address_hash(b.email)


def _corpus_addresses() -> list[str]:
    found = []
    for name, encoding, delimiter in (
        ("subscribers.csv", "utf-8", ","),
        ("subscribers-intl.csv", "utf-8-sig", ","),
        ("subscribers-excel-de.csv", "cp1252", ";"),
    ):
        with (DATA / name).open(encoding=encoding, newline="") as stream:
            found += [row[0] for row in csv.reader(stream, delimiter=delimiter) if row][1:]
    return found


TRICKY = [
    "a@b.co",
    "a..b@c.example",
    ".a@b.example",
    "a.@b.example",
    "a@-b.example",
    "a@b-.example",
    "a@b.c",
    "a@b.123",
    "a@localhost",
    "a@b.local",
    "a@b.invalid",
    "a@xn--nxasmq6b.example",
    "a@ab--cd.example",
    "x" * 65 + "@b.example",
    "a@" + "b" * 64 + ".example",
    "o'brien@b.example",
    "a+tag@b.example",
    "a@b.example.",
    "{x}@b.example",
    "a b@c.example",
]


@pytest.mark.parametrize("candidate", _corpus_addresses() + TRICKY)
def test_fast_path_never_accepts_what_email_validator_rejects(candidate: str) -> None:
    text = candidate.strip()
    local, _, domain = text.rpartition("@")
    lowered = f"{local}@{domain.lower()}"
    if not _fast_valid(lowered):
        return
    try:
        result = validate_email(lowered, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:  # pragma: no cover - this is the failure being guarded
        pytest.fail(f"fast path accepted {lowered!r}, email-validator says {exc}")
    assert result.domain == domain.lower()


def test_special_use_names_match_email_validator_and_are_single_labels() -> None:
    from email_validator import SPECIAL_USE_DOMAIN_NAMES

    from isamail.audience.addresses import _SPECIAL_USE

    # the fast path keeps its own copy of the list and compares only the top-level label
    assert set(SPECIAL_USE_DOMAIN_NAMES) == _SPECIAL_USE
    assert all("." not in name for name in SPECIAL_USE_DOMAIN_NAMES)
