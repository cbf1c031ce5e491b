"""SPF (RFC 7208) as far as a doctor needs it: is there one valid record, how many DNS
lookups does it cost, what does it say about everyone else (``all``), and does it let
a given address send.

Macros (``%{i}``) and ``exists``/``ptr`` cannot be judged without the sending
connection; a record that needs them makes ``allows`` answer None (unknown).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from isamail.deliverability.resolver import DnsError, Resolver

LOOKUP_LIMIT = 10  # RFC 7208 4.6.4
_LOOKUP_TERMS = ("include", "a", "mx", "ptr", "exists", "redirect")


class SpfError(Exception):
    """A record that receivers treat as a permanent error (permerror)."""


@dataclass
class SpfPolicy:
    domain: str
    record: str
    lookups: int = 0  # DNS lookups the whole tree costs
    all: str = ""  # qualifier of the top record's final "all" ("-", "~", "?", "+"); "" none
    includes: list[str] = field(default_factory=list)  # every domain included, recursively


def spf_records(resolver: Resolver, domain: str) -> list[str]:
    return [t for t in resolver.txt(domain) if _is_spf(t)]


def _is_spf(text: str) -> bool:
    lowered = text.strip().lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def read_policy(resolver: Resolver, domain: str) -> SpfPolicy | None:
    """The domain's policy, None without a record; SpfError for a broken one."""
    records = spf_records(resolver, domain)
    if not records:
        return None
    if len(records) > 1:
        raise SpfError(f"{domain} hat {len(records)} SPF-Einträge; erlaubt ist genau einer")
    policy = SpfPolicy(domain, records[0])
    policy.all = _walk(resolver, domain, records[0], policy, depth=0)
    if policy.lookups > LOOKUP_LIMIT:
        raise SpfError(
            f"der SPF-Eintrag von {domain} braucht {policy.lookups} DNS-Abfragen, "
            f"erlaubt sind {LOOKUP_LIMIT}"
        )
    return policy


def _walk(resolver: Resolver, domain: str, record: str, policy: SpfPolicy, depth: int) -> str:
    """Counts the lookups of ``record`` and what it includes; returns its all-qualifier."""
    if depth > LOOKUP_LIMIT:
        raise SpfError(f"SPF-Einträge von {domain} schließen sich im Kreis ein")
    qualifier = ""
    redirect = None
    for term in record.split()[1:]:
        name, value = _term(term)
        if name in _LOOKUP_TERMS:
            policy.lookups += 1
        if name == "include":
            target = _target(value, domain)
            policy.includes.append(target)
            included = spf_records(resolver, target)
            if len(included) != 1:
                raise SpfError(
                    f"include:{target} verweist auf keinen (oder mehr als einen) SPF-Eintrag"
                )
            _walk(resolver, target, included[0], policy, depth + 1)
        elif name == "redirect":
            redirect = _target(value, domain)
        elif name == "all":
            qualifier = term[0] if term[0] in "+-~?" else "+"
        elif name not in ("a", "mx", "ptr", "exists", "ip4", "ip6", "exp") and "=" not in term:
            raise SpfError(f"unbekannter Teil {term!r} im SPF-Eintrag von {domain}")
    if redirect is not None and not qualifier:
        target_records = spf_records(resolver, redirect)
        if len(target_records) != 1:
            raise SpfError(f"redirect={redirect} verweist auf keinen SPF-Eintrag")
        policy.includes.append(redirect)
        return _walk(resolver, redirect, target_records[0], policy, depth + 1)
    return qualifier


def _term(term: str) -> tuple[str, str]:
    body = term[1:] if term[:1] in "+-~?" else term
    if "=" in body and ":" not in body.split("=", 1)[0]:
        name, _, value = body.partition("=")
        return name.lower(), value
    name, _, value = body.partition(":")
    if "/" in name:  # "a/24", "mx/24"
        name, _, cidr = name.partition("/")
        value = value + "/" + cidr if value else "/" + cidr
    return name.lower(), value


def _target(value: str, domain: str) -> str:
    return (value.split("/")[0] or domain).rstrip(".").lower()


def allows(resolver: Resolver, domain: str, ip: str, _depth: int = 0) -> bool | None:
    """Whether SPF lets ``ip`` send for ``domain`` (pass); None where it cannot tell
    (macros, exists, ptr). Assumes ``read_policy`` accepted the record."""
    records = spf_records(resolver, domain)
    if len(records) != 1 or _depth > LOOKUP_LIMIT:
        return False
    address = ipaddress.ip_address(ip)
    redirect = None
    for term in records[0].split()[1:]:
        qualifier = term[0] if term[0] in "+-~?" else "+"
        name, value = _term(term)
        if "%" in value or name in ("exists", "ptr"):
            return None
        matched: bool | None = False
        if name == "all":
            matched = True
        elif name in ("ip4", "ip6"):
            matched = _in_network(address, value)
        elif name == "a":
            matched = _in_hosts(resolver, address, [_target(value, domain)], value)
        elif name == "mx":
            hosts = [mx.host for mx in resolver.mx(_target(value, domain)) if mx.host]
            matched = _in_hosts(resolver, address, hosts, value)
        elif name == "include":
            matched = allows(resolver, _target(value, domain), ip, _depth + 1)
        elif name == "redirect":
            redirect = _target(value, domain)
        if matched is None:
            return None
        if matched:
            return qualifier == "+"
    if redirect is not None:
        return allows(resolver, redirect, ip, _depth + 1)
    return False


def _in_network(address: ipaddress.IPv4Address | ipaddress.IPv6Address, value: str) -> bool:
    try:
        return address in ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False


def _in_hosts(
    resolver: Resolver,
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
    hosts: list[str],
    value: str,
) -> bool:
    _, _, cidr = value.partition("/")
    prefix = int(cidr.split("//")[0]) if cidr and cidr.split("//")[0].isdigit() else None
    for host in hosts:
        for found in resolver.addresses(host):
            found_ip = ipaddress.ip_address(found)
            if found_ip.version != address.version:
                continue
            bits = prefix if prefix is not None and address.version == 4 else found_ip.max_prefixlen
            if address in ipaddress.ip_network(f"{found}/{bits}", strict=False):
                return True
    return False


__all__ = ["DnsError", "SpfError", "SpfPolicy", "allows", "read_policy", "spf_records"]
