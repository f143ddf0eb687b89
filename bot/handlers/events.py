"""/events (remind me, add to my calendar), /subscribe and /subscriptions.

Callback data: `e1:<kind>:<arg>`, strict (`decode`); anything else is an expired button.
Register before `search` and before the catch-all `expired` handler (both group 0).
"""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import Codec
from bot.events.ical import export_event
from bot.events.model import CATEGORIES
from bot.events.repo import (
    events_this_week,
    get_event,
    request_reminder,
    subscribe,
    subscriptions_of,
    unsubscribe,
)
from bot.events.texts import category_label, event_html
from bot.handlers.common import App, Context, edit_or_send, pressed, send, services, translator
from bot.render import Button, Keyboard

_EVENT, _CAT = r"[1-9][0-9]{0,11}", "|".join(CATEGORIES)
CALLBACKS = Codec("e1", {"rem": (_EVENT,), "ics": (_EVENT,), "sub": (_CAT,), "uns": (_CAT,)})
encode, decode = CALLBACKS.encode, CALLBACKS.decode


async def events_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    t = translator(context)
    _ = t.gettext
    found = await events_this_week(svc.db, svc.now())
    if not found:
        await send(context, chat.id, _("No events this week. Send /subscribe to hear about "
                                       "new ones."))
        return
    await send(context, chat.id, _("📅 This week:"))
    for event in found[:10]:
        keyboard = [[Button("⏰ " + _("Remind me"), data=encode("rem", event.id)),
                     Button("📆 " + _("Add to my calendar"), data=encode("ics", event.id))]]
        await send(context, chat.id, event_html(event, t, svc.engine.tz), keyboard)


async def on_button(update: Update, context: Context) -> None:
    press = await pressed(update, context, decode)
    if press is None:
        return
    query, user, found = press
    kind, arg = found.kind, found.arg(0)
    if kind in ("sub", "uns"):
        await _toggle(update, context, user.id, kind, arg)
        return
    svc = services(context)
    event = await get_event(svc.db, int(arg))
    t = translator(context)
    _ = t.gettext
    if event is None or not event.active or event.ends_at <= svc.now():
        await query.answer(_("This event is no longer on."), show_alert=True)
        return
    if kind == "rem":
        await request_reminder(svc.db, user.id, event.id, svc.now())
        await query.answer(_("I will remind you 24 hours and 2 hours before it starts."),
                           show_alert=True)
        return
    await query.answer()
    document = InputFile(export_event(event, t.language, svc.now()),
                         filename=f"harbour-event-{event.id}.ics")
    await context.bot.send_document(user.id, document,
                                    caption=_("Open this file to add the event to your calendar."))


def _subscription_screen(mine: list[str], context: Context) -> tuple[str, Keyboard]:
    t = translator(context)
    _ = t.gettext
    rows = [[Button(("✅ " if c in mine else "➕ ") + category_label(c, t),
                    data=encode("uns" if c in mine else "sub", c))] for c in CATEGORIES]
    if mine:
        text = _("You hear about new events in: {categories}. Press one to stop.").format(
            categories=", ".join(category_label(c, t) for c in mine))
    else:
        text = _("Choose the kinds of event you want to hear about:")
    return text, rows


async def subscribe_command(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    mine = await subscriptions_of(services(context).db, user.id)
    text, keyboard = _subscription_screen(mine, context)
    await send(context, chat.id, text, keyboard)


async def _toggle(update: Update, context: Context, user_id: int, kind: str, category: str
                  ) -> None:
    svc = services(context)
    if kind == "sub":
        await subscribe(svc.db, user_id, category, svc.now())
    else:
        await unsubscribe(svc.db, user_id, category)
    if update.callback_query is not None:
        await update.callback_query.answer()
    mine = await subscriptions_of(svc.db, user_id)
    text, keyboard = _subscription_screen(mine, context)
    await edit_or_send(update, context, text, keyboard)


def register(app: App) -> None:
    app.add_handler(CommandHandler("events", events_command))
    app.add_handler(CommandHandler(["subscribe", "subscriptions"], subscribe_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=CALLBACKS.matches))
