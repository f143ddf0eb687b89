"""/help, /about and /privacy."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CommandHandler

from bot.handlers.common import App, Context, main_menu, send, services, translator


async def help_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    t = translator(context)
    _ = t.gettext
    text = "\n".join([
        "<b>" + _("How to use Harbour") + "</b>",
        _("Write what you need in your own words, in your language, for example "
          "“I need a doctor” or “English classes”."),
        "/categories · " + _("browse all kinds of help"),
        "/emergency · " + _("emergency and crisis phone numbers"),
        "/language · " + _("change the language"),
        "/about · " + _("who runs this and where the information comes from"),
        "/privacy · " + _("what is stored about you"),
        "/forget · " + _("erase everything about you"),
        _("You can also share your location to see the nearest services."),
    ])
    await send(context, update.effective_chat.id, text, reply_markup=main_menu(t))


async def about_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    svc, t = services(context), translator(context)
    _ = t.gettext
    services_ = svc.catalog.offered()
    verified = max((s.last_verified for s in services_), default=None)
    sources = sorted({s.source.split("/")[2] for s in services_ if s.source.count("/") >= 2})
    lines = [
        "<b>" + _("About Harbour") + "</b>",
        _("Harbour is run by volunteers to connect refugees and asylum seekers in {region} "
          "with local services. It is free and independent.").format(
              region=html.escape(svc.catalog.region.name)),
        _("The information comes from the services themselves and their public websites, and is "
          "checked by volunteers: {count} services.").format(count=len(services_)),
    ]
    if verified is not None:
        lines.append(_("Last verified: {date}").format(date=verified.isoformat()))
    if sources:
        lines.append(_("Sources: {sources}").format(sources=html.escape(", ".join(sources[:8]))))
    await send(context, update.effective_chat.id, "\n\n".join(lines))


async def privacy_command(update: Update, context: Context) -> None:
    if update.effective_chat is None:
        return
    _ = translator(context).gettext
    text = "\n\n".join([
        "<b>" + _("Your privacy") + "</b>",
        _("Harbour stores your Telegram id, the language you chose and roughly when you last "
          "wrote, so it can answer you in your language."),
        _("It does not store your messages or your location with your id. When a question finds "
          "nothing, its words are kept without your id so volunteers can add the missing help. "
          "Your 👍/👎 feedback is kept the same way, anonymously."),
        _("If you edit the catalog as a volunteer or staff member, the history of your changes "
          "keeps your Telegram id, so that every change can be checked."),
        _("Send /forget to erase everything about you."),
    ])
    await send(context, update.effective_chat.id, text)


def register(app: App) -> None:
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("about", about_command))
    app.add_handler(CommandHandler("privacy", privacy_command))
