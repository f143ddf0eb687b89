"""A shared location: the nearest services, open ones first, with their distance."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.handlers.common import App, Context, main_menu, send, services, translator
from bot.render import Found, answer_message

NEARBY = 3


async def on_location(update: Update, context: Context) -> None:
    message, chat = update.message, update.effective_chat
    if message is None or chat is None or message.location is None:
        return
    svc, t = services(context), translator(context)
    _ = t.gettext
    near = (message.location.latitude, message.location.longitude)
    if not svc.catalog.region.contains(*near):
        await send(
            context, chat.id,
            _("That place is outside the area Harbour knows. These are the nearest services "
              "it has:"),
        )
    found = svc.engine.nearby(near, limit=NEARBY)
    if not found:
        await send(context, chat.id, _("Sorry, I know no services with an address yet."),
                   reply_markup=main_menu(t))
        return
    # the location itself is used for this answer only, never stored
    items = [Found(r.service, r.open_now, r.distance_km) for r in found]
    await send(context, chat.id, *answer_message(items, t, svc.now(), feedback=False))


def register(app: App) -> None:
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
