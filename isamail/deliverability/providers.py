"""Mailbox providers, recognised by the recipient's domain or by its MX hosts.

A policy refusal from Gmail says something about Gmail's view of this sender, not
about one recipient: the circuit breaker (``breaker``) pauses per provider, and a
provider is what the MX says it is, so that a company domain hosted by Microsoft 365
counts as Microsoft. Lookups are cached; a domain whose MX cannot be read is its own
provider for a short while.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from isamail.deliverability.resolver import DnsError, Resolver


@dataclass(frozen=True)
class Provider:
    key: str  # stable: "google", "microsoft", … or "mx:example.org" / "domain:example.org"
    name: str  # for people: "Gmail/Google Workspace"


@dataclass(frozen=True)
class _Known:
    provider: Provider
    domains: tuple[str, ...]  # mailbox domains of the provider itself
    mx: tuple[str, ...]  # suffixes of its MX host names


KNOWN: tuple[_Known, ...] = (
    _Known(
        Provider("google", "Gmail/Google Workspace"),
        ("gmail.com", "googlemail.com"),
        ("google.com", "googlemail.com"),
    ),
    _Known(
        Provider("microsoft", "Microsoft (Outlook.com, Microsoft 365)"),
        (
            "outlook.com",
            "outlook.de",
            "hotmail.com",
            "hotmail.de",
            "live.com",
            "live.de",
            "msn.com",
        ),
        ("protection.outlook.com", "outlook.com", "hotmail.com"),
    ),
    _Known(
        Provider("yahoo", "Yahoo/AOL"),
        ("yahoo.com", "yahoo.de", "ymail.com", "rocketmail.com", "aol.com", "aol.de"),
        ("yahoodns.net",),
    ),
    _Known(
        Provider("united-internet", "GMX/WEB.DE"),
        ("gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com", "web.de"),
        ("gmx.net", "gmx.com", "web.de"),
    ),
    _Known(
        Provider("ionos", "IONOS (1&1)"),
        ("online.de", "onlinehome.de", "ionos.de"),
        ("kundenserver.de", "ionos.de", "ionos.com"),
    ),
    _Known(Provider("t-online", "T-Online"), ("t-online.de", "magenta.de"), ("t-online.de",)),
    _Known(Provider("freenet", "freenet"), ("freenet.de",), ("freenet.de",)),
    _Known(Provider("apple", "Apple iCloud"), ("icloud.com", "me.com", "mac.com"), ("icloud.com",)),
    _Known(
        Provider("tencent", "QQ/Tencent (auch Exmail)"),
        ("qq.com", "foxmail.com", "vip.qq.com"),
        ("qq.com",),
    ),
    _Known(
        Provider("netease", "NetEase (163, 126, yeah.net)"),
        ("163.com", "126.com", "yeah.net", "vip.163.com", "188.com"),
        ("netease.com", "163.com", "126.net"),
    ),
    _Known(
        Provider("alibaba", "Alibaba Mail (Aliyun)"),
        ("aliyun.com",),
        ("mxhichina.com", "aliyun.com", "aliyun-inc.com"),
    ),
    _Known(Provider("sina", "Sina"), ("sina.com", "sina.cn"), ("sina.com", "sina.net")),
    _Known(
        Provider("yandex", "Yandex"),
        ("yandex.ru", "yandex.com", "ya.ru"),
        ("yandex.ru", "yandex.net"),
    ),
    _Known(
        Provider("mailru", "Mail.ru"), ("mail.ru", "inbox.ru", "bk.ru", "list.ru"), ("mail.ru",)
    ),
    _Known(
        Provider("proofpoint", "Proofpoint (Filter vieler Firmen)"),
        (),
        ("pphosted.com", "ppe-hosted.com"),
    ),
    _Known(Provider("mimecast", "Mimecast (Filter vieler Firmen)"), (), ("mimecast.com",)),
)
_BY_DOMAIN = {domain: known.provider for known in KNOWN for domain in known.domains}

CACHE_SECONDS = 6 * 3600
FAILED_LOOKUP_SECONDS = 60


def known_provider(domain: str) -> Provider | None:
    """The provider of a well-known mailbox domain, without asking DNS."""
    return _BY_DOMAIN.get(domain.lower().rstrip("."))


def provider_of_mx(hosts: list[str]) -> Provider | None:
    """The provider whose MX host names these are (hosts by preference)."""
    for host in hosts:
        name = host.lower().rstrip(".")
        for known in KNOWN:
            if any(name == s or name.endswith("." + s) for s in known.mx):
                return known.provider
    return None


class ProviderDirectory:
    """``provider_for(domain)``: known domains at once, others by their MX (cached).
    Safe to share among threads."""

    def __init__(self, resolver: Resolver, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._resolver = resolver
        self._cache: dict[str, tuple[float, Provider]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def provider_for(self, domain: str) -> Provider:
        domain = domain.lower().rstrip(".")
        known = known_provider(domain)
        if known is not None:
            return known
        now = self._clock()
        with self._lock:
            cached = self._cache.get(domain)
        if cached is not None and cached[0] > now:
            return cached[1]
        provider, seconds = self._look_up(domain)
        with self._lock:
            self._cache[domain] = (now + seconds, provider)
        return provider

    def _look_up(self, domain: str) -> tuple[Provider, float]:
        try:
            hosts = [mx.host for mx in self._resolver.mx(domain) if mx.host]
        except DnsError:
            return Provider(f"domain:{domain}", domain), FAILED_LOOKUP_SECONDS
        provider = provider_of_mx(hosts)
        if provider is not None:
            return provider, CACHE_SECONDS
        if hosts:  # one company's own servers, or a hoster's: grouped by the MX's domain
            mx_domain = _parent(hosts[0])
            return Provider(f"mx:{mx_domain}", mx_domain), CACHE_SECONDS
        return Provider(f"domain:{domain}", domain), CACHE_SECONDS


def _parent(host: str) -> str:
    labels = host.split(".")
    return ".".join(labels[-2:]) if len(labels) > 2 else host
