"""Reading returned mail: which recipients failed, how badly, and for which delivery.

Pure functions over the raw bytes of one message: no database, no network.

How a message is read, in this order (the first step that finds something wins):

0. **Amazon SES notifications**: a JSON body with ``notificationType`` (or, from SES
   event publishing, ``eventType``), bare or wrapped in an SNS envelope (``"Type":
   "Notification"`` with the notification as a string in ``Message``). ``Bounce`` with
   ``bounceType`` ``Permanent`` is ``HARD``, any other bounce type (``Transient``,
   ``Undetermined``) ``SOFT``; ``Complaint`` is ``COMPLAINT`` (except feedback type
   ``not-spam``, a correction of an earlier spam verdict); ``Delivery`` and the other
   event types are ``NOT_BOUNCE``. The recipients are ``bouncedRecipients`` /
   ``complainedRecipients``; the token comes from ``mail.source`` (the envelope sender
   we gave SES), the original Message-ID from the original headers SES includes
   (``mail.commonHeaders``/``mail.headers``): SES replaces the Message-ID it sends with
   its own ``mail.messageId``, which therefore names none of our deliveries.
1. **Complaints** (``COMPLAINT``): an ARF report (RFC 5965, a ``message/feedback-report``
   part), Hotmail's JMRP format (an attached original carrying
   ``X-HmXmrOriginalRecipient``), and Apple Mail's mail-based unsubscribe
   (``X-Apple-Unsubscribe: true``), which is the subscriber asking to leave. The
   complainant is the report's ``Original-Rcpt-To``, else the original's ``To``.
2. **RFC 3464 delivery status** (``message/delivery-status`` parts, or the same fields
   in plain text when a sanitised sample broke the MIME structure): one recipient per
   ``Final-Recipient``/``Original-Recipient`` group. A recipient whose Diagnostic-Code
   has no words that decide is read together with the human-readable part's lines
   about that address.
3. **Unmistakable auto-replies** (``AUTOREPLY``): ``X-Autoreply``, ``X-Autorespond``,
   ``Precedence: auto_reply``, or an out-of-office subject ("Automatic reply",
   "Abwesenheitsnotiz", "Out of Office", "Automatische Antwort", …).
4. **flufl.bounce** for the non-standard formats (qmail, old Exim/Sendmail, Exchange,
   Yahoo …); each address is then read with the lines of the explanation about it (from
   its line to the next line that starts with another recipient).
5. **Our own text rules**, only for a message that looks like a bounce (from a
   mailer-daemon/postmaster, a bounce subject, or sent to our VERP address): addresses in
   the human-readable text that have a status code or a decisive phrase near them.
6. ``Auto-Submitted: auto-replied`` alone marks an ``AUTOREPLY`` unless step 5 found a
   recipient with a status code: Exim and Postfix put that header on real bounces too,
   while a notice with a reason but no code (the corpus' ``rb-issue-368``) is left alone,
   which at worst ignores one soft bounce.
7. Anything else is ``NOT_BOUNCE``; a bounce that names nobody is ``SOFT``.

Each failed recipient's class comes from the decision table in ``rules.py`` (data: the
phrases in every language, then the status codes; a refusal of the sender or the
content is policy, quota, size, loop or temporary text outweighs a bare 5.0.0, and a
failure without a decisive reason is soft, never hard). The message's kind is its worst
recipient's, in the order HARD > POLICY > SOFT. Recall and false-hard rate on 1,043
labelled real notices (tests/data/bounces): bench/README.md.

Attribution: bounce parsers (flufl.bounce among them) skip non-ASCII addresses, and
forwarding changes addresses, so what proves the delivery is looked for separately
(``evidence``) and verified in ``proof``; the recipient addresses are for staff.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser
from email.policy import compat32
from enum import StrEnum
from typing import Any

from flufl.bounce import all_failures

from isamail.bounces.evidence import Evidence, find_evidence, ses_evidence
from isamail.bounces.rules import REASONS_DE, Decision, Verdict, decide


class BounceKind(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    POLICY = "policy"
    COMPLAINT = "complaint"
    AUTOREPLY = "autoreply"
    NOT_BOUNCE = "not_bounce"


@dataclass(frozen=True)
class FailedRecipient:
    address: str
    status: str | None
    action: str | None
    diagnostic: str
    kind: BounceKind
    reason: str = ""  # a key of rules.REASONS_DE: what decided the kind


@dataclass(frozen=True)
class BounceReport:
    kind: BounceKind
    recipients: tuple[FailedRecipient, ...]
    evidence: Evidence  # what could prove which mail it is about (verified elsewhere)
    reporter: str
    summary: str

    @property
    def token(self) -> str | None:
        return self.evidence.tokens[0] if self.evidence.tokens else None

    @property
    def original_message_id(self) -> str | None:
        return self.evidence.message_ids[0] if self.evidence.message_ids else None


# Severity among recipients of one message; complaint etc. never mix with these.
_SEVERITY = {BounceKind.HARD: 3, BounceKind.POLICY: 2, BounceKind.SOFT: 1}

_ENHANCED = re.compile(r"(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
# A basic SMTP reply code stands alone or before "-"/" " (continuation lines, "550 5.1.1").
_BASIC = re.compile(r"(?<![\w.\-:/#=])([45][0-5]\d)(?=[\s\-]|$)")
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_WORST_FIRST = (BounceKind.HARD, BounceKind.POLICY, BounceKind.SOFT)


_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto[- ]?reply|auto[- ]?respon|autoresponder|out of (?:the )?office"
    r"|abwesenheitsnotiz|automatische antwort|abwesend|away from|away until|on vacation"
    r"|vacation|r[ée]ponse automatique|absence|自动回复|自動応答)",
    re.IGNORECASE,
)
_BOUNCE_SENDER = re.compile(
    r"mailer[-_]?daemon|post[-_]?master|mail delivery|mail administrator|mail system"
    r"|delivery subsystem|mdaemon",
    re.IGNORECASE,
)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (?:status )?notification|delivery fail|delivery failure"
    r"|failure notice|returned mail|mail delivery failed|could not (?:be )?deliver|not delivered"
    r"|delivery has failed|returned to sender|mail system error|nondeliverable|non-delivery"
    r"|unzustellbar|nicht zustellbar|error sending|delivery problem|mail failure|delivery report"
    r"|delayed mail|could not send",
    re.IGNORECASE,
)
# Lines of the returned original that a text bounce quotes after its own explanation.
_ORIGINAL_MARKER = re.compile(
    r"^(?:-+ ?(?:original message|this is a copy|below this line|the original message"
    r"|original mail|returned message|message headers? follows?|unsent message)|received: "
    r"|return-path: |dkim-signature: |the original message was received)|original message"
    r" follows|below this line is a copy|copy of the (?:original )?message|original message:",
    re.IGNORECASE | re.MULTILINE,
)
_HEADERISH = re.compile(
    r"^\s*(?:message-id|references|in-reply-to|from|sender|reply-to|return-path|received"
    r"|dkim-signature|x-[\w-]+)\s*:",
    re.IGNORECASE,
)
_SUMMARY_BY_CODE = {
    "1.1": "Postfach unbekannt",
    "1.2": "Domain unbekannt",
    "1.3": "Ungültige Empfängeradresse",
    "1.6": "Empfänger umgezogen",
    "1.7": "Absenderadresse abgelehnt",
    "1.8": "Absenderdomain abgelehnt",
    "2.1": "Postfach deaktiviert",
    "2.2": "Postfach voll",
    "2.3": "Nachricht zu groß",
    "3.4": "Nachricht zu groß",
    "4.4": "Zielserver nicht erreichbar",
    "4.7": "Zustellung zu lange verzögert",
    "7.26": "Authentifizierung (SPF/DKIM/DMARC) fehlgeschlagen",
    "7.28": "Zu viele Nachrichten (Ratenbegrenzung)",
}
_SUMMARY_BY_KIND = {
    BounceKind.HARD: "Dauerhafter Zustellfehler",
    BounceKind.SOFT: "Vorübergehender Zustellfehler",
    BounceKind.POLICY: "Vom Empfangsserver abgelehnt (Richtlinie/Reputation)",
}


def classify(raw: bytes, *, verp_local: str = "bounces") -> BounceReport:
    """Classify one returned message; see the module docstring for the rules."""
    if raw[:1].isspace():
        # a stray blank line before the headers (seen in saved samples) hides them all
        raw = raw.lstrip(b" \t\r\n")
    msg = message_from_bytes(raw, policy=compat32)
    original = _original_headers(msg)
    text = _human_text(msg)
    evidence = find_evidence(
        ((key, _clean(value)) for key, value in msg.raw_items()),
        original,
        _original_text(msg),
        text,
        verp_local,
    )
    sender = _header(msg, "From")

    def report(
        kind: BounceKind, recipients: Iterable[FailedRecipient], reporter: str
    ) -> BounceReport:
        found = tuple(recipients)
        return BounceReport(kind, found, evidence, reporter or sender, _summary(kind, found))

    ses = _ses_notification(msg)
    if ses is not None:
        return _ses_report(ses, evidence, verp_local)

    complaint = _complaint(msg, original)
    if complaint is not None:
        return report(BounceKind.COMPLAINT, complaint, sender)

    fields = _delivery_status_fields(msg, text)
    reporter = _reporting_mta(fields)
    recipients = _merge(_dsn_recipients(fields, text))
    if recipients:
        return report(_worst(recipients), recipients, reporter)
    is_dsn = bool(fields)
    if not is_dsn and _strong_autoreply(msg):
        return report(BounceKind.AUTOREPLY, (), sender)

    mine, to = _own_addresses(msg, original, raw)
    recipients = _merge(
        _flufl_recipients(msg, text, mine | to) or _flufl_recipients(msg, text, mine)
    )
    if recipients:
        return report(_worst(recipients), recipients, reporter)
    if not is_dsn and not _looks_like_bounce(msg, evidence):
        kind = BounceKind.AUTOREPLY if _weak_autoreply(msg) else BounceKind.NOT_BOUNCE
        return report(kind, (), sender)

    recipients = _merge(_text_recipients(text, mine | to) or _text_recipients(text, mine))
    has_code = any(r.status for r in recipients)
    if not is_dsn and not has_code and _weak_autoreply(msg):
        return report(BounceKind.AUTOREPLY, (), sender)
    if recipients:
        return report(_worst(recipients), recipients, reporter)
    if not is_dsn and not _looks_like_bounce(msg, Evidence()):
        # sent to our VERP address but nothing in it reads as a bounce: a person's reply
        return report(BounceKind.NOT_BOUNCE, (), sender)
    # A bounce that names nobody: only the token can attribute it, so never call it hard.
    return report(BounceKind.SOFT, (), reporter)


# --- headers and text -----------------------------------------------------------------------


def _clean(value: object) -> str:
    """A header value as text: RFC 2047 decoded, raw 8-bit (surrogate-escaped) bytes as UTF-8."""
    text = str(value)
    if "=?" in text:
        with contextlib.suppress(ValueError, LookupError, UnicodeError):
            text = str(make_header(decode_header(text)))
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join(text.split())


def _headers(msg: Message, name: str) -> list[str]:
    # raw_items: compat32's get() turns 8-bit values into Header objects that lose the bytes.
    wanted = name.lower()
    return [_clean(value) for key, value in msg.raw_items() if key.lower() == wanted]


def _header(msg: Message, name: str) -> str:
    values = _headers(msg, name)
    return values[0] if values else ""


def _part_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")


def _own_parts(msg: Message) -> Iterator[Message]:
    """The bounce's own leaves, not descending into a returned original or a report part."""
    if msg.is_multipart():
        for sub in msg.get_payload():
            if isinstance(sub, Message) and sub.get_content_maintype() != "message":
                yield from _own_parts(sub)
    else:
        yield msg


_TAG = re.compile(r"<[^>]*>")


def _human_text(msg: Message) -> str:
    """The explanation a human would read; HTML only when there is no plain text."""
    plain: list[str] = []
    html: list[str] = []
    for part in _own_parts(msg):
        ctype = part.get_content_type()
        if ctype == "text/html":
            html.append(_TAG.sub(" ", _part_text(part)).replace("&nbsp;", " "))
        elif (
            part.get_content_maintype() in {"text", "multipart"} and ctype != "text/rfc822-headers"
        ):
            # A multipart leaf is one whose boundary is missing: its body is all we have.
            plain.append(_part_text(part))
    return "\n".join(plain or html)


def _explanation(text: str) -> str:
    """The text before the quoted original, where a text bounce explains itself."""
    marker = _ORIGINAL_MARKER.search(text)
    # A marker in the first lines is the start of the report itself, not the original.
    return text[: marker.start()] if marker and marker.start() > 40 else text


def _original_headers(msg: Message) -> Message | None:
    """The headers of the returned original: a message/rfc822 or text/rfc822-headers part."""
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                return inner[0]
        elif ctype in {"text/rfc822-headers", "message/rfc822-headers"}:
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            return HeaderParser(policy=compat32).parsestr(_part_text(part))
    return None


# --- addresses ------------------------------------------------------------------------------

_MESSAGE_ID = re.compile(r"^\s*message-id\s*:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)
_ANGLE_ID = re.compile(r"<[^<>\s]+@[^<>\s]+>")


def _original_text(msg: Message) -> str:
    """The decoded text of the returned original's body, where its links are."""
    texts: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != "message/rfc822":
            continue
        inner = part.get_payload()
        if isinstance(inner, list) and inner and isinstance(inner[0], Message):
            texts += [
                _part_text(leaf)
                for leaf in inner[0].walk()
                if leaf.get_content_maintype() == "text"
            ]
    return "\n".join(texts)


def _addresses_in(values: Iterable[str]) -> set[str]:
    return {a.lower() for value in values for a in _ADDRESS.findall(value)}


def _own_addresses(msg: Message, original: Message | None, raw: bytes) -> tuple[set[str], set[str]]:
    """Addresses that are never a failed recipient, and the bounce's To and Delivered-To.

    The bounce's To is the original's envelope sender: ours (excluded by the VERP pattern
    anyway) or, for senders without VERP, the person a text bounce also mentions. Callers
    try without those first and fall back to allowing them, because anonymised samples
    give sender and recipient the same address. Message-IDs look like addresses and are
    excluded too.
    """
    values = [_header(msg, n) for n in ("From", "Reply-To", "Sender")]
    if original is not None:
        values += [_header(original, n) for n in ("From", "Sender", "Return-Path", "Reply-To")]
    ids = _MESSAGE_ID.findall(raw.decode("utf-8", "replace"))
    mine = _addresses_in(values) | _addresses_in(ids)
    if original is not None:
        mine |= _addresses_in([_header(original, "Message-ID")])
    return mine, _addresses_in([_header(msg, "To"), _header(msg, "Delivered-To")])


# Any VERP-style envelope sender (ours under another local part, or a list's), never a recipient.
_VERP_LIKE = re.compile(r"[^@]*\+[^@]*=[^@]*@|bounces?[+-]", re.IGNORECASE)


def _is_foreign(address: str, mine: set[str]) -> bool:
    local = address.split("@", 1)[0].lower()
    return (
        address.lower() not in mine
        and not _BOUNCE_SENDER.fullmatch(local)
        and not _VERP_LIKE.match(address)
    )


# --- complaints -----------------------------------------------------------------------------


def _report_fields(part: Message) -> list[tuple[str, str]]:
    """The fields of a message/delivery-status or feedback-report part, in order."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [
            (key.lower(), _clean(value))
            for block in payload
            if isinstance(block, Message)
            for key, value in block.raw_items()
        ]
    return _fields_from_text(_part_text(part))


def _complaint(msg: Message, original: Message | None) -> list[FailedRecipient] | None:
    feedback = next(
        (p for p in msg.walk() if p.get_content_type() == "message/feedback-report"), None
    )
    if feedback is not None:
        fields = dict(reversed(_report_fields(feedback)))
        address = fields.get("original-rcpt-to", "") or (
            _header(original, "To") if original is not None else ""
        )
        note = f"Feedback-Type: {fields.get('feedback-type', 'abuse')}"
        return _complainants(address, note)
    if original is not None and original.get("X-HmXmrOriginalRecipient"):
        address = _header(original, "X-HmXmrOriginalRecipient") or _header(original, "To")
        return _complainants(address, "Hotmail JMRP")
    if _header(msg, "X-Apple-Unsubscribe").lower() == "true":
        return _complainants(_header(msg, "From"), "X-Apple-Unsubscribe")
    return None


def _complainants(value: str, note: str) -> list[FailedRecipient]:
    return [
        FailedRecipient(address, None, None, note, BounceKind.COMPLAINT)
        for address in dict.fromkeys(_ADDRESS.findall(value))
    ]


# --- Amazon SES -----------------------------------------------------------------------------

# Sendmail breaks lines longer than its limit by inserting "!", a line break and a space
# (the corpus' SES samples went through one); inside JSON that sequence is never valid.
_SENDMAIL_BREAK = re.compile(r"!\r?\n ")
_SES_BOUNCE_TYPES = {"permanent": BounceKind.HARD}  # Transient, Undetermined: SOFT


def _json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in text (trailing text such as SNS' footer ignored)."""
    start = text.find("{")
    if start < 0:
        return None
    decoder = json.JSONDecoder()
    for candidate in (text[start:], _SENDMAIL_BREAK.sub("", text[start:])):
        try:
            value, _ = decoder.raw_decode(candidate)
        except ValueError:
            continue
        return value if isinstance(value, dict) else None
    return None


def _ses_notification(msg: Message) -> dict[str, Any] | None:
    """The SES notification in the body, unwrapped from its SNS envelope, or None."""
    if msg.is_multipart() or msg.get_content_maintype() != "text":
        return None
    text = _part_text(msg)
    if "notificationType" not in text and "eventType" not in text:
        return None
    found = _json_object(text)
    if found is not None and found.get("Type") == "Notification":
        inner = found.get("Message")
        found = _json_object(inner) if isinstance(inner, str) else None
    if found is None or not isinstance(found.get("mail"), dict):
        return None
    kind = found.get("notificationType") or found.get("eventType")
    return found if isinstance(kind, str) else None


def _ses_report(notification: dict[str, Any], found: Evidence, verp_local: str) -> BounceReport:
    mail = _dict(notification.get("mail"))
    evidence = ses_evidence(mail, _ses_message_ids(mail), verp_local).merged(found)
    event = str(notification.get("notificationType") or notification.get("eventType"))
    recipients: list[FailedRecipient] = []
    reporter = "Amazon SES"
    if event == "Bounce":
        bounce = _dict(notification.get("bounce"))
        kind = _SES_BOUNCE_TYPES.get(str(bounce.get("bounceType", "")).lower(), BounceKind.SOFT)
        mta = str(bounce.get("reportingMTA") or "").split(";", 1)[-1].strip()
        reporter = f"Amazon SES ({mta})" if mta else reporter
        ses_type = f"Amazon SES: {bounce.get('bounceType')}/{bounce.get('bounceSubType')}"
        for entry in _dicts(bounce.get("bouncedRecipients")):
            address = _ses_address(entry.get("emailAddress"))
            if address is None:
                continue
            status = _status(str(entry.get("status") or ""))
            action = str(entry.get("action") or "").lower() or None
            diagnostic = str(entry.get("diagnosticCode") or "").split(";", 1)[-1].strip()
            recipients.append(
                FailedRecipient(address, status, action, diagnostic or ses_type, kind)
            )
    elif event == "Complaint":
        complaint = _dict(notification.get("complaint"))
        feedback = str(complaint.get("complaintFeedbackType") or "abuse")
        if feedback.lower() == "not-spam":
            kind = BounceKind.NOT_BOUNCE
        else:
            kind = BounceKind.COMPLAINT
            for entry in _dicts(complaint.get("complainedRecipients")):
                address = _ses_address(entry.get("emailAddress"))
                if address is not None:
                    recipients.extend(_complainants(address, f"Feedback-Type: {feedback}"))
    else:  # Delivery, and event publishing's Send, Open, Click, DeliveryDelay …
        kind = BounceKind.NOT_BOUNCE
    named = tuple(_merge(recipients)) if kind in _SEVERITY else tuple(recipients)
    return BounceReport(kind, named, evidence, reporter, _summary(kind, named))


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: object) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _ses_address(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    found = _ADDRESS.search(value)
    return found.group(0) if found else None


def _ses_message_ids(mail: dict[str, Any]) -> list[str]:
    """The Message-ID header we sent, as SES reports it among the original headers."""
    values = [_dict(mail.get("commonHeaders")).get("messageId")]
    values += [
        h.get("value")
        for h in _dicts(mail.get("headers"))
        if str(h.get("name")).lower() == "message-id"
    ]
    found = []
    for value in values:
        if isinstance(value, str) and "@" in value:
            angle = _ANGLE_ID.search(value)
            found.append(angle.group(0) if angle else f"<{value.strip()}>")
    return found


# --- RFC 3464 -------------------------------------------------------------------------------

_FIELD_LINE = re.compile(
    r"^(reporting-mta|final-recipient|original-recipient|action|status|diagnostic-code"
    r"|remote-mta|x-actual-recipient)\s*:\s*(.*)$",
    re.IGNORECASE,
)


def _fields_from_text(text: str) -> list[tuple[str, str]]:
    """DSN fields written as text, with folded continuation lines joined."""
    fields: list[tuple[str, str]] = []
    for line in text.splitlines():
        match = _FIELD_LINE.match(line)
        if match:
            fields.append((match.group(1).lower(), match.group(2).strip()))
        elif fields and line[:1] in {" ", "\t"} and line.strip():
            name, value = fields[-1]
            fields[-1] = (name, f"{value} {line.strip()}")
        elif line.strip():
            fields.append(("", ""))  # ends folding; harmless for grouping
    return [f for f in fields if f[0]]


def _delivery_status_fields(msg: Message, text: str) -> list[tuple[str, str]]:
    fields: list[tuple[str, str]] = []
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            fields.extend(_report_fields(part))
    if not fields and re.search(r"^final-recipient\s*:", text, re.IGNORECASE | re.MULTILINE):
        fields = _fields_from_text(text)
    return fields


def _reporting_mta(fields: list[tuple[str, str]]) -> str:
    for name, value in fields:
        if name == "reporting-mta":
            return value.split(";", 1)[-1].strip()
    return ""


def _dsn_groups(fields: list[tuple[str, str]]) -> Iterator[dict[str, str]]:
    """Per-recipient field groups; a recipient field seen twice starts the next group."""
    group: dict[str, str] = {}
    for name, value in fields:
        starts = name in {"final-recipient", "original-recipient"} and name in group
        if starts:
            yield group
            group = {}
        if name != "reporting-mta":
            group.setdefault(name, value)
    if group:
        yield group


_XTEXT = re.compile(r"\+([0-9A-Fa-f]{2})")
_UNITEXT = re.compile(r"\\x\{([0-9A-Fa-f]{1,6})\}")


def _dsn_address(value: str) -> str:
    """The address of an ``rfc822;``/``utf-8;`` recipient field, xtext decoded (RFC 3461/6533)."""
    kind, _, address = value.rpartition(";")
    # Spaces come from RFC 2047 words some MTAs wrongly use here; addresses have none.
    address = "".join(address.split()).strip("<>")
    if kind.strip().lower() in {"rfc822", "utf-8"} and "+" in address and _XTEXT.search(address):
        address = _XTEXT.sub(lambda m: chr(int(m.group(1), 16)), address)
    return _UNITEXT.sub(lambda m: chr(int(m.group(1), 16)), address)


def _dsn_recipients(fields: list[tuple[str, str]], text: str) -> Iterator[FailedRecipient]:
    groups = []
    for group in _dsn_groups(fields):
        # Original-Recipient is the address as we sent it; Final-Recipient may be an alias.
        address = _dsn_address(group.get("original-recipient", ""))
        if "@" not in address:
            address = _dsn_address(group.get("final-recipient", ""))
        if "@" in address:
            groups.append((address, group))
    addresses = [address for address, _ in groups]
    explanation = _explanation(text)
    for address, group in groups:
        status = _status(group.get("status", ""))
        action = group.get("action", "").lower() or None
        diagnostic = group.get("diagnostic-code", "").split(";", 1)[-1].strip()
        decision = _decide(status, action, diagnostic)
        if decision.by in ("code", "default"):
            # no words in the Diagnostic-Code (often none at all): the human-readable
            # part may say what the status code does not
            window = _window(explanation, address, addresses)
            if window:
                with_text = _decide(status, action, f"{diagnostic} {window}")
                if with_text.by not in ("code", "default"):
                    decision, diagnostic = with_text, diagnostic or window[:500]
        yield _recipient(address, status, action, diagnostic, decision)


def _status(value: str) -> str | None:
    found = _ENHANCED.search(value)
    return ".".join(found.groups()) if found else None


# --- the decision table (rules.py) ------------------------------------------------------------

# flufl.bounce logs the traceback of every detector that trips over an odd message; it
# goes on with the next detector, and those tracebacks must not fill serve's log.
logging.getLogger("flufl.bounce").setLevel(logging.CRITICAL)

_VERDICT_KIND = {
    Verdict.HARD: BounceKind.HARD,
    Verdict.SOFT: BounceKind.SOFT,
    Verdict.POLICY: BounceKind.POLICY,
}
# What relays put around the remote server's own words: Amazon SES' category ("5.1.0 -
# Unknown address error 550-'…'"), Gmail's "Technical details of permanent failure: …".
_WRAPPERS = re.compile(
    r"\b\d\.\d\.\d{1,3} - [A-Za-z ]{3,40}?(?= \d{3}[ \-'])"
    r"|technical details of (?:permanent|temporary) failure:"
    r"|google tried to deliver your message, but it was rejected by the (?:server for"
    r" the )?recipient domain[^.]*\.|we recommend contacting the other email provider for further"
    r" information about the cause of this error\.|the error that the other server returned was:",
    re.IGNORECASE,
)


def _decide(status: str | None, action: str | None, text: str) -> Decision:
    return decide(status, action, _WRAPPERS.sub(" ", text))


def _recipient(
    address: str, status: str | None, action: str | None, diagnostic: str, decision: Decision
) -> FailedRecipient:
    kind = _VERDICT_KIND[decision.verdict]
    return FailedRecipient(address, status, action, diagnostic, kind, decision.reason)


# --- non-standard bounces -------------------------------------------------------------------


# what may stand before a recipient that begins a line: quotes, brackets, an SMTP code
_LINE_LEAD = re.compile(r"^[\s<>\"'*-]*(?:\d{3}[ -][\s<>\"']*)?")


def _window(text: str, address: str, others: Iterable[str] = ()) -> str:
    """The lines from the first mention of address up to the next line that starts with
    another recipient: where MTAs put its reason (on the same line or the few after)."""
    lines = text.splitlines()
    needle = address.lower()
    stops = tuple({o.lower() for o in others} - {needle})

    def starts_other(line: str) -> bool:
        head = _LINE_LEAD.sub("", line).lower()
        return bool(stops) and head.startswith(stops)

    for i, line in enumerate(lines):
        if needle not in line.lower():
            continue
        taken = [line.strip()]
        before = lines[i - 1] if i else ""
        # a reason may come first ("User x not listed in Domino Directory" / address)
        if (
            before.strip()
            and not _HEADERISH.match(before)
            and not starts_other(before)
            and not any(stop in before.lower() for stop in stops)
        ):
            taken.insert(0, before.strip())
        for following in lines[i + 1 : i + 8]:
            if starts_other(following):
                break
            taken.append(following.strip())
        return " ".join(t for t in taken if t)
    return ""


def _from_text(
    address: str, text: str, others: Iterable[str] = (), *, temporary: bool = False
) -> FailedRecipient:
    explanation = _explanation(text)
    window = _window(explanation, address, others) or " ".join(explanation.split())[:2000]
    diagnostic = window[:500]
    status = _status(_WRAPPERS.sub(" ", window))
    if status is None:
        basic = _BASIC.search(window)
        status = basic.group(1) if basic else None
    action = "delayed" if temporary else "failed"
    decision = _decide(status if status and "." in status else None, action, window)
    if status and "." not in status and decision.verdict is not Verdict.SOFT:
        status = f"{status[0]}.0.0"
    return _recipient(address, status, action, diagnostic, decision)


def _flufl_recipients(msg: Message, text: str, mine: set[str]) -> list[FailedRecipient]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            temporary, permanent = all_failures(msg)
    except Exception:  # a heuristic parser failing must not lose the message
        return []
    listed: list[tuple[str, bool]] = []
    for found, is_temporary in ((permanent, False), (temporary - permanent, True)):
        for item in sorted(found):
            address = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
            address = address.strip().strip("<>")
            if _ADDRESS.fullmatch(address) and _is_foreign(address, mine):
                listed.append((address, is_temporary))
    others = [address for address, _ in listed]
    return [_from_text(a, text, others, temporary=t) for a, t in listed]


def _text_recipients(text: str, mine: set[str]) -> list[FailedRecipient]:
    """Addresses in the explanation that have a code or a failure phrase near them."""
    explanation = _explanation(text)
    candidates: list[str] = []
    for line in explanation.splitlines():
        if _HEADERISH.match(line):
            continue
        for address in _ADDRESS.findall(line):
            if _is_foreign(address, mine) and address.lower() not in map(str.lower, candidates):
                candidates.append(address.strip("."))
    found = (_from_text(a, text, candidates) for a in candidates)
    # an address with neither a status code nor a phrase near it is only mentioned
    return [r for r in found if r.status or r.reason != "generic"]


# --- message-level signals ------------------------------------------------------------------


def _strong_autoreply(msg: Message) -> bool:
    if msg.get("X-Autoreply") or msg.get("X-Autorespond"):
        return True
    if _header(msg, "Precedence").lower() == "auto_reply":
        return True
    return bool(_AUTOREPLY_SUBJECT.search(_header(msg, "Subject")))


def _weak_autoreply(msg: Message) -> bool:
    return _header(msg, "Auto-Submitted").lower().startswith("auto-replied")


def _looks_like_bounce(msg: Message, evidence: Evidence) -> bool:
    """From a mailer daemon, a bounce subject, or sent to our VERP envelope sender (only
    returned mail goes there: readers reply to From or Reply-To)."""
    sender = _header(msg, "From")
    return bool(
        evidence.tokens
        or _BOUNCE_SENDER.search(sender)
        or _BOUNCE_SUBJECT.search(_header(msg, "Subject"))
    )


def _merge(recipients: Iterable[FailedRecipient]) -> list[FailedRecipient]:
    """One entry per address (compared lower-cased), keeping its worst report."""
    merged: dict[str, FailedRecipient] = {}
    for recipient in recipients:
        key = recipient.address.lower()
        known = merged.get(key)
        if known is None or _SEVERITY[recipient.kind] > _SEVERITY[known.kind]:
            merged[key] = recipient
    return list(merged.values())


def _worst(recipients: Iterable[FailedRecipient]) -> BounceKind:
    kinds = {r.kind for r in recipients}
    return next((k for k in _WORST_FIRST if k in kinds), BounceKind.SOFT)


def _summary(kind: BounceKind, recipients: tuple[FailedRecipient, ...]) -> str:
    """One German line for the report, naming the worst recipient's reason and code."""
    if kind is BounceKind.COMPLAINT:
        note = recipients[0].diagnostic if recipients else ""
        if note == "X-Apple-Unsubscribe":
            return "Abmeldung per E-Mail (Apple Mail)"
        if "auth-failure" in note:
            return "Bericht über fehlgeschlagene Authentifizierung (ARF auth-failure)"
        return f"Beschwerde über Spam ({note})" if note else "Beschwerde über Spam"
    if kind is BounceKind.AUTOREPLY:
        return "Automatische Antwort (Abwesenheitsnotiz o. Ä.), kein Rückläufer"
    if kind is BounceKind.NOT_BOUNCE:
        return "Keine Rückläufer-Nachricht"
    worst = next((r for r in recipients if r.kind is kind), None)
    if worst is None:
        return f"{_SUMMARY_BY_KIND[kind]} (Empfänger nicht erkennbar)"
    text = _reason(worst)
    more = f", +{len(recipients) - 1} weitere" if len(recipients) > 1 else ""
    return f"{text} ({worst.status}){more}" if worst.status else f"{text}{more}"


def _reason(recipient: FailedRecipient) -> str:
    if recipient.reason and recipient.reason != "generic":
        return REASONS_DE[recipient.reason]
    status = recipient.status or ""
    parts = status.split(".")
    if len(parts) == 3:
        subject_detail = f"{parts[1]}.{parts[2]}"
        if subject_detail in _SUMMARY_BY_CODE:
            return _SUMMARY_BY_CODE[subject_detail]
    if recipient.action == "delayed":
        return "Zustellung verzögert"
    return _SUMMARY_BY_KIND[recipient.kind]
