"""/categories: the category menu, the services of a category, a service card, more like this."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import decode, encode, matcher, service_ref
from bot.catalog.model import Service
from bot.handlers.common import App, Context, edit_or_send, expired, send, services, translator
from bot.render import Button, Keyboard, card_buttons
from bot.search.hours import open_at

CATEGORIES_PER_PAGE = 10
SERVICES_PER_PAGE = 6


def _nav(kind: str, prefix: tuple[object, ...], page: int, pages: int) -> list[Button]:
    row = []
    if page > 0:
        row.append(Button("◀️", data=encode(kind, *prefix, page - 1)))
    if page < pages - 1:
        row.append(Button("▶️", data=encode(kind, *prefix, page + 1)))
    return row


def menu_screen(context: Context, page: int) -> tuple[str, Keyboard]:
    svc, t = services(context), translator(context)
    _ = t.gettext
    ids = list(svc.catalog.categories)
    pages = max(1, -(-len(ids) // CATEGORIES_PER_PAGE))
    page = min(page, pages - 1)
    chunk = ids[page * CATEGORIES_PER_PAGE:(page + 1) * CATEGORIES_PER_PAGE]
    buttons = [
        Button(svc.category_label(cid, t.language), data=encode("cat", cid, 0)) for cid in chunk
    ]
    keyboard = [buttons[n:n + 2] for n in range(0, len(buttons), 2)]
    nav = _nav("cats", (), page, pages)
    if nav:
        keyboard.append(nav)
    text = "📂 " + _("What do you need help with?")
    if pages > 1:
        text += " " + _("(page {page} of {pages})").format(page=page + 1, pages=pages)
    return text, keyboard


def category_screen(context: Context, cid: str, page: int) -> tuple[str, Keyboard]:
    svc, t = services(context), translator(context)
    _ = t.gettext
    found = svc.engine.in_category(cid)
    pages = max(1, -(-len(found) // SERVICES_PER_PAGE))
    page = min(page, pages - 1)
    chunk = found[page * SERVICES_PER_PAGE:(page + 1) * SERVICES_PER_PAGE]
    keyboard: Keyboard = [
        [Button(s.text(t.language).name[:60], data=encode("svc", service_ref(s.id)))]
        for s in chunk
    ]
    nav = _nav("cat", (cid,), page, pages)
    if nav:
        keyboard.append(nav)
    keyboard.append([Button("⬅️ " + _("All categories"), data=encode("cats", 0))])
    label = html.escape(svc.category_label(cid, t.language))
    if not found:
        return f"<b>{label}</b>\n" + _("No services in this category yet."), keyboard
    count = t.ngettext("{n} service", "{n} services", len(found)).format(n=len(found))
    return f"<b>{label}</b> · {count}\n" + _("Choose one to see the details:"), keyboard


def card(context: Context, service: Service, *, feedback: bool = False) -> tuple[str, Keyboard]:
    svc, t = services(context), translator(context)
    now = svc.now()
    open_now = open_at(service, now)
    return (
        svc.cards.card(service, t, now, open_now=open_now),
        card_buttons(service, t, feedback=feedback),
    )


async def categories_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    text, keyboard = menu_screen(context, 0)
    await send(context, update.effective_chat.id, text, keyboard)


async def on_button(update: Update, context: Context) -> None:
    """cats:<page>, cat:<id>:<page>, svc:<ref>, more:<ref>."""
    query = update.callback_query
    found = decode(query.data) if query else None
    if query is None or found is None:
        await expired(update, context)
        return
    svc = services(context)
    if found.kind == "cats":
        screen = menu_screen(context, found.page(0))
    elif found.kind == "cat":
        if found.arg(0) not in svc.catalog.categories:
            await expired(update, context)
            return
        screen = category_screen(context, found.arg(0), found.page(1))
    else:
        service = svc.service(found.arg(0))
        if service is None:
            await expired(update, context)
            return
        if found.kind == "more":  # keep the card, list its category below it
            await query.answer()
            chat = update.effective_chat
            if chat is not None:
                await send(context, chat.id, *category_screen(context, service.categories[0], 0))
            return
        screen = card(context, service)
    await query.answer()
    await edit_or_send(update, context, *screen)


def register(app: App) -> None:
    app.add_handler(CommandHandler("categories", categories_command))
    app.add_handler(CallbackQueryHandler(on_button, pattern=matcher("cats", "cat", "svc", "more")))
