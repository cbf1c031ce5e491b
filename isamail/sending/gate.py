"""The gate: may this delivery still go to this person, now?

Asked for every delivery a run holds, right after it is claimed and then again every
``REFRESH`` seconds while it waits, so that an exit committed anywhere (unsubscribe from
the CLI, the web page, one-click or mailto, a complaint, a hard bounce, an erasure, a
block) is honoured by every sender on every machine within a second: the engine checks
the latest answer immediately before a message's envelope is written.

A delivery may go while its subscription is still confirmed, its subscriber is active
and still has an address, and the address is not suppressed for the delivery's list or
for every list. Suppressions are kept by address hash (a forgotten address leaves
nothing readable), so they are looked up by the hashes of the addresses held.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Engine

from isamail.audience.addresses import address_hash
from isamail.db import driver_sql
from isamail.db.engine import is_sqlite, read_session
from isamail.db.models import SkipReason, SubscriberState, SubscriptionStatus

# seconds between two checks of what a run holds: with the check's own time it keeps a
# committed exit from being missed for more than a second
REFRESH = 0.5
_CHUNK = 500  # ids per statement (SQLite allows 32,766 parameters; PostgreSQL more)

_SUBSCRIPTION_REASONS: dict[str, SkipReason] = {
    SubscriptionStatus.UNSUBSCRIBED: SkipReason.UNSUBSCRIBED,
    SubscriptionStatus.BOUNCED: SkipReason.BOUNCED,
}
# a suppression's reason, as the reason a delivery is skipped
_SUPPRESSION_REASONS = {
    "unsubscribed": SkipReason.UNSUBSCRIBED,
    "bounced": SkipReason.BOUNCED,
    "complaint": SkipReason.COMPLAINT,
    "forgotten": SkipReason.ERASED,
    "blocklisted": SkipReason.BLOCKLISTED,
}


def blocked(engine: Engine, delivery_ids: Collection[int]) -> dict[int, SkipReason]:
    """The deliveries among ``delivery_ids`` that must not go out, with the reason."""
    found: dict[int, SkipReason] = {}
    ids = list(delivery_ids)
    for start in range(0, len(ids), _CHUNK):
        found.update(_blocked(engine, ids[start : start + _CHUNK]))
    return found


def _blocked(engine: Engine, ids: list[int]) -> dict[int, SkipReason]:
    if not ids:
        return {}
    sqlite = is_sqlite(engine)
    marks = ", ".join("?" * len(ids))
    query = (
        "SELECT d.id, d.list_id, s.email, s.state, sub.status FROM delivery d "  # noqa: S608
        "JOIN subscriber s ON s.id = d.subscriber_id "
        "LEFT JOIN subscription sub ON sub.id = d.subscription_id "
        f"WHERE d.id IN ({marks})"
    )
    with read_session(engine) as session:
        cursor: Any = session.connection().connection.cursor()
        cursor.execute(driver_sql(query, sqlite=sqlite), ids)
        rows = cursor.fetchall()
        found: dict[int, SkipReason] = {}
        statuses: dict[int, str | None] = {}
        hashes: dict[str, list[tuple[int, int | None]]] = {}
        for delivery_id, list_id, email, state, status in rows:
            if email is None or state == SubscriberState.FORGOTTEN:
                found[delivery_id] = SkipReason.ERASED
            elif state == SubscriberState.BLOCKLISTED:
                found[delivery_id] = SkipReason.BLOCKLISTED
            else:
                statuses[delivery_id] = status
                hashes.setdefault(address_hash(email), []).append((delivery_id, list_id))
        # a suppression names the reason best (a complaint also ends the subscription)
        if hashes:
            found.update(_suppressed(cursor, hashes, sqlite=sqlite))
    for delivery_id, status in statuses.items():
        if delivery_id not in found and status != SubscriptionStatus.CONFIRMED:
            found[delivery_id] = _SUBSCRIPTION_REASONS.get(status or "", SkipReason.NOT_CONFIRMED)
    return found


def _suppressed(
    cursor: Any, hashes: dict[str, list[tuple[int, int | None]]], *, sqlite: bool
) -> Iterable[tuple[int, SkipReason]]:
    marks = ", ".join("?" * len(hashes))
    cursor.execute(
        driver_sql(
            f"SELECT email_hash, list_id, reason FROM suppression WHERE email_hash IN ({marks})",  # noqa: S608
            sqlite=sqlite,
        ),
        list(hashes),
    )
    for email_hash, suppressed_list, reason in cursor.fetchall():
        for delivery_id, list_id in hashes[email_hash]:
            if suppressed_list is None or suppressed_list == list_id:
                yield delivery_id, _SUPPRESSION_REASONS.get(reason, SkipReason.UNSUBSCRIBED)


def blocked_transactional(engine: Engine, mail_ids: Collection[int]) -> dict[int, SkipReason]:
    """The confirmation and welcome mails among ``mail_ids`` that must not go out: to a
    person erased or blocked, or to an address that complained. (Someone who left
    may sign up again: their confirmation mail goes.)"""
    ids = list(mail_ids)
    if not ids:
        return {}
    sqlite = is_sqlite(engine)
    found: dict[int, SkipReason] = {}
    with read_session(engine) as session:
        cursor: Any = session.connection().connection.cursor()
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(
                driver_sql(
                    "SELECT m.id, m.recipient, s.state, s.email FROM outgoing_mail m "  # noqa: S608
                    "LEFT JOIN subscriber s ON s.id = m.subscriber_id "
                    f"WHERE m.id IN ({marks})",
                    sqlite=sqlite,
                ),
                chunk,
            )
            by_hash: dict[str, list[int]] = {}
            for mail_id, recipient, state, email in cursor.fetchall():
                if state == SubscriberState.FORGOTTEN or (state is not None and email is None):
                    found[mail_id] = SkipReason.ERASED
                elif state == SubscriberState.BLOCKLISTED:
                    found[mail_id] = SkipReason.BLOCKLISTED
                else:
                    by_hash.setdefault(address_hash(recipient), []).append(mail_id)
            if by_hash:
                marks = ", ".join("?" * len(by_hash))
                cursor.execute(
                    driver_sql(
                        "SELECT email_hash, reason FROM suppression WHERE reason IN "  # noqa: S608
                        f"('complaint', 'blocklisted', 'forgotten') AND email_hash IN ({marks})",
                        sqlite=sqlite,
                    ),
                    list(by_hash),
                )
                for email_hash, reason in cursor.fetchall():
                    for mail_id in by_hash[email_hash]:
                        found[mail_id] = _SUPPRESSION_REASONS[reason]
    return found
