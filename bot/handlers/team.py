"""/invite, /team, /revoke and joining through an invite link (`/start inv_<token>`)."""

from __future__ import annotations

import html

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, TypeHandler

from bot.handlers.common import App, Context, profile, send, translator
from bot.handlers.staff import decode, encode, guard, matcher, team_of
from bot.i18n import N_, Translator
from bot.render import Button
from bot.state import PROFILE_KEY
from bot.team import AccessDenied, rank
from bot.team.invites import INVITABLE, PREFIX, Redeemed, create_invite, deep_link, redeem

ROLE_NAMES = {
    "admin": N_("admin"), "staff": N_("staff"), "volunteer": N_("volunteer"),
    "public": N_("member of the public"),
}


def role_name(t: Translator, role: str) -> str:
    return t.gettext(ROLE_NAMES.get(role, role))


async def redeem_from_start(update: Update, context: Context) -> bool:
    """For /start: True when the payload was an invite (used or refused, and answered).

    The guard in group -1 calls this first; the start handler may call it too.
    """
    user, chat = update.effective_user, update.effective_chat
    payload = " ".join(context.args or ()) if context.args is not None else ""
    if not payload and update.message is not None and update.message.text:
        payload = " ".join(update.message.text.split()[1:])
    if user is None or chat is None or not payload.startswith(PREFIX):
        return False
    _ = translator(context).gettext
    outcome, role = await redeem(team_of(context), payload[len(PREFIX):], user.id)
    person = profile(context)
    if outcome is Redeemed.INVALID:
        text = _("This invitation link is not valid any more: it was used already or it "
                 "expired. Please ask for a new one.")
    else:
        person.role = role or person.role
        if context.user_data is not None:
            context.user_data[PROFILE_KEY] = person
        name = html.escape(role_name(translator(context), role or "public"))
        text = (_("Welcome to the Harbour team! You are now a {role}.").format(role=name)
                if outcome is Redeemed.GRANTED
                else _("You are already a {role}.").format(role=name))
        text += "\n\n" + _("Try /stale, /edit, /add, /translate and /gaps.")
    await send(context, chat.id, text)
    return True


async def invite_command(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    _ = translator(context).gettext
    role = (context.args or ["volunteer"])[0].lower()
    if role not in INVITABLE:
        await send(context, chat.id, _("Usage: /invite volunteer or /invite staff"))
        return
    try:
        token = await create_invite(team_of(context), role, user.id)
    except AccessDenied:
        await send(context, chat.id, _("Only staff can invite."))
        return
    link = deep_link(context.bot.username, token)
    await send(
        context, chat.id,
        _("Send this link to the person you invite as {role}. It works once and expires in "
          "48 hours:\n{link}").format(role=html.escape(role_name(translator(context), role)),
                                      link=html.escape(link)),
    )


async def team_command(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    t = translator(context)
    _ = t.gettext
    team = team_of(context)
    mine = await team.role_of(user.id)
    lines, keyboard = [_("<b>The Harbour team</b>")], []
    for member in await team.members():
        lines.append(f"• <code>{member.user_id}</code> — {html.escape(role_name(t, member.role))}"
                     + ("" if member.active else " " + _("(inactive)")))
        if member.user_id not in team.admins and rank(member.role) < rank(mine):
            label = _("Revoke {person}").format(person=member.user_id)
            keyboard.append([Button(label, data=encode("rk", member.user_id))])
    await send(context, chat.id, "\n".join(lines), keyboard)


async def _revoke(update: Update, context: Context, user_id: int) -> str:
    user = update.effective_user
    _ = translator(context).gettext
    if user is None:
        return ""
    try:
        had = await team_of(context).revoke(user.id, user_id)
    except AccessDenied:
        return _("You cannot revoke this person's role.")
    from bot.handlers.editing import forget_drafts

    await forget_drafts(context, user_id)
    if had == "public":
        return _("{person} has no role.").format(person=user_id)
    return _("{person} is no longer a {role}.").format(
        person=user_id, role=html.escape(role_name(translator(context), had))
    )


async def revoke_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    _ = translator(context).gettext
    args = context.args or []
    if len(args) != 1 or not args[0].isdigit():
        await send(context, chat.id,
                   _("Usage: /revoke followed by the person's user id (see /team)"))
        return
    await send(context, chat.id, await _revoke(update, context, int(args[0])))


async def revoke_button(update: Update, context: Context) -> None:
    query = update.callback_query
    found = decode(query.data) if query else None
    if query is None or found is None:
        return
    text = await _revoke(update, context, int(found[1][0]))
    await query.answer()
    if update.effective_chat is not None:
        await send(context, update.effective_chat.id, text)
    await query.edit_message_reply_markup(None)


def register(app: App) -> None:
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(CommandHandler("invite", invite_command))
    app.add_handler(CommandHandler("team", team_command))
    app.add_handler(CommandHandler("revoke", revoke_command))
    app.add_handler(CallbackQueryHandler(revoke_button, pattern=matcher("rk")))
