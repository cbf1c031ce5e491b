"""The finished message for one recipient, as the bytes handed to SMTP.

Building an EmailMessage and its quoted-printable bytes costs ~7 ms for a 40 KB mail;
a send of 20,000 copies cannot afford that per recipient. ``PreparedMessage`` encodes
the mail once per edition, with the per-recipient values (unsubscribe URL, address)
left as slots between quoted-printable segments. Every segment ends in a soft line
break, so a value encoded on its own can be placed between two segments and the whole
decodes to exactly the personalised text: no placeholder can ever be split by a line
break. ``reference_message`` builds the same mail the slow, obvious way with the email
package; a test holds the two together.

Rules both paths follow: multipart/alternative (text/plain first, text/html last),
UTF-8, quoted-printable, CRLF; ``List-Unsubscribe`` folded, never RFC 2047-encoded
(providers cannot use an encoded one); the recipient's domain in its IDNA (xn--) form;
a non-ASCII local part written raw, which needs SMTPUTF8 (``needs_smtputf8``).
"""

from __future__ import annotations

import base64
import email.policy
import email.utils
import re
import secrets
import time
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache

import idna

from isamail.compose.rendered import (
    RECIPIENT_EMAIL,
    UNSUBSCRIBE_URL,
    WEB_URL,
    RenderedIssue,
    personalise,
)
from isamail.config import Settings
from isamail.weblinks import archive_url, reader_link

MAX_LINE = 78  # header lines (RFC 5322 "SHOULD")
_QP_LINE = 76  # quoted-printable lines, including the "=" of a soft break (RFC 2045)


@dataclass(frozen=True)
class Recipient:
    email: str  # as stored (IDN domains in Unicode)
    name: str
    unsubscribe_url: str  # https://…/u/TOKEN; keep it short (one header line)
    unsubscribe_mailto: str  # "mailto:…" or just the address
    message_id: str  # "<unique@domain>", see make_message_id
    web_url: str = ""  # the web version signed for this reader (weblinks.reader_link)


# --- addresses ------------------------------------------------------------------------


def needs_smtputf8(address: str) -> bool:
    """True when the local part is not ASCII: only an SMTPUTF8 server can take the mail."""
    return not address.rpartition("@")[0].isascii()


@lru_cache(maxsize=8192)
def ascii_domain(domain: str) -> str:
    """The domain's IDNA (xn--) form; cached, since a send sees few distinct domains."""
    if domain.isascii():
        return domain
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        return domain.encode("idna").decode("ascii")  # IDNA 2003 accepts some more


def header_address(address: str) -> str:
    """The address as written into To: the domain as IDNA, the local part as it is."""
    local, _, domain = address.rpartition("@")
    return f"{local}@{ascii_domain(domain)}"


_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_ATOM_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]*")


def _phrase(name: str, *, utf8: bool) -> str:
    """A display name as a header phrase: atoms, a quoted string, or RFC 2047 words."""
    name = " ".join(_UNSAFE.sub(" ", name).split())
    if not name.isascii() and not utf8:
        return _encoded_words(name)
    if _ATOM_PHRASE.fullmatch(name) and name.isascii():
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _encoded_words(text: str, chunk: int = 39) -> str:
    # base64 words of at most 39 bytes (64 characters each), cut between characters,
    # so that "To: " plus one word stays within 78 columns
    data = text.encode("utf-8")
    if len(data) <= chunk:  # most names: one word
        return f"=?utf-8?b?{base64.b64encode(data).decode('ascii')}?="
    words, current = [], b""
    for char in text:
        data = char.encode("utf-8")
        if len(current) + len(data) > chunk:
            words.append(current)
            current = b""
        current += data
    words.append(current)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(w).decode('ascii')}?=" for w in words)


def format_address(name: str, address: str, *, utf8: bool | None = None) -> str:
    """``Name <addr>`` ready for a header (folded with CRLF where the name is long)."""
    if _UNSAFE.search(address) or not address.strip():
        raise ValueError(f"not an address for a header: {address!r}")
    utf8 = needs_smtputf8(address) if utf8 is None else utf8
    addr = header_address(address)
    if not name.strip():
        return addr
    phrase = _phrase(name, utf8=utf8)
    last_line = phrase.rpartition("\n")[2]
    glue = "\r\n " if len(last_line) + len(addr) + 8 > MAX_LINE else " "
    return f"{phrase}{glue}<{addr}>"


def _parse_address(value: str) -> tuple[str, str]:
    name, addr = email.utils.parseaddr(value)
    if not addr or "@" not in addr:
        raise ValueError(f"not an address: {value!r}")
    return name, addr


# --- headers --------------------------------------------------------------------------


def _header(name: str, value: str) -> bytes:
    """One unstructured header line, CRLF-terminated. ASCII values are folded at spaces
    and never encoded (a URL must stay readable); others become RFC 2047 words."""
    if _UNSAFE.search(value.replace("\r\n ", "")):
        raise ValueError(f"control character in header {name}")
    if not value.isascii():
        policy = email.policy.SMTP
        return policy.header_factory(name, value).fold(policy=policy).encode("ascii")
    lines, line = [], f"{name}:"
    for word in value.split(" "):
        if len(line) + 1 + len(word) > MAX_LINE and line != f"{name}:":
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return ("\r\n".join(lines) + "\r\n").encode("ascii")


def _address_header(name: str, formatted: str) -> bytes:
    return f"{name}: {formatted}\r\n".encode()


_NOT_IN_URL = re.compile(r"[ <>\r\n\t]")


def _list_unsubscribe(url: str, mailto: str) -> bytes:
    if not mailto.startswith("mailto:"):
        mailto = "mailto:" + mailto
    for value in (url, mailto):
        if not value.isascii() or _NOT_IN_URL.search(value):
            raise ValueError(f"List-Unsubscribe needs a plain ASCII URL: {value!r}")
    # one entry per line: folded, so no encoder ever touches it
    return f"List-Unsubscribe: <{url}>,\r\n <{mailto}>\r\n".encode("ascii")


class _DateHeader:
    """The Date header, formatted once per second (formatdate costs ~10 µs)."""

    def __init__(self) -> None:
        self.second = -1
        self.value = b""

    def __call__(self) -> bytes:
        now = int(time.time())
        if now != self.second:
            self.second = now
            self.value = f"Date: {email.utils.formatdate(now, localtime=True)}\r\n".encode()
        return self.value


_date_header = _DateHeader()

# --- quoted-printable -----------------------------------------------------------------

_QP_CHAR = [
    chr(b) if 33 <= b <= 126 and b != 61 else (" " if b == 32 else f"={b:02X}") for b in range(256)
]
_QP_PLAIN = re.compile(r"[!-<>-~]{1,72}")  # ASCII that QP leaves alone, one short line


def qp_encode(text: str) -> bytes:
    """Quoted-printable with CRLF line ends and lines of at most 76 characters. A text that
    does not end in a newline ends in a soft break, so that pieces encoded on their own
    can be concatenated and decode to the concatenated text."""
    if _QP_PLAIN.fullmatch(text):  # the common per-recipient case: a short ASCII value
        return text.encode("ascii") + b"=\r\n"
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    lines = text.split("\n")
    ends_in_newline = lines[-1] == ""
    if ends_in_newline:
        lines.pop()
    for number, line in enumerate(lines):
        tokens = [_QP_CHAR[b] for b in line.encode("utf-8")]
        if tokens and tokens[-1] == " ":
            tokens[-1] = "=20"  # trailing space would be lost in transport
        current = ""
        for token in tokens:
            if len(current) + len(token) > _QP_LINE - 1:
                out.append(current + "=\r\n")
                current = ""
            current += token
        last = number == len(lines) - 1
        out.append(current + ("=\r\n" if last and not ends_in_newline else "\r\n"))
    return "".join(out).encode("ascii")


# --- messages -------------------------------------------------------------------------

# slots in a prepared message: values that differ per recipient
(
    _DATE,
    _TO,
    _MESSAGE_ID,
    _LIST_UNSUB,
    _HTML_URL,
    _HTML_EMAIL,
    _TEXT_URL,
    _TEXT_EMAIL,
    _HTML_WEB,
    _TEXT_WEB,
) = range(10)
_SLOTS = re.compile(f"({UNSUBSCRIBE_URL}|{RECIPIENT_EMAIL}|{WEB_URL})")
_HTML_SLOTS = {UNSUBSCRIBE_URL: _HTML_URL, RECIPIENT_EMAIL: _HTML_EMAIL, WEB_URL: _HTML_WEB}
_TEXT_SLOTS = {UNSUBSCRIBE_URL: _TEXT_URL, RECIPIENT_EMAIL: _TEXT_EMAIL, WEB_URL: _TEXT_WEB}


def _boundary() -> str:
    # "=_" cannot occur in quoted-printable output ("=" is always encoded as =3D)
    return f"=_isamail_{secrets.token_hex(12)}"


def _part_header(subtype: str) -> bytes:
    return (
        f'Content-Type: text/{subtype}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode("ascii")


def _body_segments(content: str, slots: dict[str, int]) -> list[bytes | int]:
    """``content`` quoted-printable encoded, split at the placeholders into slots."""
    if not content.endswith("\n"):
        content += "\n"
    out: list[bytes | int] = []
    for i, piece in enumerate(_SLOTS.split(content)):
        if i % 2:
            out.append(slots[piece])
        elif piece:
            out.append(qp_encode(piece))
    return out


def _escape_html(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


class PreparedMessage:
    """An edition's message, encoded once; ``for_recipient`` fills in one recipient."""

    def __init__(
        self, segments: list[bytes | int], reference: _ReferenceParts, web_url: str = ""
    ) -> None:
        self._segments = segments
        self._reference = reference
        self._web_url = web_url  # for a recipient without a signed web link
        # Every segment ends a line (headers, quoted-printable pieces, boundaries), so
        # each can be dot-stuffed on its own: once here for the static bytes, and per
        # recipient only for the short values (see smtp_data).
        if not all(s.endswith(b"\r\n") for s in segments if isinstance(s, bytes)):
            raise ValueError("every static segment must end a line")
        self._stuffed = [_stuff_lines(s) if isinstance(s, bytes) else s for s in segments]

    @classmethod
    def prepare(
        cls, rendered: RenderedIssue, settings: Settings, *, list_id: str
    ) -> PreparedMessage:
        """``list_id``: the List-Id header's value (sending.addressing makes it)."""
        from_name, from_addr = _parse_address(settings.from_address)
        reply_to = str(settings["reply_to"] or "")
        static = [
            _address_header("From", format_address(from_name, from_addr)),
            _header("Subject", rendered.subject),
        ]
        if reply_to:
            static.append(_address_header("Reply-To", format_address(*_parse_address(reply_to))))
        static += [
            _header("List-Id", list_id),
            b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            b"MIME-Version: 1.0\r\n",
        ]
        boundary = _boundary()
        static.append(f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'.encode())
        delimiter = f"\r\n--{boundary}\r\n".encode("ascii")
        segments: list[bytes | int] = [_DATE, _MESSAGE_ID, _TO, _LIST_UNSUB]
        segments.append(b"".join(static) + b"\r\n" + delimiter[2:] + _part_header("plain"))
        segments += _body_segments(rendered.text, _TEXT_SLOTS)
        segments.append(delimiter + _part_header("html"))
        segments += _body_segments(rendered.html, _HTML_SLOTS)
        segments.append(f"\r\n--{boundary}--\r\n".encode("ascii"))
        # join neighbouring static bytes, so that a recipient costs one short join
        merged: list[bytes | int] = []
        for segment in segments:
            if isinstance(segment, bytes) and merged and isinstance(merged[-1], bytes):
                merged[-1] += segment
            else:
                merged.append(segment)
        # for a recipient without a web link of their own: signed for no one in particular,
        # so that it opens the edition whether or not it is in the public archive
        secret = str(settings["secret_key"] or "")
        web_url = (
            reader_link(secret, settings.base_url, rendered.name, 0)
            if secret
            else archive_url(settings.base_url, rendered.name)
        )
        reference = _ReferenceParts(rendered, from_name, from_addr, reply_to, list_id, web_url)
        return cls(merged, reference, web_url)

    def for_recipient(self, recipient: Recipient) -> bytes:
        """The complete message (RFC 5322, CRLF, not dot-stuffed) for ``recipient``."""
        values = _values(recipient, self._web_url)
        return b"".join([s if isinstance(s, bytes) else values[s] for s in self._segments])

    def smtp_data(self, recipient: Recipient) -> bytes:
        """``for_recipient`` as SMTP's DATA carries it: dot-stuffed and ended by CRLF.CRLF
        (RFC 5321 4.5.2). Stuffing a whole 40 KB message is a scan of every byte per
        recipient; here the static bytes were stuffed once."""
        values = _values(recipient, self._web_url)
        parts = [s if isinstance(s, bytes) else _stuff_lines(values[s]) for s in self._stuffed]
        parts.append(b".\r\n")
        return b"".join(parts)

    def reference_message(self, recipient: Recipient) -> EmailMessage:
        """The same message built with the email package: slow, and obviously right."""
        return self._reference.build(recipient)


def _values(recipient: Recipient, public_web_url: str) -> list[bytes]:
    """The per-recipient bytes, in slot order."""
    url, address = recipient.unsubscribe_url, recipient.email
    web = recipient.web_url or public_web_url
    return [
        _date_header(),
        f"To: {format_address(recipient.name, address)}\r\n".encode(),
        _message_id_header(recipient.message_id),
        _list_unsubscribe(url, recipient.unsubscribe_mailto),
        qp_encode(_escape_html(url)),
        qp_encode(_escape_html(address)),
        qp_encode(url),
        qp_encode(address),
        qp_encode(_escape_html(web)),
        qp_encode(web),
    ]


def _stuff_lines(piece: bytes) -> bytes:
    """Dot-stuffing of a piece that starts at the beginning of a line. The SMTP transport
    stuffs whole messages with its own copy of this rule; a test holds the two equal."""
    piece = piece.replace(b"\r\n.", b"\r\n..")
    return b"." + piece if piece.startswith(b".") else piece


def _message_id_header(message_id: str) -> bytes:
    if not (message_id.startswith("<") and message_id.endswith(">") and message_id.isascii()):
        raise ValueError(f"not a Message-ID: {message_id!r}")
    return f"Message-ID: {message_id}\r\n".encode("ascii")


def list_id_label(list_name: str) -> str:
    """A list name as a List-Id label: lower-case letters, digits and hyphens."""
    label = re.sub(r"[^a-z0-9-]+", "-", list_name.lower()).strip("-")
    return label or "newsletter"


@dataclass(frozen=True)
class _ReferenceParts:
    rendered: RenderedIssue
    from_name: str
    from_addr: str
    reply_to: str
    list_id: str
    web_url: str

    def build(self, recipient: Recipient) -> EmailMessage:
        utf8 = needs_smtputf8(recipient.email)
        # refold_source="none": the List-Unsubscribe value set raw below keeps its folding
        base = email.policy.SMTPUTF8 if utf8 else email.policy.SMTP
        msg = EmailMessage(policy=base.clone(refold_source="none"))
        msg["Date"] = email.utils.formatdate(localtime=True)
        msg["Message-ID"] = recipient.message_id
        msg["To"] = _address(recipient.name, recipient.email)
        msg["From"] = _address(self.from_name, self.from_addr)
        msg["Subject"] = self.rendered.subject
        if self.reply_to:
            msg["Reply-To"] = self.reply_to
        msg["List-Id"] = self.list_id
        mailto = recipient.unsubscribe_mailto
        mailto = mailto if mailto.startswith("mailto:") else "mailto:" + mailto
        msg.set_raw("List-Unsubscribe", f"<{recipient.unsubscribe_url}>,\n <{mailto}>")
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        html, text = personalise(
            self.rendered,
            email=recipient.email,
            unsubscribe_url=recipient.unsubscribe_url,
            web_url=recipient.web_url or self.web_url,
        )
        msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
        return msg


def _address(name: str, address: str) -> Address:
    # username/domain given apart: Address(addr_spec=...) refuses non-ASCII local parts
    local, _, domain = header_address(address).rpartition("@")
    return Address(" ".join(_UNSAFE.sub(" ", name).split()), username=local, domain=domain)


def build_simple_message(
    *,
    subject: str,
    text: str,
    html: str | None,
    to: str,
    from_: str,
    message_id: str,
    headers: dict[str, str] | None = None,
) -> bytes:
    """A one-off message (confirmation mails): same encoding rules as the newsletter.
    ``to``/``from_`` may be "Name <addr>" or a bare address."""
    to_name, to_addr = _parse_address(to)
    from_name, from_addr = _parse_address(from_)
    head = [
        _date_header(),
        _message_id_header(message_id),
        _address_header("From", format_address(from_name, from_addr)),
        _address_header("To", format_address(to_name, to_addr)),
        _header("Subject", subject),
    ]
    for name, value in (headers or {}).items():
        if name.lower() == "list-unsubscribe":
            entries = [v.strip() for v in value.split(",")]
            folded = ",\r\n ".join(entries)
            head.append(f"{name}: {folded}\r\n".encode("ascii"))
        else:
            head.append(_header(name, value))
    head.append(b"MIME-Version: 1.0\r\n")
    text_body = qp_encode(text if text.endswith("\n") else text + "\n")
    if html is None:
        return b"".join([*head, _part_header("plain"), text_body])
    boundary = _boundary()
    html_body = qp_encode(html if html.endswith("\n") else html + "\n")
    return b"".join(
        [
            *head,
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'.encode(),
            f"--{boundary}\r\n".encode(),
            _part_header("plain"),
            text_body,
            f"\r\n--{boundary}\r\n".encode(),
            _part_header("html"),
            html_body,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
    )
