"""A circuit breaker per mailbox provider.

When a provider starts refusing on policy grounds (421/450/451/550/554 with an
enhanced status 4.7.x or 5.7.x: rate limits, reputation, suspected spam), sending
on to it makes things worse: its limits count the attempts too. Once ``threshold``
such refusals came from one provider within ``window``, the provider is paused for
``pause``; the other providers go on. A pause that ends is tried again; if the next
reply from that provider is another policy refusal, the pause doubles (up to
``max_pause``), and a successful delivery brings it back to ``pause``.

Pure and in memory: the state lives for one run, one per sending process.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

POLICY_CODES = frozenset({421, 450, 451, 550, 554})
_ENHANCED = re.compile(r"(?<![\d.])([45])\.7\.\d{1,3}(?![\d.])")
# Greylisting is one recipient's server asking for patience, not a verdict on us.
_NOT_POLICY = ("greylist",)


def is_policy_refusal(code: int | None, text: str) -> bool:
    """A refusal on policy grounds: the code and an enhanced status of class 7."""
    if code not in POLICY_CODES:
        return False
    lowered = text.lower()
    if any(word in lowered for word in _NOT_POLICY):
        return False
    match = _ENHANCED.search(text)
    return match is not None and match.group(1) == str(code // 100)


@dataclass
class Pause:
    provider: str  # the provider's key
    name: str  # for people
    started: datetime
    until: datetime
    refusals: int  # policy refusals that led to it
    replies: list[str] = field(default_factory=list)  # distinct replies, at most three


@dataclass
class _State:
    refusals: deque[datetime] = field(default_factory=deque)
    replies: list[str] = field(default_factory=list)
    paused_until: datetime | None = None
    next_pause: timedelta | None = None  # set after a pause: doubled on relapse
    probing: bool = False  # a pause ended and nothing was heard since


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        window: timedelta = timedelta(minutes=10),
        pause: timedelta = timedelta(minutes=30),
        max_pause: timedelta = timedelta(hours=4),
    ) -> None:
        if threshold < 1:
            raise ValueError("threshold must be at least 1")
        self.threshold = threshold
        self.window = window
        self.pause = pause
        self.max_pause = max_pause
        self._states: dict[str, _State] = {}
        self._pauses: list[Pause] = []
        self._lock = threading.Lock()

    def paused_until(self, provider: str, now: datetime) -> datetime | None:
        """The end of the provider's pause, or None if mail may go to it now."""
        with self._lock:
            state = self._states.get(provider)
            if state is None or state.paused_until is None:
                return None
            if now < state.paused_until:
                return state.paused_until
            state.paused_until = None
            state.probing = True
            return None

    def record_refusal(
        self, provider: str, code: int | None, text: str, now: datetime, *, name: str = ""
    ) -> Pause | None:
        """Notes a reply from ``provider``'s servers; returns the pause it starts, if any.
        Replies that are not policy refusals are ignored."""
        if not is_policy_refusal(code, text):
            return None
        reply = f"{code} {text}".strip()
        with self._lock:
            state = self._states.setdefault(provider, _State())
            if state.paused_until is not None and now < state.paused_until:
                return None  # in flight when the pause began
            if reply not in state.replies and len(state.replies) < 3:
                state.replies.append(reply)
            state.refusals.append(now)
            while state.refusals and state.refusals[0] <= now - self.window:
                state.refusals.popleft()
            if state.probing:
                length = min((state.next_pause or self.pause) * 2, self.max_pause)
            elif len(state.refusals) >= self.threshold:
                length = self.pause
            else:
                return None
            return self._start(provider, name or provider, state, now, length)

    def record_success(self, provider: str) -> None:
        """A delivery to ``provider`` went through: a relapse starts from ``pause`` again."""
        with self._lock:
            state = self._states.get(provider)
            if state is not None:
                state.probing = False
                state.next_pause = None

    def _start(
        self, provider: str, name: str, state: _State, now: datetime, length: timedelta
    ) -> Pause:
        pause = Pause(provider, name, now, now + length, len(state.refusals), list(state.replies))
        state.paused_until = pause.until
        state.next_pause = length
        state.probing = False
        state.refusals.clear()
        state.replies = []
        self._pauses.append(pause)
        return pause

    def pauses(self) -> list[Pause]:
        """Every pause of this run, in the order they began (for the report)."""
        with self._lock:
            return list(self._pauses)
