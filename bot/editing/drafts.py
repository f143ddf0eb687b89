"""Unfinished conversations (an edit, a new service...) kept in SQLite at every step, so that a
restart loses nothing: the step is the conversation's state, the data is the draft."""

from __future__ import annotations

import json
from typing import Any

from bot.db import Database
from bot.team.roles import Clock, iso

Key = tuple[int, int]
"""(chat id, user id)"""


class Drafts:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    async def save(self, flow: str, key: Key, state: str, data: dict[str, Any]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO drafts (flow, chat_id, user_id, state, data, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(flow, chat_id, user_id) DO UPDATE SET "
                "state = excluded.state, data = excluded.data, updated_at = excluded.updated_at",
                (flow, key[0], key[1], state, json.dumps(data, ensure_ascii=False),
                 iso(self.clock())),
            )

    async def load(self, flow: str, key: Key) -> tuple[str, dict[str, Any]] | None:
        row = await self.db.fetchone(
            "SELECT state, data FROM drafts WHERE flow = ? AND chat_id = ? AND user_id = ?",
            (flow, key[0], key[1]),
        )
        return (row["state"], json.loads(row["data"])) if row else None

    async def drop(self, flow: str, key: Key) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "DELETE FROM drafts WHERE flow = ? AND chat_id = ? AND user_id = ?",
                (flow, key[0], key[1]),
            )

    async def drop_user(self, user_id: int) -> None:
        """Every draft of a person (their role was revoked, or they asked to be forgotten)."""
        async with self.db.transaction() as conn:
            await conn.execute("DELETE FROM drafts WHERE user_id = ?", (user_id,))


async def states(db: Database, flow: str) -> dict[Key, str]:
    """Where every unfinished conversation of a flow stands (for restoring after a restart)."""
    rows = await db.fetchall("SELECT chat_id, user_id, state FROM drafts WHERE flow = ?", (flow,))
    return {(int(r["chat_id"]), int(r["user_id"])): str(r["state"]) for r in rows}
