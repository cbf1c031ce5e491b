"""The relay's and the providers' limits in one object for the send engine.

    limits = DeliveryLimits.for_settings(settings, engine)   # once per run (per process)
    allowance = limits.allowance(now)        # before claiming: claim at most may_send
    hold = limits.hold_until(domain, now)    # per message: None, or keep it queued until then
    limits.sent(domain, now)                 # after a 2xx at the end of DATA
    pause = limits.refused(domain, code, reply, now)   # after a 4xx/5xx reply
    limits.pauses()                          # for the run's summary and the report

The quota is counted from the database (``QuotaLedger``), so it holds across runs and
processes; ``refresh`` reads it again (call it before waiting for the quota, and now
and then during a long run, so that other processes' sends count). Providers come from
the recipient's domain and its MX (``ProviderDirectory``); the circuit breaker pauses
one provider after repeated policy refusals while the others go on.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from isamail.config import Settings
from isamail.deliverability.breaker import CircuitBreaker, Pause
from isamail.deliverability.providers import Provider, ProviderDirectory
from isamail.deliverability.quotas import Allowance, Quota, QuotaLedger
from isamail.deliverability.resolver import Resolver, resolver_for

if TYPE_CHECKING:
    from sqlalchemy import Engine


class DeliveryLimits:
    def __init__(
        self,
        ledger: QuotaLedger,
        directory: ProviderDirectory,
        breaker: CircuitBreaker,
        engine: Engine | None = None,
    ) -> None:
        self.ledger = ledger
        self.directory = directory
        self.breaker = breaker
        self._engine = engine

    @classmethod
    def for_settings(
        cls,
        settings: Settings,
        engine: Engine,
        now: datetime,
        *,
        resolver: Resolver | None = None,
    ) -> DeliveryLimits:
        breaker = CircuitBreaker(
            threshold=int(settings["providers.pause_after"]),
            window=timedelta(seconds=float(settings["providers.pause_window"])),
            pause=timedelta(seconds=float(settings["providers.pause"])),
        )
        return cls(
            QuotaLedger.load(Quota.from_settings(settings), engine, now),
            ProviderDirectory(resolver or resolver_for(settings)),
            breaker,
            engine,
        )

    def refresh(self, now: datetime) -> None:
        if self._engine is not None:
            self.ledger.reload(self._engine, now)

    def allowance(self, now: datetime) -> Allowance:
        return self.ledger.allowance(now)

    def provider(self, domain: str) -> Provider:
        return self.directory.provider_for(domain)

    def hold_until(self, domain: str, now: datetime) -> datetime | None:
        """The end of the pause of the domain's provider, or None: it may go now."""
        return self.breaker.paused_until(self.provider(domain).key, now)

    def sent(self, domain: str, at: datetime) -> None:
        self.ledger.record(at)
        self.breaker.record_success(self.provider(domain).key)

    def refused(self, domain: str, code: int | None, reply: str, now: datetime) -> Pause | None:
        """Notes a refusal; returns the pause it starts for the domain's provider, if any
        (then hold back that provider's other messages with ``hold_until``)."""
        provider = self.provider(domain)
        return self.breaker.record_refusal(provider.key, code, reply, now, name=provider.name)

    def pauses(self) -> list[Pause]:
        return self.breaker.pauses()
