"""/events, /subscribe, /broadcast and /newevent through the real Application and stand-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.catalog.loader import CatalogSource
from bot.events.model import NewEvent, Text
from bot.events.repo import create_event, subscribe
from bot.fakeapi import FakeBotAPI
from bot.handlers import broadcast, events
from bot.handlers.delivery import schedule_jobs
from bot.search.lexicon import Lexicon
from tests.bot_harness import LONDON, TUESDAY_11AM, Bot, callback_data, running_bot, sent_texts
from tests.conftest import REAL_CATALOG

STAFF, PERSON, OTHER = 500, 600, 700
THURSDAY = dt.datetime(2026, 11, 26, 18, 0, tzinfo=LONDON)



@pytest.fixture
async def bot(tmp_path: Path, real_source: CatalogSource, lexicon: Lexicon,
              monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bot]:
    original = FakeBotAPI._result

    async def result(self: FakeBotAPI, name: str, params: dict[str, Any]) -> Any:
        if name == "sendDocument":  # the stand-in answers True; PTB wants a message
            return await original(self, "sendMessage", {"chat_id": params["chat_id"]})
        return await original(self, name, params)

    monkeypatch.setattr(FakeBotAPI, "_result", result)
    async with running_bot(tmp_path, real_source, lexicon, REAL_CATALOG) as running:
        before = list(running.app.handlers[0])
        events.register(running.app)
        broadcast.register(running.app)
        ours = [h for h in running.app.handlers[0] if h not in before]
        running.app.handlers[0][:] = ours + before  # as the lead registers them: first
        schedule_jobs(running.app)
        for user in (STAFF, PERSON, OTHER):
            await running.say(user, "/start")
        async with running.services.db.transaction() as conn:
            await conn.execute("UPDATE users SET role = 'staff' WHERE telegram_id = ?", (STAFF,))
            await conn.execute("UPDATE users SET language = 'uk' WHERE telegram_id = ?",
                               (OTHER,))
        yield running


async def outbox(bot: Bot) -> list[Any]:
    return await bot.services.db.fetchall("SELECT * FROM outbox ORDER BY id")


def pressable(calls: list[Any], prefix: str) -> str:
    return next(d for d in callback_data(calls) if d.startswith(prefix))


async def test_events_remind_me_and_calendar_file(bot: Bot) -> None:
    (event_id,) = await create_event(bot.services.db, NewEvent(
        {"en": Text("Football with locals")}, "sport", THURSDAY,
        THURSDAY + dt.timedelta(hours=2), venue="Central Park"), now=TUESDAY_11AM)
    calls = await bot.say(PERSON, "/events")
    assert any("Football with locals" in t for t in sent_texts(calls))
    assert f"e1:rem:{event_id}" in callback_data(calls)
    calls = await bot.press(PERSON, f"e1:rem:{event_id}")
    assert "24 hours and 2 hours" in calls[0].params["text"]
    row = await bot.services.db.fetchone("SELECT * FROM reminders_requested")
    assert (row["user_id"], row["event_id"]) == (PERSON, event_id)
    calls = await bot.press(PERSON, f"e1:ics:{event_id}")
    assert [c.method for c in calls] == ["answerCallbackQuery", "sendDocument"]
    calls = await bot.press(PERSON, "e1:rem:999")
    assert "no longer on" in calls[0].params["text"]


async def test_subscribe_and_unsubscribe(bot: Bot) -> None:
    calls = await bot.say(PERSON, "/subscribe")
    await bot.press(PERSON, pressable(calls, "e1:sub:sport"))
    calls = await bot.say(PERSON, "/subscriptions")
    assert "Sport" in sent_texts(calls)[0] and "e1:uns:sport" in callback_data(calls)
    await bot.press(PERSON, "e1:uns:sport")
    assert await bot.services.db.fetchall("SELECT * FROM subscriptions") == []


async def test_broadcast_preview_translation_confirm_and_stop(bot: Bot) -> None:
    calls = await bot.say(STAFF, "/broadcast")
    assert "Write the message" in sent_texts(calls)[0]
    calls = await bot.say(STAFF, "Centre closed on <Friday>")
    assert not [c for c in calls if "Sorry" in c.text]  # not taken for a search question
    calls = await bot.press(STAFF, pressable(calls, "s1:aud:all"))
    preview = sent_texts(calls)[-1]
    assert "exactly 3 people" in preview and "&lt;Friday&gt;" in preview
    calls = await bot.press(STAFF, pressable(calls, "s1:tr"))
    await bot.press(STAFF, pressable(calls, "s1:trl:uk"))
    calls = await bot.say(STAFF, "Центр зачинено")
    assert "exactly 3 people" in sent_texts(calls)[-1]
    assert await outbox(bot) == []  # nothing is written before the confirmation
    calls = await bot.press(STAFF, pressable(calls, "s1:go"))
    rows = await outbox(bot)
    assert len(rows) == 3 and {r["status"] for r in rows} == {"pending"}
    assert next(r["text"] for r in rows if r["user_id"] == OTHER) == "📢 Центр зачинено"
    stop = pressable(calls, "s1:stop:")
    await bot.press(STAFF, stop)
    assert {r["status"] for r in await outbox(bot)} == {"dropped"}


async def test_broadcast_cancel_at_preview_sends_nothing(bot: Bot) -> None:
    await bot.say(STAFF, "/broadcast")
    calls = await bot.say(STAFF, "hello")
    calls = await bot.press(STAFF, pressable(calls, "s1:aud:lang-uk"))
    assert "exactly 1 person" in sent_texts(calls)[-1]
    calls = await bot.press(STAFF, pressable(calls, "s1:no"))
    assert "Nothing was sent" in sent_texts(calls)[-1]
    assert await outbox(bot) == []
    calls = await bot.press(STAFF, "s1:go")  # the old button does nothing now
    assert await outbox(bot) == []


async def test_staff_only_on_every_step(bot: Bot) -> None:
    calls = await bot.say(PERSON, "/broadcast")
    assert "for the Harbour team" in sent_texts(calls)[0]
    calls = await bot.say(PERSON, "/newevent")
    assert "for the Harbour team" in sent_texts(calls)[0]
    for forged in ("s1:go", "s1:aud:all", "s1:ngo", "s1:stop:1"):  # buttons never shown
        calls = await bot.press(PERSON, forged)
        assert calls[0].params.get("show_alert")
    await bot.say(STAFF, "/broadcast")
    calls = await bot.say(STAFF, "hello")
    go_audience = pressable(calls, "s1:aud:all")
    async with bot.services.db.transaction() as conn:  # the role is revoked mid-flow
        await conn.execute("UPDATE users SET role = 'public' WHERE telegram_id = ?", (STAFF,))
    calls = await bot.press(STAFF, go_audience)
    assert calls[0].params.get("show_alert")
    calls = await bot.press(STAFF, "s1:go")
    assert await outbox(bot) == []


async def test_newevent_flow_creates_and_announces(bot: Bot) -> None:
    await subscribe(bot.services.db, PERSON, "social", TUESDAY_11AM)
    await bot.say(STAFF, "/newevent")
    calls = await bot.say(STAFF, "Buddy meet-up")
    calls = await bot.press(STAFF, pressable(calls, "s1:nc:social"))
    calls = await bot.say(STAFF, "2026-11-27 15:00 90m")
    calls = await bot.say(STAFF, "Central Library")
    assert "Buddy meet-up" in sent_texts(calls)[-1] and "Once" in sent_texts(calls)[-1]
    calls = await bot.press(STAFF, pressable(calls, "s1:nw"))
    assert "Every week" in sent_texts(calls)[-1]
    calls = await bot.press(STAFF, pressable(calls, "s1:ngo"))
    assert "1 subscriber will hear" in sent_texts(calls)[-1]
    count = await bot.services.db.fetchone("SELECT COUNT(*) FROM events")
    assert count[0] == 12  # every week for twelve weeks
    (row,) = await outbox(bot)
    assert (row["item_kind"], row["user_id"]) == ("new_event", PERSON)
