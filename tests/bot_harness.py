"""Drive the real Application through the recording Bot API stand-in."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update

from bot.app import build_application
from bot.catalog.loader import CatalogSource
from bot.config import Config
from bot.fakeapi import Call, FakeBotAPI, Updates
from bot.flood import FloodGuard
from bot.handlers.common import App
from bot.search.lexicon import Lexicon
from bot.state import SERVICES_KEY, Services

LONDON = ZoneInfo("Europe/London")
TUESDAY_11AM = dt.datetime(2026, 11, 24, 11, 0, tzinfo=LONDON)


@dataclass
class Bot:
    app: App
    api: FakeBotAPI
    updates: Updates

    @property
    def services(self) -> Services:
        found: Services = self.app.bot_data[SERVICES_KEY]
        return found

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Process one update; return the Bot API calls it caused."""
        self.api.clear()
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return list(self.api.calls)

    async def say(self, user: int, text: str) -> list[Call]:
        return await self.send(self.updates.text(user, text))

    async def press(self, user: int, data: str, message_id: int = 1) -> list[Call]:
        return await self.send(self.updates.press(user, data, message_id))

    async def user_row(self, user: int) -> Any:
        return await self.services.db.fetchone(
            "SELECT * FROM users WHERE telegram_id = ?", (user,)
        )


@asynccontextmanager
async def running_bot(
    tmp_path: Path, source: CatalogSource, lexicon: Lexicon, catalog_path: Path,
    flood: FloodGuard | None = None,
) -> AsyncIterator[Bot]:
    api = FakeBotAPI()
    config = Config(db_path=tmp_path / "bot.sqlite3", catalog_path=catalog_path)
    app = build_application(
        config, request=api, clock=lambda: TUESDAY_11AM, source=source, lexicon=lexicon,
        flood=flood or FloodGuard(clock=lambda: 0.0),
    )
    async with app:
        yield Bot(app, api, Updates())


def sent_texts(calls: list[Call]) -> list[str]:
    return [c.text for c in calls if c.method in ("sendMessage", "editMessageText")]


def callback_data(calls: list[Call]) -> list[str]:
    return [b["callback_data"] for c in calls for b in c.buttons() if "callback_data" in b]
