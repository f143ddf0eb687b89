"""The team and editing features through the real Application and the recording Bot API."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from telegram.ext import ApplicationBuilder, CallbackContext

import bot.app
from bot.app import build_application
from bot.catalog.loader import CatalogSource
from bot.config import Config
from bot.fakeapi import FakeBotAPI, Updates
from bot.flood import FloodGuard
from bot.handlers import editing, team
from bot.handlers.persistence import DraftPersistence
from bot.handlers.review import weekly_digest
from bot.search.lexicon import Lexicon
from bot.team import Team
from tests.bot_harness import TUESDAY_11AM, Bot, callback_data, sent_texts
from tests.conftest import REAL_CATALOG

pytestmark = pytest.mark.filterwarnings("ignore:Ignoring `conversation_timeout`")

ADMIN, STAFF, VOL, VOL2, PUBLIC = 900, 901, 902, 903, 904
SERVICE = "dcrs-health-point"



@asynccontextmanager
async def staff_bot(
    tmp_path: Path, source: CatalogSource, lexicon: Lexicon, updates: Updates | None = None
) -> AsyncIterator[Bot]:
    """The bot with the team and editing features and the drafts persistence wired in, as
    bot/app.py is asked to do (the patches are no-ops once it does)."""
    api = FakeBotAPI()
    config = Config(db_path=tmp_path / "bot.sqlite3", catalog_path=REAL_CATALOG,
                    admins=frozenset({ADMIN}))
    with pytest.MonkeyPatch.context() as patch:
        if team not in bot.app.FEATURES:
            start, *rest = bot.app.FEATURES
            patch.setattr(bot.app, "FEATURES", (start, team, editing, *rest))
        patch.setattr(bot.app, "ApplicationBuilder",
                      lambda: ApplicationBuilder().persistence(DraftPersistence(config.db_path)))
        app = build_application(
            config, request=api, clock=lambda: TUESDAY_11AM, source=source, lexicon=lexicon,
            flood=FloodGuard(clock=lambda: 0.0),
        )
    async with app:
        yield Bot(app, api, updates or Updates())


def the_team(b: Bot) -> Team:
    svc = b.services
    return Team(svc.db, svc.config.admins, svc.clock)


@pytest.fixture
async def b(tmp_path: Path, real_source: CatalogSource, lexicon: Lexicon) -> AsyncIterator[Bot]:
    async with staff_bot(tmp_path, real_source, lexicon) as running:
        t = the_team(running)
        await t.set_role(STAFF, "staff")
        await t.set_role(VOL, "volunteer")
        await t.set_role(VOL2, "volunteer")
        yield running


def data_like(calls: list, prefix: str) -> list[str]:  # type: ignore[type-arg]
    return [d for d in callback_data(calls) if d.startswith(prefix)]


async def open_field(b: Bot, user: int, words: str, field: str) -> list:  # type: ignore[type-arg]
    """/edit <words>, pick the first service, pick the field: the value prompt's calls."""
    calls = await b.say(user, f"/edit {words}")
    await b.press(user, data_like(calls, "t1:es:")[0])
    return await b.press(user, f"t1:ef:{field}")


async def doc(b: Bot, sid: str = SERVICE) -> dict:  # type: ignore[type-arg]
    row = await b.services.db.fetchone("SELECT doc FROM services WHERE id = ?", (sid,))
    return json.loads(row["doc"])


async def found_by_search(b: Bot, user: int, text: str) -> list[str]:
    calls = await b.say(user, text)
    return [b.services.refs[d.split(":")[2]] for d in callback_data(calls)
            if d.startswith("v1:more:")]


async def test_invite_grants_a_role_once(b: Bot) -> None:
    calls = await b.say(PUBLIC, "/invite volunteer")
    assert "for the Harbour team" in sent_texts(calls)[0]  # the guard refused
    calls = await b.say(ADMIN, "/invite volunteer")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", sent_texts(calls)[0])
    assert link is not None
    stored = await b.services.db.fetchall("SELECT token_hash FROM invites")
    assert link.group(1)[4:] not in str([r["token_hash"] for r in stored])
    calls = await b.say(PUBLIC, f"/start {link.group(1)}")
    assert "You are now a volunteer" in sent_texts(calls)[0]
    assert (await b.user_row(PUBLIC))["role"] == "volunteer"
    calls = await b.say(PUBLIC, "/edit health point")
    assert data_like(calls, "t1:es:")  # the role works at once
    calls = await b.say(PUBLIC + 1, f"/start {link.group(1)}")
    assert "not valid any more" in sent_texts(calls)[0]
    assert (await b.user_row(PUBLIC + 1))["role"] == "public"
    calls = await b.say(ADMIN, "/team")
    assert f"<code>{PUBLIC}</code>" in sent_texts(calls)[0]
    assert f"t1:rk:{PUBLIC}" in callback_data(calls)


async def test_staff_edit_with_bad_then_good_input_applies_at_once(b: Bot) -> None:
    calls = await open_field(b, STAFF, "health point", "phone")
    assert "Phone</b> now: 01632 960101" in sent_texts(calls)[0]
    calls = await b.say(STAFF, "ring 0163")
    assert "does not fit" in sent_texts(calls)[0] and "not a UK phone" in sent_texts(calls)[0]
    assert (await doc(b))["contacts"]["phone"] == "01632 960101"
    calls = await b.say(STAFF, "01632 960777")
    assert "Saved" in sent_texts(calls)[0] and "01632 960777" in sent_texts(calls)[0]
    assert (await doc(b))["contacts"]["phone"] == "01632 960777"
    assert b.services.catalog.services[SERVICE].phone == "01632 960777"
    calls = await b.say(STAFF, "01632 960888")  # the conversation is over: this is a search
    assert (await doc(b))["contacts"]["phone"] == "01632 960777"


async def test_review_diff_and_approval_reach_the_next_search(b: Bot) -> None:
    assert SERVICE in await found_by_search(b, PUBLIC, "I need a doctor")
    calls = await b.say(VOL, "/close health point")
    await b.press(VOL, data_like(calls, "t1:es:")[0])
    calls = await b.say(VOL, "temporarily closed 2027-01-10")
    assert "sent to staff for review" in sent_texts(calls)[0]
    assert any(c.params.get("chat_id") == STAFF and "/review" in c.text for c in calls)
    assert SERVICE in await found_by_search(b, PUBLIC, "I need a doctor")  # not yet

    calls = await b.say(STAFF, "/review")
    text = sent_texts(calls)[0]
    assert "Status</b>: <s>active</s> → temporarily_closed 2027-01-10" in text
    calls = await b.press(STAFF, data_like(calls, "t1:ra:")[0])
    assert "Approved: live now" in sent_texts(calls)[0]
    assert any(c.params.get("chat_id") == VOL and "approved" in c.text for c in calls)
    assert SERVICE not in await found_by_search(b, PUBLIC, "I need a doctor")


async def test_rejection_sends_the_reason(b: Bot) -> None:
    await open_field(b, VOL, "health point", "description")
    await b.say(VOL, "A clinic for everyone in the city.")
    calls = await b.say(STAFF, "/review")
    calls = await b.press(STAFF, data_like(calls, "t1:rr:")[0])
    assert "Why is change" in sent_texts(calls)[0]
    calls = await b.say(STAFF, "The flyer says Tuesdays only, for asylum seekers.")
    told = [c for c in calls if c.params.get("chat_id") == VOL]
    assert told and "The flyer says Tuesdays only" in told[0].text
    row = await b.services.db.fetchone("SELECT status, reason FROM proposals")
    assert row["status"] == "rejected"
    assert "A clinic for everyone" not in (await doc(b))["description"]


async def test_revert_to_an_earlier_version(b: Bot) -> None:
    await open_field(b, STAFF, "health point", "hours")
    await b.say(STAFF, "Wed 14:00-16:00")
    assert (await doc(b))["schedule"] == [{"day": "wed", "opens": "14:00", "closes": "16:00"}]
    calls = await b.say(STAFF, "/history dcrs-health-point")
    assert "Opening hours</b>: <s>Tue 10:00-13:00</s> → Wed 14:00-16:00" in sent_texts(calls)[0]
    calls = await b.press(STAFF, data_like(calls, "t1:rv:")[0])
    assert "it is now revision 3" in sent_texts(calls)[0]
    assert (await doc(b))["schedule"] == [{"day": "tue", "opens": "10:00", "closes": "13:00"}]
    calls = await b.say(VOL, "/history dcrs-health-point")  # volunteers read, never revert
    assert sent_texts(calls) and not data_like(calls, "t1:rv:")


async def test_concurrent_edit_is_refused_with_the_new_state(b: Bot) -> None:
    await open_field(b, VOL, "health point", "phone")
    await open_field(b, STAFF, "health point", "phone")
    await b.say(STAFF, "01632 960333")
    calls = await b.say(VOL, "01632 960444")
    text = sent_texts(calls)[0]
    assert "Someone changed this service" in text and "01632 960333" in text
    assert (await doc(b))["contacts"]["phone"] == "01632 960333"
    assert await b.services.db.fetchone("SELECT * FROM proposals WHERE proposer = ?", (VOL,)) \
        is None


async def test_revoked_volunteers_old_button_changes_nothing(
    b: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    async with b.services.db.transaction() as conn:  # a service checked long ago
        old = {**(await doc(b)), "last_verified": "2025-01-02"}
        await conn.execute("UPDATE services SET doc = ? WHERE id = ?", (json.dumps(old), SERVICE))
    calls = await b.say(VOL, "/stale")
    button = next(d for d in data_like(calls, "t1:ok:") if SERVICE in d)
    calls = await b.say(STAFF, "/team")
    await b.press(STAFF, f"t1:rk:{VOL}")
    assert (await b.user_row(VOL))["role"] == "public"
    with caplog.at_level(logging.WARNING):
        calls = await b.press(VOL, button)
    assert calls[0].method == "answerCallbackQuery" and "expired" in calls[0].params["text"]
    assert (await doc(b))["last_verified"] == "2025-01-02"
    assert any("refused button" in r.message and str(VOL) in r.message for r in caplog.records)
    with caplog.at_level(logging.WARNING):  # a forged approval from the public
        calls = await b.press(PUBLIC, "t1:ra:1")
        calls += await b.press(PUBLIC, "t1:zz:1")
    assert [c.method for c in calls] == ["answerCallbackQuery"] * 2
    assert sum("refused button" in r.message for r in caplog.records) == 3


async def test_stale_still_correct(b: Bot) -> None:
    async with b.services.db.transaction() as conn:
        old = {**(await doc(b)), "last_verified": "2025-01-02"}
        await conn.execute("UPDATE services SET doc = ? WHERE id = ?", (json.dumps(old), SERVICE))
    calls = await b.say(VOL, "/stale")
    assert "DCRS Health Point: last checked 2025-01-02" in sent_texts(calls)[0]
    button = next(d for d in data_like(calls, "t1:ok:") if SERVICE in d)
    calls = await b.press(VOL, button)
    assert "Marked as checked today" in calls[0].params["text"]
    assert (await doc(b))["last_verified"] == TUESDAY_11AM.date().isoformat()
    calls = await b.say(VOL, "/stale")
    assert SERVICE not in " ".join(callback_data(calls))
    calls = await b.press(VOL, button)  # the same button again: refused, nothing changes
    assert "changed since" in calls[0].params["text"]


async def test_a_restart_in_the_middle_of_a_draft_loses_nothing(
    tmp_path: Path, real_source: CatalogSource, lexicon: Lexicon
) -> None:
    updates = Updates()
    async with staff_bot(tmp_path, real_source, lexicon, updates) as first:
        await the_team(first).set_role(VOL, "volunteer")
        await open_field(first, VOL, "health point", "phone")
    async with staff_bot(tmp_path, real_source, lexicon, updates) as second:
        calls = await second.say(VOL, "01632 960555")
        assert "sent to staff for review" in sent_texts(calls)[0]
        row = await second.services.db.fetchone("SELECT after FROM proposals")
        assert json.loads(row["after"])["contacts"]["phone"] == "01632 960555"


async def test_add_a_service_with_preview_and_cancel(b: Bot) -> None:
    calls = await b.say(STAFF, "/add dcrs")
    await b.press(STAFF, data_like(calls, "t1:ao:")[0])
    for answer in ("Winter coats", "essentials", "Warm coats for adults and children.",
                   "1 Example Street, Plymouth, PL1 2DH @50.3713,-4.1422", "Sat 10-12"):
        await b.say(STAFF, answer)
    calls = await b.say(STAFF, "not a contact")
    assert "does not fit" in sent_texts(calls)[0]
    calls = await b.say(STAFF, "01632 960555, coats@example.org")
    assert "Please check the new service" in sent_texts(calls)[0]
    calls = await b.press(STAFF, "t1:as:go")
    assert "Saved" in sent_texts(calls)[0]
    assert "dcrs-winter-coats" in b.services.catalog.services
    await b.say(VOL, "/edit health point")
    calls = await b.say(VOL, "/cancel")
    assert "Nothing was changed" in sent_texts(calls)[0]
    assert await b.services.db.fetchone("SELECT * FROM drafts") is None


async def test_translate_and_gaps(b: Bot) -> None:
    calls = await b.say(VOL, "/translate so")
    await b.press(VOL, data_like(calls, "t1:es:")[0])
    calls = await b.say(VOL, "Adeeg | Sharaxaad gaaban")
    assert "sent to staff for review" in sent_texts(calls)[0]
    await b.say(PUBLIC, "qwertyuiop zxcvbnm")  # found nothing: kept anonymously
    calls = await b.say(VOL, "/gaps")
    assert "qwertyuiop" in sent_texts(calls)[0]


async def test_weekly_digest_job_with_a_fixed_clock(b: Bot) -> None:
    assert "weekly-digest" in [j.name for j in b.app.job_queue.jobs()]  # type: ignore[union-attr]
    async with b.services.db.transaction() as conn:
        await conn.execute("INSERT INTO unanswered (text, language, at) VALUES (?, ?, ?)",
                           ("bicycle repair", "en", TUESDAY_11AM.date().isoformat()))
        old = {**(await doc(b)), "last_verified": "2025-01-02"}
        await conn.execute("UPDATE services SET doc = ? WHERE id = ?", (json.dumps(old), SERVICE))
    b.api.clear()
    await weekly_digest(CallbackContext(b.app))
    sent = {c.params["chat_id"]: c.text for c in b.api.sent()}
    assert set(sent) == {STAFF, VOL, VOL2}
    assert "DCRS Health Point (2025-01-02)" in sent[VOL] and "bicycle repair" in sent[VOL]
    row = await b.services.db.fetchone("SELECT value FROM meta WHERE key = 'digest_sent_at'")
    assert dt.datetime.fromisoformat(row["value"]) == TUESDAY_11AM
