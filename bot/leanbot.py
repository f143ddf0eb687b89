"""An ExtBot that sends and edits HTML messages without reading Telegram's reply back.

Telegram answers every sendMessage with the whole message, keyboard included, and PTB turns it
into a `Message` with one object per button: for an answer with cards and buttons that parsing
costs more than everything else about sending it, and Harbour never reads it. These two methods
take the same path as PTB's own (defaults, rate limiter, errors as `TelegramError`) except for
that parsing, and take keyboards as plain Bot API JSON.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from telegram import LinkPreviewOptions, ReplyKeyboardMarkup
from telegram.ext import ExtBot

from bot.render import Keyboard

JSONKeyboard = dict[str, Any]


class LeanBot(ExtBot[Any]):
    async def send_html(
        self, chat_id: int, text: str, reply_markup: JSONKeyboard | ReplyKeyboardMarkup | None
    ) -> int:
        """Send one HTML message; the new message's id."""
        data = {"chat_id": chat_id, "text": text, "reply_markup": reply_markup, **self._html()}
        result = await self._post("sendMessage", data)
        return int(result["message_id"])

    async def edit_html(
        self, chat_id: int, message_id: int, text: str, reply_markup: JSONKeyboard | None
    ) -> None:
        data = {
            "chat_id": chat_id, "message_id": message_id, "text": text,
            "reply_markup": reply_markup, **self._html(),
        }
        await self._post("editMessageText", data)

    async def edit_buttons(self, chat_id: int, message_id: int, keyboard: JSONKeyboard) -> None:
        data = {"chat_id": chat_id, "message_id": message_id, "reply_markup": keyboard}
        await self._post("editMessageReplyMarkup", data)

    def _html(self) -> dict[str, Any]:
        previews = self.defaults.link_preview_options if self.defaults else None
        return {"parse_mode": "HTML", "link_preview_options": _json(previews)}


@lru_cache(maxsize=4)
def _json(previews: LinkPreviewOptions | None) -> dict[str, Any] | None:
    return previews.to_dict() if previews else None


def keyboard_json(keyboard: Keyboard | None) -> JSONKeyboard | None:
    """Our buttons as the Bot API's inline_keyboard (no PTB objects to build and serialise)."""
    if not keyboard:
        return None
    return {
        "inline_keyboard": [
            [
                {"text": b.text, "url": b.url} if b.url
                else {"text": b.text, "callback_data": b.data}
                for b in row
            ]
            for row in keyboard
        ]
    }
