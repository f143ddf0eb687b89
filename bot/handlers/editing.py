"""/edit, /close, /translate and /add as one ConversationHandler whose drafts are saved in
SQLite at every step; /cancel ends it, and it times out after a while without an answer.
Review, history, stale and gaps are in `bot.handlers.review` (registered from here)."""

from __future__ import annotations

import datetime as dt
import html
import logging
import warnings
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot import LANGUAGES
from bot.callbacks import service_ref
from bot.catalog.loader import CATEGORY_IDS
from bot.catalog.model import Service
from bot.editing.changes import Outcome, current
from bot.editing.diff import diff
from bot.editing.errors import Conflict, InvalidValue, NotFound
from bot.editing.newservice import add_step, finish, next_step, organizations_matching, start_doc
from bot.editing.values import FIELDS, current_value, with_translation, with_value
from bot.handlers.common import App, Context, send, services, translator
from bot.handlers.editing_text import HINTS, diff_html, field_name, state_html
from bot.handlers.staff import changes_of, decode, drafts_of, encode, matcher, service_by_ref
from bot.i18n import N_, Translator
from bot.render import Button, Keyboard
from bot.state import Services
from bot.team import AccessDenied

log = logging.getLogger(__name__)

FLOW = "editing"
"""the ConversationHandler's name and the drafts' flow"""
TIMEOUT = dt.timedelta(minutes=30)
END = ConversationHandler.END
PICK, FIELD, VALUE, LANGUAGE, ORG, ADD, PREVIEW, REASON = (
    "pick", "field", "value", "language", "org", "add", "preview", "reason",
)
MAX_CHOICES = 8
STEP_PROMPTS = {
    "name": N_("What is the service called (in English)?"),
    "categories": N_("Which categories? Category ids separated by commas: {ids}"),
    "description": N_("In one or two sentences: what does a person get?"),
    "address": N_("Where? Street, town, postcode and map point, like “1 Example Street, "
                  "Plymouth, PL1 2DH @50.3713,-4.1422” (or “none”)."),
    "hours": N_("Opening hours, like “Mon-Fri 10:00-16:00, Sat 10-12” (or “none”)."),
    "contacts": N_("Phone, email and website, separated by commas (or “none”)."),
}


def key_of(update: Update) -> tuple[int, int]:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    return chat.id, user.id


async def goto(update: Update, context: Context, state: str, data: dict[str, Any]) -> str:
    """Save the draft at this step (the state a restart resumes) and move there."""
    await drafts_of(context).save(FLOW, key_of(update), state, data)
    return state


async def draft(update: Update, context: Context) -> dict[str, Any]:
    found = await drafts_of(context).load(FLOW, key_of(update))
    return found[1] if found else {}


async def done(update: Update, context: Context) -> int:
    await drafts_of(context).drop(FLOW, key_of(update))
    return END


async def forget_drafts(context: Context, user_id: int) -> None:
    """A revoked person's unfinished drafts go (their open conversation then finds none)."""
    await drafts_of(context).drop_user(user_id)


async def say(update: Update, context: Context, text: str, keyboard: Keyboard | None = None
              ) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, text, keyboard)


def find_services(svc: Services, words: str) -> list[Service]:
    """By category (id or label in any language), by name or id, else by search."""
    text = " ".join(words.lower().split())
    every = list(svc.catalog.services.values())
    for cid, category in svc.catalog.categories.items():
        labels = {cid, *(label.lower() for label in category.labels.values())}
        if text in labels:
            return [s for s in every if cid in s.categories]
    parts = text.split()
    found = [s for s in every if all(p in f"{s.id} {s.name.lower()}" for p in parts)]
    return found or [r.service for r in svc.engine.ask(words).results]


def choices(found: list[Service], kind: str = "es") -> Keyboard:
    return [[Button(s.name, data=encode(kind, service_ref(s.id)))] for s in found[:MAX_CHOICES]]


# -- entry points -----------------------------------------------------------------------------
async def edit_command(update: Update, context: Context) -> str:
    return await ask_service(update, context, {"mode": "edit"})


async def close_command(update: Update, context: Context) -> str:
    return await ask_service(update, context, {"mode": "close", "field": "status"})


async def ask_service(update: Update, context: Context, data: dict[str, Any]) -> str:
    words = " ".join(context.args or ())
    if words:
        return await show_matches(update, context, data, words)
    _ = translator(context).gettext
    await say(update, context, _("Which service? Type part of its name, or a category.") + "\n"
              + _("Send /cancel to stop."))
    return await goto(update, context, PICK, data)


async def show_matches(update: Update, context: Context, data: dict[str, Any], words: str
                       ) -> str:
    _ = translator(context).gettext
    found = find_services(services(context), words)
    if not found:
        await say(update, context, _("No service matches “{words}”. Try other words.").format(
            words=html.escape(words)))
    else:
        await say(update, context, _("Which one?"), choices(found))
    return await goto(update, context, PICK, data)


async def pick_text(update: Update, context: Context) -> str:
    text = update.message.text if update.message and update.message.text else ""
    return await show_matches(update, context, await draft(update, context), text)


async def pick_service(update: Update, context: Context) -> str | int:
    query = update.callback_query
    found = decode(query.data) if query else None
    svc = services(context)
    service = service_by_ref(svc, found[1][0]) if found else None
    data = await draft(update, context)
    t = translator(context)
    _ = t.gettext
    if service is None or not data:
        await say(update, context, _("This button has expired. Please use the menu again."))
        return END if not data else PICK
    now = await current(svc.db, service.id)
    data.update(service=service.id, base=now.revision)
    if data["mode"] == "edit":
        keyboard = [[Button(field_name(t, f), data=encode("ef", f))] for f in FIELDS]
        await say(update, context, state_html(now.doc, now.revision, t) + "\n\n"
                  + _("What would you like to change?"), keyboard)
        return await goto(update, context, FIELD, data)
    if data["mode"] == "translate":
        return await ask_translation(update, context, data, now.doc)
    return await ask_value(update, context, data, now.doc)


async def pick_field(update: Update, context: Context) -> str | int:
    query = update.callback_query
    found = decode(query.data) if query else None
    data = await draft(update, context)
    if found is None or found[1][0] not in FIELDS or "service" not in data:
        _ = translator(context).gettext
        await say(update, context, _("This button has expired. Please use the menu again."))
        return END if not data else FIELD
    data["field"] = found[1][0]
    now = await current(services(context).db, data["service"])
    return await ask_value(update, context, data, now.doc)


async def ask_value(update: Update, context: Context, data: dict[str, Any],
                    doc: dict[str, Any]) -> str:
    t = translator(context)
    _ = t.gettext
    field = data["field"]
    text = _("<b>{field}</b> now: {value}").format(
        field=html.escape(field_name(t, field)), value=html.escape(current_value(doc, field)))
    hint = _("Type the new value ({hint}).").format(hint=_(HINTS[field])) if field in HINTS \
        else _("Type the new value.")
    await say(update, context, f"{text}\n\n{hint}\n" + _("Send /cancel to stop."))
    return await goto(update, context, VALUE, data)


async def translate_command(update: Update, context: Context) -> str:
    t = translator(context)
    _ = t.gettext
    code = (context.args or [""])[0].lower()
    if code in LANGUAGES and code != "en":
        return await list_untranslated(update, context, code)
    svc = services(context)
    buttons = [Button(svc.language_name(c), data=encode("tl", c)) for c in LANGUAGES if c != "en"]
    await say(update, context, _("Which language do you translate into?"),
              [buttons[n:n + 2] for n in range(0, len(buttons), 2)])
    return await goto(update, context, LANGUAGE, {"mode": "translate"})


async def pick_language(update: Update, context: Context) -> str:
    query = update.callback_query
    found = decode(query.data) if query else None
    code = found[1][0] if found else ""
    if code not in LANGUAGES or code == "en":
        return LANGUAGE
    return await list_untranslated(update, context, code)


async def list_untranslated(update: Update, context: Context, code: str) -> str:
    _ = translator(context).gettext
    svc = services(context)
    todo = [s for s in svc.catalog.services.values()
            if s.status != "closed" and (code not in s.translations
                                         or not s.translations[code].reviewed)]
    data = {"mode": "translate", "language": code}
    if not todo:
        await say(update, context, _("Every service has a reviewed translation in this "
                                     "language. Thank you!"))
        return await goto(update, context, PICK, data)
    await say(update, context, _("{count} services need a translation or a review. Which one?")
              .format(count=len(todo)), choices(todo))
    return await goto(update, context, PICK, data)


async def ask_translation(update: Update, context: Context, data: dict[str, Any],
                          doc: dict[str, Any]) -> str:
    _ = translator(context).gettext
    code = data["language"]
    data["field"] = f"translation {code}"
    existing = (doc.get("translations") or {}).get(code)
    lines = [f"<b>{html.escape(doc['name'])}</b>", html.escape(doc.get("description", ""))]
    if existing:
        lines += ["", _("Current translation (not reviewed yet):"),
                  html.escape(existing.get("name", "")),
                  html.escape(existing.get("description", "")),
                  "", _("Send “ok” if it is right, or type a better one.")]
    lines += ["", _("Type the name and description, separated by “|”.")]
    await say(update, context, "\n".join(lines))
    return await goto(update, context, VALUE, data)


# -- a typed value ----------------------------------------------------------------------------
def changed_doc(data: dict[str, Any], doc: dict[str, Any], text: str, svc: Services
                ) -> dict[str, Any]:
    field = data["field"]
    if field.startswith("translation "):
        code = field.split()[1]
        existing = (doc.get("translations") or {}).get(code)
        if text.strip().lower() == "ok" and existing:
            reviewed = {k: v for k, v in existing.items() if k != "reviewed"}
            return {**doc, "translations": {**doc["translations"], code: reviewed}}
        return with_translation(doc, code, text)
    return with_value(doc, field, text, svc.catalog.region)


async def value_text(update: Update, context: Context) -> str | int:
    user = update.effective_user
    text = update.message.text if update.message and update.message.text else ""
    data = await draft(update, context)
    t = translator(context)
    _ = t.gettext
    if user is None or "field" not in data:
        return await done(update, context)
    svc = services(context)
    changes = changes_of(context)
    try:
        base = await current(svc.db, data["service"])
        after = changed_doc(data, base.doc, text, svc)
        outcome = await changes.propose(
            user.id, data["service"], after, data["base"],
            action={"close": "close", "translate": "translate"}.get(data["mode"], "edit"),
            field=data["field"],
        )
    except InvalidValue as exc:
        await say(update, context, _("That does not fit: {problem}.").format(
            problem=html.escape(str(exc))) + "\n" + _("Please try again, or send /cancel."))
        return VALUE
    except Conflict as exc:
        await say(update, context, conflict_text(exc, t))
        return await done(update, context)
    except (AccessDenied, NotFound):
        await say(update, context, _("You cannot make this change any more."))
        return await done(update, context)
    await report(update, context, outcome, t)
    return await done(update, context)


def conflict_text(exc: Conflict, t: Translator) -> str:
    _ = t.gettext
    text = _("Someone changed this service while you were editing, so your change was not "
             "saved. This is how it reads now:")
    state = state_html(exc.current, exc.revision, t) if exc.current else ""
    return f"{text}\n\n{state}\n\n" + _("Send /edit to try again on the new version.")


async def report(update: Update, context: Context, outcome: Outcome, t: Translator) -> None:
    """Tell the person what happened to their change; tell staff when one waits for review."""
    _ = t.gettext
    p = outcome.proposal
    lines = diff_html(diff(p.before, p.after), t)
    if outcome.applied:
        head = _("Saved. Searches show it from now on (revision {revision}).").format(
            revision=outcome.revision)
        await say(update, context, f"{head}\n\n{lines}")
        return
    await say(update, context, _("Thank you! Your change was sent to staff for review:")
              + f"\n\n{lines}")
    await notify_staff(context, p.proposer)


async def notify_staff(context: Context, proposer: int) -> None:
    svc = services(context)
    team = changes_of(context).team
    for member in await team.members():
        if member.role in ("staff", "admin") and member.active and member.user_id != proposer:
            t = svc.i18n.get(member.language)
            try:
                await context.bot.send_message(
                    member.user_id, t.gettext("A change waits for review: /review"))
            except TelegramError as exc:
                log.info("could not tell %s about a proposal: %s", member.user_id, exc)


# -- /add -------------------------------------------------------------------------------------
async def add_command(update: Update, context: Context) -> str:
    _ = translator(context).gettext
    words = " ".join(context.args or ())
    if words:
        return await org_text(update, context, words)
    await say(update, context, _("Which organisation runs the new service? Type part of its "
                                 "name.") + "\n" + _("Send /cancel to stop."))
    return await goto(update, context, ORG, {"mode": "add"})


async def org_text(update: Update, context: Context, words: str | None = None) -> str:
    _ = translator(context).gettext
    text = words if words is not None else (update.message.text if update.message else "") or ""
    orgs = services(context).catalog.organizations
    found = organizations_matching(text, {oid: o.name for oid, o in orgs.items()})
    if not found:
        await say(update, context, _("No organisation matches “{words}”. Try other words.")
                  .format(words=html.escape(text)))
    else:
        keyboard = [[Button(orgs[oid].name, data=encode("ao", service_ref(oid)))]
                    for oid in found[:MAX_CHOICES]]
        await say(update, context, _("Which one?"), keyboard)
    return await goto(update, context, ORG, {"mode": "add"})


async def pick_org(update: Update, context: Context) -> str:
    query = update.callback_query
    found = decode(query.data) if query else None
    orgs = services(context).catalog.organizations
    by_ref = {service_ref(oid): oid for oid in orgs}
    oid = by_ref.get(found[1][0]) if found else None
    if oid is None:
        _ = translator(context).gettext
        await say(update, context, _("This button has expired. Please use the menu again."))
        return ORG
    data = {"mode": "add", "org": oid, "step": "name",
            "doc": start_doc(services(context).now().date())}
    return await ask_step(update, context, data)


async def ask_step(update: Update, context: Context, data: dict[str, Any]) -> str:
    _ = translator(context).gettext
    prompt = _(STEP_PROMPTS[data["step"]]).format(ids=", ".join(CATEGORY_IDS))
    await say(update, context, prompt)
    return await goto(update, context, ADD, data)


async def add_text(update: Update, context: Context) -> str | int:
    text = update.message.text if update.message and update.message.text else ""
    data = await draft(update, context)
    t = translator(context)
    _ = t.gettext
    if "step" not in data:
        return await done(update, context)
    try:
        data["doc"] = add_step(data["doc"], data["step"], text, services(context).catalog.region)
    except InvalidValue as exc:
        await say(update, context, _("That does not fit: {problem}.").format(
            problem=html.escape(str(exc))) + "\n" + _("Please try again, or send /cancel."))
        return ADD
    step = next_step(data["step"])
    if step is not None:
        data["step"] = step
        return await ask_step(update, context, data)
    keyboard = [[Button("✅ " + _("Submit"), data=encode("as", "go")),
                 Button("✖ " + _("Discard"), data=encode("as", "no"))]]
    await say(update, context, _("Please check the new service:") + "\n\n"
              + diff_html(diff(None, data["doc"]), t), keyboard)
    return await goto(update, context, PREVIEW, data)


async def submit_new(update: Update, context: Context) -> str | int:
    query, user = update.callback_query, update.effective_user
    found = decode(query.data) if query else None
    data = await draft(update, context)
    t = translator(context)
    _ = t.gettext
    if found is None or user is None or "doc" not in data:
        return await done(update, context)
    if found[1][0] == "no":
        await say(update, context, _("Discarded."))
        return await done(update, context)
    svc = services(context)
    try:
        doc = finish(data["doc"], data["org"], set(svc.catalog.services))
        outcome = await changes_of(context).propose(
            user.id, doc["id"], doc, 0, action="add", field="new service",
            organization_id=data["org"])
    except InvalidValue as exc:
        await say(update, context, _("That does not fit: {problem}.").format(
            problem=html.escape(str(exc))))
        return await done(update, context)
    except AccessDenied:
        await say(update, context, _("You cannot make this change any more."))
        return await done(update, context)
    await report(update, context, outcome, t)
    return await done(update, context)


# -- ending -----------------------------------------------------------------------------------
async def cancel(update: Update, context: Context) -> int:
    _ = translator(context).gettext
    await say(update, context, _("Stopped. Nothing was changed."))
    return await done(update, context)


async def timed_out(update: Update, context: Context) -> None:
    """After TIMEOUT without an answer: the draft is dropped and the person told."""
    await drafts_of(context).drop(FLOW, key_of(update))
    if update.effective_chat is not None:
        _ = translator(context).gettext
        await send(context, update.effective_chat.id,
                   _("Your unfinished change was put aside after 30 minutes without an answer. "
                     "Nothing was changed."))


def conversation(persistent: bool) -> ConversationHandler[Any]:
    from bot.handlers.review import reason_text, reject_button

    text = filters.TEXT & ~filters.COMMAND
    with warnings.catch_warnings():  # buttons are tracked per chat and user, on purpose
        warnings.filterwarnings("ignore", message=".*per_message.*", category=PTBUserWarning)
        return ConversationHandler(
            entry_points=[
                CommandHandler("edit", edit_command), CommandHandler("close", close_command),
                CommandHandler("translate", translate_command),
                CommandHandler("add", add_command),
                CallbackQueryHandler(reject_button, pattern=matcher("rr")),
            ],
            states={
                PICK: [MessageHandler(text, pick_text),
                       CallbackQueryHandler(pick_service, pattern=matcher("es"))],
                FIELD: [CallbackQueryHandler(pick_field, pattern=matcher("ef"))],
                VALUE: [MessageHandler(text, value_text)],
                LANGUAGE: [CallbackQueryHandler(pick_language, pattern=matcher("tl"))],
                ORG: [MessageHandler(text, org_text),
                      CallbackQueryHandler(pick_org, pattern=matcher("ao"))],
                ADD: [MessageHandler(text, add_text)],
                PREVIEW: [CallbackQueryHandler(submit_new, pattern=matcher("as"))],
                REASON: [MessageHandler(text, reason_text)],
                ConversationHandler.TIMEOUT: [TypeHandler(Update, timed_out)],
            },
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            conversation_timeout=TIMEOUT,
            name=FLOW,
            persistent=persistent,
        )


def register(app: App) -> None:
    """Register before the search handler (it answers any text); see the module docstring."""
    from bot.handlers import review

    app.add_handler(conversation(persistent=app.persistence is not None))
    review.register(app)
