"""A real DNS server for tests: dnslib on 127.0.0.1, UDP and TCP on one port.

The test sets the records; isamail's resolver is pointed at it with the setting
``dns.nameservers`` (``ISAMAIL_DNS_NAMESERVERS``), dkimpy's verification through
``server.dkim_dnsfunc``. Names are compared without case and without the final dot.

    with DnsTestServer() as dns:
        dns.txt("isa-portal.example", "v=spf1 ip4:192.0.2.1 -all")
        dns.mx("isa-portal.example", (10, "mx.isa-portal.example"))
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import TracebackType
from typing import Any

import pytest
from dnslib import AAAA, CNAME, MX, QTYPE, RCODE, RR, TXT, A, DNSLabel, DNSRecord
from dnslib.server import DNSHandler, DNSLogger, DNSServer

TTL = 60


class DnsTestServer:
    def __init__(self) -> None:
        self.records: dict[tuple[str, str], list[Any]] = {}
        self.servfail: set[str] = set()  # names answered with SERVFAIL
        self.queries: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._servers: list[DNSServer] = []
        self.port = 0

    # --- records ------------------------------------------------------------------

    def txt(self, name: str, *values: str) -> None:
        """TXT records (each value one record, split into 255-byte strings); none: remove."""
        self._set(name, "TXT", [TXT(_chunks(v)) for v in values])

    def mx(self, name: str, *hosts: tuple[int, str]) -> None:
        self._set(name, "MX", [MX(host, preference) for preference, host in hosts])

    def a(self, name: str, *addresses: str) -> None:
        self._set(name, "A", [A(a) for a in addresses])

    def aaaa(self, name: str, *addresses: str) -> None:
        self._set(name, "AAAA", [AAAA(a) for a in addresses])

    def cname(self, name: str, target: str) -> None:
        self._set(name, "CNAME", [CNAME(target)])

    def clear(self) -> None:
        with self._lock:
            self.records.clear()
            self.servfail.clear()
            self.queries.clear()

    def _set(self, name: str, rtype: str, rdata: list[Any]) -> None:
        with self._lock:
            if rdata:
                self.records[(_key(name), rtype)] = rdata
            else:
                self.records.pop((_key(name), rtype), None)

    # --- for the clients ----------------------------------------------------------

    @property
    def nameserver(self) -> str:
        """The value for ``dns.nameservers``."""
        return f"127.0.0.1:{self.port}"

    def dkim_dnsfunc(self, name: bytes, timeout: float = 5) -> bytes | None:
        """dkimpy's ``dnsfunc``: the TXT record at ``name``, asked of this server."""
        import dns.message
        import dns.query
        import dns.rdatatype

        query = dns.message.make_query(name.decode("ascii"), dns.rdatatype.TXT)
        response = dns.query.tcp(query, "127.0.0.1", port=self.port, timeout=timeout)
        for rrset in response.answer:
            for rdata in rrset:
                if rdata.rdtype == dns.rdatatype.TXT:
                    return b"".join(rdata.strings)
        return None

    # --- serving ------------------------------------------------------------------

    def resolve(self, request: DNSRecord, handler: Any) -> DNSRecord:
        reply = request.reply()
        question = request.q
        name, rtype = _key(str(question.qname)), QTYPE[question.qtype]
        with self._lock:
            self.queries.append((name, rtype))
            if name in self.servfail:
                reply.header.rcode = RCODE.SERVFAIL
                return reply
            known = any(key[0] == name for key in self.records)
            answers = self._answers(name, rtype)
        if answers:
            for owner, kind, rdata in answers:
                reply.add_answer(RR(DNSLabel(owner), getattr(QTYPE, kind), rdata=rdata, ttl=TTL))
        elif not known:
            reply.header.rcode = RCODE.NXDOMAIN
        return reply

    def _answers(self, name: str, rtype: str) -> list[tuple[str, str, Any]]:
        found = [(name, rtype, r) for r in self.records.get((name, rtype), [])]
        if found or rtype == "CNAME":
            return found
        for target in self.records.get((name, "CNAME"), []):
            chased = self._answers(_key(str(target.label)), rtype)
            return [(name, "CNAME", target), *chased]
        return []

    def start(self) -> DnsTestServer:
        logger = DNSLogger("-request,-reply,-truncated,-error", prefix=False)
        for _ in range(20):  # the UDP port may be taken for TCP: try another
            udp = DNSServer(self, address="127.0.0.1", port=0, logger=logger, handler=DNSHandler)
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(self, address="127.0.0.1", port=port, tcp=True, logger=logger)
            except OSError:
                udp.server.server_close()
                continue
            self.port = port
            self._servers = [udp, tcp]
            for server in self._servers:
                server.start_thread()
            return self
        raise RuntimeError("no free port for the DNS test server")

    def stop(self) -> None:
        for server in self._servers:
            server.stop()
            server.server.server_close()
        self._servers = []

    def __enter__(self) -> DnsTestServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _key(name: str) -> str:
    return name.lower().rstrip(".")


def _chunks(value: str) -> list[bytes]:
    data = value.encode("utf-8")
    return [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]


@pytest.fixture
def dns_server() -> Iterator[DnsTestServer]:
    """A fresh DnsTestServer on a free port, stopped after the test."""
    with DnsTestServer() as server:
        yield server
