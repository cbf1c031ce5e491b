"""The client side of SMTP mail transactions, on bytes alone (no sockets, no clock).

``ClientProtocol`` turns transactions into the bytes to write and the bytes read back
into outcomes; whoever owns the socket moves the bytes (``transport.smtp`` for the
engine, the tests directly). Connecting, TLS and AUTH happen before, in smtplib.

With PIPELINING (RFC 2920) MAIL, RCPT and DATA go out in one write, and once the
server has answered DATA with 354 the next transaction may begin: its envelope
travels in the same write as this message's content (a group may start with
content and end with DATA), so a message costs one round trip. Without it, each
command waits for its reply.

A transaction ends in exactly one ``Outcome``: ``sent`` (2xx after the content),
``temporary`` (4xx, or 421 anywhere), ``permanent`` (5xx; ``stage`` says which
command was refused) or ``connection_lost`` (no reply that decides it, or one that
makes no sense here). After 421 or a reply out of order the protocol is ``broken``:
every transaction still open ends as ``connection_lost`` and the connection must be
closed.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Literal

Status = Literal["sent", "temporary", "permanent", "connection_lost"]
Stage = Literal["mail", "rcpt", "data", "content"]

MAX_REPLY_LINE = 8192  # what a server may send before a line ends (smtplib's limit)
LOST = "Verbindung unterbrochen"


@dataclass(frozen=True, slots=True)
class Transaction:
    """One message for one recipient. Addresses as they go on the wire (a domain in
    its xn-- form); ``content`` is DATA's payload: dot-stuffed, ended by CRLF.CRLF."""

    key: int  # the caller's name for it (a delivery id)
    envelope_from: str
    recipient: str
    content: bytes
    smtputf8: bool = False
    eight_bit: bool = False


@dataclass(frozen=True, slots=True)
class Outcome:
    key: int
    status: Status
    code: int | None  # the deciding reply's code; None when no reply decided
    text: str  # the deciding reply (one line), or the reason
    stage: Stage | None = None  # the command whose reply decided

    @property
    def ok(self) -> bool:
        return self.status == "sent"


@dataclass
class _Open:
    """A transaction between its MAIL and the reply to its content."""

    tx: Transaction
    refused: Outcome | None = None  # the first refusal of its envelope


# what a reply answers: a stage of a transaction, or RSET / QUIT
_Expected = tuple[_Open | None, Stage | Literal["rset", "quit", "empty"]]


class ClientProtocol:
    """SMTP transactions on one session, after EHLO (and TLS, AUTH)."""

    def __init__(self, *, pipelining: bool, smtputf8: bool = False, eightbitmime: bool = False):
        self.pipelining = pipelining
        self.smtputf8 = smtputf8
        self.eightbitmime = eightbitmime
        self.broken: str | None = None  # why the session cannot go on
        self._out = bytearray()
        self._in = bytearray()
        self._expected: deque[_Expected] = deque()
        self._open: list[_Open] = []  # in the order they began
        # the transaction whose envelope is out, DATA not yet answered: none may begin
        self._enveloping: _Open | None = None
        self._outcomes: list[Outcome] = []

    # --- what the owner of the socket asks ---------------------------------------

    @property
    def ready(self) -> bool:
        """Whether ``begin`` may be called: with PIPELINING as soon as the last
        envelope's DATA was answered, without it once the last transaction ended."""
        if self.broken is not None:
            return False
        if self.pipelining:
            return self._enveloping is None
        return not self._open

    @property
    def waiting(self) -> bool:
        """Replies are due: the socket must be read."""
        return bool(self._expected)

    @property
    def has_output(self) -> bool:
        """Bytes are queued for the server."""
        return bool(self._out)

    @property
    def open_keys(self) -> list[int]:
        """Transactions begun and not ended."""
        return [o.tx.key for o in self._open]

    def data_to_send(self) -> bytes:
        """Everything queued for the server since the last call."""
        data = bytes(self._out)
        self._out.clear()
        return data

    def begin(self, tx: Transaction) -> Outcome | None:
        """Starts ``tx``: its commands are queued for writing. Returns its outcome at
        once when the server cannot take it (no SMTPUTF8 for a non-ASCII address)."""
        if not self.ready:
            raise RuntimeError("begin() while the protocol is not ready")
        smtputf8 = tx.smtputf8 or not (
            _ascii_local(tx.recipient) and _ascii_local(tx.envelope_from)
        )
        if smtputf8 and not self.smtputf8:
            return Outcome(tx.key, "permanent", None, "Server unterstützt kein SMTPUTF8")
        for address in (tx.envelope_from, tx.recipient):
            if _FORBIDDEN.intersection(address):
                return Outcome(tx.key, "permanent", None, f"ungültige Adresse: {address!r}")
        opened = _Open(tx)
        self._open.append(opened)
        params = " SMTPUTF8" if smtputf8 else ""
        if self.eightbitmime and (smtputf8 or tx.eight_bit):
            params += " BODY=8BITMIME"
        encoding = "utf-8" if smtputf8 else "ascii"
        mail = f"MAIL FROM:<{tx.envelope_from}>{params}\r\n".encode(encoding)
        if self.pipelining:
            rcpt = f"RCPT TO:<{tx.recipient}>\r\n".encode(encoding)
            self._out += mail + rcpt + b"DATA\r\n"
            self._expected += [(opened, "mail"), (opened, "rcpt"), (opened, "data")]
            self._enveloping = opened
        else:
            self._out += mail
            self._expected.append((opened, "mail"))
        return None

    def receive(self, data: bytes) -> list[Outcome]:
        """Takes bytes read from the socket; returns the transactions they ended."""
        self._in += data
        while self.broken is None:
            reply = _take_reply(self._in)
            if reply is None:
                if len(self._in) > MAX_REPLY_LINE and b"\n" not in self._in:
                    self._break("Antwortzeile zu lang")
                break
            self._handle(*reply)
        outcomes, self._outcomes = self._outcomes, []
        return outcomes

    def connection_lost(self, reason: str = LOST) -> list[Outcome]:
        """The socket closed or failed: every open transaction ends, undecided."""
        if self.broken is None:
            self._break(reason)
        outcomes, self._outcomes = self._outcomes, []
        return outcomes

    def quit(self) -> None:
        """Queues QUIT (only between transactions)."""
        if self.broken is None and not self._open:
            self._out += b"QUIT\r\n"
            self._expected.append((None, "quit"))

    # --- replies -----------------------------------------------------------------

    def _handle(self, code: int, text: str) -> None:
        if not self._expected:
            self._break(f"unerwartete Antwort: {code} {text}")
            return
        opened, stage = self._expected.popleft()
        if code == 421:  # the server closes the session now (RFC 5321 3.8)
            if opened is not None:
                self._end(opened, Outcome(opened.tx.key, "temporary", 421, text, _stage(stage)))
            self._break(f"421 {text}".strip())
            return
        if opened is None:
            if stage == "rset" and code // 100 != 2:
                self._break(f"RSET abgelehnt: {code} {text}")
            return
        tx = opened.tx
        if stage == "empty":  # the end of a message sent empty after a refused envelope
            self._end(opened, opened.refused or _outcome(tx.key, code, text, "data"))
            return
        if stage in ("mail", "rcpt"):
            if code // 100 != 2:
                if opened.refused is None:
                    opened.refused = _outcome(tx.key, code, text, stage)
                if not self.pipelining:
                    self._refused(opened)
            elif not self.pipelining:
                self._next_command(opened, stage)
            return
        if stage == "data":
            self._enveloping = None
            if code == 354 and opened.refused is None:
                self._out += tx.content
                self._expected.append((opened, "content"))
            elif code == 354:
                # DATA taken although the envelope was refused: an empty message ends
                # the transaction, and the server must refuse it for lack of recipients
                self._out += b".\r\n"
                self._expected.append((opened, "empty"))
            elif code // 100 == 2 or code < 0:
                self._break(f"unerwartete Antwort auf DATA: {code} {text}")
            else:
                if opened.refused is None:
                    opened.refused = _outcome(tx.key, code, text, "data")
                self._refused(opened)
            return
        # the reply to the content: the end of the transaction
        outcome = _outcome(tx.key, code, text, "content")
        self._end(opened, outcome)
        if outcome.status == "connection_lost":
            self._break(outcome.text)

    def _next_command(self, opened: _Open, stage: str) -> None:
        """Without PIPELINING: RCPT after MAIL, DATA after RCPT."""
        if stage == "mail":
            encoding = "ascii" if opened.tx.recipient.isascii() else "utf-8"
            self._out += f"RCPT TO:<{opened.tx.recipient}>\r\n".encode(encoding)
            self._expected.append((opened, "rcpt"))
        else:
            self._out += b"DATA\r\n"
            self._expected.append((opened, "data"))

    def _refused(self, opened: _Open) -> None:
        """The envelope was refused: the transaction ends, RSET clears the session."""
        assert opened.refused is not None
        self._end(opened, opened.refused)
        self._out += b"RSET\r\n"
        self._expected.append((None, "rset"))

    def _end(self, opened: _Open, outcome: Outcome) -> None:
        if opened in self._open:
            self._open.remove(opened)
            self._outcomes.append(outcome)

    def _break(self, reason: str) -> None:
        self.broken = reason
        content_out = {id(o) for o, stage in self._expected if stage == "content"}
        for opened in list(self._open):
            # its content was handed over: the server may have taken the message
            stage: Stage | None = "content" if id(opened) in content_out else None
            self._end(opened, Outcome(opened.tx.key, "connection_lost", None, reason, stage))
        self._expected.clear()
        self._enveloping = None


def _stage(stage: str) -> Stage | None:
    return stage if stage in ("mail", "rcpt", "data", "content") else None  # type: ignore[return-value]


def _outcome(key: int, code: int, text: str, stage: Stage) -> Outcome:
    if code // 100 == 2:
        if stage == "content":
            return Outcome(key, "sent", code, text, stage)
        return Outcome(key, "connection_lost", code, f"unerwartete Antwort: {code} {text}", stage)
    if code // 100 == 4:
        return Outcome(key, "temporary", code, text, stage)
    if code // 100 == 5:
        return Outcome(key, "permanent", code, text, stage)
    shown = code if code > 0 else None
    return Outcome(key, "connection_lost", shown, f"unerwartete Antwort: {code} {text}", stage)


def _take_reply(received: bytearray) -> tuple[int, str] | None:
    """One complete (possibly multi-line) reply off the front of ``received``: its code
    (-1 where it is not a number) and its text lines joined by a space."""
    lines: list[bytes] = []
    start = 0
    while True:
        end = received.find(b"\n", start)
        if end < 0:
            return None
        line = bytes(received[start : end + 1])
        start = end + 1
        lines.append(line[4:].strip(b" \t\r\n"))
        if line[3:4] != b"-":
            del received[:start]
            try:
                code = int(line[:3])
            except ValueError:
                code = -1
            return code, b" ".join(lines).decode("utf-8", "replace")


def _ascii_local(address: str) -> bool:
    return address.rpartition("@")[0].isascii()


_FORBIDDEN = frozenset("\r\n<> \t\x00")


def dot_stuffed(message: bytes) -> bytes:
    """DATA's payload for a message with CRLF line ends: dots at line starts doubled,
    ended by CRLF.CRLF (RFC 5321 4.5.2)."""
    body = message.replace(b"\r\n.", b"\r\n..")
    if body.startswith(b"."):
        body = b"." + body
    return body + (b".\r\n" if body.endswith(b"\r\n") else b"\r\n.\r\n")
