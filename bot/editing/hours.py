"""Opening hours as people type them ("Mon-Fri 9:30-17:00, Sat 10-12") <-> schedule entries."""

from __future__ import annotations

import itertools
import re
from typing import Any

from bot.catalog import schema
from bot.catalog.model import WEEKDAYS
from bot.editing.errors import InvalidValue

DAY_NAMES = {
    **{d: d for d in WEEKDAYS},
    "monday": "mon", "tuesday": "tue", "tues": "tue", "wednesday": "wed", "thursday": "thu",
    "thur": "thu", "thurs": "thu", "friday": "fri", "saturday": "sat", "sunday": "sun",
}
GROUPS = {"weekdays": WEEKDAYS[:5], "daily": WEEKDAYS, "weekends": WEEKDAYS[5:]}
NO_HOURS = {"closed", "none", "no hours", "-", "by appointment"}
_DAY = r"[a-z]+"
_DAYS_RE = re.compile(rf"^\s*({_DAY}(?:\s*(?:-|–|to|/|&|and)\s*{_DAY})*)\b\s*:?", re.I)
_SPAN_RE = re.compile(
    r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*(?:-|–|—|to)\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?",
    re.I,
)


def _day(word: str) -> str:
    found = DAY_NAMES.get(word.lower())
    if found is None:
        hint = schema.did_you_mean(word.lower(), list(DAY_NAMES) + list(GROUPS))
        raise InvalidValue(f"'{word}' is not a day of the week{hint}")
    return found


def _days(spec: str) -> list[str]:
    """'Mon-Fri', 'mon/wed', 'weekdays', 'Tue and Thu' -> weekday ids, in week order."""
    spec = spec.strip().lower()
    if spec in GROUPS:
        return list(GROUPS[spec])
    days: set[str] = set()
    for part in re.split(r"\s*(?:/|&|\band\b)\s*", spec):
        ends = re.split(r"\s*(?:-|–|\bto\b)\s*", part)
        if len(ends) == 2:
            start, stop = WEEKDAYS.index(_day(ends[0])), WEEKDAYS.index(_day(ends[1]))
            if stop < start:
                raise InvalidValue(f"'{part}' runs backwards; write the earlier day first")
            days.update(WEEKDAYS[start:stop + 1])
        elif len(ends) == 1 and ends[0]:
            days.add(_day(ends[0]))
        else:
            raise InvalidValue(f"cannot read the days '{part}'")
    return [d for d in WEEKDAYS if d in days]


def _clock(hour: str, minute: str | None, half: str | None) -> str:
    h, m = int(hour), int(minute or 0)
    if half:
        if not 1 <= h <= 12:
            raise InvalidValue(f"{hour}{half} is not a time")
        h = h % 12 + (12 if half.lower() == "pm" else 0)
    text = f"{h:02d}:{m:02d}"
    problem = schema.check_time(text)
    if problem:
        raise InvalidValue(problem)
    return text


def parse_hours(text: str) -> list[dict[str, Any]]:
    """Schedule entries `{day, opens, closes}`; 'closed' or 'none' gives no regular hours."""
    if text.strip().lower() in NO_HOURS:
        return []
    entries: list[dict[str, Any]] = []
    days: list[str] = []
    for segment in re.split(r"[,;\n]+", text):
        segment = segment.strip()
        if not segment:
            continue
        found = _DAYS_RE.match(segment)
        if found and not found.group(1)[0].isdigit():
            days = _days(found.group(1))
            segment = segment[found.end():]
        if not days:
            raise InvalidValue(f"'{segment}' needs a day first, e.g. 'Mon 10:00-12:00'")
        spans = list(_SPAN_RE.finditer(segment))
        leftover = _SPAN_RE.sub("", segment).strip(" :")
        if not spans or leftover:
            raise InvalidValue(
                f"cannot read the times in '{segment.strip()}'; write them like 10:00-12:00"
            )
        for span in spans:
            closes_half = span.group(6)
            opens_half = span.group(3) or (closes_half if closes_half and
                                           int(span.group(1)) <= int(span.group(4)) else None)
            opens = _clock(span.group(1), span.group(2), opens_half)
            closes = _clock(span.group(4), span.group(5), closes_half)
            if closes <= opens:
                raise InvalidValue(f"closes at {closes}, not after it opens at {opens}")
            entries += [{"day": d, "opens": opens, "closes": closes} for d in days]
    entries.sort(key=lambda e: (WEEKDAYS.index(e["day"]), e["opens"]))
    for one, two in itertools.pairwise(entries):
        if one["day"] == two["day"] and two["opens"] < one["closes"]:
            raise InvalidValue(f"two openings overlap on {one['day'].capitalize()}")
    if not entries:
        raise InvalidValue("no opening times found; write them like 'Mon 10:00-12:00'")
    return entries


def format_hours(schedule: list[dict[str, Any]] | None) -> str:
    """'Mon 10:00-12:00; Tue 10:00-13:00' (the form parse_hours reads back)."""
    if not schedule:
        return "none"
    return "; ".join(
        f"{str(e['day']).capitalize()} {e['opens']}-{e['closes']}" for e in schedule
    )
