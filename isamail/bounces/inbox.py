"""Reading returned mail from an mbox file, a Maildir, or an IMAP folder.

Each reader yields ``ReturnedMail(key, raw)``; ``key`` names the message within its
mailbox (mbox position, Maildir file, IMAP UID), and the caller stores a digest of it to
process every message once. Readers never change or delete what they read, except
``mark_processed`` of a Maildir or an IMAP folder, which the caller invokes after
recording a message it has dealt with (not for a reader's reply, which stays unread).
"""

from __future__ import annotations

import base64
import contextlib
import imaplib
import mailbox
import os
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from isamail.errors import IsamailError


@dataclass(frozen=True)
class ReturnedMail:
    key: str
    raw: bytes


def read_mbox(path: Path) -> Iterator[ReturnedMail]:
    """Messages of an mbox file, keyed by their position ("mbox:0", "mbox:1", …)."""
    if not path.is_file():
        raise IsamailError(f"Postfach-Datei {path} nicht gefunden")
    try:
        box = mailbox.mbox(path, create=False)
        try:
            for key in box.iterkeys():
                yield ReturnedMail(f"mbox:{key}", box.get_bytes(key, from_=False))
        finally:
            box.close()
    except (OSError, mailbox.Error) as err:
        raise IsamailError(f"Postfach-Datei {path} kann nicht gelesen werden: {err}") from err


class MaildirBox:
    """A Maildir folder: messages in new/ and cur/, keyed ``maildir:SUBDIR/FILENAME``.

    ``mark_processed`` does what a mail client does with a message it has shown: moves
    it from new/ to cur/ and adds the seen flag (``:2,S``). A message isamail leaves
    alone (a reader's reply) stays in new/ for a person. The files are renamed, never
    rewritten.
    """

    def __init__(self, path: Path) -> None:
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise IsamailError(f"{path} ist kein Maildir-Ordner (new/ und cur/ fehlen)")
        self.path = path

    def __iter__(self) -> Iterator[ReturnedMail]:
        try:
            # listed before the first is processed: mark_processed moves files into cur/
            names = [
                (subdir, name)
                for subdir in ("new", "cur")
                for name in sorted(os.listdir(self.path / subdir))
                if not name.startswith(".")
            ]
            for subdir, name in names:
                try:
                    raw = (self.path / subdir / name).read_bytes()
                except FileNotFoundError:  # a mail client moved it meanwhile
                    continue
                yield ReturnedMail(f"maildir:{subdir}/{name}", raw)
        except OSError as err:
            raise IsamailError(f"Maildir {self.path} kann nicht gelesen werden: {err}") from err

    def mark_processed(self, key: str) -> None:
        subdir, _, name = key.removeprefix("maildir:").partition("/")
        unique, _, info = name.partition(":2,")
        flags = "".join(sorted(set(info) | {"S"}))
        # a client may have moved or flagged it meanwhile: then it is someone else's now
        with contextlib.suppress(FileNotFoundError):
            os.rename(self.path / subdir / name, self.path / "cur" / f"{unique}:2,{flags}")


def read_maildir(path: Path) -> Iterator[ReturnedMail]:
    """Messages in new/ and cur/ of a Maildir, read only."""
    return iter(MaildirBox(path))


@dataclass(frozen=True)
class ImapSettings:
    """An ``imaps://user:pass@host:993/INBOX?processed=Processed`` URL, taken apart."""

    host: str
    port: int
    user: str
    password: str
    folder: str
    processed_folder: str | None

    @classmethod
    def from_url(cls, url: str) -> ImapSettings:
        parts = urlsplit(url)
        if parts.scheme != "imaps":
            raise IsamailError(
                f"IMAP-Adresse {mask_password(url)} muss mit imaps:// beginnen (nur TLS)"
            )
        if not parts.hostname or parts.username is None or parts.password is None:
            raise IsamailError(
                f"IMAP-Adresse {mask_password(url)} braucht Benutzer, Passwort und Server"
            )
        try:
            port = parts.port or 993
        except ValueError as err:
            raise IsamailError(f"IMAP-Adresse {mask_password(url)}: ungültiger Port") from err
        options = parse_qs(parts.query)
        processed = options.get("processed", [None])[-1]
        return cls(
            host=parts.hostname,
            port=port,
            user=unquote(parts.username),
            password=unquote(parts.password),
            folder=unquote(parts.path.lstrip("/")) or "INBOX",
            processed_folder=processed or None,
        )

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"


def mask_password(url: str) -> str:
    """The URL with its password replaced, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return parts._replace(netloc=f"{user}:***@{netloc[1]}").geturl()


# Set on processed messages when the URL names no folder to move them to.
PROCESSED_KEYWORD = "IsamailProcessed"


class ImapMailbox:
    """An IMAP folder over TLS (certificate checked), read by UID.

    With ``?processed=Folder`` a processed message is moved there (MOVE, or COPY plus
    delete where the server lacks MOVE); the folder is created if it does not exist yet.
    Without it, a processed message is flagged ``\\Seen`` and ``IsamailProcessed``, and
    later runs skip messages carrying that keyword. Messages flagged ``\\Deleted`` are
    skipped either way.

    The certificate is checked against the system's CAs; a private CA is trusted by
    pointing ``SSL_CERT_FILE`` at it (``ssl.create_default_context`` honours it).
    """

    def __init__(self, url: str, *, timeout: float = 30) -> None:
        self.settings = ImapSettings.from_url(url)
        s = self.settings
        if s.processed_folder is not None and s.processed_folder == s.folder:
            raise IsamailError(
                f"IMAP-Ordner {s.folder} kann nicht zugleich Eingang und Ablage "
                "(?processed=) für verarbeitete Nachrichten sein"
            )
        self._conn = self._connect(timeout)
        try:
            self._capabilities = self._read_capabilities()
            if s.processed_folder is not None:
                self._ensure_folder(s.processed_folder)
            typ, data = self._conn.select(encode_folder(s.folder))
            if typ != "OK":
                raise IsamailError(
                    f"IMAP-Ordner {s.label} lässt sich nicht öffnen: {_server_text(data)}"
                )
        except (OSError, imaplib.IMAP4.error) as err:
            _logout(self._conn)
            raise IsamailError(
                f"Verbindung zu IMAP-Server {s.label} abgebrochen: {_server_text(err)}"
            ) from err
        except IsamailError:
            _logout(self._conn)
            raise

    def _connect(self, timeout: float) -> imaplib.IMAP4_SSL:
        s = self.settings
        try:
            conn = imaplib.IMAP4_SSL(
                s.host, s.port, ssl_context=ssl.create_default_context(), timeout=timeout
            )
        # Order matters: a certificate error is an OSError as well.
        except ssl.SSLCertVerificationError as err:
            raise IsamailError(
                f"Zertifikat des IMAP-Servers {s.host}:{s.port} wird nicht anerkannt "
                f"({err.verify_message}); eine eigene CA mit SSL_CERT_FILE=DATEI angeben"
            ) from err
        except (OSError, ssl.SSLError, imaplib.IMAP4.error, UnicodeError) as err:
            raise IsamailError(
                f"IMAP-Server {s.host}:{s.port} nicht erreichbar: {_server_text(err)}"
            ) from err
        try:
            if f"{s.user}{s.password}".isascii():
                conn.login(s.user, s.password)
            else:
                # LOGIN takes ASCII only; SASL PLAIN carries UTF-8 (RFC 4616)
                credentials = f"\0{s.user}\0{s.password}".encode()
                conn.authenticate("PLAIN", lambda _challenge: credentials)
        except (OSError, imaplib.IMAP4.error) as err:
            _logout(conn)
            raise IsamailError(
                f"Anmeldung bei IMAP-Server {s.label} fehlgeschlagen: {_server_text(err)}"
            ) from err
        return conn

    def _read_capabilities(self) -> set[str]:
        # after LOGIN: servers announce extensions such as MOVE only to logged-in users
        return {c.upper() for c in _first(self._command("CAPABILITY")).decode().split()}

    def _ensure_folder(self, folder: str) -> None:
        listed = self._command("LIST", '""', encode_folder(folder))
        if not any(isinstance(line, bytes) and line for line in listed):
            self._command("CREATE", encode_folder(folder))

    def __iter__(self) -> Iterator[ReturnedMail]:
        # A message someone marked deleted is on its way out: not ours to process or move.
        query = "UNDELETED"
        if self.settings.processed_folder is None:
            query += f" UNKEYWORD {PROCESSED_KEYWORD}"
        for uid in _first(self._command("UID", "SEARCH", query)).split():
            data = self._command("UID", "FETCH", uid.decode(), "(BODY.PEEK[])")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if isinstance(raw, bytes):
                yield ReturnedMail(f"imap:{self.settings.folder}:{uid.decode()}", raw)

    def mark_processed(self, key: str) -> None:
        uid = key.rsplit(":", 1)[-1]
        target = self.settings.processed_folder
        if target is None:
            self._command("UID", "STORE", uid, "+FLAGS", f"(\\Seen {PROCESSED_KEYWORD})")
            return
        if "MOVE" in self._capabilities:
            self._command("UID", "MOVE", uid, encode_folder(target))
            return
        self._command("UID", "COPY", uid, encode_folder(target))
        self._command("UID", "STORE", uid, "+FLAGS", "(\\Deleted)")
        # plain EXPUNGE would also remove what someone else marked deleted in this folder
        if "UIDPLUS" in self._capabilities:
            self._command("UID", "EXPUNGE", uid)
        else:
            self._command("EXPUNGE")

    def close(self) -> None:
        _logout(self._conn)

    def __enter__(self) -> ImapMailbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _command(self, name: str, *args: str) -> list[bytes | tuple[bytes, bytes]]:
        verb = f"{name} {args[0]}" if name == "UID" else name
        try:
            if name == "UID":
                typ, data = self._conn.uid(*args)
            else:
                typ, data = getattr(self._conn, name.lower())(*args)
        except (OSError, imaplib.IMAP4.error) as err:
            raise IsamailError(
                f"IMAP-Server {self.settings.label}: {verb} fehlgeschlagen: {_server_text(err)}"
            ) from err
        if typ != "OK":
            raise IsamailError(
                f"IMAP-Server {self.settings.label} lehnt {verb} ab: {_server_text(data)}"
            )
        return list(data or [b""])


def encode_folder(name: str) -> str:
    """A folder name as an IMAP command argument: modified UTF-7 (RFC 3501 5.1.3), quoted.

    imaplib sends ASCII only; "Rückläufer" goes over the wire as "R&APw-ckl&AOQ-ufer".
    """
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            out.append("&" + base64.b64encode(utf16).decode().rstrip("=").replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    return '"' + "".join(out).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _first(data: list[bytes | tuple[bytes, bytes]]) -> bytes:
    head = data[0] if data else b""
    return head if isinstance(head, bytes) else b""


def _server_text(value: object) -> str:
    """What the server (or the socket) said, as one readable line.

    imaplib puts the server's bytes into its exceptions and results, which would show
    as b'...'.
    """
    if isinstance(value, BaseException):
        args = value.args
        value = args[0] if len(args) == 1 else str(value)
    if isinstance(value, list):
        value = next((v for v in value if v is not None), b"")
    if isinstance(value, tuple):
        value = value[0]
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return " ".join(text.split()) or "keine Antwort"


def _logout(conn: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        conn.logout()
