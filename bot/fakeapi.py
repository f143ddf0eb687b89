"""An in-process stand-in for the Telegram Bot API, and a maker of updates.

`FakeBotAPI` is a `telegram.request.BaseRequest`: give it to `build_application(request=...)`
and every Bot API call is recorded (method and parameters) and answered with plausible JSON
(messages with increasing ids), without a network. It serves the demo, the tests and the bench.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {
    "id": 7000000001, "is_bot": True, "first_name": "Harbour", "username": "harbour_demo_bot",
    "can_join_groups": False, "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}
TRUE_METHODS = {
    "answerCallbackQuery", "setMyCommands", "deleteWebhook", "setWebhook", "sendChatAction",
    "deleteMessage", "setChatMenuButton", "close", "logOut", "deleteMyCommands",
}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None

    @property
    def message_id(self) -> int:
        """The id of the message sent or edited (0 if none)."""
        if isinstance(self.result, dict):
            return int(self.result.get("message_id", 0))
        return int(self.params.get("message_id") or 0)

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def buttons(self) -> list[dict[str, Any]]:
        """The inline buttons of the call's reply_markup, row by row."""
        markup = self.params.get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", ()) for b in row]


@dataclass
class _Failure:
    method: str
    code: int
    description: str


class FakeBotAPI(BaseRequest):
    """Records calls; `calls` may be bounded (`keep`) for long runs such as the bench."""

    def __init__(self, *, keep: int | None = None) -> None:
        self.calls: deque[Call] = deque(maxlen=keep)
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        """(chat id, message id) -> the message as last sent or edited"""
        self._next_id = 0
        self._failures: list[_Failure] = []
        self._updates: asyncio.Queue[dict[str, Any]] | None = None

    # -- BaseRequest ------------------------------------------------------------------------
    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None,
        read_timeout: Any = None, write_timeout: Any = None, connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        for failure in self._failures:
            if failure.method == name:
                self._failures.remove(failure)
                self.calls.append(Call(name, dict(params)))
                body = {"ok": False, "error_code": failure.code,
                        "description": failure.description}
                return failure.code, json.dumps(body).encode()
        result = await self._result(name, params)
        if name != "getUpdates":
            self.calls.append(Call(name, dict(params), result))
        return 200, json.dumps({"ok": True, "result": result}).encode()

    # -- answers ----------------------------------------------------------------------------
    async def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name == "getUpdates":
            return await self._get_updates(params)
        if name in ("sendMessage", "sendLocation", "sendPhoto"):
            self._next_id += 1
            return self._store(int(params["chat_id"]), self._next_id, params)
        if name in ("editMessageText", "editMessageReplyMarkup"):
            key = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
            old = self.messages.get(key, {})
            merged = {"text": old.get("text", ""), **params}
            if name == "editMessageReplyMarkup":
                merged["text"] = old.get("text", "")
            return self._store(key[0], key[1], merged)
        if name == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        return True

    def _store(self, chat_id: int, message_id: int, params: dict[str, Any]) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": BOT_USER, "text": str(params.get("text", "")),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = message
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        queue = self._queue()
        wait = min(float(params.get("timeout") or 0), 0.5)
        found = []
        try:
            found.append(await asyncio.wait_for(queue.get(), wait) if wait else queue.get_nowait())
        except (TimeoutError, asyncio.QueueEmpty):
            return []
        while not queue.empty():
            found.append(queue.get_nowait())
        return found

    def _queue(self) -> asyncio.Queue[dict[str, Any]]:
        if self._updates is None:
            self._updates = asyncio.Queue()
        return self._updates

    # -- for tests and the demo -------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> None:
        """Queue an update for `getUpdates` (polling against the stand-in)."""
        self._queue().put_nowait(update)

    def fail(self, method: str, code: int, description: str) -> None:
        """Answer the next call of `method` with an HTTP error (e.g. 403 'blocked by the user')."""
        self._failures.append(_Failure(method, code, description))

    def sent(self, *methods: str) -> list[Call]:
        wanted = methods or ("sendMessage",)
        return [c for c in self.calls if c.method in wanted]

    def clear(self) -> None:
        self.calls.clear()


@dataclass
class Updates:
    """Makes update dicts from a person's point of view, with increasing update ids."""

    next_update: int = 1
    next_query: int = 1
    users: dict[int, dict[str, Any]] = field(default_factory=dict)

    def user(self, user_id: int, language_code: str | None = None) -> dict[str, Any]:
        if user_id not in self.users:
            person: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Guest"}
            if language_code:
                person["language_code"] = language_code
            self.users[user_id] = person
        return self.users[user_id]

    def _wrap(self, **payload: Any) -> dict[str, Any]:
        update = {"update_id": self.next_update, **payload}
        self.next_update += 1
        return update

    def _message(self, user_id: int, **content: Any) -> dict[str, Any]:
        self.next_query += 1
        return {
            "message_id": 10_000_000 + self.next_update, "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": "Guest"},
            "from": self.user(user_id), **content,
        }

    def text(self, user_id: int, text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._wrap(message=self._message(user_id, **content))

    def location(self, user_id: int, latitude: float, longitude: float) -> dict[str, Any]:
        location = {"latitude": latitude, "longitude": longitude}
        return self._wrap(message=self._message(user_id, location=location))

    def press(
        self, user_id: int, data: str, message_id: int = 1, text: str = "",
        markup: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        self.next_query += 1
        message: dict[str, Any] = {
            "message_id": message_id, "date": int(time.time()), "text": text,
            "chat": {"id": user_id, "type": "private", "first_name": "Guest"},
            "from": BOT_USER,
        }
        if markup:
            message["reply_markup"] = markup
        query = {
            "id": str(self.next_query), "from": self.user(user_id), "chat_instance": "1",
            "data": data, "message": message,
        }
        return self._wrap(callback_query=query)

    def membership(self, user_id: int, status: str) -> dict[str, Any]:
        """The person blocked (`kicked`) or unblocked (`member`) the bot."""
        old = "member" if status == "kicked" else "kicked"
        now = int(time.time())
        change = {
            "chat": {"id": user_id, "type": "private", "first_name": "Guest"},
            "from": self.user(user_id), "date": now,
            "old_chat_member": _member(old, now), "new_chat_member": _member(status, now),
        }
        return self._wrap(my_chat_member=change)


def _member(status: str, now: int) -> dict[str, Any]:
    member: dict[str, Any] = {"status": status, "user": BOT_USER}
    if status == "kicked":
        member["until_date"] = 0
    return member
