"""DKIM signing of finished messages (dkimpy), for relays that do not sign or sign
with their own domain instead of the From domain.

``Signer.sign(message) -> bytes`` takes one complete message (RFC 5322, CRLF line
endings, not dot-stuffed) and returns it with a DKIM-Signature header in front. It
is called once per recipient, after the per-recipient headers (To, Message-ID,
List-Unsubscribe) are filled in, since the signature covers them.

Keys live in the project (``dkim/SELECTOR.pem``, mode 0600, git-ignored), made by
``isamail dkim keygen``; the DNS record to publish comes from the key.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from isamail.config import Settings
from isamail.errors import ConfigError, IsamailError

Algorithm = Literal["rsa", "ed25519"]

# Gmail and Yahoo ask for both List-Unsubscribe headers under the signature (RFC 8058).
# Each name is signed once more than it occurs ("oversigning"): a header added on the
# way, a second From or Subject, breaks the signature instead of riding along.
SIGNED_HEADERS = (
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "List-Id",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Reply-To",
    "MIME-Version",
    "Content-Type",
)
_INCLUDE = [h.lower().encode("ascii") for h in SIGNED_HEADERS] * 2


@dataclass(frozen=True)
class DkimKey:
    algorithm: Algorithm
    pem: bytes  # the private key as stored (PKCS#1 for RSA, PKCS#8 for Ed25519)
    public: str  # base64, the p= of the DNS record
    bits: int

    @property
    def record(self) -> str:
        """The TXT record's value."""
        return f"v=DKIM1; k={self.algorithm}; p={self.public}"


def generate_key(algorithm: Algorithm = "rsa", bits: int = 2048) -> DkimKey:
    if algorithm == "ed25519":
        return _key_from(ed25519.Ed25519PrivateKey.generate())
    if bits < 1024:
        raise IsamailError("DKIM-Schlüssel mit RSA brauchen mindestens 1024 Bit (empfohlen 2048).")
    return _key_from(rsa.generate_private_key(public_exponent=65537, key_size=bits))


def _key_from(key: rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey) -> DkimKey:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        raw = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        return DkimKey("ed25519", pem, base64.b64encode(raw).decode("ascii"), 256)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return DkimKey("rsa", pem, base64.b64encode(der).decode("ascii"), key.key_size)


def load_key(path: Path) -> DkimKey:
    """The key in ``path``; one German line if it cannot be read or is no DKIM key."""
    try:
        pem = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            f"dkim.key_file {path} fehlt.",
            hint="Legen Sie einen Schlüssel mit `isamail dkim keygen` an.",
        ) from None
    except OSError as exc:
        raise ConfigError(f"dkim.key_file {path} ist nicht lesbar: {exc.strerror}.") from None
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError):
        raise ConfigError(
            f"dkim.key_file {path} enthält keinen unverschlüsselten privaten Schlüssel (PEM)."
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ConfigError(f"dkim.key_file {path}: nur RSA- und Ed25519-Schlüssel taugen für DKIM.")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < 1024:
        raise ConfigError(
            f"dkim.key_file {path}: {key.key_size} Bit sind zu wenig (mindestens 1024)."
        )
    loaded = _key_from(key)
    return DkimKey(loaded.algorithm, pem, loaded.public, loaded.bits)


def write_key(path: Path, key: DkimKey) -> None:
    """Writes a new key file readable by its owner only; an existing file is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise IsamailError(
            f"{path} gibt es schon; ein vorhandener Schlüssel wird nicht überschrieben.",
            hint="Wählen Sie einen neuen Selektor (--selector) für einen neuen Schlüssel.",
        ) from None
    with os.fdopen(fd, "wb") as out:
        out.write(key.pem)


class Signer:
    """Signs finished messages for ``domain`` with the key published at ``selector``."""

    def __init__(self, key: DkimKey, selector: str, domain: str) -> None:
        self.key = key
        self.selector = selector
        self.domain = domain
        self._selector = selector.encode("ascii")
        self._domain = domain.encode("ascii")
        if key.algorithm == "rsa":
            self._private = key.pem
            self._algorithm = b"rsa-sha256"
        else:
            private = serialization.load_pem_private_key(key.pem, password=None)
            assert isinstance(private, ed25519.Ed25519PrivateKey)
            seed = private.private_bytes(
                serialization.Encoding.Raw,
                serialization.PrivateFormat.Raw,
                serialization.NoEncryption(),
            )
            self._private = base64.b64encode(seed)
            self._algorithm = b"ed25519-sha256"

    @property
    def record_name(self) -> str:
        return f"{self.selector}._domainkey.{self.domain}"

    def sign(self, message: bytes) -> bytes:
        """``message`` with a DKIM-Signature header in front (relaxed/relaxed)."""
        signature = dkim.sign(
            message,
            self._selector,
            self._domain,
            self._private,
            canonicalize=(b"relaxed", b"relaxed"),
            signature_algorithm=self._algorithm,
            include_headers=_INCLUDE,
            linesep=b"\r\n",
        )
        return signature + message

    def __repr__(self) -> str:  # never the key
        return f"<Signer {self.algorithm} {self.record_name}>"

    @property
    def algorithm(self) -> str:
        return self._algorithm.decode("ascii")


def key_path(settings: Settings) -> Path | None:
    value = str(settings["dkim.key_file"])
    if not value:
        return None
    path = Path(value)
    return path if path.is_absolute() else settings.project_dir / path


def signing_domain(settings: Settings) -> str:
    from email.utils import parseaddr

    domain = str(settings["dkim.domain"]) or parseaddr(settings.from_address)[1].rpartition("@")[2]
    return domain.lower()


def signer_for(settings: Settings) -> Signer | None:
    """The project's signer, or None where isamail does not sign (no ``dkim.key_file``)."""
    path = key_path(settings)
    if path is None:
        return None
    selector = str(settings["dkim.selector"])
    if not selector:
        raise ConfigError(
            "dkim.key_file ist gesetzt, dkim.selector fehlt: ohne Selektor findet niemand den "
            "öffentlichen Schlüssel."
        )
    return Signer(load_key(path), selector, _ascii_domain(signing_domain(settings)))


def _ascii_domain(domain: str) -> str:
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ConfigError(f"DKIM-Domain {domain} ist kein gültiger Domainname.") from None
