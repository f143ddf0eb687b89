"""What every feature handler shares: the typed state, translators, keyboards and sending."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telegram import (
    CallbackQuery,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
    User,
)
from telegram.error import BadRequest
from telegram.ext import Application, ContextTypes

from bot.callbacks import Callback, decode
from bot.i18n import N_, Translator
from bot.leanbot import LeanBot, keyboard_json
from bot.render import Keyboard, split_html
from bot.state import PROFILE_KEY, SERVICES_KEY, Profile, Services

Context = ContextTypes.DEFAULT_TYPE
App = Application[Any, Any, Any, Any, Any, Any]

MENU_LABELS = {
    "categories": N_("📂 Categories"),
    "location": N_("📍 Send my location"),
    "emergency": N_("🆘 Emergency"),
}


def services(context: Context) -> Services:
    found: Services = context.bot_data[SERVICES_KEY]
    return found


def profile(context: Context) -> Profile:
    """The person's profile, loaded by the group -2 handler (a default for user-less updates)."""
    data = context.user_data
    if data is None:
        return Profile(language=None)
    found = data.get(PROFILE_KEY)
    return found if isinstance(found, Profile) else Profile(language=None)


def translator(context: Context, language: str | None = None) -> Translator:
    """The person's translator, or the one for `language` when given."""
    i18n = services(context).i18n
    return i18n.get(language) if language else profile(context).translator(i18n)


def main_menu(t: Translator) -> ReplyKeyboardMarkup:
    """The persistent reply keyboard: categories, location, emergency."""
    _ = t.gettext
    return ReplyKeyboardMarkup(
        [
            [KeyboardButton(_(MENU_LABELS["categories"]))],
            [
                KeyboardButton(_(MENU_LABELS["location"]), request_location=True),
                KeyboardButton(_(MENU_LABELS["emergency"])),
            ],
        ],
        resize_keyboard=True,
        is_persistent=True,
    )


def menu_actions(translators: list[Translator]) -> dict[str, str]:
    """Reply-keyboard label in every language -> action."""
    return {t.gettext(label): action for t in translators for action, label in MENU_LABELS.items()}


def lean_bot(context: Context) -> LeanBot:
    bot = context.bot
    assert isinstance(bot, LeanBot), "build_application makes a LeanBot"
    return bot


async def send(
    context: Context, chat_id: int, html: str, keyboard: Keyboard | None = None,
    reply_markup: ReplyKeyboardMarkup | None = None,
) -> int:
    """Send HTML, split under Telegram's limit; the buttons go with the last part. The id of
    the last message sent."""
    parts = split_html(html)
    buttons = keyboard_json(keyboard) or reply_markup
    message_id = 0
    for n, part in enumerate(parts):
        last = n == len(parts) - 1
        message_id = await lean_bot(context).send_html(chat_id, part, buttons if last else None)
    return message_id


async def edit_or_send(update: Update, context: Context, html: str, keyboard: Keyboard) -> None:
    """Show a screen in place of the message whose button was pressed (or as a new message)."""
    query = update.callback_query
    parts = split_html(html)
    if query is not None and query.message is not None and len(parts) == 1:
        try:
            await lean_bot(context).edit_html(
                query.message.chat.id, query.message.message_id, html, keyboard_json(keyboard)
            )
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
    chat = update.effective_chat
    if chat is not None:
        await send(context, chat.id, html, keyboard)


async def expired(update: Update, context: Context) -> None:
    """A button whose data is forged, malformed or stale: say so and change nothing."""
    query = update.callback_query
    if query is None:
        return
    _ = translator(context).gettext
    await query.answer(_("This button has expired. Please use the menu again."), show_alert=True)


async def pressed(
    update: Update, context: Context, read: Callable[[object], Callback | None] = decode
) -> tuple[CallbackQuery, User, Callback] | None:
    """The button press, who pressed it and its data as `read` decodes it (the v1 family by
    default); None after saying it expired."""
    query, user = update.callback_query, update.effective_user
    found = read(query.data) if query else None
    if query is None or user is None or found is None:
        await expired(update, context)
        return None
    return query, user, found


async def unknown_command(update: Update, context: Context) -> None:
    """A command no feature knows: say what to do instead."""
    chat = update.effective_chat
    if chat is None:
        return
    _ = translator(context).gettext
    await send(context, chat.id, _("I do not know that command. Send /help to see what I can "
                                   "do, or just write what you need in your own words."))
