"""/review (approve or reject with a reason), /history with revert, /stale with "still
correct", /gaps, and the weekly digest job for volunteers."""

from __future__ import annotations

import datetime as dt
import html
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.callbacks import service_ref
from bot.editing import fresh
from bot.editing.changes import Proposal, current
from bot.editing.diff import diff
from bot.editing.errors import Conflict, InvalidValue, NotFound
from bot.handlers.common import App, Context, send, services, translator
from bot.handlers.editing import (
    END,
    REASON,
    conflict_text,
    done,
    draft,
    find_services,
    goto,
    say,
)
from bot.handlers.editing_text import diff_html, field_name
from bot.handlers.staff import changes_of, decode, encode, matcher, service_by_ref
from bot.i18n import Translator
from bot.render import Button, Keyboard
from bot.team import AccessDenied, rank

log = logging.getLogger(__name__)

DIGEST_TIME = dt.time(9, 0)
DIGEST_DAY = 1
"""Monday (PTB counts 0 = Sunday)"""
REVIEW_BATCH = 5
HISTORY_SHOWN = 10


def proposal_html(p: Proposal, name: str, t: Translator) -> str:
    _ = t.gettext
    head = _("<b>#{id}</b> {service}: {what}, by <code>{who}</code> (from revision {base})"
             ).format(id=p.id, service=html.escape(name), what=html.escape(
                 field_name(t, p.field) if p.field else p.action), who=p.proposer,
                 base=p.base_revision)
    return f"{head}\n{diff_html(diff(p.before, p.after), t)}"


async def review_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    t = translator(context)
    _ = t.gettext
    waiting = await changes_of(context).pending(REVIEW_BATCH)
    if not waiting:
        await send(context, chat.id, _("Nothing waits for review."))
        return
    for p in waiting:
        keyboard = [[Button("✅ " + _("Approve"), data=encode("ra", p.id)),
                     Button("✖ " + _("Reject"), data=encode("rr", p.id))]]
        await send(context, chat.id, proposal_html(p, p.after.get("name", p.service_id), t),
                   keyboard)


async def tell(context: Context, user_id: int, text: str) -> None:
    """A message to another person (a proposer); never fails the current update."""
    try:
        await context.bot.send_message(user_id, text)
    except TelegramError as exc:
        log.info("could not tell user %s: %s", user_id, exc)


async def proposer_translator(context: Context, user_id: int) -> Translator:
    svc = services(context)
    row = await svc.db.fetchone("SELECT language FROM users WHERE telegram_id = ?", (user_id,))
    return svc.i18n.get(row["language"] if row else None)


async def approve_button(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    found = decode(query.data) if query else None
    if query is None or user is None or found is None:
        return
    t = translator(context)
    _ = t.gettext
    changes = changes_of(context)
    proposal_id = int(found[1][0])
    try:
        outcome = await changes.approve(user.id, proposal_id)
    except NotFound:
        await query.answer(_("This change was decided already."), show_alert=True)
        return
    except Conflict as exc:
        await query.answer()
        await query.edit_message_reply_markup(None)
        await say(update, context, conflict_text(exc, t))
        p = await changes.proposal(proposal_id)
        theirs = await proposer_translator(context, p.proposer)
        await tell(context, p.proposer, conflict_text(exc, theirs))
        return
    p = outcome.proposal
    await query.answer(_("Approved."))
    await query.edit_message_text(
        proposal_html(p, p.after.get("name", p.service_id), t) + "\n\n✅ "
        + _("Approved: live now (revision {revision}).").format(revision=outcome.revision),
    )
    theirs = await proposer_translator(context, p.proposer)
    await tell(context, p.proposer, theirs.gettext(
        "Your change to {service} was approved and is live now. Thank you!").format(
            service=html.escape(p.after.get("name", p.service_id))))


async def reject_button(update: Update, context: Context) -> str | int:
    """Entry point of the conversation: the reason is typed next."""
    query = update.callback_query
    found = decode(query.data) if query else None
    _ = translator(context).gettext
    if found is None:
        return END
    try:
        p = await changes_of(context).proposal(int(found[1][0]))
    except NotFound:
        p = None
    if p is None or p.status != "pending":
        if query is not None:
            await query.answer(_("This change was decided already."), show_alert=True)
        return END
    await say(update, context, _("Why is change #{id} rejected? Your reason is sent to the "
                                 "volunteer.").format(id=p.id))
    return await goto(update, context, REASON, {"mode": "reject", "proposal": p.id})


async def reason_text(update: Update, context: Context) -> int:
    user = update.effective_user
    text = update.message.text if update.message and update.message.text else ""
    data = await draft(update, context)
    _ = translator(context).gettext
    if user is None or "proposal" not in data:
        return await done(update, context)
    try:
        p = await changes_of(context).reject(user.id, int(data["proposal"]), text)
    except (NotFound, AccessDenied):
        await say(update, context, _("This change was decided already."))
        return await done(update, context)
    await say(update, context, _("Rejected; the volunteer is told why."))
    theirs = await proposer_translator(context, p.proposer)
    await tell(context, p.proposer, theirs.gettext(
        "Your change to {service} was not accepted. The reason: {reason}").format(
            service=html.escape(p.after.get("name", p.service_id)),
            reason=html.escape(p.reason or "")))
    return await done(update, context)


async def history_command(update: Update, context: Context) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    t = translator(context)
    _ = t.gettext
    words = " ".join(context.args or ())
    svc = services(context)
    found = find_services(svc, words) if words else []
    if not found:
        await send(context, chat.id,
                   _("Usage: /history followed by part of a service's name or id"))
        return
    service = found[0]
    changes = changes_of(context)
    now = await current(svc.db, service.id)
    staff = rank(await changes.team.role_of(user.id)) >= rank("staff")
    lines = [_("<b>History of {service}</b> (now revision {revision})").format(
        service=html.escape(service.name), revision=now.revision)]
    keyboard: Keyboard = []
    for entry in await changes.history(service.id, HISTORY_SHOWN):
        who = f"<code>{entry.actor}</code>" if entry.actor else _("catalog files")
        lines.append(f"\n<b>r{entry.revision}</b> {html.escape(entry.action)} · {who} · "
                     f"{html.escape(entry.at[:16].replace('T', ' '))}")
        lines.append(diff_html(diff(entry.before, entry.after), t))
        if staff and entry.after is not None and entry.revision < now.revision:
            keyboard.append([Button(_("Revert to revision {revision}").format(
                revision=entry.revision),
                data=encode("rv", service_ref(service.id), entry.revision, now.revision))])
    await send(context, chat.id, "\n".join(lines), keyboard)


async def revert_button(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    found = decode(query.data) if query else None
    svc = services(context)
    service = service_by_ref(svc, found[1][0]) if found else None
    t = translator(context)
    _ = t.gettext
    if query is None or user is None or found is None or service is None:
        return
    try:
        outcome = await changes_of(context).revert(
            user.id, service.id, int(found[1][1]), int(found[1][2]))
    except Conflict as exc:
        await say(update, context, conflict_text(exc, t))
        return
    except (NotFound, InvalidValue) as exc:
        await query.answer(html.escape(str(exc)), show_alert=True)
        return
    await say(update, context, _("Reverted {service} to revision {old}; it is now revision "
                                 "{revision}.").format(service=html.escape(service.name),
                                                        old=found[1][1],
                                                        revision=outcome.revision))


async def stale_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    _ = translator(context).gettext
    today = svc.now().date()
    found = await fresh.stale(svc.db, today, limit=10)
    if not found:
        await send(context, chat.id, _("Every service was checked in the last 180 days."))
        return
    lines = [_("Not checked for over 180 days, oldest first. Is it still right?")]
    keyboard: Keyboard = []
    for item in found:
        lines.append(_("• {service}: last checked {date} ({days} days ago)").format(
            service=html.escape(item.name), date=item.last_verified.isoformat(),
            days=item.days(today)))
        keyboard.append([Button("✅ " + _("Still correct: {service}").format(
            service=item.name), data=encode("ok", service_ref(item.service_id), item.revision))])
    await send(context, chat.id, "\n".join(lines) + "\n\n"
               + _("If something changed, use /edit instead."), keyboard)


async def still_correct_button(update: Update, context: Context) -> None:
    query, user = update.callback_query, update.effective_user
    found = decode(query.data) if query else None
    svc = services(context)
    service = service_by_ref(svc, found[1][0]) if found else None
    _ = translator(context).gettext
    if query is None or user is None or found is None or service is None:
        return
    try:
        await fresh.still_correct(changes_of(context), user.id, service.id, int(found[1][1]),
                                  svc.now().date())
    except (Conflict, InvalidValue):
        await query.answer(_("This service changed since the list was made. Please send "
                             "/stale again."), show_alert=True)
        return
    await query.answer(_("Thank you! Marked as checked today."))
    await send(context, user.id, "✅ " + _("{service}: marked as checked today.").format(
        service=html.escape(service.name)))


async def gaps_command(update: Update, context: Context) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    svc = services(context)
    t = translator(context)
    _ = t.gettext

    def categorize(text: str) -> str | None:
        answer = svc.engine.ask(text)
        return answer.categories[0] if answer.categories else None

    since = svc.now().date() - fresh.GAP_WINDOW
    found = await fresh.gaps(svc.db, since, categorize)
    if not found:
        await send(context, chat.id, _("No unanswered questions or unhelpful answers in the "
                                       "last 90 days."))
        return
    lines = [_("What people asked for in the last 90 days that Harbour could not answer well "
               "(anonymous):")]
    for gap in found[:15]:
        category = (svc.category_label(gap.category, t.language)
                    if gap.category in svc.catalog.categories else _("no category"))
        lines.append(_("• {category} · {language}: {unanswered} unanswered, {unhelpful} "
                       "unhelpful").format(category=html.escape(category),
                                           language=html.escape(gap.language or "?"),
                                           unanswered=gap.unanswered, unhelpful=gap.unhelpful))
        lines += [f"   “{html.escape(e[:80])}”" for e in gap.examples]
    await send(context, chat.id, "\n".join(lines))


def digest_html(d: fresh.Digest, t: Translator) -> str:
    _ = t.gettext
    lines = ["📰 " + _("<b>Your weekly Harbour digest</b>")]
    if d.stale_total:
        lines.append(_("{count} services were not checked for over 180 days. The oldest:")
                     .format(count=d.stale_total))
        lines += [f"• {html.escape(s.name)} ({s.last_verified.isoformat()})" for s in d.stale]
        lines.append(_("Check them with /stale."))
    if d.new_unanswered:
        lines.append(_("{count} new questions found no service, for example:").format(
            count=d.new_unanswered))
        lines += [f"• “{html.escape(e[:80])}”" for e in d.examples]
        lines.append(_("See /gaps."))
    if d.approved or d.rejected or d.pending:
        lines.append(_("Your changes: {approved} approved, {rejected} not accepted, {pending} "
                       "waiting.").format(approved=d.approved, rejected=d.rejected,
                                          pending=d.pending))
    return "\n".join(lines)


async def weekly_digest(context: Context) -> None:
    """The job: one short message to each active volunteer and staff member."""
    svc = services(context)
    for d in await fresh.digests(svc.db, svc.now()):
        if d.empty:
            continue
        try:
            await context.bot.send_message(d.user_id, digest_html(d, svc.i18n.get(d.language)))
        except TelegramError as exc:
            log.info("could not send the digest to %s: %s", d.user_id, exc)


def register(app: App) -> None:
    app.add_handler(CommandHandler("review", review_command))
    app.add_handler(CommandHandler("history", history_command))
    app.add_handler(CommandHandler("stale", stale_command))
    app.add_handler(CommandHandler("gaps", gaps_command))
    app.add_handler(CallbackQueryHandler(approve_button, pattern=matcher("ra")))
    app.add_handler(CallbackQueryHandler(revert_button, pattern=matcher("rv")))
    app.add_handler(CallbackQueryHandler(still_correct_button, pattern=matcher("ok")))
    if app.job_queue is not None:
        app.job_queue.run_daily(weekly_digest, DIGEST_TIME, days=(DIGEST_DAY,),
                                name="weekly-digest")
