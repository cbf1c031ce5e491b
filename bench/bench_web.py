"""Load test of `isamail serve`: sustained signups and RFC 8058 one-click unsubscribes.

    .venv/bin/python bench/bench_web.py [--seconds 20] [--concurrency 32] [--database-url URL]

Builds a throwaway project with N confirmed subscribers, starts a real SMTP test
server (for the confirmation mails) and `isamail serve` as a child process on
127.0.0.1, then runs a bounded loop of an async httpx client: half the requests sign
up a new address, half one-click-unsubscribe a subscriber (each token once, then
repeated, which must stay 200). Afterwards it checks the database: every answered
unsubscribe is recorded, every answered signup is pending with its confirmation mail
queued or sent. Prints requests/s, p50/p99 latency and errors per kind.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sqlmodel import col, func, select  # noqa: E402

from isamail.audience.importer import import_subscribers  # noqa: E402
from isamail.audience.lists import create_list  # noqa: E402
from isamail.context import Project  # noqa: E402
from isamail.db.engine import read_session  # noqa: E402
from isamail.db.models import OutgoingMail, Subscriber, Subscription  # noqa: E402
from isamail.project import init_project  # noqa: E402
from isamail.tokens import unsubscribe_token  # noqa: E402
from tests.smtpd import SmtpTestServer  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))]


def make_project(directory: Path, subscribers: int, env: dict[str, str]) -> list[tuple[int, str]]:
    os.environ.update(env)
    project = init_project(directory)
    create_list(project.engine, "isa", title="ISA-Newsletter")
    csv = directory / "subscribers.csv"
    csv.write_text(
        "email,name\n" + "".join(f"leser{i}@example.org,Leser {i}\n" for i in range(subscribers)),
        encoding="utf-8",
    )
    import_subscribers(project.engine, csv, "isa", confirmed=True, consent_note="bench")
    with read_session(project.engine) as session:
        ids = session.exec(select(Subscription.id).order_by(col(Subscription.id))).all()
    secret = project.settings.secret_key
    project.close()
    return [(int(i or 0), unsubscribe_token(secret, int(i or 0))) for i in ids]


async def run_load(
    url: str, tokens: list[tuple[int, str]], seconds: float, concurrency: int
) -> dict[str, object]:
    latencies: dict[str, list[float]] = {"signup": [], "unsubscribe": []}
    errors: dict[str, int] = {"signup": 0, "unsubscribe": 0}
    signed_up: list[str] = []
    unsubscribed: set[int] = set()
    counter = 0
    deadline = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        nonlocal counter
        while time.monotonic() < deadline:
            n = counter
            counter += 1
            start = time.perf_counter()
            if n % 2 == 0:
                email = f"neu{n}@example.net"
                response = await client.post(
                    "/subscribe", data={"email": email, "name": f"Neu {n}", "list": "isa"}
                )
                kind = "signup"
                if response.status_code == 200:
                    signed_up.append(email)
            else:
                subscription_id, token = tokens[(n // 2) % len(tokens)]
                response = await client.post(
                    f"/u/{token}",
                    content=b"List-Unsubscribe=One-Click",
                    headers={"content-type": "application/x-www-form-urlencoded"},
                )
                kind = "unsubscribe"
                if response.status_code == 200:
                    unsubscribed.add(subscription_id)
            latencies[kind].append(time.perf_counter() - start)
            if response.status_code != 200:
                errors[kind] += 1

    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "elapsed": elapsed,
        "latencies": latencies,
        "errors": errors,
        "signed_up": signed_up,
        "unsubscribed": unsubscribed,
    }


def verify(directory: Path, signed_up: list[str], unsubscribed: set[int]) -> dict[str, int]:
    project = Project.open(directory)
    with read_session(project.engine) as session:
        statuses = dict(session.exec(select(Subscription.id, Subscription.status)).all())
        pending = set(
            session.exec(
                select(Subscriber.email)
                .join(Subscription, col(Subscription.subscriber_id) == Subscriber.id)
                .where(Subscription.status == "pending")
            ).all()
        )
        mails = dict(
            session.exec(
                select(OutgoingMail.status, func.count()).group_by(col(OutgoingMail.status))
            ).all()
        )
    project.close()
    return {
        "unsubscribes_answered": len(unsubscribed),
        "unsubscribes_lost": sum(1 for i in unsubscribed if statuses.get(i) != "unsubscribed"),
        "signups_answered": len(signed_up),
        "signups_lost": sum(1 for e in signed_up if e not in pending),
        "mails_sent": int(mails.get("sent", 0)),
        "mails_queued": int(mails.get("queued", 0)),
        "mails_failed": int(mails.get("failed", 0)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="isamail-bench-web-") as tmp, SmtpTestServer() as smtp:
        directory = Path(tmp) / "project"
        port = free_port()
        env = {
            "ISAMAIL_SMTP_URL": smtp.url,
            "ISAMAIL_BASE_URL": f"http://127.0.0.1:{port}",
            # one client IP sends everything here: the per-IP limit would stop it at 20
            "ISAMAIL_WEB_SIGNUPS_PER_IP_PER_HOUR": "100000000",
        }
        if args.database_url:
            env["ISAMAIL_DATABASE_URL"] = args.database_url
        tokens = make_project(directory, args.subscribers, env)
        server = subprocess.Popen(
            [
                str(REPO / ".venv/bin/isamail"),
                "--project",
                str(directory),
                "serve",
                "--port",
                str(port),
            ],
            env=os.environ | env,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    if httpx.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            result = asyncio.run(run_load(url, tokens, args.seconds, args.concurrency))
            deadline = time.monotonic() + 60  # let the worker drain the confirmation mails
            while time.monotonic() < deadline and len(smtp.messages) < len(result["signed_up"]):  # type: ignore[arg-type]
                time.sleep(0.2)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
        checked = verify(directory, result["signed_up"], result["unsubscribed"])  # type: ignore[arg-type]
        checked["mails_received_by_smtp"] = len(smtp.messages)

    latencies: dict[str, list[float]] = result["latencies"]  # type: ignore[assignment]
    errors: dict[str, int] = result["errors"]  # type: ignore[assignment]
    elapsed = float(result["elapsed"])  # type: ignore[arg-type]
    total = sum(len(v) for v in latencies.values())
    summary = {
        "database": "postgresql" if args.database_url else "sqlite",
        "seconds": round(elapsed, 1),
        "concurrency": args.concurrency,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        **{
            f"{kind}_{name}": value
            for kind, values in latencies.items()
            for name, value in (
                ("count", len(values)),
                ("p50_ms", round(percentile(values, 0.50) * 1000, 1)),
                ("p99_ms", round(percentile(values, 0.99) * 1000, 1)),
                ("errors", errors[kind]),
            )
        },
        **checked,
    }
    out = REPO / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "bench_web.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(json.dumps(summary, indent=2))
    if checked["unsubscribes_lost"] or checked["signups_lost"]:
        sys.exit("LOST: an answered request is missing from the database")


if __name__ == "__main__":
    main()
