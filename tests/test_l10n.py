"""Locale-aware formatting and right-to-left output."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot import RTL_LANGUAGES
from bot.catalog.loader import CatalogSource
from bot.catalog.model import Opening
from bot.i18n import I18n
from bot.l10n import km_text, language_name, next_opening, time_text, weekday_name
from bot.render import LRI, PDI, hours_text, service_card

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("lang", "time", "day", "km"),
    [("en", "17:30", "Tuesday", "1.5"), ("fr", "17:30", "mardi", "1,5"),
     ("uk", "17:30", "вівторок", "1,5"), ("ar", "5:30 م", "الثلاثاء", "1.5"),
     ("ti", "5:30 ድ.ቀ.", "ሰሉስ", "1.5")],
)
def test_times_days_and_distances_follow_the_locale(
    lang: str, time: str, day: str, km: str
) -> None:
    assert time_text(dt.time(17, 30), lang) == time
    assert weekday_name(1, lang) == day
    assert km_text(1.46, lang) == km


def test_language_names_in_the_readers_language() -> None:
    assert language_name("ar", "en") == "Arabic"
    assert language_name("ar", "fr") == "arabe"
    assert language_name("xx-unknown", "en") == "xx-unknown"


def test_next_opening_skips_closed_dates() -> None:
    schedule = (Opening(1, dt.time(10), dt.time(12)), Opening(3, dt.time(14), dt.time(16)))
    monday = dt.date(2026, 11, 23)
    assert next_opening(schedule, monday, frozenset()) == (dt.date(2026, 11, 24), schedule[0])
    closed = frozenset({dt.date(2026, 11, 24)})
    assert next_opening(schedule, monday, closed) == (dt.date(2026, 11, 26), schedule[1])


def test_closed_today_says_when_it_opens_next(real_source: CatalogSource) -> None:
    service = real_source.to_catalog().services["dcrs-health-point"]  # Tuesdays
    wednesday = dt.date(2026, 11, 25)
    text = hours_text(service, wednesday, I18n().get("en"))
    assert text.startswith("Closed today. Next: Tuesday")


@pytest.mark.parametrize("lang", sorted(RTL_LANGUAGES))
def test_rtl_cards_isolate_phones_postcodes_and_latin_names(
    real_source: CatalogSource, lang: str
) -> None:
    catalog = real_source.to_catalog()
    service = catalog.services["dcrs-health-point"]
    card = service_card(service, I18n().get(lang), dt.datetime(2026, 11, 24, 11, tzinfo=LONDON),
                        open_now=True, distance_km=1.25)
    assert f"{LRI}{service.phone}{PDI}" in card
    assert service.locations[0].postcode in card
    postcode_at = card.index(service.locations[0].postcode)
    assert LRI in card[:postcode_at] and PDI in card[postcode_at:]
    # isolates are balanced, so nothing leaks direction into the next line
    assert card.count(LRI) == card.count(PDI)


def test_ltr_cards_have_no_isolates(real_source: CatalogSource) -> None:
    service = real_source.to_catalog().services["dcrs-health-point"]
    card = service_card(service, I18n().get("uk"), dt.datetime(2026, 11, 24, 11, tzinfo=LONDON))
    assert LRI not in card and PDI not in card


def test_untranslated_service_falls_back_to_english_with_a_note(
    real_source: CatalogSource,
) -> None:
    service = real_source.to_catalog().services["dcrs-health-point"]
    bare = dataclasses.replace(service, translations={})
    french = I18n().get("fr")
    note = french.gettext("(This service is not translated into your language yet.)")
    card = service_card(bare, french, dt.datetime(2026, 11, 24, 11, tzinfo=LONDON))
    assert bare.name in card and note in card
    assert note not in service_card(
        service, french, dt.datetime(2026, 11, 24, 11, tzinfo=LONDON)
    )
