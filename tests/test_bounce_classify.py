"""Classifying returned mail: real notices labelled by hand, and synthetic messages.

tests/data/bounces/labels.tsv labels 1,100 real notices (the sisimai corpus and the
extra corpora in tests/data/bounces/extra; how: bench/README.md). Each is classified as
the bounce mailbox receives it, delivered to its own delivery's VERP address. What must
hold: no notice that is not a hard bounce is read as hard, and at least 95 % of the hard
ones are read as hard, in every language and server family the labels cover.
"""

from __future__ import annotations

import collections
import email
import json
import logging
import re
from collections.abc import Iterator
from email.message import EmailMessage, Message
from email.policy import SMTPUTF8, compat32
from pathlib import Path

import pytest

from isamail.bounces.classify import BounceKind, BounceReport, classify
from isamail.bounces.process import message_digest
from isamail.bounces.rules import Verdict, decide

CORPUS = Path(__file__).parent / "data" / "bounces"
BOUNCES = sorted((CORPUS / "bounces").glob("*.eml"))
NOT_BOUNCES = sorted((CORPUS / "not-bounces").glob("*.eml"))
HEADERLESS = (
    b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
    b"Subject: Undelivered Mail Returned to Sender\n\n"
)


@pytest.fixture(scope="module")
def reports() -> dict[str, BounceReport]:
    return {f"{p.parent.name}/{p.name}": classify(p.read_bytes()) for p in BOUNCES + NOT_BOUNCES}


def _labelled() -> Iterator[tuple[str, str, bytes]]:
    """(path, label, raw as delivered to a VERP address), byte-identical copies once."""
    seen = set()
    lines = (CORPUS / "labels.tsv").read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if line.startswith("#") or not line:
            continue
        path, label, tags, _ = line.split("\t")
        raw = (CORPUS / path).read_bytes()
        if "headerless" in tags:
            raw = HEADERLESS + raw
        digest = message_digest(raw)
        if label == "unclear" or digest in seen:
            continue
        seen.add(digest)
        yield path, label, f"Delivered-To: bounces+{n}-tok@isa-portal.de\n".encode() + raw


@pytest.fixture(scope="module")
def labelled() -> list[tuple[str, str, str]]:
    """(path, label, kind read) of every labelled notice."""
    logging.disable(logging.CRITICAL)  # flufl.bounce logs its detectors' tracebacks
    try:
        return [(path, label, classify(raw).kind.value) for path, label, raw in _labelled()]
    finally:
        logging.disable(logging.NOTSET)


def test_the_labelled_notices_are_there(labelled: list[tuple[str, str, str]]) -> None:
    labels = collections.Counter(label for _, label, _ in labelled)
    assert len(labelled) >= 1000
    assert labels["hard"] >= 400 and labels["soft"] >= 200 and labels["policy"] >= 250
    assert sum(path.startswith("extra/") for path, _, _ in labelled) >= 400


def test_no_notice_that_is_not_hard_is_read_as_hard(labelled: list[tuple[str, str, str]]) -> None:
    wrong = [(path, label) for path, label, got in labelled if label != "hard" and got == "hard"]
    assert wrong == []


def test_hard_bounces_are_recognised(labelled: list[tuple[str, str, str]]) -> None:
    hard = [(path, got) for path, label, got in labelled if label == "hard"]
    missed = [path for path, got in hard if got != "hard"]
    assert len(missed) / len(hard) <= 0.05, missed


def test_hard_bounces_in_other_languages_and_legacy_formats(
    labelled: list[tuple[str, str, str]],
) -> None:
    """The notices in French, Spanish, Portuguese, German, Japanese, Chinese and Russian,
    and those of Exchange/X.400, GroupWise, Lotus, PMDF and old Yahoo servers."""
    kinds = re.compile(
        r"franceptt|mfilter|domino|notes|ezweb|kddi|nttdocomo|mailru|yandex|groupwise"
        r"|microsoft_0|exchange|messagingserver|yahoo|phpbouncehandler/(?:4|6|48|44|1)\."
        r"|dsn_10|simple_1[39]|sina_01|polish|fixture_bounce_007"
    )
    chosen = [
        (path, got) for path, label, got in labelled if label == "hard" and kinds.search(path)
    ]
    assert len(chosen) >= 60
    missed = [path for path, got in chosen if got != "hard"]
    assert len(missed) / len(chosen) <= 0.05, missed


def test_ses_and_arf_samples_have_no_labelled_exceptions(reports: dict[str, BounceReport]) -> None:
    for name in [p.name for p in BOUNCES if p.name.startswith("arf-")]:
        assert reports[f"bounces/{name}"].kind is BounceKind.COMPLAINT, name


def test_auto_replies(reports: dict[str, BounceReport]) -> None:
    names = [p.name for p in BOUNCES if p.name.startswith("rfc3834-")]
    assert names
    for name in names:
        assert reports[f"bounces/{name}"].kind is BounceKind.AUTOREPLY, name


def test_complaints(reports: dict[str, BounceReport]) -> None:
    names = [p.name for p in BOUNCES if p.name.startswith("arf-")]
    assert names
    for name in names:
        report = reports[f"bounces/{name}"]
        assert report.kind is BounceKind.COMPLAINT, name
    # Some samples name no complainant at all ("To: <Undisclosed Recipients>"): the token must.
    assert sum(bool(reports[f"bounces/{n}"].recipients) for n in names) >= 12


def test_not_bounces_are_left_alone(reports: dict[str, BounceReport]) -> None:
    for path in NOT_BOUNCES:
        report = reports[f"not-bounces/{path.name}"]
        assert report.kind in {BounceKind.NOT_BOUNCE, BounceKind.AUTOREPLY}, path.name
        assert not report.recipients, path.name


def test_counts_per_class(reports: dict[str, BounceReport]) -> None:
    counts = collections.Counter(
        r.kind for name, r in reports.items() if name.startswith("bounces/")
    )
    print("\nbounce corpus:", {kind.value: counts[kind] for kind in BounceKind})
    assert counts[BounceKind.HARD] >= 250
    assert counts[BounceKind.SOFT] >= 100
    assert counts[BounceKind.POLICY] >= 80
    # 17 ARF reports and one Amazon SES complaint notification (lhost-amazonses-11)
    assert counts[BounceKind.COMPLAINT] == 18
    assert counts[BounceKind.AUTOREPLY] >= 6
    # Bounces the classifier cannot read at all stay rare (among them two SES delivery
    # notifications, which are no bounces).
    assert counts[BounceKind.NOT_BOUNCE] <= 10


def test_every_report_has_a_german_summary(reports: dict[str, BounceReport]) -> None:
    for name, report in reports.items():
        assert report.summary and "\n" not in report.summary, name
        assert report.reporter, name


# --- synthetic messages ---------------------------------------------------------------------


def _dsn(
    recipient: str,
    status: str,
    *,
    to: str = "bounces+AbC123_x-9@isa-portal.de",
    diagnostic: str = "smtp; 550 5.1.1 user unknown",
    original: str | None = None,
) -> bytes:
    """A standard RFC 3464 report as Postfix sends it to our envelope sender."""
    returned = (
        f"--B\nContent-Type: text/rfc822-headers\n\n{original}\n" if original is not None else ""
    )
    return (
        "From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\n"
        f"To: {to}\nSubject: Undelivered Mail Returned to Sender\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        "--B\nContent-Type: text/plain\n\nYour message could not be delivered.\n\n"
        "--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n"
        f"Final-Recipient: rfc822; {recipient}\nAction: failed\nStatus: {status}\n"
        f"Diagnostic-Code: {diagnostic}\n\n{returned}--B--\n"
    ).encode()


def test_token_from_the_bounce_recipient() -> None:
    report = classify(_dsn("max@stadt.example", "5.1.1"))
    assert report.token == "AbC123_x-9"
    assert report.kind is BounceKind.HARD
    assert [r.address for r in report.recipients] == ["max@stadt.example"]
    assert report.summary == "Postfach unbekannt (5.1.1)"
    assert report.reporter == "mx.example.org"


def test_token_from_delivered_to_with_another_local_part() -> None:
    raw = _dsn(
        "max@stadt.example",
        "5.2.2",
        to="Newsletter <info@isa-portal.de>",
        diagnostic="smtp; 552 5.2.2 mailbox full",
    )
    msg = email.message_from_bytes(raw, policy=compat32)
    msg["Delivered-To"] = "retour+Tok_1@isa-portal.de"
    report = classify(msg.as_bytes(), verp_local="retour")
    assert report.token == "Tok_1"
    assert report.kind is BounceKind.SOFT
    assert classify(msg.as_bytes()).token is None


def test_token_from_the_returned_originals_return_path() -> None:
    original = "Return-Path: <bounces+Xy9@isa-portal.de>\nMessage-ID: <e1.r7@isa-portal.de>\n"
    raw = _dsn("max@stadt.example", "5.1.1", to="info@isa-portal.de", original=original)
    report = classify(raw)
    assert report.token == "Xy9"
    assert report.original_message_id == "<e1.r7@isa-portal.de>"


def test_non_ascii_recipient_is_attributed_by_token() -> None:
    """Parsers skip addresses like 王伟@例子.example; the token still names the delivery."""
    outer = EmailMessage(policy=SMTPUTF8)
    outer["From"] = "Mail Delivery System <MAILER-DAEMON@mx.例子.example>"
    outer["To"] = "bounces+AbC123_x-9@isa-portal.de"
    outer["Subject"] = "Undelivered Mail Returned to Sender"
    outer.set_content("Die Nachricht an 王伟@例子.example konnte nicht zugestellt werden.")
    outer.make_mixed()
    per_message, per_recipient = Message(policy=SMTPUTF8), Message(policy=SMTPUTF8)
    per_message["Reporting-MTA"] = "dns; mx.例子.example"
    per_recipient["Final-Recipient"] = "utf-8; 王伟@例子.example"
    per_recipient["Action"] = "failed"
    per_recipient["Status"] = "5.1.1"
    per_recipient["Diagnostic-Code"] = "smtp; 550 5.1.1 no such user"
    status = Message(policy=SMTPUTF8)
    status["Content-Type"] = "message/delivery-status"
    status.set_payload([per_message, per_recipient])
    outer.attach(status)
    raw = outer.as_bytes()
    assert "王伟".encode() in raw
    report = classify(raw)
    assert report.token == "AbC123_x-9"
    assert report.kind is BounceKind.HARD
    if report.recipients:
        assert report.recipients[0].address == "王伟@例子.example"


def test_original_message_id_from_rfc822_headers_part() -> None:
    original = (
        "From: ISA <info@isa-portal.de>\nTo: max@stadt.example\n"
        "Message-ID: <20250101.abc@isa-portal.de>\nSubject: ISA Newsletter\n"
    )
    report = classify(_dsn("max@stadt.example", "5.1.1", original=original))
    assert report.original_message_id == "<20250101.abc@isa-portal.de>"


@pytest.mark.parametrize(
    ("status", "diagnostic", "kind"),
    [
        ("5.1.1", "smtp; 550 5.1.1 user unknown", BounceKind.HARD),
        ("5.0.0", "smtp; 550 No such user here", BounceKind.HARD),
        ("5.2.1", "smtp; 550 5.2.1 mailbox disabled", BounceKind.HARD),
        ("5.4.4", "smtp; 550 5.4.4 no route to host", BounceKind.SOFT),
        ("5.2.2", "smtp; 552 5.2.2 mailbox full", BounceKind.SOFT),
        ("4.2.2", "smtp; 452 4.2.2 over quota", BounceKind.SOFT),
        ("4.4.7", "smtp; 421 timed out", BounceKind.SOFT),
        ("5.7.1", "smtp; 550 5.7.1 blocked using zen.spamhaus.org", BounceKind.POLICY),
        (
            "5.7.26",
            "smtp; 550 5.7.26 unauthenticated mail is prohibited (DMARC)",
            BounceKind.POLICY,
        ),
        ("4.7.28", "smtp; 421 4.7.28 rate limited, too many messages", BounceKind.POLICY),
        ("5.0.0", "smtp; 550 rejected for policy reasons", BounceKind.POLICY),
        ("5.0.0", "smtp; 554 quota exceeded for sender", BounceKind.POLICY),
        ("5.1.8", "smtp; 553 5.1.8 sender domain does not exist", BounceKind.POLICY),
        # the cases: text about quota, size, loops or a temporary condition
        # outweighs a bare 5.0.0; refusing the sender or the content is policy
        ("5.0.0", "smtp; 550 5.0.0 mailbox full", BounceKind.SOFT),
        ("5.0.0", "smtp; 554 5.0.0 message too large", BounceKind.POLICY),
        ("5.0.0", "smtp; 554 5.0.0 Too many hops, mail loop", BounceKind.SOFT),
        ("5.0.0", "smtp; 550 5.0.0 Relaying denied", BounceKind.POLICY),
        ("5.0.0", "smtp; 554 5.0.0 Message refused: content looks like spam", BounceKind.POLICY),
        ("5.0.0", "smtp; 550 5.0.0 Rejected", BounceKind.SOFT),  # no reason: never hard
        ("5.1.1", "smtp; 552 sorry, mailbox is over quota temporarily (#5.1.1)", BounceKind.SOFT),
    ],
)
def test_decision_table(status: str, diagnostic: str, kind: BounceKind) -> None:
    report = classify(_dsn("max@stadt.example", status, diagnostic=diagnostic))
    assert report.kind is kind
    assert report.recipients[0].status == status


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        # the same reasons in the words of servers in other languages
        ("550 Empfänger unbekannt", Verdict.HARD),
        ("550 Benutzer existiert nicht", Verdict.HARD),
        ("552 Postfach ist voll", Verdict.SOFT),
        ("550 Adresse destinataire invalide. Invalid recipient.", Verdict.HARD),
        ("550 L'adresse de messagerie n'existe pas", Verdict.HARD),
        ("552 Boîte aux lettres pleine", Verdict.SOFT),
        ("550 Destinatario desconocido", Verdict.HARD),
        ("Esta casilla ha expirado por falta de uso.", Verdict.HARD),
        ("Espacio en casilla de mail agotado.", Verdict.SOFT),
        ("554 Usuário Inválido", Verdict.HARD),
        ("550 O endereço não existe", Verdict.HARD),
        ("550 Caixa postal cheia", Verdict.SOFT),
        ("ユーザーは存在しません", Verdict.HARD),
        ("宛先不明のため配送できませんでした", Verdict.HARD),
        ("メールボックスの容量を超えています", Verdict.SOFT),
        ("550 收件人不存在", Verdict.HARD),
        ("552 对方邮箱已满", Verdict.SOFT),
        ("554 邮件被识别为垃圾邮件", Verdict.POLICY),
        ("550 Пользователь не существует", Verdict.HARD),
        # a mailbox abandoned or not collected is dead; one suspended or frozen may return
        ("failed because it has not been collected after 30 days", Verdict.HARD),
        ("this mailbox is inactive and has been disabled", Verdict.HARD),
        ("550 [SUSPEND] Mailbox currently suspended", Verdict.SOFT),
        ("550 Mailbox is frozen", Verdict.SOFT),
        # the reason is the words, never an address or a link path in them
        ("550 5.0.1 <filtered@example.org>: Recipient rejected", Verdict.HARD),
        ("553 http://www.spamhaus.org/query/bl?ip=192.0.2.1", Verdict.POLICY),
        # Exchange Online answers an unknown recipient with "access denied"
        ("550 5.4.1 Recipient address rejected: Access denied", Verdict.HARD),
        # refused before any recipient was named: the sender
        ("SMTP error after MAIL FROM:<x@isa-portal.de>: 553 domain does not exist", Verdict.POLICY),
    ],
)
def test_phrases_in_many_languages(text: str, verdict: Verdict) -> None:
    assert decide(None, "failed", text).verdict is verdict


def test_delayed_action_is_soft() -> None:
    raw = _dsn("max@stadt.example", "4.4.1").replace(b"Action: failed", b"Action: delayed")
    report = classify(raw)
    assert report.kind is BounceKind.SOFT
    assert report.recipients[0].action == "delayed"


def test_german_out_of_office_is_an_autoreply() -> None:
    msg = EmailMessage()
    msg["From"] = "max@stadt.example"
    msg["To"] = "bounces+AbC123@isa-portal.de"
    msg["Subject"] = "Abwesenheitsnotiz: ISA Newsletter Mai"
    msg["In-Reply-To"] = "<20250101.abc@isa-portal.de>"
    msg.set_content("Ich bin bis 5. Mai nicht im Büro.")
    report = classify(msg.as_bytes())
    assert report.kind is BounceKind.AUTOREPLY
    assert report.token == "AbC123"
    assert report.original_message_id == "<20250101.abc@isa-portal.de>"


def test_ordinary_mail_is_not_a_bounce() -> None:
    msg = EmailMessage()
    msg["From"] = "max@stadt.example"
    msg["To"] = "info@isa-portal.de"
    msg["Subject"] = "Frage zum Newsletter"
    msg.set_content("Können Sie mir die Ausgabe vom März schicken? 550 Grüße")
    assert classify(msg.as_bytes()).kind is BounceKind.NOT_BOUNCE


def test_garbage_does_not_raise() -> None:
    for raw in (b"", b"\xff\xfe\x00garbage", b"Content-Type: multipart/report\n\n--x--"):
        assert classify(raw).kind is BounceKind.NOT_BOUNCE


# --- Amazon SES notifications (SNS JSON by mail) ----------------------------------------------

SES_SAMPLES = {
    # the JSON bare, one line broken by sendmail's "!" + newline + space
    "lhost-amazonses-09.eml": (BounceKind.HARD, ["bounce@simulator.amazonses.com"]),
    # the same kind of bounce inside an SNS envelope ("Type": "Notification")
    "lhost-amazonses-10.eml": (BounceKind.HARD, ["bounce@simulator.amazonses.com"]),
    "lhost-amazonses-11.eml": (BounceKind.COMPLAINT, ["complaint@simulator.amazonses.com"]),
    # delivery notifications: nothing bounced
    "lhost-amazonses-12.eml": (BounceKind.NOT_BOUNCE, []),
    "lhost-amazonses-13.eml": (BounceKind.NOT_BOUNCE, []),
}


def test_every_ses_json_sample_is_known() -> None:
    with_json = {p.name for p in BOUNCES if b"notificationType" in p.read_bytes()}
    assert with_json == set(SES_SAMPLES)


@pytest.mark.parametrize("name", sorted(SES_SAMPLES))
def test_amazon_ses_corpus_samples(reports: dict[str, BounceReport], name: str) -> None:
    kind, addresses = SES_SAMPLES[name]
    report = reports[f"bounces/{name}"]
    assert report.kind is kind
    assert [r.address for r in report.recipients] == addresses
    assert report.reporter.startswith("Amazon SES")
    if kind is BounceKind.HARD:
        assert report.recipients[0].status == "5.1.1"
        assert report.summary == "Postfach unbekannt (5.1.1)"


def _ses(
    notification: dict[str, object], *, sns_envelope: bool = False, cte: str = "7bit"
) -> bytes:
    """A notification as SNS mails it to an e-mail subscription (``cte`` as a relay may
    have re-encoded it: base64 hides the token from a search of the raw bytes)."""
    body = json.dumps(notification)
    if sns_envelope:
        body = json.dumps({"Type": "Notification", "MessageId": "x", "Message": body}, indent=2)
    msg = EmailMessage()
    msg["From"] = "SES-Bounces <no-reply@sns.amazonaws.com>"
    msg["To"] = "bounces@isa-portal.de"
    msg["Subject"] = "AWS Notification Message"
    msg.set_content(body + "\n\n--\nIf you wish to stop receiving notifications ...\n", cte=cte)
    return msg.as_bytes()


def _ses_mail(**extra: object) -> dict[str, object]:
    return {
        "timestamp": "2025-01-01T10:00:00.000Z",
        "source": "bounces+Tok_42@isa-portal.de",
        "messageId": "0100018c-ses-own-id-000000",
        "destination": ["max@stadt.example"],
        **extra,
    }


@pytest.mark.parametrize(
    ("bounce_type", "sub_type", "kind"),
    [
        ("Permanent", "NoEmail", BounceKind.HARD),
        ("Permanent", "Suppressed", BounceKind.HARD),
        ("Transient", "MailboxFull", BounceKind.SOFT),
        ("Transient", "ContentRejected", BounceKind.SOFT),
        ("Undetermined", "Undetermined", BounceKind.SOFT),
    ],
)
@pytest.mark.parametrize(("sns_envelope", "cte"), [(False, "7bit"), (True, "base64")])
def test_ses_bounce_types(
    bounce_type: str, sub_type: str, kind: BounceKind, sns_envelope: bool, cte: str
) -> None:
    note = {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": sub_type,
            "bouncedRecipients": [{"emailAddress": "Max Muster <max@stadt.example>"}],
            "reportingMTA": "dns; a8-70.smtp-out.amazonses.com",
        },
        "mail": _ses_mail(),
    }
    raw = _ses(note, sns_envelope=sns_envelope, cte=cte)
    assert (b"Tok_42" in raw) is (cte == "7bit")
    report = classify(raw)
    assert report.kind is kind
    assert [(r.address, r.kind) for r in report.recipients] == [("max@stadt.example", kind)]
    # SES' own messageId is not ours; the envelope sender we gave it carries the token
    assert report.token == "Tok_42"
    assert report.original_message_id is None
    assert report.reporter == "Amazon SES (a8-70.smtp-out.amazonses.com)"


def test_ses_original_message_id_from_the_original_headers() -> None:
    headers = [{"name": "Message-ID", "value": "<ab12.7@isa-portal.de>"}]
    for mail in (
        _ses_mail(commonHeaders={"messageId": "<ab12.7@isa-portal.de>"}),
        _ses_mail(headers=headers),
        _ses_mail(commonHeaders={"messageId": " ab12.7@isa-portal.de"}),  # as SES documents it
    ):
        note = {
            "eventType": "Complaint",  # event publishing names the field so
            "complaint": {"complainedRecipients": [{"emailAddress": "max@stadt.example"}]},
            "mail": mail,
        }
        report = classify(_ses(note))
        assert report.kind is BounceKind.COMPLAINT
        assert report.original_message_id == "<ab12.7@isa-portal.de>"


@pytest.mark.parametrize(
    ("feedback", "kind"),
    [
        ("abuse", BounceKind.COMPLAINT),
        ("auth-failure", BounceKind.COMPLAINT),  # process turns it into an operator alert
        ("not-spam", BounceKind.NOT_BOUNCE),  # the opposite of a complaint
    ],
)
def test_ses_complaint_feedback_types(feedback: str, kind: BounceKind) -> None:
    note = {
        "notificationType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": "max@stadt.example"}],
            "complaintFeedbackType": feedback,
        },
        "mail": _ses_mail(),
    }
    report = classify(_ses(note))
    assert report.kind is kind
    if kind is BounceKind.COMPLAINT:
        assert report.recipients[0].diagnostic == f"Feedback-Type: {feedback}"


def test_json_that_is_no_ses_notification_is_read_as_before() -> None:
    msg = EmailMessage()
    msg["From"] = "max@stadt.example"
    msg["Subject"] = "Daten"
    msg.set_content('{"notificationType": "Bounce", "note": "no mail object"}')
    assert classify(msg.as_bytes()).kind is BounceKind.NOT_BOUNCE
