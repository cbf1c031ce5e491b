"""Deliveries: one row per recipient of an edition, and every change of its state.

The life of a delivery: ``queued`` → (claimed by a run) ``sending`` → ``sent`` |
``failed`` | ``skipped`` (the gate held it back) | back to ``queued`` with a retry
time; later, returned mail may make a sent one ``bounced``. Nothing else writes
these states.

Claims and results are written in short transactions, never while a connection
talks to the server: a run claims a batch (queued → sending) in one transaction and
records outcomes in batches. On SQLite ``BEGIN IMMEDIATE`` serialises claims; on
PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets several senders, on several machines,
share one edition.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Engine, and_, exists, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col

from isamail.db import driver_sql, driver_time
from isamail.db.engine import is_sqlite, read_session, unit_of_work
from isamail.db.models import (
    Delivery,
    DeliveryStatus,
    SendRun,
    Subscriber,
    SubscriberState,
    Subscription,
    SubscriptionStatus,
    table,
    utcnow,
)

DELIVERY = table(Delivery)
SUBSCRIPTION = table(Subscription)
SUBSCRIBER = table(Subscriber)
# a run whose heartbeat is older than this is taken as dead (when its pid cannot be checked)
STALE_AFTER = timedelta(seconds=90)


@dataclass(frozen=True)
class Claimed:
    delivery_id: int
    email: str
    name: str
    subscription_id: int | None
    attempts: int
    possibly_duplicate: bool


@dataclass(frozen=True)
class Result:
    delivery_id: int
    status: str  # "sent", "failed", "queued" (retry at next_attempt_at) or "skipped"
    code: int | None
    reply: str
    next_attempt_at: datetime | None = None
    # queued again after its whole content went out but no reply came: the server may
    # have taken it, so it is flagged possibly duplicated
    uncertain: bool = False


def recipients_query(list_ids: Sequence[int]) -> Any:
    """One row per person with a confirmed subscription to any of the lists (the
    subscription of the first list named wins, so its unsubscribe link is used)."""
    return (
        select(
            SUBSCRIPTION.c.subscriber_id,
            func.min(SUBSCRIPTION.c.id).label("subscription_id"),
        )
        .join(SUBSCRIBER, SUBSCRIBER.c.id == SUBSCRIPTION.c.subscriber_id)
        .where(
            SUBSCRIPTION.c.list_id.in_(list_ids),
            SUBSCRIPTION.c.status == SubscriptionStatus.CONFIRMED,
            SUBSCRIBER.c.state == SubscriberState.ACTIVE,
            SUBSCRIBER.c.email.is_not(None),
        )
        .group_by(SUBSCRIPTION.c.subscriber_id)
    )


def count_recipients(engine: Engine, list_ids: Sequence[int]) -> int:
    with read_session(engine) as session:
        sub = recipients_query(list_ids).subquery()
        return int(session.execute(select(func.count()).select_from(sub)).scalar_one())


def iter_recipients(engine: Engine, list_ids: Sequence[int]) -> Iterator[tuple[str, str, int]]:
    """(email, name, subscription id) of everyone a send to these lists would reach."""
    recipients = recipients_query(list_ids).subquery()
    query = select(SUBSCRIBER.c.email, SUBSCRIBER.c.name, recipients.c.subscription_id).join(
        SUBSCRIBER, SUBSCRIBER.c.id == recipients.c.subscriber_id
    )
    with read_session(engine) as session:
        for email, name, subscription_id in session.execute(query):
            yield email, name or "", subscription_id


def _new_recipients(edition_id: int | None, list_ids: Sequence[int]) -> Any:
    """Recipients of the lists with no delivery of the edition yet (a subquery)."""
    recipients = recipients_query(list_ids).subquery()
    query = select(recipients.c.subscriber_id, recipients.c.subscription_id)
    if edition_id is not None:
        query = query.where(
            ~exists().where(
                DELIVERY.c.edition_id == edition_id,
                DELIVERY.c.subscriber_id == recipients.c.subscriber_id,
            )
        )
    return query.subquery()


_WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


def pending_counts(
    engine: Engine, edition_id: int | None, list_ids: Sequence[int]
) -> tuple[int, int]:
    """(recipients of the lists without a delivery of the edition yet, deliveries of the
    edition still waiting): what a send would try now."""
    with read_session(engine) as session:
        new = session.execute(
            select(func.count()).select_from(_new_recipients(edition_id, list_ids))
        ).scalar_one()
        waiting = 0
        if edition_id is not None:
            waiting = session.execute(
                select(func.count()).where(
                    DELIVERY.c.edition_id == edition_id, DELIVERY.c.status.in_(_WAITING)
                )
            ).scalar_one()
    return int(new), int(waiting)


def iter_pending(
    engine: Engine, edition_id: int | None, list_ids: Sequence[int]
) -> Iterator[tuple[str, str, int]]:
    """(email, name, subscription id) of everyone a send would try now."""
    new = _new_recipients(edition_id, list_ids)
    queries = [
        select(SUBSCRIBER.c.email, SUBSCRIBER.c.name, new.c.subscription_id).join(
            SUBSCRIBER, SUBSCRIBER.c.id == new.c.subscriber_id
        )
    ]
    if edition_id is not None:
        queries.append(
            select(SUBSCRIBER.c.email, SUBSCRIBER.c.name, DELIVERY.c.subscription_id)
            .join(SUBSCRIBER, SUBSCRIBER.c.id == DELIVERY.c.subscriber_id)
            .where(DELIVERY.c.edition_id == edition_id, DELIVERY.c.status.in_(_WAITING))
        )
    with read_session(engine) as session:
        for query in queries:
            for email, name, subscription_id in session.execute(query):
                if email is not None:
                    yield email, name or "", subscription_id or 0


def enqueue(engine: Engine, edition_id: int, list_ids: Sequence[int]) -> int:
    """Creates a queued delivery for every confirmed subscriber of the lists who has none
    for this edition yet; returns how many were created. Safe to call on every run."""
    now = utcnow()
    recipients = recipients_query(list_ids).subquery()
    already = exists().where(
        DELIVERY.c.edition_id == edition_id,
        DELIVERY.c.subscriber_id == recipients.c.subscriber_id,
    )
    chosen = (
        select(
            literal(edition_id),
            recipients.c.subscriber_id,
            recipients.c.subscription_id,
            SUBSCRIPTION.c.list_id,
            literal(DeliveryStatus.QUEUED.value),
            literal(0),
            literal(False),
            literal(now, DELIVERY.c.created_at.type),
            literal(now, DELIVERY.c.updated_at.type),
            literal("", DELIVERY.c.last_reply.type),
        )
        .join(SUBSCRIPTION, SUBSCRIPTION.c.id == recipients.c.subscription_id)
        .where(~already)
        .order_by(recipients.c.subscriber_id)
    )
    # Two sends started together on PostgreSQL both see no delivery yet (read committed);
    # the second then waits on the unique index and skips what the first inserted.
    # SQLite serialises the two with BEGIN IMMEDIATE.
    into = insert(DELIVERY) if is_sqlite(engine) else pg_insert(DELIVERY).on_conflict_do_nothing()
    with unit_of_work(engine) as session:
        result = session.execute(
            into.from_select(
                [
                    "edition_id",
                    "subscriber_id",
                    "subscription_id",
                    "list_id",
                    "status",
                    "attempts",
                    "possibly_duplicate",
                    "created_at",
                    "updated_at",
                    "last_reply",
                ],
                chosen,
            )
        )
        return max(int(getattr(result, "rowcount", 0) or 0), 0)


def start_run(engine: Engine, edition_id: int) -> str:
    run_id = secrets.token_hex(8)
    with unit_of_work(engine) as session:
        session.add(
            SendRun(id=run_id, edition_id=edition_id, host=socket.gethostname(), pid=os.getpid())
        )
    return run_id


def heartbeat(engine: Engine, run_id: str) -> None:
    with unit_of_work(engine) as session:
        session.execute(
            update(SendRun).where(col(SendRun.id) == run_id).values(heartbeat_at=utcnow())
        )


def finish_run(engine: Engine, run_id: str) -> None:
    """Ends the run: what it still holds goes back to the queue untouched."""
    now = utcnow()
    with unit_of_work(engine) as session:
        session.execute(
            update(DELIVERY)
            .where(DELIVERY.c.run_id == run_id, DELIVERY.c.status == DeliveryStatus.SENDING)
            .values(status=DeliveryStatus.QUEUED, run_id=None, updated_at=now)
        )
        session.execute(update(SendRun).where(col(SendRun.id) == run_id).values(finished_at=now))


def claim(
    engine: Engine, edition_id: int, run_id: str, limit: int, *, not_after: datetime | None = None
) -> list[Claimed]:
    """Takes up to ``limit`` due deliveries for this run. SQLite serialises writers
    (BEGIN IMMEDIATE); PostgreSQL skips rows another run has locked, so several
    machines can share one send. Retries due after ``not_after`` (the end of the run's
    retry window) are left for the next run."""
    now = utcnow()
    due_by = min(now, not_after) if not_after is not None else now
    sqlite = is_sqlite(engine)
    due = (
        "d.edition_id = ? AND d.status = 'queued' "
        "AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ?)"
    )
    joined = (
        "SELECT d.id, s.email, s.name, d.subscription_id, d.attempts, d.possibly_duplicate "
        "FROM delivery d JOIN subscriber s ON s.id = d.subscriber_id WHERE "
    )
    with unit_of_work(engine) as session:
        cursor = _driver_cursor(session)
        if sqlite:
            # Under BEGIN IMMEDIATE nobody else claims: one query reads what sending
            # needs (the index on edition and status yields the rows in id order).
            cursor.execute(
                joined + due + " ORDER BY d.id LIMIT ?",
                (edition_id, driver_time(due_by, sqlite=sqlite), limit),
            )
            rows = cursor.fetchall()
            ids = [r[0] for r in rows]
            chosen = f"id IN ({', '.join('?' * len(ids))})"
            chosen_params: tuple[Any, ...] = tuple(ids)
        else:
            # Lock first, on the delivery table alone: PostgreSQL sorts the queued rows
            # for ORDER BY id, and with the join in this query (planned on statistics
            # from before the enqueue) it read every queued subscriber for each claim.
            locked = "SELECT d.id FROM delivery d WHERE " + due  # noqa: S608 - constants
            cursor.execute(
                driver_sql(locked + " ORDER BY d.id LIMIT ? FOR UPDATE SKIP LOCKED", sqlite=False),
                (edition_id, due_by, limit),
            )
            ids = [r[0] for r in cursor.fetchall()]
            rows = []
            if ids:
                by_id = joined + "d.id = ANY(?) ORDER BY d.id"
                cursor.execute(driver_sql(by_id, sqlite=False), (ids,))
                rows = cursor.fetchall()
            chosen, chosen_params = "id = ANY(?)", (ids,)
        if not ids:
            return []
        taken = "UPDATE delivery SET status = 'sending', run_id = ?, updated_at = ? WHERE "
        cursor.execute(
            driver_sql(taken + chosen, sqlite=sqlite),  # chosen holds placeholders only
            (run_id, driver_time(now, sqlite=sqlite), *chosen_params),
        )
    return [Claimed(r[0], r[1] or "", r[2] or "", r[3], r[4], bool(r[5])) for r in rows]


def _driver_cursor(session: Session) -> Any:
    """A DBAPI cursor in the session's transaction. Claiming and recording touch every
    delivery of a send; through the driver's own executemany and tuples they cost a
    third of what SQLAlchemy's per-row parameter processing and Row objects cost
    (bench/bench_send.py), and those run on the thread the SMTP workers need."""
    return session.connection().connection.cursor()


def next_due(engine: Engine, edition_id: int) -> datetime | None:
    """When the next queued delivery of the edition becomes due (None: none queued)."""
    with read_session(engine) as session:
        queued, dated, earliest = session.execute(
            select(
                func.count(),
                func.count(DELIVERY.c.next_attempt_at),  # counts only rows with a retry time
                func.min(DELIVERY.c.next_attempt_at),
            ).where(DELIVERY.c.edition_id == edition_id, DELIVERY.c.status == DeliveryStatus.QUEUED)
        ).one()
    if not queued:
        return None
    return utcnow() if dated < queued else cast(datetime, earliest)


_RECORD = (
    "UPDATE delivery SET status = ?, last_code = ?, last_reply = ?, next_attempt_at = ?, "
    "sent_at = ?, relay_id = ?, updated_at = ?, run_id = NULL, attempts = attempts + 1, "
    "possibly_duplicate = (possibly_duplicate OR ?) WHERE id = ?"
)
# the relay's own name for a message it took: Postfix, Exim, Sendmail ("queued as ID"),
# Amazon SES and others ("250 Ok ID"), Microsoft 365 ("<ID> [Hostname=…]")
_RELAY_ID = re.compile(
    r"queued as ([^\s;,]+)|^(?:2\.\d\.\d+ )?Ok:? ([0-9A-Za-z-]{16,})|<([^<>\s]+)>", re.I
)


def relay_id(reply: str) -> str | None:
    """The id the relay gave the message in its reply to DATA, if it names one."""
    found = _RELAY_ID.search(reply)
    if found is None:
        return None
    return next(g for g in found.groups() if g)[:200]


_SKIP = (
    "UPDATE delivery SET status = 'skipped', skip_reason = ?, updated_at = ?, run_id = NULL "
    "WHERE id = ? AND status IN ('sending', 'queued')"
)


def record(engine: Engine, run_id: str, results: Iterable[Result]) -> None:
    """Writes the outcomes of finished SMTP transactions, and the deliveries the gate
    held back (status skipped, the reason in ``reply``), in one transaction."""
    sqlite = is_sqlite(engine)
    now = driver_time(utcnow(), sqlite=sqlite)
    sent, skipped = DeliveryStatus.SENT, DeliveryStatus.SKIPPED
    rows, skips = [], []
    for r in results:
        if r.status == skipped:
            skips.append((r.reply, now, r.delivery_id))
            continue
        was_sent = r.status == sent
        rows.append(
            (
                str(r.status),
                r.code,
                r.reply[:500],
                driver_time(r.next_attempt_at, sqlite=sqlite),
                now if was_sent else None,
                relay_id(r.reply) if was_sent else None,
                now,
                r.uncertain,
                r.delivery_id,
            )
        )
    if not rows and not skips:
        return
    with unit_of_work(engine) as session:
        cursor = _driver_cursor(session)
        if rows:
            cursor.executemany(driver_sql(_RECORD, sqlite=sqlite), rows)
        if skips:
            cursor.executemany(driver_sql(_SKIP, sqlite=sqlite), skips)
        cursor.execute(
            driver_sql("UPDATE send_run SET heartbeat_at = ? WHERE id = ?", sqlite=sqlite),
            (now, run_id),
        )


def status_counts(engine: Engine, edition_id: int) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(DELIVERY.c.status, func.count())
            .where(DELIVERY.c.edition_id == edition_id)
            .group_by(DELIVERY.c.status)
        ).all()
    counts = {s.value: 0 for s in DeliveryStatus}
    counts.update({status: int(n) for status, n in rows})
    return counts


def possibly_duplicated(engine: Engine, edition_id: int) -> list[str]:
    with read_session(engine) as session:
        return [
            email or "(gelöscht)"
            for email in session.execute(
                select(SUBSCRIBER.c.email)
                .join(DELIVERY, and_(DELIVERY.c.subscriber_id == SUBSCRIBER.c.id))
                .where(DELIVERY.c.edition_id == edition_id, DELIVERY.c.possibly_duplicate)
                .order_by(SUBSCRIBER.c.email)
            ).scalars()
        ]


# --- returned mail --------------------------------------------------------------------

# A weaker report never overwrites a stronger one: a complaint proves the mail arrived,
# a hard bounce outranks the "delayed" notices that often precede it.
_BOUNCE_RANK = {"soft": 1, "policy": 2, "hard": 3, "complaint": 4}
# Kinds that mean the message never arrived: the delivery stops counting as sent.
_UNDELIVERED = frozenset({"hard", "policy"})
_SMTP_CODE = re.compile(r"(?<!\d)([245]\d\d)(?!\d)")


def mark_bounced(
    session: Session, delivery_id: int, kind: str, *, status: str = "", diagnostic: str = ""
) -> bool:
    """Records what returned mail said about a delivery, in the caller's transaction.

    ``hard`` and ``policy`` turn a sent (or queued again after a crash) delivery into
    ``bounced`` and keep the remote server's reply as its last reply; ``soft`` and
    ``complaint`` only note the kind (a soft bounce may still arrive, a complaint proves
    it did). Returns False when nothing changed (a weaker or repeated report)."""
    row = session.execute(
        select(DELIVERY.c.status, DELIVERY.c.bounce_kind).where(DELIVERY.c.id == delivery_id)
    ).first()
    if row is None or kind not in _BOUNCE_RANK:
        return False
    current, known = row
    if known is not None and _BOUNCE_RANK.get(known, 0) >= _BOUNCE_RANK[kind]:
        return False
    values: dict[str, Any] = {"bounce_kind": kind, "updated_at": utcnow()}
    if kind in _UNDELIVERED and current in (DeliveryStatus.SENT, DeliveryStatus.QUEUED):
        values["status"] = DeliveryStatus.BOUNCED
        reply = " ".join(diagnostic.split()) or status
        if reply:
            values["last_reply"] = reply[:500]
            code = _SMTP_CODE.search(reply)
            values["last_code"] = int(code.group(1)) if code else None
    session.execute(update(DELIVERY).where(DELIVERY.c.id == delivery_id).values(**values))
    return True
