"""Wire the Telegram Application: defaults, rate limits, handlers, start-up and shut-down."""

from __future__ import annotations

import datetime as dt
import gc
import logging
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from telegram import BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    Defaults,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import LANGUAGES
from bot.catalog.loader import CatalogSource, load_or_raise
from bot.catalog.store import import_catalog, is_empty, live_catalog
from bot.config import Config
from bot.db import open_database
from bot.flood import FloodGuard
from bot.handlers import (
    broadcast,
    categories,
    editing,
    emergency,
    events,
    feedback,
    forget,
    info,
    location,
    membership,
    search,
    start,
    team,
    users,
)
from bot.handlers.common import (
    App,
    Context,
    expired,
    menu_actions,
    translator,
    unknown_command,
)
from bot.handlers.delivery import schedule_jobs
from bot.handlers.persistence import DraftPersistence
from bot.i18n import N_, I18n, Translator
from bot.leanbot import LeanBot
from bot.search.engine import SearchEngine
from bot.search.lexicon import Lexicon, load_lexicon
from bot.state import SERVICES_KEY, Services

log = logging.getLogger(__name__)

# Order matters: conversations (editing, broadcast, new event) take typed answers before
# search sees any text.
FEATURES = (
    start, team, editing, broadcast, events, search, categories, location, emergency, info,
    forget, feedback, membership,
)
COMMANDS = (
    ("start", N_("Start and choose your language")),
    ("categories", N_("Browse all kinds of help")),
    ("events", N_("What is on this week")),
    ("subscribe", N_("Hear about new events")),
    ("emergency", N_("Emergency and crisis phone numbers")),
    ("language", N_("Change the language")),
    ("help", N_("How to use Harbour")),
    ("about", N_("Who runs this, where the information comes from")),
    ("privacy", N_("What is stored about you")),
    ("forget", N_("Erase everything about you")),
)
COMMAND_LANGUAGE_CODES = {"ckb": "ku"}
"""Telegram wants two-letter codes for setMyCommands"""


def build_application(
    config: Config, *, request: BaseRequest | None = None,
    clock: Callable[[], dt.datetime] | None = None, flood: FloodGuard | None = None,
    i18n: I18n | None = None, source: CatalogSource | None = None, lexicon: Lexicon | None = None,
) -> App:
    """The bot, ready for `run_polling`, `run_webhook` or `async with app: process_update`.

    `request` replaces the network (tests, the demo, the bench); the Telegram rate limiter is
    then left out, since a stand-in has no limits to respect.
    """
    files = source or load_or_raise(config.catalog_path)
    tz = ZoneInfo(config.timezone or files.region.timezone)
    defaults = Defaults(
        parse_mode=ParseMode.HTML, tzinfo=tz,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    limiter: Any = None if request is not None else AIORateLimiter(max_retries=2)
    bot = LeanBot(
        config.token or "1:demo", base_url=config.api_base_url, defaults=defaults,
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(), rate_limiter=limiter,
    )
    builder = (
        ApplicationBuilder()
        .application_class(HarbourApplication)
        .bot(bot)
        .concurrent_updates(64)
        .persistence(DraftPersistence(config.db_path))  # unfinished drafts survive a restart
    )

    async def post_init(application: App) -> None:
        if SERVICES_KEY in application.bot_data:  # already done by initialize()
            return
        db = await open_database(config.db_path)
        if await is_empty(db):
            await import_catalog(db, files)
        catalog = await live_catalog(db, files)
        words_of = lexicon or load_lexicon(config.catalog_path)
        engine_clock = clock or (lambda: dt.datetime.now(tz))
        words = i18n or I18n()
        svc = Services(
            config=config, db=db, catalog=catalog, lexicon=words_of,
            engine=SearchEngine(catalog, words_of, clock=engine_clock), i18n=words,
            flood=flood or FloodGuard(),
        )
        svc.menu = menu_actions(words.all())
        application.bot_data[SERVICES_KEY] = svc
        # The catalog, lexicon and indexes live as long as the process: keep the garbage
        # collector from walking them on every full collection (long pauses otherwise).
        gc.collect()
        gc.freeze()
        schedule_jobs(application)  # outbox sender and reminder planning (state is in SQLite)
        await set_commands(application, words)

    async def post_shutdown(application: App) -> None:
        svc = application.bot_data.pop(SERVICES_KEY, None)
        if isinstance(svc, Services):
            await svc.db.close()

    app: App = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    users.register(app)
    for feature in FEATURES:
        feature.register(app)
    app.add_handler(CallbackQueryHandler(expired))  # last in group 0: no feature matched
    app.add_handler(MessageHandler(filters.COMMAND, unknown_command))
    app.add_error_handler(on_error)
    return app


class HarbourApplication(Application[Any, Any, Any, Any, Any, Any]):
    """Runs `post_init`/`post_shutdown` from `initialize`/`shutdown` too, so that
    `async with app:` (tests, demo, bench) gets the same set-up as `run_polling`."""

    async def initialize(self) -> None:
        await super().initialize()
        if self.post_init is not None:
            await self.post_init(self)

    async def shutdown(self) -> None:
        await super().shutdown()
        if self.post_shutdown is not None:
            await self.post_shutdown(self)


def commands(t: Translator) -> list[BotCommand]:
    return [BotCommand(name, t.gettext(description)) for name, description in COMMANDS]


async def set_commands(app: App, i18n: I18n) -> None:
    """The command menu in every language (and English for everyone else)."""
    try:
        await app.bot.set_my_commands(commands(i18n.get("en")))
        for code in LANGUAGES:
            await app.bot.set_my_commands(
                commands(i18n.get(code)), language_code=COMMAND_LANGUAGE_CODES.get(code, code)
            )
    except TelegramError as exc:  # the menu is a convenience: never stop the bot for it
        log.warning("could not set the command menu: %s", exc)


async def on_error(update: object, context: Context) -> None:
    """Log with the update id; tell the person politely; never raise from here."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("update %s failed", update_id, exc_info=context.error)
    if not isinstance(update, Update):
        return
    if isinstance(context.error, Forbidden):  # blocked: mark inactive, nobody to tell
        if update.effective_user is not None and SERVICES_KEY in context.bot_data:
            db = context.bot_data[SERVICES_KEY].db
            async with db.transaction() as conn:
                await conn.execute("UPDATE users SET active = 0 WHERE telegram_id = ?",
                                   (update.effective_user.id,))
        return
    try:
        _ = translator(context).gettext
        if update.callback_query is not None:
            await update.callback_query.answer()
        if update.effective_chat is not None and update.effective_chat.type == "private":
            await context.bot.send_message(
                update.effective_chat.id,
                _("Sorry, something went wrong on our side. Please try again in a moment, or "
                  "send /emergency if you need help now."),
            )
    except Exception as exc:
        log.warning("could not tell the person about update %s failing: %s", update_id, exc)
