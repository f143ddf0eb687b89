"""What events put in the outbox: reminders 24 h and 2 h before, one notice when an event is
cancelled or moved, and news of a new event for the category's subscribers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import aiosqlite

from bot.db import Database
from bot.events import texts
from bot.events.model import Event
from bot.events.repo import events_between, get_event
from bot.i18n import I18n, Translator
from bot.outbox.store import drop_pending, enqueue, from_iso, utc_iso

REMINDERS = (24, 2)
"""hours before the start"""
GRACE = dt.timedelta(minutes=15)
"""a reminder more than this late (the bot was down) is dropped, not sent"""
LOOKAHEAD = dt.timedelta(hours=1)
"""reminders due this soon are written to the outbox now"""
LATE = "late: the bot was not running at the reminder's time"


@dataclass(frozen=True)
class Planner:
    db: Database
    i18n: I18n
    tz: dt.tzinfo
    grace: dt.timedelta = GRACE
    lookahead: dt.timedelta = LOOKAHEAD

    async def plan_reminders(self, now: dt.datetime) -> tuple[int, int]:
        """Write the reminders falling due before now + lookahead; (planned, dropped late)."""
        horizon = now + self.lookahead + dt.timedelta(hours=max(REMINDERS))
        planned = dropped = 0
        for event in await events_between(self.db, now, horizon):
            people = await self._requesters(event.id)
            async with self.db.transaction() as conn:
                for hours in REMINDERS:
                    due = event.starts_at - dt.timedelta(hours=hours)
                    if due > now + self.lookahead:
                        continue
                    asked = [(u, lang) for u, lang, at in people if from_iso(at) <= due]
                    item = f"{event.id}@{utc_iso(event.starts_at)}/{hours}h"
                    messages = self._render(asked, partial(
                        _reminder, event=event, tz=self.tz, hours=hours))
                    if due + self.grace < now:
                        dropped += await enqueue(conn, "reminder", item, messages, now=now,
                                                 status="dropped", error=LATE)
                    else:
                        planned += await enqueue(conn, "reminder", item, messages, now=now,
                                                 at=due, not_after=due + self.grace)
        return planned, dropped

    async def cancel(self, event_id: int, now: dt.datetime) -> int:
        """Cancel the event; its pending reminders are dropped and one notice goes to everyone
        who asked for them. Return the number of notices."""
        event = await get_event(self.db, event_id)
        if event is None or event.status == "cancelled":
            return 0
        people = await self._requesters(event_id)
        messages = self._render([(u, lang) for u, lang, _ in people],
                                lambda t: texts.cancelled_html(event, t, self.tz))
        async with self.db.transaction() as conn:
            await self._set(conn, event_id, "cancelled", event.starts_at, event.ends_at, now)
            await drop_pending(conn, "reminder", f"{event_id}@%", "event cancelled")
            return await enqueue(conn, "notice", f"{event_id}:cancelled", messages, now=now,
                                 not_after=event.starts_at)

    async def move(
        self, event_id: int, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
    ) -> int:
        """Move the event; reminders for the old time are dropped, one notice goes out, and the
        reminders of the new time are planned as usual. Return the number of notices."""
        old = await get_event(self.db, event_id)
        if old is None or old.status == "cancelled":
            return 0
        new = Event(**{**old.__dict__, "starts_at": starts_at, "ends_at": ends_at,
                       "status": "moved"})
        people = await self._requesters(event_id)
        messages = self._render([(u, lang) for u, lang, _ in people],
                                lambda t: texts.moved_html(new, old, t, self.tz))
        async with self.db.transaction() as conn:
            await self._set(conn, event_id, "moved", starts_at, ends_at, now)
            await drop_pending(conn, "reminder", f"{event_id}@{utc_iso(old.starts_at)}/%",
                               "event moved")
            count = await enqueue(conn, "notice", f"{event_id}:moved:{utc_iso(starts_at)}",
                                  messages, now=now, not_after=min(starts_at, old.starts_at))
        await self.plan_reminders(now)
        return count

    async def announce(self, event: Event, now: dt.datetime) -> int:
        """Tell the category's subscribers about a new event."""
        rows = await self.db.fetchall(
            "SELECT u.telegram_id, u.language FROM subscriptions s JOIN users u "
            "ON u.telegram_id = s.user_id WHERE s.category = ? AND u.active = 1",
            (event.category,),
        )
        messages = self._render([(r[0], r[1]) for r in rows],
                                lambda t: texts.new_event_html(event, t, self.tz))
        async with self.db.transaction() as conn:
            return await enqueue(conn, "new_event", str(event.id), messages, now=now,
                                 not_after=event.starts_at)

    async def _requesters(self, event_id: int) -> list[tuple[int, str | None, str]]:
        rows = await self.db.fetchall(
            "SELECT u.telegram_id, u.language, r.created_at FROM reminders_requested r "
            "JOIN users u ON u.telegram_id = r.user_id WHERE r.event_id = ? AND u.active = 1",
            (event_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def _render(self, people: list[tuple[int, str | None]], render: texts.Render
                ) -> list[tuple[int, str]]:
        """One text per language, shared by everyone who reads that language."""
        cache: dict[str, str] = {}
        out = []
        for user, language in people:
            t = self.i18n.get(language)
            if t.language not in cache:
                cache[t.language] = render(t)
            out.append((user, cache[t.language]))
        return out

    @staticmethod
    async def _set(conn: aiosqlite.Connection, event_id: int, status: str, start: dt.datetime,
                   end: dt.datetime, now: dt.datetime) -> None:
        await conn.execute(
            "UPDATE events SET status = ?, starts_at = ?, ends_at = ?, updated_at = ? "
            "WHERE id = ?", (status, utc_iso(start), utc_iso(end), utc_iso(now), event_id),
        )


def _reminder(t: Translator, *, event: Event, tz: dt.tzinfo, hours: int) -> str:
    return texts.reminder_html(event, t, tz, hours)
