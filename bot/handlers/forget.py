"""/forget: erase everything about a person, after they confirm."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import encode, matcher
from bot.handlers.common import (
    App,
    Context,
    edit_or_send,
    pressed,
    send,
    services,
    translator,
)
from bot.render import Button


async def forget_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    _ = translator(context).gettext
    keyboard = [[
        Button("🗑 " + _("Yes, erase everything"), data=encode("forget", "yes")),
        Button(_("No, keep it"), data=encode("forget", "no")),
    ]]
    text = _("Erase everything Harbour knows about you (your language and settings)? "
             "This cannot be undone.")
    await send(context, update.effective_chat.id, text, keyboard)


ERASE = (
    # subscriptions, reminder requests and queued messages go with the user row (cascade)
    "DELETE FROM users WHERE telegram_id = ?",
    "DELETE FROM drafts WHERE user_id = ?1 OR chat_id = ?1",
    "DELETE FROM invites WHERE created_by = ? AND used_by IS NULL",
    "UPDATE invites SET used_by = NULL WHERE used_by = ?",
    "DELETE FROM proposals WHERE proposer = ? AND status = 'pending'",
)
"""The catalog's edit history keeps who changed what (append-only, for accountability);
/privacy says so."""


async def erase(user_id: int, context: Context) -> None:
    """Delete the user row and everything keyed by their id."""
    db = services(context).db
    async with db.transaction() as conn:
        for statement in ERASE:
            await conn.execute(statement, (user_id,))
    if context.user_data is not None:
        context.user_data.clear()


async def on_confirm(update: Update, context: Context) -> None:
    press = await pressed(update, context)
    if press is None:
        return
    query, user, found = press
    _ = translator(context).gettext
    await query.answer()
    if found.arg(0) == "yes":
        await erase(user.id, context)
        text = _("Done. Everything Harbour knew about you has been erased. "
                 "Send /start if you want to use Harbour again.")
    else:
        text = _("Nothing was erased.")
    await edit_or_send(update, context, text, [])


def register(app: App) -> None:
    app.add_handler(CommandHandler("forget", forget_command))
    app.add_handler(CallbackQueryHandler(on_confirm, pattern=matcher("forget")))
