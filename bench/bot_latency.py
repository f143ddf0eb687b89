"""Per-update latency of the whole bot against an echo bot built the same way.

5,000 updates (text questions in many languages, button presses and commands from 200 people)
go through Harbour's full Application (flood control, profile, search, cards, database) and,
in the same run, through an echo bot with the same builder settings and the same in-process
Bot API stand-in. Prints median and p99 per update and the ratios (targets: median <= 2x,
p99 <= 3x). Time for flood control runs on a virtual clock (one second per update), so the
200 people are not taken for flooders just because the bench is fast.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    filters,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.callbacks import encode, service_ref  # noqa: E402
from bot.catalog.loader import load_or_raise  # noqa: E402
from bot.config import Config  # noqa: E402
from bot.fakeapi import FakeBotAPI, Updates  # noqa: E402
from bot.flood import FloodGuard  # noqa: E402
from bot.handlers.common import App  # noqa: E402

CATALOG = ROOT / "services_catalog" / "plymouth"
UPDATES = 5_000
WARM_UP = 300
PEOPLE = 200
QUESTIONS = [
    "I need a doctor", "where can I learn English", "free football for my son",
    "my landlord wants me out", "food bank near me", "أحتاج محامي للجوء", "أحتاج طبيب",
    "کلاس زبان انگلیسی کجاست", "دنبال کار می‌گردم", "Мені потрібен лікар",
    "де вивчити англійську", "Нужна помощь с жильём", "iş arıyorum", "avukat lazım",
    "Je cherche un cours d'anglais", "necesito ropa de invierno", "Χρειάζομαι γιατρό",
    "waxaan u baahanahay dhakhtar", "ሓኪም የድልየኒ", "bus pass for children", "hello", "thanks",
]
COMMANDS = ["/start", "/help", "/emergency", "/categories", "/about", "/language"]


def kind_of(update: dict[str, Any]) -> str:
    if "callback_query" in update:
        return "button"
    return "command" if update["message"]["text"].startswith("/") else "question"


def workload(count: int, seed: int = 5) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    catalog = load_or_raise(CATALOG).to_catalog()
    refs = [service_ref(s.id) for s in catalog.offered()]
    buttons = (
        [encode("cats", 0), encode("cats", 1), encode("lang", "en"), encode("lang", "ar")]
        + [encode("cat", cid, 0) for cid in catalog.categories]
        + [encode("svc", ref) for ref in refs] + [encode("more", ref) for ref in refs[:10]]
        + [encode("fb", 1, ref) for ref in refs[:5]]
    )
    maker = Updates()
    out = []
    for _ in range(count):
        person = 10_000 + rng.randrange(PEOPLE)
        roll = rng.random()
        if roll < 0.6:
            out.append(maker.text(person, rng.choice(QUESTIONS)))
        elif roll < 0.85:
            out.append(maker.press(person, rng.choice(buttons), message_id=1))
        else:
            out.append(maker.text(person, rng.choice(COMMANDS)))
    return out


def echo_bot(request: FakeBotAPI) -> App:
    """The same builder settings as Harbour's, with handlers that only echo."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_chat and update.message and update.message.text:
            await context.bot.send_message(update.effective_chat.id, update.message.text)

    async def press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is not None and update.effective_chat is not None:
            await query.answer()
            await context.bot.send_message(update.effective_chat.id, str(query.data))

    app: App = (
        ApplicationBuilder().token("1:echo").request(request).get_updates_request(request)
        .defaults(Defaults(parse_mode=ParseMode.HTML, tzinfo=dt.UTC)).concurrent_updates(64)
        .build()
    )
    app.add_handler(CommandHandler(["start", "help", "emergency", "categories", "about",
                                    "language"], echo))
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(press))
    return app


async def measure(
    apps: list[App], updates: list[dict[str, Any]], keep_engine: list[Any] | None = None
) -> list[list[float]]:
    """Milliseconds per update for each app, after a warm-up. The apps take turns on every
    update, so a busy moment on this shared machine falls on both alike."""
    timings: list[list[float]] = [[] for _ in apps]
    gc.collect()
    async with contextlib.AsyncExitStack() as stack:
        for app in apps:
            await stack.enter_async_context(app)
        if keep_engine is not None:
            keep_engine.append(apps[0].bot_data["services"].engine)
        for n, data in enumerate(updates):
            for app, times in zip(apps, timings, strict=True):
                start = time.perf_counter()  # parsing the update is part of the work
                await app.process_update(Update.de_json(data, app.bot))
                if n >= WARM_UP:
                    times.append((time.perf_counter() - start) * 1000)
    return timings


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[98]


def virtual_clock() -> Callable[[], float]:
    ticks = [0.0]

    def tick() -> float:
        ticks[0] += 1.0
        return ticks[0]

    return tick


async def main() -> int:
    updates = workload(UPDATES + WARM_UP)
    with tempfile.TemporaryDirectory() as tmp:
        config = Config(db_path=Path(tmp) / "bench.sqlite3", catalog_path=CATALOG)
        harbour_api = FakeBotAPI(keep=1000)
        harbour = build_application(
            config, request=harbour_api, flood=FloodGuard(clock=virtual_clock())
        )
        harbour_engine: list[Any] = []
        harbour_ms, echo_ms = await measure(
            [harbour, echo_bot(FakeBotAPI(keep=1000))], updates, harbour_engine
        )
        sends = sum(1 for c in harbour_api.calls if c.method == "sendMessage")
    print(f"{UPDATES} updates from {PEOPLE} people (after {WARM_UP} warm-up), milliseconds:")
    print(f"{'':10} {'median':>8} {'p99':>8} {'mean':>8}")
    for name, values in (("harbour", harbour_ms), ("echo", echo_ms)):
        print(f"{name:10} {statistics.median(values):8.3f} {p99(values):8.3f} "
              f"{statistics.fmean(values):8.3f}")
    kinds = [kind_of(u) for u in updates[WARM_UP:]]
    for kind in ("question", "button", "command"):
        mine = [v for v, k in zip(harbour_ms, kinds, strict=True) if k == kind]
        theirs = [v for v, k in zip(echo_ms, kinds, strict=True) if k == kind]
        print(f"  {kind:8} x{len(mine):<5} median harbour {statistics.median(mine):.3f}, "
              f"echo {statistics.median(theirs):.3f}")
    engine = harbour_engine[0]
    questions = [u["message"]["text"] for u, k in zip(updates[WARM_UP:], kinds, strict=True)
                 if k == "question"]
    start = time.perf_counter()
    for text in questions:
        engine.ask(text)
    search_ms = (time.perf_counter() - start) * 1000 / len(questions)
    print(f"  of which the search engine alone (bot/search): {search_ms:.3f} ms per question")
    median_ratio = statistics.median(harbour_ms) / statistics.median(echo_ms)
    p99_ratio = p99(harbour_ms) / p99(echo_ms)
    print(f"ratio      {median_ratio:8.2f} {p99_ratio:8.2f}   (targets: median <= 2.00, "
          f"p99 <= 3.00)")
    print(f"(last 1000 Bot API calls of Harbour included {sends} sendMessage)")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
