"""my_chat_member: a person who blocks the bot is marked inactive (and active on return)."""

from __future__ import annotations

from telegram import ChatMember, Update
from telegram.ext import ChatMemberHandler

from bot.handlers.common import App, Context, profile, services

GONE = {ChatMember.BANNED, ChatMember.LEFT}


async def on_membership(update: Update, context: Context) -> None:
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    active = change.new_chat_member.status not in GONE
    db = services(context).db
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE users SET active = ? WHERE telegram_id = ?", (int(active), change.from_user.id)
        )
    profile(context).active = active


def register(app: App) -> None:
    app.add_handler(ChatMemberHandler(on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
