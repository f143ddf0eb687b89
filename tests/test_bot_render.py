"""Callback codec, HTML cards, RTL isolation and the message splitter (no Telegram needed)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import MAX_BYTES, Callback, CallbackError, decode, encode, service_ref
from bot.catalog.loader import CatalogSource
from bot.flood import FloodGuard, Verdict
from bot.handlers import broadcast, events
from bot.i18n import I18n
from bot.render import LRI, PDI, CardCache, card_buttons, isolate, service_card, split_html, units

NOW = dt.datetime(2026, 11, 24, 11, 0)
EN = I18n().get("en")
AR = I18n().get("ar")


def test_codec_round_trip_and_limits() -> None:
    assert decode(encode("cat", "mental_health", 2)) is not None
    assert encode("lang", "ckb") == "v1:lang:ckb"
    long_id = "plymouth-devon-racial-equality-council-third-party-reporting"
    ref = service_ref(long_id)
    assert ref.startswith("~") and len(encode("fb", 1, ref).encode()) <= MAX_BYTES
    with pytest.raises(CallbackError):
        encode("svc", long_id)
    with pytest.raises(CallbackError):
        encode("lang", "xx")


@given(st.text(max_size=80))
def test_decode_never_raises(data: str) -> None:
    found = decode(data)
    assert found is None or encode(found.kind, *found.args) == data


def _balanced(html: str) -> bool:
    stack: list[str] = []

    class Checker(HTMLParser):
        ok = True

        def handle_starttag(self, tag: str, attrs: object) -> None:
            stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            if not stack or stack.pop() != tag:
                self.ok = False

    checker = Checker()
    checker.feed(html)
    return checker.ok and not stack


@given(st.lists(st.sampled_from([
    "word ", "<b>bold</b> ", "&amp; ", "\n", "😀", "x" * 700, "<b>" + "y " * 400 + "</b>",
    "<i>it <b>al</b></i> ", '<a href="https://example.org/?a=1&amp;b=2">link</a>',
]), max_size=300))
def test_split_never_cuts_a_tag_and_fits(pieces: list[str]) -> None:
    html = "".join(pieces)
    parts = split_html(html, 1000)
    assert all(units(p) <= 1000 for p in parts)
    for part in parts:
        assert not re.search(r"<[^>]*$", part) and not re.search(r"&\w*$", part)
        assert _balanced(part)
    joined = re.sub(r"<[^>]+>", "", "".join(parts))
    assert joined.replace("\n", "").replace(" ", "") == re.sub(
        r"<[^>]+>", "", html).replace("\n", "").replace(" ", "")


def test_isolates_latin_runs_in_rtl_only() -> None:
    assert isolate("اتصل 01632 960000", rtl=True) == f"اتصل {LRI}01632 960000{PDI}"
    assert isolate("call 01632 960000", rtl=False) == "call 01632 960000"


def test_card_escapes_catalog_text(real_source: CatalogSource) -> None:
    catalog = real_source.to_catalog()
    service = dataclasses.replace(
        catalog.services["dcrs-health-point"], name="<script>x</script> & co",
        description="a < b > c", translations={},
    )
    card = service_card(service, EN, NOW, open_now=True, distance_km=1.234)
    assert "<script>" not in card and "&lt;script&gt;" in card and "&amp; co" in card
    assert "open now" in card and "1.2 km away" in card and "📞" in card
    buttons = [b for row in card_buttons(service, EN, feedback=True) for b in row]
    assert any(b.url and "maps" in b.url for b in buttons)
    assert not any(b.url and b.url.startswith("tel:") for b in buttons)
    arabic = service_card(catalog.services["dcrs-health-point"], AR, NOW)
    assert f"{LRI}01632 960101{PDI}" in arabic


def test_flood_guard_warns_once_then_ignores_then_forgives() -> None:
    now = [0.0]
    guard = FloodGuard(limit=3, window=60, pause=120, clock=lambda: now[0])
    assert [guard.check(1) for _ in range(3)] == [Verdict.OK] * 3
    assert guard.check(1) is Verdict.WARN
    assert guard.check(1) is Verdict.IGNORE
    assert guard.check(2) is Verdict.OK
    now[0] = 121.0
    assert guard.check(1) is Verdict.OK


def test_card_cache_renders_a_service_once_per_day_and_never_an_old_version(
    real_source: CatalogSource,
) -> None:
    cache = CardCache(size=2)
    service = next(iter(real_source.to_catalog().services.values()))
    first = cache.card(service, EN, NOW, open_now=True)
    assert cache.card(service, EN, NOW, open_now=True) is first
    assert cache.card(service, EN, NOW, open_now=False) != first
    edited = dataclasses.replace(service, description="A different description.")
    assert "A different description." in cache.card(edited, EN, NOW, open_now=True)
    tomorrow = NOW + dt.timedelta(days=1)
    assert cache.card(service, EN, tomorrow) == service_card(service, EN, tomorrow)
    assert len(cache._cards) == 2  # bounded


def test_each_family_of_buttons_reads_only_its_own_data() -> None:
    assert events.decode(events.encode("rem", 12)) == Callback("rem", ("12",))
    assert broadcast.decode(broadcast.encode("go")) == Callback("go", ())
    for data in (events.encode("sub", "sport"), broadcast.encode("stop", 3), encode("cats", 0)):
        owners = [f for f in (decode, events.decode, broadcast.decode) if f(data) is not None]
        assert len(owners) == 1
    assert broadcast.decode("s1:go:1") is None and broadcast.decode("s1:stop") is None
    with pytest.raises(CallbackError):
        events.encode("rem", "0")
