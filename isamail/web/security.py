"""Cross-cutting protections of the web app: security headers, a request size limit,
the client's IP behind a reverse proxy, and throttling.

The two middlewares are plain ASGI (no BaseHTTPMiddleware): they see every response,
error pages included, and do not buffer bodies.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 16 * 1024

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


# --- headers --------------------------------------------------------------------------


def _csp(frame_ancestors: str, *, inline_styles: bool = False, img_extra: str = "") -> str:
    style = "'self' 'unsafe-inline'" if inline_styles else "'self'"
    img = " ".join(filter(None, ["'self'", "data:", img_extra]))
    return (
        f"default-src 'self'; img-src {img}; style-src {style}; form-action 'self'; "
        f"base-uri 'none'; object-src 'none'; frame-ancestors {frame_ancestors}"
    )


class SecurityHeaders:
    """CSP, no framing (except the signup form where configured), nosniff, no referrer
    from token pages (whose URL is the secret), no caching of token pages."""

    def __init__(self, app: ASGIApp, *, signup_frame_ancestors: str, base_url: str) -> None:
        self.app = app
        self.ancestors = " ".join(signup_frame_ancestors.replace(",", " ").split())
        parts = urlsplit(base_url)
        self.base_origin = f"{parts.scheme}://{parts.netloc}"

    def headers_for(self, path: str) -> list[tuple[bytes, bytes]]:
        token_page = path.startswith(("/u/", "/confirm/"))
        signup = path in ("/", "/subscribe") and bool(self.ancestors)
        archive_issue = path.startswith("/archive/") and "/images/" not in path
        csp = _csp(
            f"'self' {self.ancestors}" if signup else "'none'",
            inline_styles=archive_issue,  # the newsletter's HTML carries inline styles
            img_extra=self.base_origin if archive_issue else "",
        )
        headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer" if token_page else b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
        ]
        if not signup:
            headers.append((b"x-frame-options", b"DENY"))
        if token_page:
            headers.append((b"cache-control", b"no-store"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self.headers_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in extra}
                kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
                message["headers"] = kept + extra
            await send(message)

        await self.app(scope, receive, send_with_headers)


# --- request size ---------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class BodyLimit:
    """413 for bodies over ``limit`` bytes, announced (Content-Length) or streamed."""

    def __init__(self, app: ASGIApp, *, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _reject(send)
                    return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send)


async def _reject(send: Send) -> None:
    body = "413 – Anfrage zu groß / Request too large / 请求过大\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# --- client IP ------------------------------------------------------------------------


def parse_networks(value: str) -> tuple[IPNetwork, ...]:
    """``web.trusted_proxies``: comma- or space-separated IPs or networks (CIDR)."""
    networks = []
    for item in value.replace(",", " ").split():
        networks.append(ipaddress.ip_network(item, strict=False))
    return tuple(networks)


def _trusted(address: str, networks: Iterable[IPNetwork]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(peer: str, forwarded_for: list[str], trusted: tuple[IPNetwork, ...]) -> str:
    """The client's address: the peer, unless the peer is a trusted proxy; then the
    right-most X-Forwarded-For entry that is not itself a trusted proxy (entries further
    left are written by the client and cannot be believed)."""
    if not trusted or not _trusted(peer, trusted):
        return peer
    hops = [h.strip() for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # garbage from a misconfigured proxy: fall back to the peer
    return hops[0] if hops else peer


# --- throttling -----------------------------------------------------------------------


class Throttle:
    """At most ``limit`` events per key in a sliding ``window`` (seconds), in memory.

    Enough for one `isamail serve` process; the per-address limit on confirmation mails
    is kept in the database instead (see optin), so it holds across restarts."""

    def __init__(self, limit: int, window: float, *, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> bool:
        """Counts the event and says whether it is within the limit."""
        now = time.monotonic() if now is None else now
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    self._prune(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._events.items() if not v or v[-1] <= now - self.window]:
            del self._events[key]
        if len(self._events) >= self.max_keys:  # a flood of distinct keys: forget the oldest
            for key in list(self._events)[: self.max_keys // 10]:
                del self._events[key]


def header_values(headers: Any, name: str) -> list[str]:
    return list(headers.getlist(name))
