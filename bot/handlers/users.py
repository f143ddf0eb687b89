"""Group -2, on every update: flood control, then the person's profile and locale."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import LANGUAGES
from bot.flood import Verdict
from bot.handlers.common import App, Context, services, translator
from bot.state import PROFILE_KEY, Profile, Services

LAST_SEEN_EVERY = dt.timedelta(minutes=10)
"""last_seen is coarse on purpose: fewer writes, and less said about a person"""
TELEGRAM_CODES = {"ku": "ckb"}


def guess_language(code: str | None) -> str:
    """Telegram's language_code ('en-GB', 'uk') as one of ours, else English."""
    base = (code or "").split("-")[0].lower()
    base = TELEGRAM_CODES.get(base, base)
    return base if base in LANGUAGES else "en"


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


async def load_profile(svc: Services, user_id: int, language_code: str | None) -> Profile:
    now = svc.now()
    row = await svc.db.fetchone(
        "SELECT language, role, active FROM users WHERE telegram_id = ?", (user_id,)
    )
    if row is None:
        async with svc.db.transaction() as conn:
            await conn.execute(
                "INSERT OR IGNORE INTO users (telegram_id, language, role, active, created_at, "
                "last_seen) VALUES (?, NULL, 'public', 1, ?, ?)", (user_id, iso(now), iso(now)),
            )
        return Profile(None, saved_at=now, guess=guess_language(language_code))
    language = row["language"] if row["language"] in LANGUAGES else None
    return Profile(
        language, row["role"], bool(row["active"]), None, guess_language(language_code)
    )


async def touch(svc: Services, user_id: int, person: Profile) -> None:
    """Write last_seen (and active again after a block) at most every LAST_SEEN_EVERY."""
    now = svc.now()
    if person.active and person.saved_at and now - person.saved_at < LAST_SEEN_EVERY:
        return
    person.saved_at, person.active = now, True
    async with svc.db.transaction() as conn:
        await conn.execute(
            "UPDATE users SET last_seen = ?, active = 1 WHERE telegram_id = ?",
            (iso(now), user_id),
        )


async def track(update: Update, context: Context) -> None:
    user = update.effective_user
    if user is None or context.user_data is None:
        return
    svc = services(context)
    if update.message is not None or update.callback_query is not None:
        verdict = svc.flood.check(user.id)
        if verdict is not Verdict.OK:
            await _slow_down(update, context, verdict)
            raise ApplicationHandlerStop
    person = context.user_data.get(PROFILE_KEY)
    if not isinstance(person, Profile):
        person = await load_profile(svc, user.id, user.language_code)
        context.user_data[PROFILE_KEY] = person
    if update.my_chat_member is None:  # membership changes are the membership handler's
        await touch(svc, user.id, person)


async def _slow_down(update: Update, context: Context, verdict: Verdict) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    if verdict is Verdict.WARN and update.effective_chat is not None:
        _ = translator(context).gettext
        await context.bot.send_message(
            update.effective_chat.id,
            _("You are sending messages very fast. Please slow down and wait a minute."),
        )


def register(app: App) -> None:
    app.add_handler(TypeHandler(Update, track), group=-2)
    # group -1 is reserved for role guards (volunteer/staff/admin commands), checked after the
    # profile is loaded and before any feature handler runs.
