"""Events, subscriptions and reminder requests in the database (no sending here)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence

import aiosqlite

from bot.db import Database
from bot.events.model import CATEGORIES, Event, NewEvent, Text
from bot.outbox.store import from_iso, utc_iso

WEEKS_AHEAD = 12
"""a weekly event created in the chat is stored as this many occurrences"""


async def create_event(
    db: Database, new: NewEvent, *, now: dt.datetime, created_by: int | None = None,
    weeks: int = WEEKS_AHEAD,
) -> list[int]:
    """Store the event (every week of a weekly one, in local wall-clock time); return the ids."""
    if new.category not in CATEGORIES:
        raise ValueError(f"unknown category {new.category!r}")
    series = uuid.uuid4().hex if new.weekly else None
    count = weeks if new.weekly else 1
    ids: list[int] = []
    async with db.transaction() as conn:
        for week in range(count):
            start = _weeks_later(new.starts_at, week)
            end = _weeks_later(new.ends_at, week)
            uid = f"{new.uid}/{week}" if new.uid and new.weekly else new.uid
            ids.append(await insert_event(conn, new, start, end, now=now, uid=uid,
                                          series_id=series, created_by=created_by))
    return ids


def _weeks_later(moment: dt.datetime, weeks: int) -> dt.datetime:
    """Same wall-clock time `weeks` later, across daylight-saving changes."""
    tz = moment.tzinfo
    wall = moment.replace(tzinfo=None) + dt.timedelta(weeks=weeks)
    return wall.replace(tzinfo=tz)


async def insert_event(
    conn: aiosqlite.Connection, new: NewEvent, start: dt.datetime, end: dt.datetime, *,
    now: dt.datetime, uid: str | None, series_id: str | None, created_by: int | None = None,
) -> int:
    stamp = utc_iso(now)
    cursor = await conn.execute(
        "INSERT INTO events (uid, series_id, category, venue, service_id, starts_at, ends_at, "
        "recurrence, capacity_note, status, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', ?, ?, ?)",
        (uid, series_id, new.category, new.venue, new.service_id, utc_iso(start), utc_iso(end),
         "weekly" if new.weekly else None, new.capacity_note, created_by, stamp, stamp),
    )
    event_id = cursor.lastrowid
    assert event_id is not None
    await conn.executemany(
        "INSERT INTO event_translations (event_id, language, title, description) "
        "VALUES (?, ?, ?, ?)",
        [(event_id, lang, t.title, t.description) for lang, t in new.texts.items()],
    )
    return event_id


async def _events(db: Database, where: str, params: Sequence[object]) -> list[Event]:
    rows = await db.fetchall(f"SELECT * FROM events WHERE {where} ORDER BY starts_at, id",
                             tuple(params))
    if not rows:
        return []
    ids = [r["id"] for r in rows]
    marks = ",".join("?" * len(ids))
    texts: dict[int, dict[str, Text]] = {i: {} for i in ids}
    for t in await db.fetchall(
        f"SELECT * FROM event_translations WHERE event_id IN ({marks})", tuple(ids)
    ):
        texts[t["event_id"]][t["language"]] = Text(t["title"], t["description"])
    return [
        Event(
            id=r["id"], category=r["category"], starts_at=from_iso(r["starts_at"]),
            ends_at=from_iso(r["ends_at"]), texts=texts[r["id"]], venue=r["venue"],
            status=r["status"], capacity_note=r["capacity_note"], series_id=r["series_id"],
            recurrence=r["recurrence"], uid=r["uid"], service_id=r["service_id"],
        )
        for r in rows
    ]


async def get_event(db: Database, event_id: int) -> Event | None:
    found = await _events(db, "id = ?", (event_id,))
    return found[0] if found else None


async def events_between(
    db: Database, start: dt.datetime, end: dt.datetime, *, include_cancelled: bool = False
) -> list[Event]:
    """Events starting in [start, end)."""
    where = "starts_at >= ? AND starts_at < ?"
    if not include_cancelled:
        where += " AND status != 'cancelled'"
    return await _events(db, where, (utc_iso(start), utc_iso(end)))


async def events_this_week(db: Database, now: dt.datetime) -> list[Event]:
    """What is coming in the next seven days (events still running count too)."""
    found = await _events(
        db, "ends_at > ? AND starts_at < ? AND status != 'cancelled'",
        (utc_iso(now), utc_iso(now + dt.timedelta(days=7))),
    )
    return found


async def uid_exists(db: Database, uid: str) -> bool:
    return await db.fetchone("SELECT 1 FROM events WHERE uid = ?", (uid,)) is not None


# -- subscriptions and reminder requests ---------------------------------------------------------
async def subscribe(db: Database, user_id: int, category: str, now: dt.datetime) -> None:
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO subscriptions (user_id, category, created_at) VALUES (?, ?, ?)",
            (user_id, category, utc_iso(now)),
        )


async def unsubscribe(db: Database, user_id: int, category: str) -> None:
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM subscriptions WHERE user_id = ? AND category = ?",
                           (user_id, category))


async def subscriptions_of(db: Database, user_id: int) -> list[str]:
    rows = await db.fetchall(
        "SELECT category FROM subscriptions WHERE user_id = ? ORDER BY category", (user_id,)
    )
    return [r["category"] for r in rows]


async def request_reminder(db: Database, user_id: int, event_id: int, now: dt.datetime) -> bool:
    """Remember that this person wants reminders; False if they had already asked."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT OR IGNORE INTO reminders_requested (user_id, event_id, created_at) "
            "VALUES (?, ?, ?)", (user_id, event_id, utc_iso(now)),
        )
    return cursor.rowcount > 0


async def reminder_requested(db: Database, user_id: int, event_id: int) -> bool:
    row = await db.fetchone(
        "SELECT 1 FROM reminders_requested WHERE user_id = ? AND event_id = ?",
        (user_id, event_id),
    )
    return row is not None
