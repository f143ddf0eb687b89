"""/start (with deep links), /language and the language picker."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import LANGUAGES
from bot.callbacks import encode, matcher
from bot.handlers.common import (
    App,
    Context,
    main_menu,
    pressed,
    profile,
    send,
    services,
    translator,
)
from bot.render import Button, Keyboard
from bot.state import PROFILE_KEY


def language_keyboard(context: Context) -> Keyboard:
    svc = services(context)
    buttons = [Button(svc.language_name(code), data=encode("lang", code)) for code in LANGUAGES]
    return [buttons[n:n + 2] for n in range(0, len(buttons), 2)]


def parse_payload(payload: str, categories: set[str]) -> tuple[str | None, str | None]:
    """A deep-link payload such as `ar`, `health` or `ar-health` -> (language, category)."""
    language = category = None
    for part in payload.lower().split("-")[:3]:
        if part in LANGUAGES:
            language = part
        elif part in categories:
            category = part
    return language, category


async def save_language(context: Context, user_id: int, language: str) -> None:
    svc = services(context)
    async with svc.db.transaction() as conn:
        await conn.execute(
            "UPDATE users SET language = ? WHERE telegram_id = ?", (language, user_id)
        )
    person = profile(context)
    person.language = language
    if context.user_data is not None:
        context.user_data[PROFILE_KEY] = person


async def start(update: Update, context: Context) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    svc = services(context)
    language, category = parse_payload(" ".join(context.args or ()), set(svc.catalog.categories))
    if language:
        await save_language(context, user.id, language)
    t = translator(context)
    _ = t.gettext
    if category:
        from bot.handlers.categories import category_screen

        text, keyboard = category_screen(context, category, 0)
        await send(context, chat.id, text, keyboard)
        return
    welcome = _(
        "Welcome to Harbour. I help refugees and asylum seekers find free local help: "
        "English classes, legal advice, housing, health, food and more."
    )
    if profile(context).language:
        hint = _("Write what you need in your own words, or use the menu below.")
        await send(context, chat.id, f"{welcome}\n\n{hint}", reply_markup=main_menu(t))
        return
    choose = "🌍 " + _("Please choose your language:")
    await send(context, chat.id, f"{welcome}\n\n{choose}", language_keyboard(context))


async def language_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    _ = translator(context).gettext
    await send(
        context, update.effective_chat.id, "🌍 " + _("Please choose your language:"),
        language_keyboard(context),
    )


async def choose_language(update: Update, context: Context) -> None:
    press = await pressed(update, context)
    if press is None:
        return
    query, user, found = press
    await save_language(context, user.id, found.arg(0))
    t = translator(context)
    _ = t.gettext
    await query.answer()
    name = html.escape(services(context).language_name(found.arg(0)))
    done = "✅ " + _("Language: {name}").format(name=name)
    await query.edit_message_text(done)
    hint = _("Write what you need in your own words, for example “I need a doctor”, "
             "or use the menu below.")
    chat = update.effective_chat
    await send(context, chat.id if chat else user.id, hint, reply_markup=main_menu(t))


def register(app: App) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("language", language_command))
    app.add_handler(CallbackQueryHandler(choose_language, pattern=matcher("lang")))
