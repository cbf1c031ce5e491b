"""Send benchmark through a relay 20 ms away: what pipelining buys where latency rules.

A small proxy on 127.0.0.1 forwards every byte 10 ms late in each direction to
Postfix's smtp-sink, so a round trip costs about 20 ms more than on loopback. Through
it, in one run:

- the round trip, measured: NOOP and its reply, a few hundred times, median;
- the limit pipelining sets: one round trip per message per connection, so C / RTT
  messages a second with C connections;
- the whole ``isamail send`` of N recipients (default 5,000) with C = 4 connections,
  start-up and database included, against that limit (target: at least 0.9);
- beside it, plain ``smtplib`` (one connection, ``sendmail`` per message: MAIL, RCPT,
  DATA and the content each wait for their reply) and ``mailmerge`` (a connection per
  message), each on fewer messages, since they are slow here.

    .venv/bin/python bench/bench_latency.py [--recipients 5000] [--connections 4]
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import os
import selectors
import shutil
import smtplib
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_send

DELAY = 0.010  # seconds, each direction


class LatencyProxy(threading.Thread):
    """Forwards connections from a free port on 127.0.0.1 to ``target``, every chunk
    ``DELAY`` seconds after it arrived, in order, in both directions."""

    def __init__(self, target: tuple[str, int]) -> None:
        super().__init__(daemon=True)
        self.target = target
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.selector = selectors.DefaultSelector()
        self.due: list[tuple[float, int, socket.socket, bytes]] = []  # (when, n, to, data)
        self.count = 0
        self.peer: dict[socket.socket, socket.socket] = {}
        self.stopped = False

    def run(self) -> None:
        self.listener.setblocking(False)
        self.selector.register(self.listener, selectors.EVENT_READ)
        while not self.stopped:
            timeout = max(0.0, self.due[0][0] - time.monotonic()) if self.due else 0.05
            for key, _ in self.selector.select(timeout):
                if key.fileobj is self.listener:
                    self._accept()
                else:
                    self._read(key.fileobj)  # type: ignore[arg-type]
            now = time.monotonic()
            while self.due and self.due[0][0] <= now:
                _, _, to, data = heapq.heappop(self.due)
                if data:
                    try:
                        to.sendall(data)
                    except OSError:
                        self._close(to)
                else:
                    self._close(to)

    def _accept(self) -> None:
        client, _ = self.listener.accept()
        server = socket.create_connection(self.target)
        for a, b in ((client, server), (server, client)):
            a.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.peer[a] = b
            self.selector.register(a, selectors.EVENT_READ)

    def _read(self, sock: socket.socket) -> None:
        try:
            data = sock.recv(65536)
        except OSError:
            data = b""
        to = self.peer.get(sock)
        if to is None:
            return
        self.count += 1
        heapq.heappush(self.due, (time.monotonic() + DELAY, self.count, to, data))
        if not data:
            self.selector.unregister(sock)

    def _close(self, sock: socket.socket) -> None:
        peer = self.peer.pop(sock, None)
        for s in (sock, peer):
            if s is not None:
                with contextlib.suppress(KeyError, ValueError):
                    self.selector.unregister(s)
                s.close()

    def stop(self) -> None:
        self.stopped = True


def round_trip(port: int, samples: int = 300) -> float:
    """Median seconds of a NOOP and its reply through the proxy."""
    with smtplib.SMTP("127.0.0.1", port, "bench.example") as smtp:
        smtp.ehlo()
        times = []
        for _ in range(samples):
            start = time.perf_counter()
            smtp.noop()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_smtplib(port: int, messages: int, size: int) -> float:
    """Messages a second with one smtplib connection, ``sendmail`` per message."""
    body = b"Subject: x\r\n\r\n" + b"x" * max(size - 20, 10) + b"\r\n"
    with smtplib.SMTP("127.0.0.1", port, "bench.example") as smtp:
        start = time.perf_counter()
        for i in range(messages):
            smtp.sendmail("from@bench.example", [f"leser{i}@bench.example"], body)
        return messages / (time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--recipients", type=int, default=5000)
    ap.add_argument("--connections", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--smtplib-messages", type=int, default=300)
    ap.add_argument("--mailmerge-rows", type=int, default=100)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isamail-bench-latency-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ISAMAIL_")}
    env |= {"ISAMAIL_SECRET_KEY": "bench-secret-key", "COLUMNS": "200"}
    print(f"load before: {bench_send.load()}", flush=True)
    subprocess.run(
        [
            sys.executable,
            str(bench_send.HERE / "make_subscribers.py"),
            *("--out", str(work), "--big", "--big-rows", str(args.recipients)),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    project = bench_send.make_project(work, "isa", work / "subscribers-100k.csv", env, small=False)
    c, n = args.connections, args.recipients
    rows = []
    with bench_send.smtp_sink() as sink_port:
        size = bench_send.message_size(project, env, sink_port)
        proxy = LatencyProxy(("127.0.0.1", sink_port))
        proxy.start()
        try:
            for i in range(args.repeat):
                if i:
                    bench_send.reset(project, env)
                rtt = round_trip(proxy.port)
                sent = bench_send.send(project, env, proxy.port, c, "isamail send")
                limit = c / rtt
                rows.append((rtt, limit, sent.rate, sent.seconds, sent.peak_mib))
                print(
                    f"round {i + 1}: RTT {rtt * 1000:.1f} ms, limit C/RTT {limit:.0f}/s, "
                    f"isamail {sent.rate:.0f}/s ({sent.rate / limit:.2f} of the limit, "
                    f"{sent.seconds:.1f} s, {sent.note}), load {bench_send.load()}",
                    flush=True,
                )
            smtplib_rate = plain_smtplib(proxy.port, args.smtplib_messages, size)
            print(f"plain smtplib, 1 connection: {smtplib_rate:.1f}/s", flush=True)
            merged = bench_send.mailmerge(work, proxy.port, args.mailmerge_rows)
            print(f"mailmerge, a connection per message: {merged.rate:.1f}/s", flush=True)
        finally:
            proxy.stop()
    best = max(rows, key=lambda r: r[2] / r[1])
    print()
    print(f"recipients: {n:,}   connections: {c}   message size: {size / 1000:.1f} KB")
    print(f"{'run':<40}{'msgs/s':>9}{'/ (C/RTT)':>11}")
    print(f"{'limit C/RTT (RTT ' + format(best[0] * 1000, '.1f') + ' ms)':<40}{best[1]:>9.0f}")
    print(f"{'isamail send (whole command)':<40}{best[2]:>9.0f}{best[2] / best[1]:>11.2f}")
    print(f"{'plain smtplib, 1 connection':<40}{smtplib_rate:>9.1f}{smtplib_rate / best[1]:>11.3f}")
    print(f"{'mailmerge':<40}{merged.rate:>9.1f}{merged.rate / best[1]:>11.3f}")
    print("each round (isamail / limit): " + ", ".join(f"{r[2] / r[1]:.2f}" for r in rows))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
