"""Staff broadcasts: the audience, the exact recipient count, queueing per language, cancel."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from bot.db import Database
from bot.events.model import CATEGORIES
from bot.events.texts import broadcast_html
from bot.i18n import I18n
from bot.outbox.store import Progress, drop_pending, enqueue, progress, utc_iso

KIND = "broadcast"


@dataclass(frozen=True)
class Audience:
    kind: str
    """all | category (its subscribers) | language (people who chose it)"""
    value: str | None = None

    def __post_init__(self) -> None:
        if self.kind == "all" and self.value is None:
            return
        if self.kind in ("category", "language") and self.value:
            if self.kind == "category" and self.value not in CATEGORIES:
                raise ValueError(f"unknown category {self.value!r}")
            return
        raise ValueError(f"bad audience {self.kind}={self.value!r}")

    def query(self) -> tuple[str, tuple[object, ...]]:
        """SELECT (telegram_id, language) of every active recipient."""
        base = "SELECT u.telegram_id, u.language FROM users u"
        if self.kind == "category":
            return (f"{base} JOIN subscriptions s ON s.user_id = u.telegram_id "
                    "WHERE u.active = 1 AND s.category = ?", (self.value,))
        if self.kind == "language":
            return f"{base} WHERE u.active = 1 AND COALESCE(u.language, 'en') = ?", (self.value,)
        return f"{base} WHERE u.active = 1", ()


def text_for(texts: dict[str, str], language: str | None) -> str:
    """The person's language's version, else English, else the first one written."""
    found = texts.get(language or "en") or texts.get("en")
    return found if found is not None else next(iter(texts.values()))


async def count_recipients(db: Database, audience: Audience) -> int:
    sql, params = audience.query()
    row = await db.fetchone(f"SELECT COUNT(*) FROM ({sql})", params)
    return int(row[0]) if row else 0


async def start_broadcast(
    db: Database, i18n: I18n, *, created_by: int, audience: Audience, texts: dict[str, str],
    now: dt.datetime,
) -> tuple[int, int]:
    """Record the broadcast and write every recipient's row in one transaction; (id, count)."""
    if not texts or not all(t.strip() for t in texts.values()):
        raise ValueError("a broadcast needs a text")
    sql, params = audience.query()
    async with db.transaction() as conn:
        async with conn.execute(sql, params) as cursor:
            people = [(r[0], r[1]) for r in await cursor.fetchall()]
        cursor = await conn.execute(
            "INSERT INTO broadcasts (created_by, audience, audience_value, texts, status, "
            "recipients, created_at) VALUES (?, ?, ?, ?, 'queued', ?, ?)",
            (created_by, audience.kind, audience.value, json.dumps(texts, ensure_ascii=False),
             len(people), utc_iso(now)),
        )
        broadcast_id = cursor.lastrowid
        assert broadcast_id is not None
        rendered: dict[str, str] = {}
        messages = []
        for user, language in people:
            t = i18n.get(language)
            if t.language not in rendered:
                rendered[t.language] = broadcast_html(text_for(texts, t.language), t)
            messages.append((user, rendered[t.language]))
        await enqueue(conn, KIND, str(broadcast_id), messages, now=now)
    return broadcast_id, len(people)


async def cancel_broadcast(db: Database, broadcast_id: int, now: dt.datetime) -> int:
    """Stop a broadcast: rows not yet sent are dropped. Return how many."""
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE broadcasts SET status = 'cancelled', cancelled_at = ? "
            "WHERE id = ? AND status = 'queued'", (utc_iso(now), broadcast_id),
        )
        return await drop_pending(conn, KIND, str(broadcast_id), "broadcast cancelled")


async def broadcast_progress(db: Database, broadcast_id: int) -> Progress:
    return await progress(db, KIND, str(broadcast_id))
