"""/emergency: the region's emergency and crisis lines at once, numbers tappable."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import matcher
from bot.handlers.common import App, Context, send, services, translator
from bot.render import emergency_text


async def emergency_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if update.callback_query is not None:
        await update.callback_query.answer()
    if chat is None:
        return
    t = translator(context)
    lines = services(context).catalog.region.emergency_lines
    await send(context, chat.id, emergency_text(lines, t))


def register(app: App) -> None:
    app.add_handler(CommandHandler(["emergency", "sos"], emergency_command))
    app.add_handler(CallbackQueryHandler(emergency_command, pattern=matcher("emergency")))
