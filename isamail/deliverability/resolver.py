"""DNS lookups for deliverability checks and provider recognition (dnspython).

One small resolver: TXT, MX and addresses, answers as plain values. A name that does
not exist, or has no record of the type, is an empty answer; a server that fails or
does not answer is a ``DnsError``, which callers report as "could not be checked"
rather than as a missing record. The nameservers are the system's unless the setting
``dns.nameservers`` names others (the tests point it at a local server).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

import dns.exception
import dns.name
import dns.nameserver
import dns.rdatatype
import dns.resolver

from isamail.config import Settings
from isamail.errors import IsamailError

__all__ = ["DnsError", "Mx", "Resolver", "resolver_for"]


class DnsError(IsamailError):
    """A DNS server failed or did not answer: the record could not be checked."""


@dataclass(frozen=True)
class Mx:
    preference: int
    host: str  # without the final dot, lower case; "" for a null MX (RFC 7505)


class Resolver:
    def __init__(self, nameservers: Sequence[tuple[str, int]] = (), timeout: float = 5.0) -> None:
        if nameservers:
            resolver = dns.resolver.Resolver(configure=False)
            resolver.nameservers = [
                dns.nameserver.Do53Nameserver(ip, port) for ip, port in nameservers
            ]
        else:
            resolver = dns.resolver.Resolver()
        resolver.lifetime = timeout
        resolver.timeout = min(timeout, 2.0)
        resolver.use_edns(0, 0, 1232)  # a 2048-bit DKIM key does not fit 512 bytes
        self._resolver = resolver

    def txt(self, name: str) -> list[str]:
        """Each TXT record at ``name`` as one string (its parts joined)."""
        answer = self._query(name, "TXT")
        return [b"".join(getattr(r, "strings", ())).decode("utf-8", "replace") for r in answer]

    def mx(self, name: str) -> list[Mx]:
        """MX records by preference; a null MX (``0 .``) comes back as host ""."""
        answer = self._query(name, "MX")
        found = [Mx(r.preference, _host(r.exchange)) for r in answer]  # type: ignore[attr-defined]
        return sorted(found, key=lambda m: (m.preference, m.host))

    def addresses(self, name: str) -> list[str]:
        """IPv4 and IPv6 addresses of ``name``; an address literal is returned as it is."""
        try:
            return [str(ipaddress.ip_address(name))]
        except ValueError:
            pass
        return [r.to_text() for kind in ("A", "AAAA") for r in self._query(name, kind)]

    def _query(self, name: str, kind: str) -> list[dns.rdata.Rdata]:
        try:
            answer = self._resolver.resolve(name, kind, search=False)
        except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
            return []
        except dns.resolver.LifetimeTimeout:
            raise DnsError(
                f"DNS: keine Antwort auf die Frage nach {kind} {name} (Zeitüberschreitung)."
            ) from None
        except dns.resolver.NoNameservers:
            raise DnsError(
                f"DNS: der Nameserver beantwortet die Frage nach {kind} {name} nicht (SERVFAIL)."
            ) from None
        except (dns.exception.DNSException, UnicodeError) as exc:
            raise DnsError(f"DNS: {kind} {name} nicht abfragbar: {exc}") from None
        return list(answer)


def resolver_for(settings: Settings) -> Resolver:
    return Resolver(settings.dns_nameservers, float(settings["dns.timeout"]))


def _host(name: dns.name.Name) -> str:
    """A host name without the final dot, lower case; the root (a null MX) as ""."""
    return "" if name == dns.name.root else name.to_text(omit_final_dot=True).lower()
