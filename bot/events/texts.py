"""Event words in a language passed explicitly (jobs have no update): escaped HTML, Babel dates."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable

from babel.dates import format_skeleton, format_time

from bot.events.model import CATEGORIES, Event
from bot.i18n import Translator
from bot.l10n import locale as babel_locale
from bot.render import esc


def when(event: Event, tz: dt.tzinfo, language: str) -> str:
    """'Tue 24 November, 18:00–20:00' in the person's language, in the region's timezone."""
    locale = babel_locale(language)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    day = format_skeleton("MMMMEd", start, locale=locale)
    hours = format_time(start, "short", locale=locale)
    if end > start:
        hours += "–" + format_time(end, "short", locale=locale)
    return f"{day}, {hours}"


def category_label(category: str, t: Translator) -> str:
    return t.gettext(CATEGORIES.get(category, category))


def event_html(event: Event, t: Translator, tz: dt.tzinfo) -> str:
    """One event for /events and previews."""
    _ = t.gettext
    text = event.text(t.language)
    lines = [f"<b>{esc(text.title, t)}</b>"]
    if event.status == "moved":
        lines[0] += " " + _("(new time)")
    lines.append("🕒 " + html.escape(when(event, tz, t.language)))
    if event.venue:
        lines.append("📍 " + esc(event.venue, t))
    if text.description:
        lines.append(esc(text.description, t))
    if event.capacity_note:
        lines.append("👥 " + esc(event.capacity_note, t))
    return "\n".join(lines)


def reminder_html(event: Event, t: Translator, tz: dt.tzinfo, hours: int) -> str:
    _ = t.gettext
    head = t.ngettext(
        "⏰ Reminder: this starts in {hours} hour.", "⏰ Reminder: this starts in {hours} hours.",
        hours,
    ).format(hours=hours)
    return f"{head}\n\n{event_html(event, t, tz)}"


def cancelled_html(event: Event, t: Translator, tz: dt.tzinfo) -> str:
    _ = t.gettext
    text = event.text(t.language)
    return _("❌ Cancelled: {title} on {when} will not take place.").format(
        title=f"<b>{esc(text.title, t)}</b>", when=html.escape(when(event, tz, t.language))
    )


def moved_html(event: Event, old: Event, t: Translator, tz: dt.tzinfo) -> str:
    _ = t.gettext
    text = event.text(t.language)
    return _("📅 New time: {title} moves from {old} to {new}.").format(
        title=f"<b>{esc(text.title, t)}</b>", old=html.escape(when(old, tz, t.language)),
        new=html.escape(when(event, tz, t.language)),
    )


def new_event_html(event: Event, t: Translator, tz: dt.tzinfo) -> str:
    _ = t.gettext
    head = _("🆕 New event in {category}:").format(category=category_label(event.category, t))
    return f"{head}\n\n{event_html(event, t, tz)}\n\n" + _("Send /events to see this week.")


def broadcast_html(text: str, t: Translator) -> str:
    """A staff message as people receive it: escaped, never interpreted as markup."""
    return "📢 " + esc(text, t)


Render = Callable[[Translator], str]
