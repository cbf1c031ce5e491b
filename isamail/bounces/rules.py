"""The decision table: what a failed recipient's notice says, read as hard, soft or policy.

Pure data and one function, ``decide``. The table is read top to bottom and the first
row that matches wins:

1. The MTA still tries, or did deliver (``Action: delayed/relayed/delivered``): soft.
2. **Refused before the recipient was named** (in reply to MAIL FROM, HELO, the
   greeting): about the sender, policy.
3. **Phrases**, in every language a notice comes in (``PHRASES``), in this order:
   the recipient's own server saying "access denied" to an unknown recipient (Exchange
   Online's directory check) is hard; a refusal of the sender or the content (spam,
   block lists, authentication, relaying, size of *our* message, rate limits) is
   policy; a full mailbox, a loop, a timeout or anything temporary is soft; an
   unknown, invalid, disabled, abandoned or moved mailbox or domain is hard. Policy
   and soft come before hard on purpose: a wrong "hard" silences a reader for good, a
   wrong "soft" only counts once more.
4. **Status codes** (``CODES``, RFC 3463), only when no phrase matched: x.1.1 and its
   kind are hard, x.2.2 soft, x.7.x policy, and so on.
5. Nothing specific (a bare 5.0.0, "550 Rejected", no reason at all): soft. An unknown
   failure never unsubscribes anyone; repeated soft bounces do (``bounces.soft_limit``).

Phrases are matched on the text with accents removed and case folded, so "Empfänger
unbekannt", "EMPFAENGER UNBEKANNT" and "destinataire invalide" need one spelling each;
a character lost to a wrong charset (U+FFFD) matches any one letter.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    HARD = "hard"
    SOFT = "soft"
    POLICY = "policy"


@dataclass(frozen=True)
class Phrase:
    verdict: Verdict
    reason: str  # a key of REASONS_DE
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class Decision:
    verdict: Verdict
    reason: str  # a key of REASONS_DE
    by: str  # "action", "stage", "phrase", "code" or "default": what decided


def _p(verdict: Verdict, reason: str, *alternatives: str) -> Phrase:
    return Phrase(verdict, reason, re.compile("|".join(alternatives)))


H, S, P = Verdict.HARD, Verdict.SOFT, Verdict.POLICY

# Refusals given before any recipient was named: about the sending server or address.
SENDER_STAGE = re.compile(
    r"(?:after|in reply to) (?:the )?(?:mail from|helo|ehlo|initial connection|connect)\b"
    r"|after initial connection|my name was rejected"
)

# First match wins; see the module docstring for why this order.
PHRASES: tuple[Phrase, ...] = (
    # Exchange Online answers an address its directory does not know with "access denied"
    _p(H, "unknown", r"recipient address(?:es)? rejected\s*:?\s*access denied"),
    _p(
        P,
        "sender",
        r"sender (?:address )?(?:rejected|refused|denied|blocked|verif|not (?:allowed|accepted|"
        r"authori[sz]ed|pre-?approved|verified|permitted))|sending address not accepted"
        r"|unroutable sender|sender domain|sender'?s? (?:domain|address|ip)|from: domain"
        r"|address is not verified|identities failed|not authori[sz]ed to send|mail ?from"
        r" domain|your (?:ip|host|server|mail server)|client host|ip address .{0,40}"
        r"(?:blocked|listed|not allowed)|invalid ip|mismatches client ip|network not allowed"
        r"|reverse dns|\brdns\b|\bptr\b|not accepting mail from|remetente|remitente"
        r"|expediteur|absender",
    ),
    _p(
        P,
        "auth",
        r"dmarc|\bspf\b|\bdkim\b|authenticat|sender policy framework|starttls|\btls\b",
    ),
    _p(
        P,
        "relay",
        r"relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited|not allowed)"
        r"|unable to relay|(?:use|using) me .{0,40}as a relay|as a relay|open relay"
        r"|insecure mail relay|no relaying|relay quota|relay through|allowed rcpthosts|rcpthosts",
    ),
    _p(
        P,
        "spam",
        r"spam|junk|unsolicited|bulk (?:e-?mail|mail)|\bube\b|mass mailer|virus|malware"
        r"|infected|content (?:filter|reject)|message content|illegal attachment"
        r"|attachments? (?:not allowed|blocked|rejected|type)|with attachments|embedded images"
        r"|uribl|spam-?like|mail rejete|message filtered"
        r"|\bfiltered\b|header contents|x-headers|no resent-from|messages without to"
        r"|protocol violation|\bcommand (?:parameter|unrecognized)|improper sequence"
        r"|line limit|迷惑|スパム|垃圾邮件|反垃圾|спам",
    ),
    _p(
        P,
        "blocklist",
        r"block ?list|blacklist|black list|\brbl\b|dnsbl|spamhaus|spamcop|sorbs"
        r"|(?<!not )listed (?:in|by|at|on)|reputation|blocked|blocking|\bbanned\b"
        r"|lista negra|liste noire|bloqu|gesperrt|blockiert|拒否|ブロック|拒收|拒绝|黑名单",
    ),
    _p(
        P,
        "rate",
        r"\brate\b|rate[- ]?limit|too many (?:messages|mails|connections|recipients|emails)"
        r"|throttl|frequency|daily (?:relay |sending )?quota|quota exceeded for sender"
        r"|sending quota",
    ),
    _p(
        P,
        "size",
        r"too (?:large|big)|message size|size (?:limit|exceed)|larger than|exceeds? (?:the )?"
        r"(?:maximum|fixed|size)|max(?:imum)? message size|sendsizelimit|recipsizelimit"
        r"|length exceeds|exceeds administrative limit"
        r"|trop (?:volumineux|grand|gros)|zu gross|demasiado grande|muito grande",
    ),
    _p(
        P,
        "policy",
        r"polic(?:y|ies)|not permitted|prohibited|forbidden|access denied|\bdenied\b|refused"
        r"|refuse|not allowed|not authori[sz]ed|not accepted here|requires confirmation"
        r"|whitelist|challenge"
        r"|pre-?approved|protected by|richtlinie|politique|politica|策略",
    ),
    _p(
        S,
        "full",
        r"mailbox (?:is )?full|full mailbox|(?:mailbox|mailfolder|maildir|folder|inbox|account"
        r"|disk|user) (?:is |has )?(?:over|exceed|overdrawn)|over ?quota|quota|exceed\w* (?:the "
        r"|his |her |its |their )?(?:storage|disk|space|maximum|max|limit)|insufficient"
        r" (?:storage|disk|space)|not enough (?:\w+ )?space|space not enough|disk ?space"
        r"|storage (?:space|limit|allocation)|enough space|too many messages on the server"
        r"|zu ?viele mails|postfach (?:ist )?voll|speicher\w* .{0,20}(?:voll|erschopft"
        r"|uberschritten)|boite (?:aux lettres )?pleine|espace (?:disque )?insuffisant"
        r"|(?:buzon|casilla|bandeja) .{0,20}(?:llen|agotad)|espacio .{0,30}(?:agotado"
        r"|insuficiente)|cuota|caixa .{0,20}(?:cheia|lotada)|cota (?:excedida|esgotada)"
        r"|容量|いっぱい|満杯|已满|满了|配额|空间不足|переполнен|квот|недостаточно места",
    ),
    _p(
        S,
        "loop",
        r"loop|hop count|too many hops|loops back|schleife|boucle|bucle",
    ),
    _p(
        S,
        "temporary",
        r"temporar|try (?:again )?later|please try again later|not found, try again|retr(?:y|ied)"
        r"|delayed|deferred|postponed|gr[ae]y-?list|timed? ?out|timeout|connection (?:refused"
        r"|dropped|reset|lost|closed)|could not (?:initiate|connect|establish)|unable to"
        r" connect|not reachable|unreachable|no route to host|service (?:currently )?"
        r"unavailable|not accepting (?:connections|messages|mail at this time)|\bbusy\b"
        r"|resources|(?:system|internal|local|mailer|processing) error|transaction failed"
        r"|command died|lock failure|couldn'?t create|malformed|maximum[- ]time[- ]expired"
        r"|time expired|message expired|in the queue too long|queue period|maximum delivery"
        r" attempts|delivery attempts will continue"
        r"|failed \d+ attempts|not yet been delivered|awaiting delivery|did not respond"
        r"|suspend|frozen|\blocked\b|not unique|several matches|unable to take delivery"
        r"|recipient was unavailable|no message collected|on hold|trouble in home directory"
        r"|upstream error|temp_failure"
        r"|vorubergehend|spater|temporaire|plus tard|temporal|mas tarde|temporari"
        r"|mais tarde|一時的|しばらく|暂时|稍后|временн|позже",
    ),
    _p(
        H,
        "disabled",
        r"(?:account|mailbox|user|address|casilla|cuenta|conta|konto|compte|postfach)\W"
        r"(?:\w+\W+){0,7}(?:disabled|deactivated|discontinued|closed|deleted|terminated"
        r"|inactive|expired|expirad[oa]|abgelaufen|deaktiviert|desactiv|desativad"
        r"|deshabilitad|cancelad|eliminad|niedost.pne)|(?:inactive|deactivated|disabled)"
        r" (?:e-?mail |recipient )?(?:address|account|mailbox)|not an active address"
        r"|not been collected|no longer (?:valid|on server|available|active|in use|exists)"
        r"|wrong or no longer|has moved|not our (?:customer|user)|falta de uso",
    ),
    _p(
        H,
        "domain",
        r"host (?:or domain name )?(?:unknown|not found)|unknown host|domain (?:name )?"
        r"(?:not found|does not exist|unknown)|no such domain|(?:domain|host) .{0,40}does not"
        r" exist|unrout(?:e)?able|illegal host|does not accept mail|null ?mx|no mx record"
        r"|no smtp service|couldn'?t find (?:a mail exchanger|any host)|name or service not"
        r" known|nxdomain|responded with code noerror|invalid domain|domain .{0,20}nonexistent"
        r"|域名不存在",
    ),
    _p(
        H,
        "unknown",
        r"(?:user|recipient|addressee|mailbox|address|local part|alias|account|destinatario"
        r"|destinataire) (?:name )?(?:is )?(?:unknown|not known|not found|not recogni[sz]ed"
        r"|not listed|does not exist|doesn'?t exist|dosn'?t exist|not exist)"
        r"|unknown (?:user|recipient|addressee|mailbox|address|local|alias|account)"
        r"|no such (?:user|mailbox|recipient|address|account|person|local)|(?:does not|doesn'?t"
        r"|did not|dosn'?t) exist|nonexistent|non-existent|not exist|no mailbox|no mail ?box"
        r"|mailbox (?:unavailable|not found|not available|unknown)|invalid (?:recipient|mailbox"
        r"|address|user|account|final delivery)|not a (?:known|valid|registered) (?:user|mailbox"
        r"|address)|is not a valid|(?:wasn'?t|was not|couldn'?t be|could not be|not) found"
        r"|address rejected(?!\s*:\s*\w)|recipient (?:rejected|unknown)|not listed in"
        r"|name is not recognized|mailbox <address> (?:unavailable|not available)"
        r"|recipnotfound|recipientnotfound|bad[_ ]recipient|bad destination|no account by"
        r"|doesn'?t have an? .{0,40}account|does not have a final|no matches to nameserver"
        r"|did not exactly match|user not known|n.existe pas|inexistant|inconnu|introuvable"
        r"|invalide|non recense|no existe|inexistente|desconocid|inv.lid|no se (?:encontr"
        r"|pudo encontrar)|n.o existe|desconhecid|n.o (?:foi )?encontrad|unbekannt|existiert"
        r" nicht|gibt es nicht|nicht gefunden|ungultig|non esiste|sconosciut|bestaat niet"
        r"|niet gevonden|onbekend|nie istnieje|nieznany|存在しません|存在しない|宛先不明"
        r"|見つかりません|不明なユーザ|不存在|查无此人|无此用户|没有这个用户|未找到|找不到"
        r"|地址无效|не существует|нет такого|неизвестн|не найден",
    ),
)


@dataclass(frozen=True)
class CodeRule:
    klass: int | None  # 4 or 5; None: either
    subject: int
    details: frozenset[int] | None  # None: any
    verdict: Verdict | None  # None: the code says nothing specific, read on
    reason: str


def _c(
    klass: int | None, subject: int, details: set[int] | None, verdict: Verdict | None, reason: str
) -> CodeRule:
    return CodeRule(klass, subject, frozenset(details) if details else None, verdict, reason)


# RFC 3463 enhanced status codes, for a notice whose words matched no phrase.
CODES: tuple[CodeRule, ...] = (
    _c(None, 1, {0}, None, "generic"),  # "other address status": sender or recipient
    _c(None, 1, {7, 8}, P, "sender"),  # the sender's mailbox or domain is bad
    _c(5, 1, {1, 3, 10}, H, "unknown"),
    _c(5, 1, {2}, H, "domain"),
    _c(5, 1, {6}, H, "disabled"),  # moved, no forwarding address
    _c(4, 1, None, S, "temporary"),
    _c(5, 2, {1}, H, "disabled"),  # mailbox disabled
    _c(None, 2, {2}, S, "full"),
    _c(None, 2, {3}, P, "size"),
    _c(None, 2, None, S, "temporary"),
    _c(None, 3, {4}, P, "size"),
    _c(None, 3, None, S, "temporary"),  # the receiving mail system's trouble
    _c(5, 4, {4}, H, "domain"),  # unable to route: the domain has no mail host
    _c(None, 4, None, S, "temporary"),  # network, routing, congestion, loops
    _c(None, 5, None, None, "generic"),  # protocol: says nothing about the mailbox
    _c(None, 6, None, P, "spam"),  # our content
    _c(5, 7, {13}, H, "disabled"),  # user account disabled
    _c(None, 7, None, P, "policy"),
)

_ENHANCED = re.compile(r"(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.]*\d)")
_NOT_FAILED = frozenset({"delayed", "relayed", "delivered", "expanded", "deliverable"})


# What a notice quotes that is no reason: addresses (a local part such as "filtered@" or
# "dmarc@" must not read as one) and the paths of links (their host may be the reason:
# "http://www.spamhaus.org/query/…").
_ADDRESS = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"\b(?:https?|ftp)://([^/\s]+)\S*")


def normalise(text: str) -> str:
    """Lower case, accents removed, white space collapsed; U+FFFD (a letter lost to a
    wrong charset) becomes "." so that a pattern's "." matches it as any letter."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\ufffd", "."))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def decide(status: str | None, action: str | None, text: str) -> Decision:
    """The verdict for one failed recipient: its DSN status (or the enhanced code found
    in its text), DSN action and the text that explains it (module docstring)."""
    if action in _NOT_FAILED:
        return Decision(S, "delayed", "action")
    plain = normalise(_URL.sub(r" <url \1> ", _ADDRESS.sub("<address>", text)))
    if SENDER_STAGE.search(plain):
        return Decision(P, "sender", "stage")
    for phrase in PHRASES:
        if phrase.pattern.search(plain):
            return Decision(phrase.verdict, phrase.reason, "phrase")
    for code in _codes(status, plain):
        rule = _code_rule(code)
        if rule is not None and rule.verdict is not None:
            return Decision(rule.verdict, rule.reason, "code")
    return Decision(S, "generic", "default")


def _codes(status: str | None, plain: str) -> list[tuple[int, int, int]]:
    """The status first, then the enhanced codes of the text."""
    found = [status] if status else []
    found += [".".join(m.groups()) for m in _ENHANCED.finditer(plain)]
    codes = []
    for value in found:
        parts = value.split(".")
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            codes.append((int(parts[0]), int(parts[1]), int(parts[2])))
    return codes


def _code_rule(code: tuple[int, int, int]) -> CodeRule | None:
    klass, subject, detail = code
    if klass == 2:
        return CodeRule(2, subject, None, S, "delayed")
    for rule in CODES:
        if (
            (rule.klass is None or rule.klass == klass)
            and rule.subject == subject
            and (rule.details is None or detail in rule.details)
        ):
            return rule
    return None


# German names of the reasons, for summaries that staff read.
REASONS_DE = {
    "unknown": "Postfach unbekannt",
    "domain": "Domain ohne Mailserver",
    "disabled": "Postfach stillgelegt",
    "full": "Postfach voll",
    "loop": "Mail-Schleife",
    "temporary": "Vorübergehender Fehler",
    "delayed": "Zustellung verzögert",
    "sender": "Absender abgelehnt",
    "auth": "Authentifizierung (SPF/DKIM/DMARC) fehlgeschlagen",
    "relay": "Weiterleitung (Relay) verweigert",
    "spam": "Als Spam oder wegen des Inhalts abgelehnt",
    "blocklist": "Sperrliste oder Reputation",
    "rate": "Zu viele Nachrichten (Ratenbegrenzung)",
    "size": "Nachricht zu groß",
    "policy": "Vom Empfangsserver abgelehnt (Richtlinie)",
    "generic": "Zustellfehler ohne genauen Grund",
}
