"""Did this help? 👍/👎 on an answer, stored without any user id."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.callbacks import decode, matcher
from bot.handlers.common import App, Context, expired, lean_bot, services, translator
from bot.leanbot import keyboard_json
from bot.render import card_buttons


async def on_feedback(update: Update, context: Context) -> None:
    query = update.callback_query
    found = decode(query.data) if query else None
    svc = services(context)
    service = svc.service(found.arg(1)) if found else None
    if query is None or found is None or service is None:
        await expired(update, context)
        return
    t = translator(context)
    _ = t.gettext
    async with svc.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO feedback (helpful, category, service_id, language, text, at) "
            "VALUES (?, ?, ?, ?, NULL, ?)",
            (int(found.arg(0)), service.categories[0], service.id, t.language,
             svc.now().date().isoformat()),
        )
    await query.answer(_("Thank you! This helps volunteers improve Harbour."))
    old = query.message.reply_markup if isinstance(query.message, Message) else None
    if old is not None:  # the same buttons without the did-this-help row
        rows = [
            row for row in old.inline_keyboard
            if not any(str(b.callback_data or "").startswith("v1:fb:") for b in row)
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup(rows))
    elif query.message is not None:
        keyboard = keyboard_json(card_buttons(service, t))
        if keyboard:
            await lean_bot(context).edit_buttons(
                query.message.chat.id, query.message.message_id, keyboard
            )


def register(app: App) -> None:
    app.add_handler(CallbackQueryHandler(on_feedback, pattern=matcher("fb")))
