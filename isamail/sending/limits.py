"""Rate limits, counted as relays count them: never more than allowed in any window.

A limit of R per second spaces messages 1/R seconds apart, measured from when the
previous one really began, so no one-second window ever holds more than R (the
start included: there is no burst). A limit per hour keeps the times of the last N
messages and lets the next begin an hour after the oldest of them. Times are
``time.monotonic()`` seconds; the engine asks ``next_allowed`` before it begins a
message and calls ``record`` when it does.
"""

from __future__ import annotations

from collections import deque


class RateLimiter:
    """Messages per second and per hour; 0 turns a limit off."""

    def __init__(self, per_second: float, per_hour: int) -> None:
        if per_second < 0 or per_hour < 0:
            raise ValueError("a rate limit cannot be negative")
        self.spacing = 1.0 / per_second if per_second > 0 else 0.0
        self.per_hour = per_hour
        self._last: float | None = None
        self._hour: deque[float] = deque()

    @property
    def active(self) -> bool:
        return bool(self.spacing or self.per_hour)

    def next_allowed(self, now: float) -> float:
        """The earliest time (not before ``now``) at which the next message may begin."""
        at = now
        if self.spacing and self._last is not None:
            at = max(at, self._last + self.spacing)
        if self.per_hour and len(self._hour) >= self.per_hour:
            at = max(at, self._hour[0] + 3600.0)
        return at

    def record(self, at: float) -> None:
        """A message began at ``at``."""
        if not self.active:
            return
        self._last = at
        if self.per_hour:
            self._hour.append(at)
            while len(self._hour) > self.per_hour:
                self._hour.popleft()
