"""A shared location: the nearest services, open ones first, with their distance."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.handlers.common import App, Context, main_menu, send, services, translator
from bot.render import card_buttons, service_card

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
    now = svc.now()
    for result in found:  # the location itself is used for this answer only, never stored
        card = service_card(result.service, t, now, open_now=result.open_now,
                            distance_km=result.distance_km)
        await send(context, chat.id, card, card_buttons(result.service, t))


def register(app: App) -> None:
    app.add_handler(MessageHandler(filters.LOCATION, on_location))
