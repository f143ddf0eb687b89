"""Any text message: the search answer as service cards (emergency lines first when needed)."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import MessageHandler, filters

from bot.callbacks import encode
from bot.handlers.common import App, Context, main_menu, profile, send, services, translator
from bot.render import Button, Found, answer_message, card_buttons, emergency_text
from bot.search.engine import Answer

MAX_STORED_TEXT = 500


async def on_text(update: Update, context: Context) -> None:
    message, chat = update.message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    svc = services(context)
    action = svc.menu.get(message.text.strip())
    if action is not None:
        await menu_action(update, context, action)
        return
    person = profile(context)
    answer = svc.engine.ask(message.text, language=person.language)
    await reply_answer(update, context, answer)


async def menu_action(update: Update, context: Context, action: str) -> None:
    from bot.handlers.categories import categories_command
    from bot.handlers.emergency import emergency_command

    if action == "categories":
        await categories_command(update, context)
    elif action == "emergency":
        await emergency_command(update, context)
    elif update.effective_chat is not None:  # typed the label instead of sharing a location
        t = translator(context)
        _ = t.gettext
        await send(
            context, update.effective_chat.id,
            _("Tap the button “{label}” below to share where you are.").format(
                label=_("📍 Send my location")
            ),
            reply_markup=main_menu(t),
        )


async def reply_answer(update: Update, context: Context, answer: Answer) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    person = profile(context)
    t = translator(context, None if person.language else answer.language)
    _ = t.gettext
    now = svc.now()
    if answer.emergency:
        await send(context, chat.id, emergency_text(answer.emergency_lines, t))
    if answer.kind == "smalltalk":
        await send(
            context, chat.id,
            _("Hello! Write what you need in your own words, for example “English classes” "
              "or “a doctor”, or use the menu below."),
            reply_markup=main_menu(t),
        )
        return
    if not answer.results:
        await record_unanswered(context, answer, now)
        text = _("Sorry, I did not find a service for that. You can browse the categories.")
        keyboard = [[Button("📂 " + _("Categories"), data=encode("cats", 0))]]
        await send(context, chat.id, text, keyboard)
        if answer.drop_in is not None and answer.drop_in.is_offered:
            drop_in = answer.drop_in
            intro = _("Or visit this open drop-in, where people can help in person:")
            card = svc.cards.card(drop_in, t, now)
            await send(context, chat.id, f"{intro}\n\n{card}", card_buttons(drop_in, t))
        return
    found = [Found(r.service, r.open_now, r.distance_km) for r in answer.results]
    await send(context, chat.id, *answer_message(found, t, now, cards=svc.cards))


async def record_unanswered(context: Context, answer: Answer, now: dt.datetime) -> None:
    """Kept for volunteers to improve the catalog: the words only, never who wrote them."""
    db = services(context).db
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO unanswered (text, language, at) VALUES (?, ?, ?)",
            (answer.query[:MAX_STORED_TEXT], answer.language, now.date().isoformat()),
        )


def register(app: App) -> None:
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
