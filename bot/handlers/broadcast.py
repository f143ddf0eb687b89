"""Staff only: /broadcast (text, audience, translations, preview with the exact count, confirm,
live progress, stop) and /newevent (guided, with preview). The role is read from the database
on every step, so a revoked member's half-finished flow or old button does nothing.

Callback data: `s1:<kind>[:<arg>]`, strict. Register before `search` (the flow's text answers
must not be taken for questions) and before the catch-all `expired` handler.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import re
from typing import Any

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot import LANGUAGES
from bot.callbacks import Codec
from bot.events.broadcast import (
    Audience,
    broadcast_progress,
    cancel_broadcast,
    count_recipients,
    start_broadcast,
)
from bot.events.model import CATEGORIES, Event, NewEvent, Text
from bot.events.repo import create_event, get_event
from bot.events.texts import category_label, event_html
from bot.handlers.common import (
    App,
    Context,
    edit_or_send,
    expired,
    lean_bot,
    pressed,
    send,
    services,
)
from bot.handlers.common import translator as translator_of
from bot.handlers.delivery import PLANNER_KEY
from bot.i18n import Translator
from bot.leanbot import keyboard_json
from bot.render import Button, Keyboard
from bot.team.roles import Team, rank

FLOW = "staff_flow"
AWAITING = "staff_flow_awaiting"
PROGRESS_EVERY = 3.0
_CAT, _LANG = "|".join(CATEGORIES), "|".join(LANGUAGES)
CALLBACKS = Codec("s1", {
    "aud": (f"all|cat-(?:{_CAT})|lang-(?:{_LANG})",), "tr": (), "trl": (_LANG,),
    "go": (), "no": (), "stop": (r"[1-9][0-9]{0,11}",),
    "nc": (_CAT,), "nw": (), "ngo": (), "nno": (),
})
encode, decode = CALLBACKS.encode, CALLBACKS.decode
NEWEVENT_KINDS = frozenset({"nc", "nw", "ngo", "nno"})
_WHEN = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}:\d{2})(?:\s+(\d{1,3})\s*(h|m|min))?\s*")


async def is_staff(context: Context, user_id: int) -> bool:
    svc = services(context)
    role = await Team(svc.db, svc.config.admins, svc.clock).role_of(user_id)
    return rank(role) >= rank("staff")


def _awaiting(context: Context) -> filters.User:
    found: filters.User = context.bot_data[AWAITING]
    return found


def _flow(context: Context) -> dict[str, Any] | None:
    found = (context.user_data or {}).get(FLOW)
    return found if isinstance(found, dict) else None


def _start(context: Context, user_id: int, flow: dict[str, Any]) -> None:
    assert context.user_data is not None
    context.user_data[FLOW] = flow
    _awaiting(context).add_user_ids(user_id)


def _end(context: Context, user_id: int) -> None:
    if context.user_data is not None:
        context.user_data.pop(FLOW, None)
    _awaiting(context).remove_user_ids(user_id)


async def _refuse(update: Update, context: Context) -> None:
    """Not (or no longer) staff: end any flow, change nothing."""
    user = update.effective_user
    if user is not None:
        _end(context, user.id)
    _ = translator_of(context).gettext
    if update.callback_query is not None:
        await update.callback_query.answer(
            _("This button has expired. Please use the menu again."), show_alert=True)
    elif update.effective_chat is not None:
        await send(context, update.effective_chat.id,
                   _("This command is for the Harbour team of volunteers and staff."))


# -- commands --------------------------------------------------------------------------------
async def _staff_in_chat(update: Update, context: Context) -> tuple[int, int] | None:
    """(user id, chat id) when a staff member wrote; otherwise refuse and return None."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return None
    if not await is_staff(context, user.id):
        await _refuse(update, context)
        return None
    return user.id, chat.id


async def broadcast_command(update: Update, context: Context) -> None:
    found = await _staff_in_chat(update, context)
    if found is None:
        return
    user_id, chat_id = found
    _start(context, user_id, {"flow": "bc", "step": "text", "texts": {}})
    _ = translator_of(context).gettext
    await send(context, chat_id, _("Write the message to send, in English (you can add other "
                                   "languages after). /cancel stops."))


async def newevent_command(update: Update, context: Context) -> None:
    found = await _staff_in_chat(update, context)
    if found is None:
        return
    user_id, chat_id = found
    _start(context, user_id, {"flow": "ne", "step": "title", "weekly": False})
    _ = translator_of(context).gettext
    await send(context, chat_id, _("New event. What is its title (in English)? /cancel stops."))


async def cancel_command(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None or _flow(context) is None:
        return
    _end(context, user.id)
    _ = translator_of(context).gettext
    await send(context, chat.id, _("Stopped. Nothing was sent or saved."))


# -- typed answers -----------------------------------------------------------------------------
async def on_text(update: Update, context: Context) -> None:
    user, message = update.effective_user, update.message
    flow = _flow(context)
    if user is None or message is None or not message.text:
        return
    if flow is None:
        _end(context, user.id)
        return
    if not await is_staff(context, user.id):
        await _refuse(update, context)
        return
    text = message.text.strip()
    if flow["flow"] == "bc":
        await _broadcast_text(update, context, flow, text)
    else:
        await _newevent_text(update, context, flow, text)


async def _broadcast_text(update: Update, context: Context, flow: dict[str, Any], text: str
                          ) -> None:
    t = translator_of(context)
    _ = t.gettext
    if flow["step"] == "text":
        flow["texts"]["en"] = text
        flow["step"] = "audience"
        await edit_or_send(update, context, _("Who should receive it?"), _audience_keyboard(t))
    elif flow["step"] == "translation":
        flow["texts"][flow.pop("language")] = text
        flow["step"] = "preview"
        await _preview(update, context, flow)


def _audience_keyboard(t: Translator) -> Keyboard:
    _ = t.gettext
    rows = [[Button(_("Everyone"), data=encode("aud", "all"))]]
    rows += [[Button(_("Subscribers: {category}").format(category=category_label(c, t)),
                     data=encode("aud", f"cat-{c}"))] for c in CATEGORIES]
    langs = [Button(code, data=encode("aud", f"lang-{code}")) for code in LANGUAGES]
    rows += [langs[n:n + 5] for n in range(0, len(langs), 5)]
    return rows


def _audience(flow: dict[str, Any]) -> Audience:
    kind, _, value = str(flow["audience"]).partition("-")
    return Audience(kind if kind == "all" else {"cat": "category"}.get(kind, "language"),
                    value or None)


async def _preview(update: Update, context: Context, flow: dict[str, Any]) -> None:
    t = translator_of(context)
    _ = t.gettext
    count = await count_recipients(services(context).db, _audience(flow))
    flow["count"] = count
    lines = [_("Preview:"), ""]
    lines += [f"<b>{code}</b>: {html.escape(text)}" for code, text in flow["texts"].items()]
    lines += ["", _("Audience: {audience}").format(audience=html.escape(flow["audience"])),
              t.ngettext("It will go to exactly {count} person; everyone else gets English.",
                         "It will go to exactly {count} people; everyone else gets English.",
                         count).format(count=count)]
    keyboard = [[Button("🌐 " + _("Add a translation"), data=encode("tr"))],
                [Button("✅ " + _("Send to {count}").format(count=count), data=encode("go")),
                 Button("✖ " + _("Cancel"), data=encode("no"))]]
    await edit_or_send(update, context, "\n".join(lines), keyboard)


async def _newevent_text(update: Update, context: Context, flow: dict[str, Any], text: str
                         ) -> None:
    t = translator_of(context)
    _ = t.gettext
    chat_id = update.effective_chat.id if update.effective_chat else 0
    if flow["step"] == "title":
        flow.update(title=text, step="category")
        rows = [[Button(category_label(c, t), data=encode("nc", c))] for c in CATEGORIES]
        await send(context, chat_id, _("Which kind of event is it?"), rows)
    elif flow["step"] == "when":
        found = _WHEN.fullmatch(text)
        start = _parse_start(found, services(context).engine.tz) if found else None
        if found is None or start is None:
            await send(context, chat_id, _("Please write the start like 2026-12-01 18:00, "
                                           "optionally with a length: 2026-12-01 18:00 2h"))
            return
        minutes = int(found[3] or 2) * (60 if (found[4] or "h") == "h" else 1)
        flow.update(start=start.isoformat(), minutes=minutes, step="venue")
        await send(context, chat_id, _("Where? (send - for no place)"))
    elif flow["step"] == "venue":
        flow.update(venue="" if text == "-" else text, step="preview")
        await _event_preview(update, context, flow)


def _parse_start(found: re.Match[str], tz: dt.tzinfo) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(f"{found[1]}T{found[2]:0>5}").replace(tzinfo=tz)
    except ValueError:
        return None


def _draft_event(flow: dict[str, Any]) -> NewEvent:
    start = dt.datetime.fromisoformat(flow["start"])
    return NewEvent(texts={"en": Text(flow["title"])}, category=flow["category"],
                    starts_at=start, ends_at=start + dt.timedelta(minutes=flow["minutes"]),
                    venue=flow["venue"], weekly=flow["weekly"])


async def _event_preview(update: Update, context: Context, flow: dict[str, Any]) -> None:
    t = translator_of(context)
    _ = t.gettext
    new = _draft_event(flow)
    shown = Event(0, new.category, new.starts_at, new.ends_at, new.texts, new.venue)
    text = _("Preview:") + "\n\n" + event_html(shown, t, services(context).engine.tz)
    text += "\n" + (_("Every week") if new.weekly else _("Once"))
    keyboard = [[Button("🔁 " + _("Once / every week"), data=encode("nw"))],
                [Button("✅ " + _("Create"), data=encode("ngo")),
                 Button("✖ " + _("Cancel"), data=encode("nno"))]]
    await edit_or_send(update, context, text, keyboard)


# -- buttons -----------------------------------------------------------------------------------
async def on_button(update: Update, context: Context) -> None:
    press = await pressed(update, context, decode)
    if press is None:
        return
    query, user, found = press
    if not await is_staff(context, user.id):
        await _refuse(update, context)
        return
    kind, arg = found.kind, (found.arg(0) if found.args else None)
    if kind == "stop":
        await _stop(update, context, int(arg or 0))
        return
    flow = _flow(context)
    expected = "ne" if kind in NEWEVENT_KINDS else "bc"
    if flow is None or flow["flow"] != expected:
        await expired(update, context)
        return
    await query.answer()
    if expected == "bc":
        await _broadcast_button(update, context, flow, kind, arg)
    else:
        await _newevent_button(update, context, flow, kind, arg)


async def _broadcast_button(update: Update, context: Context, flow: dict[str, Any], kind: str,
                            arg: str | None) -> None:
    t = translator_of(context)
    _ = t.gettext
    user_id = update.effective_user.id if update.effective_user else 0
    if kind == "aud":
        flow.update(audience=arg, step="preview")
        await _preview(update, context, flow)
    elif kind == "tr" and "audience" in flow:
        rows = [[Button(code, data=encode("trl", code)) for code in LANGUAGES[n:n + 5]]
                for n in range(1, len(LANGUAGES), 5)]
        await edit_or_send(update, context, _("Which language is the translation in?"), rows)
    elif kind == "trl":
        flow.update(language=arg, step="translation")
        await edit_or_send(update, context, _("Write the message in {language}.").format(
            language=services(context).language_name(arg or "en")), [])
    elif kind == "no":
        _end(context, user_id)
        await edit_or_send(update, context, _("Cancelled. Nothing was sent."), [])
    elif kind == "go" and "audience" in flow:
        _end(context, user_id)
        await _launch(update, context, flow)


async def _launch(update: Update, context: Context, flow: dict[str, Any]) -> None:
    svc = services(context)
    _ = translator_of(context).gettext
    user = update.effective_user
    chat = update.effective_chat
    assert user is not None and chat is not None
    bid, count = await start_broadcast(svc.db, svc.i18n, created_by=user.id,
                                       audience=_audience(flow), texts=flow["texts"],
                                       now=svc.now())
    text = _("Sending to {count} people…").format(count=count)
    message_id = await send(context, chat.id, text, _stop_keyboard(context, bid))
    if context.job_queue is not None:
        context.job_queue.run_repeating(
            progress_job, interval=PROGRESS_EVERY, first=PROGRESS_EVERY,
            data={"chat": chat.id, "message": message_id, "id": bid, "user": user.id},
            name=f"broadcast:{bid}:progress", user_id=user.id, chat_id=chat.id,
        )


def _stop_keyboard(context: Context, bid: int) -> Keyboard:
    _ = translator_of(context).gettext
    return [[Button("⏹ " + _("Stop sending"), data=encode("stop", bid))]]


async def progress_text(context: Context, bid: int) -> tuple[str, bool]:
    """The live progress line, and whether the broadcast is finished."""
    p = await broadcast_progress(services(context).db, bid)
    _ = translator_of(context).gettext
    text = _("Broadcast {id}: {sent} sent, {failed} failed, {remaining} remaining.").format(
        id=bid, sent=p.sent, failed=p.failed + p.dropped, remaining=p.remaining)
    return text, p.remaining == 0


async def progress_job(context: Context) -> None:
    job = context.job
    if job is None or not isinstance(job.data, dict):
        return
    data = job.data
    text, done = await progress_text(context, data["id"])
    with contextlib.suppress(BadRequest):  # unchanged, or gone: try again next time
        await lean_bot(context).edit_html(
            data["chat"], data["message"], text,
            None if done else keyboard_json(_stop_keyboard(context, data["id"])),
        )
    if done:
        job.schedule_removal()


async def _stop(update: Update, context: Context, bid: int) -> None:
    svc = services(context)
    query = update.callback_query
    dropped = await cancel_broadcast(svc.db, bid, svc.now())
    _ = translator_of(context).gettext
    if query is not None:
        await query.answer(_("Stopped: {count} messages will not be sent.").format(count=dropped))
    text, _done = await progress_text(context, bid)
    await edit_or_send(update, context, text, [])


async def _newevent_button(update: Update, context: Context, flow: dict[str, Any], kind: str,
                           arg: str | None) -> None:
    t = translator_of(context)
    _ = t.gettext
    user_id = update.effective_user.id if update.effective_user else 0
    if kind == "nc" and flow["step"] == "category":
        flow.update(category=arg, step="when")
        await edit_or_send(update, context, _("When does it start? e.g. 2026-12-01 18:00 2h"),
                           [])
    elif kind == "nw" and flow["step"] == "preview":
        flow["weekly"] = not flow["weekly"]
        await _event_preview(update, context, flow)
    elif kind == "nno":
        _end(context, user_id)
        await edit_or_send(update, context, _("Cancelled. Nothing was saved."), [])
    elif kind == "ngo" and flow["step"] == "preview":
        _end(context, user_id)
        svc = services(context)
        ids = await create_event(svc.db, _draft_event(flow), now=svc.now(), created_by=user_id)
        event = await get_event(svc.db, ids[0])
        told = 0
        if event is not None and PLANNER_KEY in context.bot_data:
            told = await context.bot_data[PLANNER_KEY].announce(event, svc.now())
        await edit_or_send(update, context, t.ngettext(
            "Created. {count} subscriber will hear about it.",
            "Created. {count} subscribers will hear about it.", told).format(count=told), [])


def register(app: App) -> None:
    awaiting = filters.User(allow_empty=False)
    app.bot_data[AWAITING] = awaiting
    app.add_handler(CommandHandler("broadcast", broadcast_command))
    app.add_handler(CommandHandler("newevent", newevent_command))
    app.add_handler(CommandHandler("cancel", cancel_command, filters=awaiting))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & awaiting, on_text))
    app.add_handler(CallbackQueryHandler(on_button, pattern=CALLBACKS.matches))
