"""The outbox table: enqueue, claim, record outcomes, recover after a crash, count progress."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from bot.db import Database

INTERRUPTED = "interrupted: the process stopped during the Bot API call; delivery unknown, " \
    "not re-sent (at most once)"


def utc_iso(moment: dt.datetime) -> str:
    """The one text form of a time in the events and outbox tables (UTC, milliseconds)."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds")


def from_iso(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@dataclass(frozen=True)
class OutboxRow:
    id: int
    item_kind: str
    item_id: str
    user_id: int
    text: str
    attempts: int


@dataclass(frozen=True)
class Progress:
    sent: int = 0
    failed: int = 0
    dropped: int = 0
    remaining: int = 0

    @property
    def total(self) -> int:
        return self.sent + self.failed + self.dropped + self.remaining


async def enqueue(
    conn: aiosqlite.Connection, kind: str, item_id: str, messages: Iterable[tuple[int, str]], *,
    now: dt.datetime, at: dt.datetime | None = None, not_after: dt.datetime | None = None,
    status: str = "pending", error: str | None = None,
) -> int:
    """Insert one row per (user id, text), inside the caller's transaction; duplicates of
    (kind, item, user) are ignored. Return how many rows were new."""
    stamp = utc_iso(now)
    due = utc_iso(at or now)
    deadline = utc_iso(not_after) if not_after else None
    cursor = await conn.executemany(
        "INSERT OR IGNORE INTO outbox (item_kind, item_id, user_id, text, status, "
        "next_attempt_at, not_after, error, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(kind, item_id, user, text, status, due, deadline, error, stamp)
         for user, text in messages],
    )
    return max(cursor.rowcount, 0)


async def recover(db: Database, run_id: str, now: dt.datetime) -> tuple[int, int]:
    """Resolve rows claimed by another (dead) run: (returned to pending, marked interrupted)."""
    async with db.transaction() as conn:
        back = await conn.execute(
            "UPDATE outbox SET status = 'pending', claimed_by = NULL, claimed_at = NULL "
            "WHERE status = 'claimed' AND claimed_by IS NOT ? AND send_started_at IS NULL",
            (run_id,),
        )
        lost = await conn.execute(
            "UPDATE outbox SET status = 'failed', error = ?, claimed_by = NULL "
            "WHERE status = 'claimed' AND claimed_by IS NOT ? AND send_started_at IS NOT NULL",
            (INTERRUPTED, run_id),
        )
    return back.rowcount, lost.rowcount


async def claim(db: Database, run_id: str, now: dt.datetime, limit: int) -> list[OutboxRow]:
    """Claim up to `limit` due rows; drop, in the same transaction, late rows and rows of people
    who are inactive or gone."""
    stamp = utc_iso(now)
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT o.id, o.item_kind, o.item_id, o.user_id, o.text, o.attempts, o.not_after, "
            "u.active FROM outbox o LEFT JOIN users u ON u.telegram_id = o.user_id "
            "WHERE o.status = 'pending' AND o.next_attempt_at <= ? "
            "ORDER BY o.next_attempt_at, o.id LIMIT ?", (stamp, limit),
        ) as cursor:
            found = list(await cursor.fetchall())
        rows, late, inactive = [], [], []
        for r in found:
            if r["not_after"] is not None and r["not_after"] < stamp:
                late.append((r["id"],))
            elif not r["active"]:
                inactive.append((r["id"],))
            else:
                rows.append(OutboxRow(r["id"], r["item_kind"], r["item_id"], r["user_id"],
                                      r["text"], r["attempts"]))
        await conn.executemany(
            "UPDATE outbox SET status = 'dropped', error = 'late' WHERE id = ?", late)
        await conn.executemany(
            "UPDATE outbox SET status = 'dropped', error = 'inactive' WHERE id = ?", inactive)
        await conn.executemany(
            "UPDATE outbox SET status = 'claimed', claimed_by = ?, claimed_at = ?, "
            "send_started_at = NULL WHERE id = ?",
            [(run_id, stamp, row.id) for row in rows],
        )
    return rows


async def mark_started(db: Database, row_id: int, now: dt.datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET send_started_at = ?, attempts = attempts + 1 WHERE id = ?",
            (utc_iso(now), row_id),
        )


async def mark_sent(db: Database, row_id: int, now: dt.datetime) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'sent', sent_at = ?, error = NULL, claimed_by = NULL "
            "WHERE id = ?", (utc_iso(now), row_id),
        )


async def release(
    db: Database, row_id: int, at: dt.datetime, error: str | None = None, *,
    uncount: bool = False,
) -> None:
    """Back to pending, due at `at` (a retry, or a chat that must wait its turn)."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?, "
            "error = COALESCE(?, error), claimed_by = NULL, claimed_at = NULL, "
            "send_started_at = NULL, attempts = attempts - ? WHERE id = ?",
            (utc_iso(at), error, int(uncount), row_id),
        )


async def give_up(db: Database, row_id: int, error: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'failed', error = ?, claimed_by = NULL WHERE id = ?",
            (error[:500], row_id),
        )


async def mark_blocked(db: Database, row_id: int, user_id: int) -> None:
    """The person blocked the bot: inactive, this row and their other pending rows dropped."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE users SET active = 0 WHERE telegram_id = ?", (user_id,))
        await conn.execute(
            "UPDATE outbox SET status = 'dropped', error = 'blocked', claimed_by = NULL "
            "WHERE id = ? OR (user_id = ? AND status = 'pending')", (row_id, user_id),
        )


async def drop_pending(
    conn: aiosqlite.Connection, kind: str, item_like: str, error: str
) -> int:
    """Drop the pending rows of items matching `item_like` (SQL LIKE), in a transaction."""
    cursor = await conn.execute(
        "UPDATE outbox SET status = 'dropped', error = ? "
        "WHERE item_kind = ? AND item_id LIKE ? AND status = 'pending'", (error, kind, item_like),
    )
    return cursor.rowcount


async def progress(db: Database, kind: str, item_id: str) -> Progress:
    rows = await db.fetchall(
        "SELECT status, COUNT(*) AS n FROM outbox WHERE item_kind = ? AND item_id = ? "
        "GROUP BY status", (kind, item_id),
    )
    counts = {r["status"]: r["n"] for r in rows}
    return Progress(
        sent=counts.get("sent", 0), failed=counts.get("failed", 0),
        dropped=counts.get("dropped", 0),
        remaining=counts.get("pending", 0) + counts.get("claimed", 0),
    )


async def next_due(db: Database) -> dt.datetime | None:
    """When the earliest pending row falls due (None: nothing pending)."""
    row = await db.fetchone(
        "SELECT MIN(next_attempt_at) AS t FROM outbox WHERE status = 'pending'"
    )
    return from_iso(row["t"]) if row is not None and row["t"] else None
