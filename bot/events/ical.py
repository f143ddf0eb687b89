"""iCalendar: import a file or feed (recurring events expanded over a window), export one event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from icalendar import Calendar, vRecur
from icalendar import Event as VEvent

from bot.db import Database
from bot.events.model import CATEGORIES, DEFAULT_CATEGORY, Event, NewEvent, Text
from bot.events.repo import insert_event, uid_exists
from bot.outbox.store import utc_iso

PRODID = "-//Harbour//events//EN"
WINDOW = dt.timedelta(weeks=12)


@dataclass(frozen=True)
class ImportReport:
    created: int
    skipped: int
    """occurrences already imported (same UID and start)"""


def parse(data: bytes | str, tz: dt.tzinfo, start: dt.datetime, window: dt.timedelta = WINDOW,
          language: str = "en") -> list[NewEvent]:
    """Every occurrence starting in [start, start + window); floating times are in `tz`."""
    calendar = Calendar.from_ical(data)
    end = start + window
    vevents = [c for c in calendar.walk("VEVENT") if isinstance(c, VEvent)]
    overrides = {
        (str(v.get("UID")), _aware(v.decoded("RECURRENCE-ID"), tz)): v
        for v in vevents if v.get("RECURRENCE-ID") is not None
    }
    found: list[NewEvent] = []
    for v in vevents:
        if v.get("RECURRENCE-ID") is not None or str(v.get("STATUS", "")).upper() == "CANCELLED":
            continue
        uid = str(v.get("UID") or "")
        first = _aware(v.start, tz)
        length = _aware(v.end, tz) - first if v.get("DTEND") or v.get("DURATION") else \
            dt.timedelta(hours=1)
        for when in _occurrences(v, first, tz, start, end):
            override = overrides.get((uid, when))
            source = override if override is not None else v
            if override is not None:
                if str(override.get("STATUS", "")).upper() == "CANCELLED":
                    continue
                when = _aware(override.start, tz)
                length = _aware(override.end, tz) - when
            found.append(_new_event(source, uid, when, length, language, recurring=_weekly(v)))
    found.sort(key=lambda e: e.starts_at)
    return found


def _weekly(v: VEvent) -> bool:
    return bool(v.rrules) and [str(f).upper() for f in v.rrules[0].get("FREQ", [])] == ["WEEKLY"]


def _aware(value: dt.date | dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    if not isinstance(value, dt.datetime):  # an all-day event: from midnight local time
        return dt.datetime.combine(value, dt.time(0), tzinfo=tz)
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def _occurrences(v: VEvent, first: dt.datetime, tz: dt.tzinfo, lo: dt.datetime, hi: dt.datetime
                 ) -> list[dt.datetime]:
    """Occurrence starts in [lo, hi), expanded in the event's own wall-clock time."""
    if not v.rrules:
        return [first] if lo <= first < hi else []
    zone = first.tzinfo or tz
    wall = first.replace(tzinfo=None)
    parts = dict(v.rrules[0])
    until = parts.pop("UNTIL", None)
    rule = rrulestr(vRecur(parts).to_ical().decode(), dtstart=wall)
    if until:
        limit = until[0]
        if isinstance(limit, dt.datetime):
            limit = _aware(limit, zone).astimezone(zone).replace(tzinfo=None)
        else:
            limit = dt.datetime.combine(limit, dt.time.max)
        rule = rule.replace(until=limit)
    excluded = {_aware(x, zone) for x in v.exdates}
    lo_wall = lo.astimezone(zone).replace(tzinfo=None) - dt.timedelta(days=1)
    hi_wall = hi.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
    starts = [w.replace(tzinfo=zone) for w in rule.between(lo_wall, hi_wall, inc=True)]
    starts += [_aware(r, zone) for r in v.rdates if not isinstance(r, tuple)]
    return sorted({s for s in starts if lo <= s < hi and s not in excluded})


def _new_event(v: VEvent, uid: str, when: dt.datetime, length: dt.timedelta, language: str,
               *, recurring: bool) -> NewEvent:
    categories = [c.lower() for c in v.categories] if hasattr(v, "categories") else []
    category = next((c for c in categories if c in CATEGORIES), DEFAULT_CATEGORY)
    title = str(v.get("SUMMARY") or "").strip() or "?"
    occurrence_uid = f"{uid}/{utc_iso(when)}" if uid else None
    return NewEvent(
        texts={language: Text(title, str(v.get("DESCRIPTION") or "").strip())},
        category=category, starts_at=when, ends_at=when + length,
        venue=str(v.get("LOCATION") or "").strip(), uid=occurrence_uid,
        weekly=recurring,
    )


async def import_events(db: Database, events: list[NewEvent], now: dt.datetime,
                        created_by: int | None = None) -> ImportReport:
    """Store occurrences not seen before (by UID and start); one transaction for the file."""
    created = skipped = 0
    fresh = [e for e in events if e.uid is None or not await uid_exists(db, e.uid)]
    skipped = len(events) - len(fresh)
    async with db.transaction() as conn:
        for new in fresh:
            series = new.uid.rsplit("/", 1)[0] if new.weekly and new.uid else None
            await insert_event(conn, new, new.starts_at, new.ends_at, now=now, uid=new.uid,
                               series_id=series, created_by=created_by)
            created += 1
    return ImportReport(created, skipped)


def export_event(event: Event, language: str, now: dt.datetime) -> bytes:
    """One occurrence as an .ics file, in the person's language (for 'add to my calendar')."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    v = VEvent()
    text = event.text(language)
    v.add("uid", f"harbour-event-{event.id}@harbour")
    v.add("dtstamp", now.astimezone(dt.UTC))
    v.add("dtstart", event.starts_at.astimezone(dt.UTC))
    v.add("dtend", event.ends_at.astimezone(dt.UTC))
    v.add("summary", text.title)
    if text.description:
        v.add("description", text.description)
    if event.venue:
        v.add("location", event.venue)
    v.add("status", "CANCELLED" if event.status == "cancelled" else "CONFIRMED")
    calendar.add_component(v)
    return calendar.to_ical()
