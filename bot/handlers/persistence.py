"""Application persistence for the editing conversations: their state is the step stored with
each draft in SQLite (written by the handlers at every step), so a restart resumes them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.db import open_database
from bot.editing.drafts import states

Data = dict[Any, Any]


class DraftPersistence(BasePersistence[Data, Data, Data]):
    """Stores no user, chat or bot data (those live in the database already); restores the
    conversations from the drafts table. Pass it to `ApplicationBuilder().persistence(...)`."""

    def __init__(self, db_path: str | Path) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=60,
        )
        self.db_path = db_path

    async def get_conversations(self, name: str) -> dict[Any, object]:
        db = await open_database(self.db_path)
        try:
            return dict(await states(db, name))
        finally:
            await db.close()

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        """Nothing to do: the handlers wrote the step (or dropped the draft) as it happened."""

    async def get_user_data(self) -> dict[int, Data]:
        return {}

    async def get_chat_data(self) -> dict[int, Data]:
        return {}

    async def get_bot_data(self) -> Data:
        return {}

    async def get_callback_data(self) -> None:
        return None

    async def update_user_data(self, user_id: int, data: Data) -> None:
        return None

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        return None

    async def update_bot_data(self, data: Data) -> None:
        return None

    async def update_callback_data(self, data: Any) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def drop_user_data(self, user_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        return None

    async def refresh_bot_data(self, bot_data: Data) -> None:
        return None

    async def flush(self) -> None:
        return None
