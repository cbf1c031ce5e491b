"""Quotas, providers and the circuit breaker: the components the send engine asks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from isamail.config import load_settings
from isamail.context import Project
from isamail.db.engine import unit_of_work
from isamail.db.models import Delivery, Edition, OutgoingMail, Subscriber
from isamail.db.readonly import read_only
from isamail.deliverability.breaker import CircuitBreaker, is_policy_refusal
from isamail.deliverability.limits import DeliveryLimits
from isamail.deliverability.providers import ProviderDirectory, known_provider, provider_of_mx
from isamail.deliverability.quotas import UNLIMITED, Allowance, Quota, QuotaLedger, quota_wait
from isamail.deliverability.resolver import Resolver
from tests.dnsd import DnsTestServer

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


# --- quotas ---------------------------------------------------------------------------


def test_no_quota_allows_everything() -> None:
    ledger = QuotaLedger(Quota(), [at(0)] * 100)
    assert ledger.allowance(at(1)) == Allowance(UNLIMITED, None)


def test_per_minute_counts_a_sliding_window() -> None:
    ledger = QuotaLedger(Quota(per_minute=30))
    for i in range(25):
        ledger.record(at(i))
    assert ledger.allowance(at(30)).may_send == 5
    for i in range(5):
        ledger.record(at(30 + i))
    full = ledger.allowance(at(40))
    assert full.may_send == 0
    assert full.next_at == at(60)  # the send at second 0 leaves the window
    assert full.limit == "30 je Minute"
    assert ledger.allowance(at(60)).may_send == 1
    assert ledger.allowance(at(64.5)).may_send == 5


def test_the_day_quota_binds_after_the_minute_quota() -> None:
    quota = Quota(per_minute=30, per_day=10_000)
    sends = [at(i * 8) for i in range(10_000)]  # 10,000 over 22 hours
    ledger = QuotaLedger(quota, sends)
    blocked = ledger.allowance(at(80_000))
    assert blocked.may_send == 0
    assert blocked.next_at == at(86_400)  # a day after the first
    assert blocked.limit == "10.000 je Tag"
    assert ledger.allowance(at(86_400)).may_send == 1
    assert quota.describe() == "30 je Minute, 10.000 je Tag"


def test_the_latest_window_decides_when_several_are_full() -> None:
    ledger = QuotaLedger(Quota(per_minute=2, per_hour=3), [at(0), at(1000), at(1001)])
    blocked = ledger.allowance(at(1010))
    # the minute frees at 1060, the hour only at 3600
    assert (blocked.may_send, blocked.next_at, blocked.limit) == (0, at(3600), "3 je Stunde")


def test_recorded_sends_out_of_order_are_kept_sorted() -> None:
    ledger = QuotaLedger(Quota(per_minute=3), [at(10)])
    ledger.record(at(5))
    ledger.record(at(20), count=1)
    assert ledger.allowance(at(30)).next_at == at(65)


# --- providers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "key"),
    [
        ("gmail.com", "google"),
        ("GoogleMail.com.", "google"),
        ("hotmail.de", "microsoft"),
        ("web.de", "united-internet"),
        ("gmx.net", "united-internet"),
        ("t-online.de", "t-online"),
        ("qq.com", "tencent"),
        ("163.com", "netease"),
        ("yahoo.de", "yahoo"),
    ],
)
def test_well_known_domains(domain: str, key: str) -> None:
    provider = known_provider(domain)
    assert provider is not None and provider.key == key


@pytest.mark.parametrize(
    ("hosts", "key"),
    [
        (["stadt-duesseldorf-de.mail.protection.outlook.com"], "microsoft"),
        (["aspmx.l.google.com", "alt1.aspmx.l.google.com"], "google"),
        (["mx00.emig.gmx.net"], "united-internet"),
        (["mx-ha03.web.de"], "united-internet"),
        (["mxbiz1.qq.com"], "tencent"),
        (["163mx01.mxmail.netease.com"], "netease"),
        (["mx1.hc1234-56.eu.iphmx.com", "mx0a-001.pphosted.com"], "proofpoint"),
        (["mx.stadt.example"], None),
    ],
)
def test_providers_by_mx(hosts: list[str], key: str | None) -> None:
    provider = provider_of_mx(hosts)
    assert (provider.key if provider else None) == key


def test_the_directory_asks_dns_once_per_domain(dns_server: DnsTestServer) -> None:
    dns_server.mx("wuhan-invest.example", (10, "mxbiz1.qq.com"), (20, "mxbiz2.qq.com"))
    dns_server.mx("stadt-bochum.example", (5, "mail1.bochum-it.example"))
    dns_server.servfail.add("kaputt.example")
    now = [0.0]
    directory = ProviderDirectory(
        Resolver([("127.0.0.1", dns_server.port)], 2.0), clock=lambda: now[0]
    )
    assert directory.provider_for("wuhan-invest.example").key == "tencent"
    assert directory.provider_for("WUHAN-INVEST.example").key == "tencent"
    assert directory.provider_for("stadt-bochum.example").key == "mx:bochum-it.example"
    assert directory.provider_for("gmail.com").key == "google"  # no DNS for this one
    assert directory.provider_for("kaputt.example").key == "domain:kaputt.example"
    assert directory.provider_for("nirgends.example").key == "domain:nirgends.example"
    asked = [q for q in dns_server.queries if q[1] == "MX"]
    assert len(asked) == 4  # each domain once, gmail.com never
    now[0] += 61  # a failed lookup is tried again after a minute, the others are kept
    directory.provider_for("kaputt.example")
    directory.provider_for("wuhan-invest.example")
    assert len([q for q in dns_server.queries if q[1] == "MX"]) == 5


# --- circuit breaker ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "text", "policy"),
    [
        (
            421,
            "4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints",
            True,
        ),
        (421, "4.7.28 Our system has detected an unusual rate of unsolicited mail", True),
        (550, "5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus", True),
        (451, "4.7.650 The mail server [192.0.2.1] has been temporarily rate limited", True),
        (554, "5.7.1 Message rejected as spam", True),
        (450, "4.7.1 Recipient address rejected: greylisted, try again later", False),
        (550, "5.1.1 user unknown", False),
        (421, "4.3.2 shutting down", False),
        (452, "4.7.1 too many recipients", False),
        (550, "Mail content denied", False),
        (250, "2.7.0 ok", False),
        (None, "", False),
    ],
)
def test_policy_refusals(code: int | None, text: str, policy: bool) -> None:
    assert is_policy_refusal(code, text) is policy


REFUSAL = "4.7.0 [TSS04] Messages temporarily deferred due to unexpected volume"


def test_the_breaker_pauses_one_provider_and_not_the_others() -> None:
    breaker = CircuitBreaker(threshold=3, window=timedelta(minutes=10), pause=timedelta(minutes=30))
    assert breaker.record_refusal("yahoo", 421, REFUSAL, at(0)) is None
    assert breaker.record_refusal("yahoo", 550, "5.1.1 user unknown", at(1)) is None  # not policy
    assert breaker.record_refusal("yahoo", 421, REFUSAL, at(2)) is None
    assert breaker.paused_until("yahoo", at(2)) is None
    pause = breaker.record_refusal("yahoo", 421, REFUSAL, at(3), name="Yahoo/AOL")
    assert pause is not None
    assert (pause.provider, pause.name, pause.until, pause.refusals) == (
        "yahoo",
        "Yahoo/AOL",
        at(1803),
        3,
    )
    assert pause.replies == [f"421 {REFUSAL}"]
    assert breaker.paused_until("yahoo", at(100)) == at(1803)
    assert breaker.paused_until("google", at(100)) is None
    # replies still arriving from messages in flight do not extend the pause
    assert breaker.record_refusal("yahoo", 421, REFUSAL, at(101)) is None
    assert breaker.paused_until("yahoo", at(1803)) is None
    assert breaker.pauses() == [pause]


def test_refusals_spread_over_more_than_the_window_do_not_pause() -> None:
    breaker = CircuitBreaker(threshold=3, window=timedelta(minutes=10))
    for minute in (0, 6, 12, 18):
        assert breaker.record_refusal("google", 421, "4.7.28 unusual rate", at(minute * 60)) is None
    assert breaker.pauses() == []


def test_a_relapse_doubles_the_pause_and_a_success_resets_it() -> None:
    breaker = CircuitBreaker(threshold=2, pause=timedelta(minutes=30), max_pause=timedelta(hours=1))
    breaker.record_refusal("microsoft", 451, "4.7.650 rate limited", at(0))
    first = breaker.record_refusal("microsoft", 451, "4.7.650 rate limited", at(1))
    assert first is not None and first.until == at(1801)
    assert breaker.paused_until("microsoft", at(1801)) is None  # tried again
    second = breaker.record_refusal("microsoft", 451, "4.7.650 rate limited", at(1802))
    assert second is not None and second.until == at(1802 + 3600)
    assert breaker.paused_until("microsoft", at(1802 + 3600)) is None
    third = breaker.record_refusal("microsoft", 451, "4.7.650 rate limited", at(5403))
    assert third is not None and third.until == at(5403 + 3600)  # at most max_pause
    assert breaker.paused_until("microsoft", at(9003)) is None
    breaker.record_success("microsoft")
    assert breaker.record_refusal("microsoft", 451, "4.7.650 rate limited", at(9004)) is None
    assert len(breaker.pauses()) == 3


# --- quotas from the database ---------------------------------------------------------


def test_the_ledger_counts_sends_in_the_database(project: Project) -> None:
    """Deliveries of two editions and a confirmation mail, as other runs and processes
    recorded them; the read-only connection of `isamail report` sees the same."""
    now = datetime.now(UTC).replace(microsecond=0)
    with unit_of_work(project.engine) as session:
        subscriber = Subscriber(email="a@stadt.example", email_key="a@stadt.example")
        session.add(subscriber)
        editions = [
            Edition(
                issue=name, title=name, subject=name, html="", text="", source_hash="x", nonce=name
            )
            for name in ("2026-01", "2026-02")
        ]
        session.add_all(editions)
        session.flush()
        assert subscriber.id is not None
        # one delivery per subscriber and edition: more subscribers for the second
        others = [
            Subscriber(email=f"s{i}@stadt.example", email_key=f"s{i}@stadt.example")
            for i in range(3)
        ]
        session.add_all(others)
        session.flush()
        rows = [
            (editions[0], subscriber, now - timedelta(hours=30)),
            (editions[0], others[0], now - timedelta(hours=5)),
            (editions[1], others[1], now - timedelta(seconds=20)),
            (editions[1], others[2], None),  # still queued
        ]
        for edition, person, sent_at in rows:
            assert edition.id is not None and person.id is not None
            session.add(
                Delivery(
                    edition_id=edition.id,
                    subscriber_id=person.id,
                    status="sent" if sent_at else "queued",
                    sent_at=sent_at,
                )
            )
        session.add(
            OutgoingMail(
                kind="confirm",
                recipient="b@stadt.example",
                message=b"x",
                status="sent",
                sent_at=now - timedelta(seconds=40),
            )
        )
    ledger = QuotaLedger.load(Quota(per_minute=2, per_day=10), project.engine, now)
    blocked = ledger.allowance(now)
    assert (blocked.may_send, blocked.next_at) == (0, now + timedelta(seconds=20))
    assert ledger.allowance(now + timedelta(seconds=20)).may_send == 1
    day = QuotaLedger.load(Quota(per_day=3), project.engine, now)
    assert day.allowance(now).may_send == 0  # the one 30 hours ago no longer counts
    assert day.allowance(now).next_at == now + timedelta(hours=19)
    assert QuotaLedger.load(Quota(per_day=4), project.engine, now).allowance(now).may_send == 1

    url = project.settings.database_url
    settings = load_settings(
        project.directory, {"ISAMAIL_DATABASE_URL": url, "ISAMAIL_SMTP_QUOTA_PER_DAY": "3"}
    )
    with read_only(url) as db:
        wait = quota_wait(settings, db, now)
        assert quota_wait(project.settings, db, now) is None  # no quota set
    assert wait is not None and wait.next_at == now + timedelta(hours=19)
    assert wait.limit == "3 je Tag"


# --- the engine's view: DeliveryLimits ------------------------------------------------


def test_delivery_limits_pause_one_provider_and_count_the_quota(
    project: Project, dns_server: DnsTestServer
) -> None:
    """What the send engine does per message, against a relay that answers 421 4.7.0 for
    one provider: after pause_after refusals its recipients are held until the pause
    ends, everyone else goes on, and the quota counts what went out."""
    dns_server.mx("stadt-wuhan.example", (10, "mxbiz1.qq.com"))
    dns_server.mx("stadt-duisburg.example", (10, "mx.stadt-duisburg.example"))
    settings = load_settings(
        project.directory,
        {
            "ISAMAIL_DATABASE_URL": project.settings.database_url,
            "ISAMAIL_DNS_NAMESERVERS": dns_server.nameserver,
            "ISAMAIL_PROVIDERS_PAUSE_AFTER": "3",
            "ISAMAIL_PROVIDERS_PAUSE": "900",
            "ISAMAIL_SMTP_QUOTA_PER_MINUTE": "30",
        },
    )
    now = T0
    limits = DeliveryLimits.for_settings(settings, project.engine, now)
    domains = ["qq.com", "stadt-wuhan.example", "gmail.com", "stadt-duisburg.example"] * 10
    sent: list[str] = []
    held: dict[str, datetime] = {}
    for i, domain in enumerate(domains):
        moment = now + timedelta(seconds=i)
        if limits.allowance(moment).may_send == 0:
            held[f"{i}@{domain}"] = limits.allowance(moment).next_at or moment
            continue
        until = limits.hold_until(domain, moment)
        if until is not None:
            held[f"{i}@{domain}"] = until
            continue
        if limits.provider(domain).key == "tencent":
            limits.refused(domain, 421, "4.7.0 Mail is rejected by recipients", moment)
        else:
            limits.sent(domain, moment)
            sent.append(f"{i}@{domain}")
    pauses = limits.pauses()
    assert len(pauses) == 1
    assert (pauses[0].provider, pauses[0].name) == ("tencent", "QQ/Tencent (auch Exmail)")
    assert pauses[0].replies == ["421 4.7.0 Mail is rejected by recipients"]
    # both QQ domains (one by its MX) are held until the pause ends, nobody else
    tencent_held = {k for k in held if k.split("@")[1] in ("qq.com", "stadt-wuhan.example")}
    assert tencent_held and all(held[k] == pauses[0].until for k in tencent_held)
    assert len(sent) == 20  # gmail.com and stadt-duisburg.example, all of them
    assert len(tencent_held) + len(sent) + 3 == len(domains)  # three were refused
    # the quota: 20 sent within the minute, ten more may go
    assert limits.allowance(now + timedelta(seconds=40)).may_send == 10
