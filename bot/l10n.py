"""Dates, times, numbers and language names in the reader's locale, with Babel."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_time, get_day_names
from babel.numbers import format_decimal

from bot.catalog.model import Opening

BABEL_LOCALES = {"en": "en_GB"}
"""English as written in the UK: 24-hour times, day before month"""


@lru_cache(maxsize=64)
def locale(language: str) -> Locale:
    try:
        return Locale.parse(BABEL_LOCALES.get(language, language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en_GB")


@lru_cache(maxsize=4096)
def time_text(value: dt.time, language: str) -> str:
    return format_time(value, format="short", locale=locale(language))


def hours_span(opening: Opening, language: str) -> str:
    return f"{time_text(opening.opens, language)}–{time_text(opening.closes, language)}"


@lru_cache(maxsize=256)
def weekday_name(weekday: int, language: str) -> str:
    """Monday is 0, as in `datetime.weekday()`."""
    return str(get_day_names("wide", locale=locale(language))[weekday])


def km_text(km: float, language: str) -> str:
    return _km_text(round(km, 1), language)


@lru_cache(maxsize=4096)
def _km_text(km: float, language: str) -> str:
    return format_decimal(km, format="#,##0.0", locale=locale(language))


@lru_cache(maxsize=1024)
def language_name(code: str, reader: str) -> str:
    """A language named in the reader's language ("Arabic" in English, "عربی" in Persian)."""
    try:
        name = Locale.parse(code).get_display_name(locale(reader))
    except (UnknownLocaleError, ValueError):
        return code
    return name or code


def next_opening(schedule: tuple[Opening, ...], after: dt.date, closed: frozenset[dt.date]
                 ) -> tuple[dt.date, Opening] | None:
    """The first opening on a day after `after` (within two weeks), skipping closed dates."""
    for offset in range(1, 15):
        day = after + dt.timedelta(days=offset)
        if day in closed:
            continue
        found = sorted((o for o in schedule if o.weekday == day.weekday()), key=lambda o: o.opens)
        if found:
            return day, found[0]
    return None
