"""`harbour demo`: chat with the real Application in the terminal, no token, no network.

You type as a person; the bot's replies are printed with their buttons numbered ([1], [2] ..);
typing a number presses that button. `/quit` (or the end of input) leaves. Works with piped
standard input, so it can be scripted.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from telegram import Update

from bot.app import build_application
from bot.config import Config
from bot.fakeapi import Call, FakeBotAPI, Updates

DEMO_USER = 1001
_TAGS = re.compile(r"<[^>]+>")
_ISOLATES = re.compile("[\u2066-\u2069]")


def plain(text: str) -> str:
    """Telegram HTML as terminal text."""
    return _ISOLATES.sub("", html.unescape(_TAGS.sub("", text)))


@dataclass(frozen=True)
class Choice:
    label: str
    data: str | None = None
    url: str | None = None
    location: bool = False
    message_id: int = 0
    message_text: str = ""


class Terminal:
    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.choices: list[Choice] = []
        self.menu: list[Choice] = []

    def say(self, line: str = "") -> None:
        print(line, file=self.out, flush=True)

    def show(self, calls: list[Call]) -> None:
        """Print what the bot did and number the buttons it offered."""
        fresh: list[Choice] = []
        for call in calls:
            if call.method in ("sendMessage", "editMessageText"):
                prefix = "bot" if call.method == "sendMessage" else "bot (edited)"
                self.say(f"{prefix}> " + plain(call.text).replace("\n", "\n     "))
                fresh += self._buttons(call)
                self._remember_menu(call.params.get("reply_markup"))
            elif call.method == "editMessageReplyMarkup":
                fresh += self._buttons(call)
            elif call.method == "answerCallbackQuery" and call.params.get("text"):
                self.say("bot (notice)> " + str(call.params["text"]))
        if fresh or calls:
            self.choices = fresh + self.menu
        for n, choice in enumerate(self.choices, start=1):
            self.say(f"  [{n}] {choice.label}" + (f"  ({choice.url})" if choice.url else ""))

    def _buttons(self, call: Call) -> list[Choice]:
        message_id = call.message_id
        return [
            Choice(b["text"], data=b.get("callback_data"), url=b.get("url"),
                   message_id=message_id, message_text=plain(call.text))
            for b in call.buttons()
        ]

    def _remember_menu(self, markup: Any) -> None:
        if isinstance(markup, dict) and "keyboard" in markup:
            self.menu = [
                Choice(b["text"] if isinstance(b, dict) else str(b),
                       location=isinstance(b, dict) and bool(b.get("request_location")))
                for row in markup["keyboard"] for b in row
            ]


async def chat(config: Config, stdin: TextIO, out: TextIO, user_id: int = DEMO_USER) -> int:
    api = FakeBotAPI()
    app = build_application(config, request=api)
    updates = Updates()
    term = Terminal(out)
    async with app:
        svc = app.bot_data["services"]
        centre = svc.catalog.region.centre
        term.say("Harbour demo: the real bot, talking through a stand-in for Telegram.")
        term.say("Type as a person would; a number presses a button; /quit leaves.")
        term.say()
        api.clear()
        pending: dict[str, Any] | None = updates.text(user_id, "/start")
        term.say("you> /start")
        while True:
            if pending is not None:
                await app.process_update(Update.de_json(pending, app.bot))
                term.show(list(api.calls))
                api.clear()
                pending = None
            term.say()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if not stdin.isatty():
                term.say(f"you> {text}")
            if text in ("/quit", "/exit"):
                break
            if text.isdigit() and 1 <= int(text) <= len(term.choices):
                choice = term.choices[int(text) - 1]
                if choice.url:
                    term.say(f"(a phone would open {choice.url})")
                elif choice.data:
                    shown = api.messages.get((user_id, choice.message_id), {})
                    pending = updates.press(user_id, choice.data, choice.message_id,
                                            choice.message_text, shown.get("reply_markup"))
                elif choice.location:
                    term.say(f"(sharing the location {centre[0]}, {centre[1]})")
                    pending = updates.location(user_id, *centre)
                else:
                    pending = updates.text(user_id, choice.label)
                continue
            pending = updates.text(user_id, text)
    term.say("Goodbye.")
    return 0


def run_demo(config: Config, stdin: TextIO | None = None, out: TextIO | None = None) -> int:
    return asyncio.run(chat(config, stdin or sys.stdin, out or sys.stdout))
