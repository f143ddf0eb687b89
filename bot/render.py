"""Telegram HTML for service cards, emergency lines and long messages (no `telegram` import).

Every catalog and user string is escaped here; buttons are plain `Button` values that the
handlers turn into Telegram keyboards.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import quote

from bot.callbacks import CallbackError, encode, service_ref
from bot.catalog.model import EmergencyLine, Service
from bot.i18n import N_, Translator
from bot.l10n import hours_span, km_text, language_name, next_opening, weekday_name
from bot.search.hours import today_hours

MAX_MESSAGE = 4096
LRI, PDI = "\u2066", "\u2069"
_LTR_RUN = re.compile(r"[A-Za-z0-9+(][A-Za-z0-9 .,+\-/:()'@&]*[A-Za-z0-9)]|[A-Za-z0-9]")
COSTS = {"free": N_("Free"), "low_cost": N_("Low cost"), "paid": N_("Paid")}


@dataclass(frozen=True)
class Button:
    text: str
    url: str | None = None
    data: str | None = None


Keyboard = list[list[Button]]


def isolate(text: str, rtl: bool) -> str:
    """In right-to-left text, keep Latin and number runs (phones, postcodes) left-to-right."""
    if not rtl or not text:
        return text
    return _LTR_RUN.sub(lambda m: f"{LRI}{m.group(0)}{PDI}", text)


def esc(text: str, t: Translator) -> str:
    """Escape a catalog or user string for HTML, isolating Latin runs in RTL languages."""
    return html.escape(isolate(text, t.rtl), quote=False)


def hours_text(service: Service, day: dt.date, t: Translator) -> str:
    _ = t.gettext
    openings = today_hours(service, day)
    if any(o.opens == dt.time(0, 0) and o.closes == dt.time(23, 59) for o in openings):
        return _("Open 24 hours")
    if openings:
        spans = ", ".join(hours_span(o, t.language) for o in openings)
        return _("Today: {hours}").format(hours=esc(spans, t))
    if service.schedule:
        upcoming = next_opening(service.schedule, day, service.closed_dates)
        if upcoming is None:
            return _("Closed today")
        next_day, opening = upcoming
        return _("Closed today. Next: {day} {hours}").format(
            day=esc(weekday_name(next_day.weekday(), t.language), t),
            hours=esc(hours_span(opening, t.language), t),
        )
    note = service.text(t.language).schedule_note
    return esc(note, t) if note else ""


def service_card(
    service: Service, t: Translator, now: dt.datetime, *,
    open_now: bool | None = None, distance_km: float | None = None,
) -> str:
    """A service as an HTML card: name, what it offers, hours, address, cost, languages."""
    _ = t.gettext
    text = service.text(t.language)
    title = f"<b>{esc(text.name, t)}</b>"
    if open_now is True:
        title += " · 🟢 " + _("open now")
    elif open_now is False:
        title += " · 🔴 " + _("closed now")
    lines = [title]
    if text.description:
        lines.append(esc(text.description, t))
    if not service.has_text(t.language):
        note = _("(This service is not translated into your language yet.)")
        lines.append(f"<i>{note}</i>")
    if not service.is_offered:
        lines.append("⚠️ " + _("Temporarily closed"))
    hours = hours_text(service, now.date(), t)
    if hours:
        lines.append(f"🕒 {hours}")
    if service.schedule and text.schedule_note:  # an untranslated note stays out
        lines.append(f"<i>{esc(text.schedule_note, t)}</i>")
    for loc in service.locations[:2]:
        name = "" if loc.name and loc.address.startswith(loc.name) else loc.name
        where = ", ".join(p for p in (name, loc.address, loc.postcode) if p)
        lines.append(f"📍 {esc(where, t)}")
    if distance_km is not None:
        lines.append("🚶 " + _("{km} km away").format(km=esc(km_text(distance_km, t.language), t)))
    lines.append("💷 " + _(COSTS.get(service.cost, service.cost)))
    if service.languages:
        names = ", ".join(language_name(code, t.language) for code in service.languages)
        lines.append("🗣 " + _("Languages: {names}").format(names=esc(names, t)))
    if service.phone:
        lines.append(f"📞 {esc(service.phone, t)}")
    if service.email:
        lines.append(f"✉️ {esc(service.email, t)}")
    if service.example:
        lines.append("<i>" + _("Example entry: contact details are placeholders.") + "</i>")
    return "\n".join(lines)


class CardCache:
    """Rendered cards, remembered: a card changes only with its service, the language, the day,
    open-now and distance. Keyed by the service object (which its entry keeps alive), so an
    edited service, always a new object, never meets its old card."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._cards: OrderedDict[tuple[object, ...], tuple[Service, str]] = OrderedDict()

    def card(
        self, service: Service, t: Translator, now: dt.datetime, *,
        open_now: bool | None = None, distance_km: float | None = None,
    ) -> str:
        key = (id(service), t.language, now.date(), open_now, distance_km)
        hit = self._cards.get(key)
        if hit is not None and hit[0] is service:
            self._cards.move_to_end(key)
            return hit[1]
        card = service_card(service, t, now, open_now=open_now, distance_km=distance_km)
        self._cards[key] = (service, card)
        if len(self._cards) > self.size:
            self._cards.popitem(last=False)
        return card


def maps_url(service: Service) -> str | None:
    for loc in service.locations:
        if loc.latitude is not None and loc.longitude is not None:
            query = quote(f"{loc.latitude},{loc.longitude}")
            return f"https://www.google.com/maps/search/?api=1&query={query}"
    return None


def _data(kind: str, *args: object) -> str | None:
    try:
        return encode(kind, *args)
    except CallbackError:
        return None


def card_buttons(service: Service, t: Translator, *, feedback: bool = False) -> Keyboard:
    """Website, directions, more like this, back; optionally the did-this-help row."""
    _ = t.gettext
    ref = service_ref(service.id)
    rows: Keyboard = []
    links = []
    if service.website.startswith(("https://", "http://")):
        links.append(Button("🌐 " + _("Website"), url=service.website))
    directions = maps_url(service)
    if directions:
        links.append(Button("🧭 " + _("Directions"), url=directions))
    if links:
        rows.append(links)
    nav = []
    more = _data("more", ref)
    if more:
        nav.append(Button("➕ " + _("More like this"), data=more))
    back = _data("cat", service.categories[0], 0) if service.categories else None
    nav.append(Button("⬅️ " + _("Back"), data=back or encode("cats", 0)))
    rows.append(nav)
    if feedback:
        yes, no = _data("fb", 1, ref), _data("fb", 0, ref)
        if yes and no:
            rows.append([Button("👍 " + _("This helped"), data=yes),
                         Button("👎 " + _("Not helpful"), data=no)])
    return rows


KEYCAPS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣")


@dataclass(frozen=True)
class Found:
    """One service of an answer, with what the search knew about it."""

    service: Service
    open_now: bool | None = None
    distance_km: float | None = None


def answer_message(found: list[Found], t: Translator, now: dt.datetime, *,
                   feedback: bool = True, cards: CardCache | None = None) -> tuple[str, Keyboard]:
    """Several services as numbered cards in ONE message (fewer messages on a small phone, and
    a third of the Bot API calls), with a row of buttons per service."""
    _ = t.gettext
    render = cards.card if cards else service_card
    texts = []
    keyboard: Keyboard = []
    for n, item in enumerate(found[: len(KEYCAPS)]):
        mark = KEYCAPS[n]
        card = render(item.service, t, now, open_now=item.open_now, distance_km=item.distance_km)
        texts.append(f"{mark} {card}")
        row = []
        directions = maps_url(item.service)
        if directions:
            row.append(Button(f"{mark} 🧭 " + _("Directions"), url=directions))
        if item.service.website.startswith(("https://", "http://")):
            row.append(Button(f"{mark} 🌐 " + _("Website"), url=item.service.website))
        more = _data("more", service_ref(item.service.id))
        if more:
            row.append(Button(f"{mark} ➕ " + _("More like this"), data=more))
        keyboard.append(row)
    keyboard.append([Button("📂 " + _("Categories"), data=encode("cats", 0))])
    if feedback and found:
        ref = service_ref(found[0].service.id)
        yes, no = _data("fb", 1, ref), _data("fb", 0, ref)
        if yes and no:
            keyboard.append([Button("👍 " + _("This helped"), data=yes),
                             Button("👎 " + _("Not helpful"), data=no)])
    return "\n\n".join(texts), keyboard


def emergency_text(lines: tuple[EmergencyLine, ...], t: Translator) -> str:
    _ = t.gettext
    out = ["🆘 <b>" + _("If you or someone else is in danger now, call:") + "</b>"]
    for line in lines:
        number = esc(line.number, t)
        out.append(f"☎️ <b>{number}</b> · {esc(line.label(t.language), t)}")
    return "\n".join(out)


# -- splitting --------------------------------------------------------------------------------
_TOKEN = re.compile(r"<[^>]*>|&[#\w]+;|\n|[^<&\n]+|[<&]")
_TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)[^>]*>")


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Cut HTML into parts of at most `limit` units, at line breaks or spaces when possible,
    never inside a tag or an entity, closing open tags at a cut and reopening them after."""
    if units(text) <= limit:
        return [text]
    pieces: list[str] = []
    for token in _TOKEN.findall(text):
        if token.startswith(("<", "&")) or token == "\n" or units(token) <= limit // 4:
            pieces.append(token)
        else:  # long plain text: words (with their trailing space) as pieces
            pieces += re.findall(r"\S+\s*|\s+", token)
    parts: list[str] = []
    current: list[str] = []
    size = 0
    open_tags: list[tuple[str, str]] = []  # (name, opening tag)

    def closing() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def flush() -> None:
        nonlocal current, size
        body = "".join(current)
        if body.strip():
            parts.append(body + closing())
        current = [tag for _, tag in open_tags]
        size = sum(units(p) for p in current)

    budget = limit - 64  # room for closing tags
    for piece in pieces:
        while (not piece.startswith(("<", "&")) and units(piece) > budget - size
               and units(piece) > budget // 2):
            room = max(budget - size, 1)
            head, piece = _cut(piece, room)
            current.append(head)
            flush()
        if size + units(piece) > budget:
            flush()
        current.append(piece)
        size += units(piece)
        tag = _TAG.fullmatch(piece)
        if tag:
            name = tag.group(2).lower()
            if tag.group(1):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, piece))
    body = "".join(current)
    if body.strip():
        parts.append(body)
    return parts


def _cut(text: str, room: int) -> tuple[str, str]:
    """Split plain text so the head fits in `room` units."""
    used = count = 0
    for ch in text:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            break
        count += 1
    count = max(count, 1)
    return text[:count], text[count:]
