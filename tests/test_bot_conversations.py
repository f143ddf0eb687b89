"""Whole conversations through the real Application and the recording Bot API stand-in."""

from __future__ import annotations

import pytest

from bot import LANGUAGES
from bot.callbacks import decode
from bot.state import PROFILE_KEY
from tests.bot_harness import Bot, callback_data, sent_texts

USER = 4242




def services_in(bot: Bot, calls: list) -> list[str]:  # type: ignore[type-arg]
    """Ids of the services whose cards were sent (from their 'more like this' buttons)."""
    found = []
    for data in callback_data(calls):
        parsed = decode(data)
        if parsed and parsed.kind == "more":
            service = bot.services.service(parsed.arg(0))
            assert service is not None
            found.append(service.id)
    return found


async def test_start_up_sets_the_command_menu_per_language(bot: Bot) -> None:
    assert bot.app.bot.defaults is not None and bot.app.bot.defaults.tzinfo is not None
    calls = [c for c in bot.api.calls if c.method == "setMyCommands"]  # start-up calls
    codes = [c.params.get("language_code") for c in calls]
    assert codes[0] is None and len(codes) == len(LANGUAGES) + 1
    assert "ku" in codes and "ar" in codes
    assert {c["command"] for c in calls[0].params["commands"]} >= {"start", "forget", "emergency"}


async def test_first_contact_and_language_choice(bot: Bot) -> None:
    calls = await bot.say(USER, "/start")
    assert [c.method for c in calls] == ["sendMessage"]
    assert "Welcome to Harbour" in calls[0].text
    labels = [b["text"] for b in calls[0].buttons()]
    assert labels[:3] == ["English", "العربية", "فارسی"] and "ትግርኛ" in labels
    assert len(labels) == len(LANGUAGES)
    row = await bot.user_row(USER)
    assert row is not None and row["language"] is None and row["active"] == 1

    calls = await bot.press(USER, "v1:lang:uk")
    methods = [c.method for c in calls]
    assert methods[0] == "answerCallbackQuery" and "editMessageText" in methods
    assert "Українська" in sent_texts(calls)[0]
    menu = calls[-1].params["reply_markup"]
    assert menu["is_persistent"] and any(
        b.get("request_location") for row in menu["keyboard"] for b in row
    )
    assert (await bot.user_row(USER))["language"] == "uk"

    calls = await bot.say(USER, "/start")  # remembered: no picker this time
    assert not calls[0].buttons()


async def test_deep_link_preselects_language_and_opens_a_category(bot: Bot) -> None:
    calls = await bot.say(USER, "/start ar-health")
    assert (await bot.user_row(USER))["language"] == "ar"
    data = callback_data(calls)
    assert any(d.startswith("v1:svc:") for d in data)
    assert "v1:cats:0" in data


async def test_a_question_in_arabic_gets_health_services(bot: Bot) -> None:
    calls = await bot.say(USER + 1, "أحتاج طبيب")  # no language chosen yet: still health
    found = services_in(bot, calls)
    assert found and "health" in bot.services.catalog.services[found[0]].categories
    await bot.say(USER, "/start")
    await bot.press(USER, "v1:lang:ar")
    calls = await bot.say(USER, "أحتاج طبيب")
    found = services_in(bot, calls)
    assert len(found) >= 2
    catalog = bot.services.catalog
    assert "health" in catalog.services[found[0]].categories
    assert all(c.params.get("parse_mode") == "HTML" for c in calls if c.method == "sendMessage")
    assert "fb" in callback_data(calls)[-1]  # did this help? under the last card
    text = calls[0].text
    assert any("\u0600" <= ch <= "\u06ff" for ch in text)  # the card speaks Arabic
    assert "\u2066" in text  # Latin runs isolated in right-to-left text


async def test_a_question_in_ukrainian_gets_english_classes(bot: Bot) -> None:
    calls = await bot.say(USER, "Де можна вивчити англійську мову?")
    found = services_in(bot, calls)
    assert found
    assert "language" in bot.services.catalog.services[found[0]].categories


async def test_browsing_categories_to_a_card(bot: Bot) -> None:
    calls = await bot.say(USER, "/categories")
    data = callback_data(calls)
    assert len([d for d in data if d.startswith("v1:cat:")]) == 10 and "v1:cats:1" in data
    calls = await bot.press(USER, "v1:cats:1", calls[0].message_id)
    assert len([d for d in callback_data(calls) if d.startswith("v1:cat:")]) == 10
    calls = await bot.press(USER, "v1:cat:health:0")
    assert calls[0].method == "answerCallbackQuery"
    services = [d for d in callback_data(calls) if d.startswith("v1:svc:")]
    assert services
    calls = await bot.press(USER, services[0])
    card = sent_texts(calls)[0]
    assert card.startswith("<b>") and "💷" in card
    assert "v1:cat:health:0" in callback_data(calls)  # back
    # the menu button label works like the command
    calls = await bot.say(USER, "📂 Categories")
    assert any(d.startswith("v1:cat:") for d in callback_data(calls))


async def test_sharing_a_location_lists_the_nearest_with_distance(bot: Bot) -> None:
    centre = bot.services.catalog.region.centre
    calls = await bot.send(bot.updates.location(USER, *centre))
    [answer] = sent_texts(calls)  # one message, three numbered cards
    assert answer.count("km away") == 3 and "3️⃣" in answer
    assert len(services_in(bot, calls)) == 3


async def test_emergency_command_lists_the_lines(bot: Bot) -> None:
    calls = await bot.say(USER, "/emergency")
    assert len(calls) == 1 and "999" in calls[0].text and "116 123" in calls[0].text


async def test_danger_in_a_message_puts_emergency_lines_first(bot: Bot) -> None:
    calls = await bot.say(USER, "someone is hitting me now, help")
    texts = sent_texts(calls)
    assert "999" in texts[0] and "🆘" in texts[0]


async def test_forget_erases_after_confirmation(bot: Bot) -> None:
    await bot.say(USER, "/start")
    await bot.press(USER, "v1:lang:fa")
    calls = await bot.say(USER, "/forget")
    assert callback_data(calls) == ["v1:forget:yes", "v1:forget:no"]
    await bot.press(USER, "v1:forget:no")
    assert await bot.user_row(USER) is not None
    calls = await bot.press(USER, "v1:forget:yes")
    assert calls[0].method == "answerCallbackQuery"
    assert await bot.user_row(USER) is None
    assert PROFILE_KEY not in bot.app.user_data[USER]


@pytest.mark.parametrize("data", [
    "v1:svc:no-such-service", "v2:svc:dcrs-health-point", "v1:lang:xx", "garbage", "",
    "v1:cat:health:0:extra", "v1:cat:no_such_category:0", "v1:fb:2:dcrs-health-point",
    "v1:svc:" + "a" * 60, "v1:forget:now", "v1:cats:-1",
])
async def test_forged_or_stale_buttons_expire_politely(bot: Bot, data: str) -> None:
    await bot.say(USER, "/start")
    before = dict(await bot.user_row(USER))
    calls = await bot.press(USER, data)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "expired" in calls[0].params["text"] and calls[0].params["show_alert"]
    assert dict(await bot.user_row(USER)) == before


async def test_a_flood_from_one_person_is_told_once_then_ignored(bot: Bot) -> None:
    replies = [await bot.say(USER, f"food bank {n}") for n in range(30)]
    assert all(r for r in replies[:20])
    assert ["slow down" in r[0].text for r in replies[20:21]] == [True]
    assert all(r == [] for r in replies[21:])
    assert await bot.say(USER + 1, "food bank")  # someone else is still answered


async def test_a_10000_character_message(bot: Bot) -> None:
    calls = await bot.say(USER, ("I need a doctor for my child " * 400)[:10_000])
    assert calls and all(len(c.text) <= 4096 for c in calls)
    calls = await bot.say(USER, "ж" * 10_000)
    assert calls and all(len(c.text) <= 4096 for c in calls)
    row = await bot.services.db.fetchone("SELECT text FROM unanswered ORDER BY id DESC")
    assert row is not None and len(row["text"]) <= 500


async def test_feedback_is_stored_without_a_user_id(bot: Bot) -> None:
    calls = await bot.say(USER, "I need a doctor")
    vote = next(d for d in callback_data(calls) if d.startswith("v1:fb:1:"))
    calls = await bot.press(USER, vote, calls[-1].message_id)
    assert calls[0].method == "answerCallbackQuery"
    assert calls[1].method == "editMessageReplyMarkup"
    assert not any(d.startswith("v1:fb:") for d in callback_data(calls[1:]))
    rows = await bot.services.db.fetchall("SELECT * FROM feedback")
    assert len(rows) == 1 and rows[0]["helpful"] == 1 and rows[0]["text"] is None
    assert str(USER) not in str(dict(rows[0]))


async def test_a_person_who_blocks_the_bot_is_marked_inactive(bot: Bot) -> None:
    await bot.say(USER, "/start")
    await bot.send(bot.updates.membership(USER, "kicked"))
    assert (await bot.user_row(USER))["active"] == 0
    await bot.send(bot.updates.membership(USER, "member"))
    assert (await bot.user_row(USER))["active"] == 1
    bot.api.fail("sendMessage", 403, "Forbidden: bot was blocked by the user")
    await bot.say(USER, "/help")
    assert (await bot.user_row(USER))["active"] == 0


async def test_an_error_is_logged_and_the_person_told(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail("sendMessage", 400, "Bad Request: something odd")
    calls = await bot.say(USER, "/help")
    assert "went wrong" in calls[-1].text
    assert any("update" in r.getMessage() and "failed" in r.getMessage() for r in caplog.records)


async def test_help_about_privacy(bot: Bot) -> None:
    assert "/forget" in (await bot.say(USER, "/help"))[0].text
    about = (await bot.say(USER, "/about"))[0].text
    assert "Last verified" in about and "Plymouth" in about
    assert "does not store your messages" in (await bot.say(USER, "/privacy"))[0].text


async def test_forget_erases_a_team_members_drafts_invites_and_pending_proposals(
    bot: Bot,
) -> None:
    db = bot.services.db
    await bot.say(USER, "/start")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO drafts (flow, chat_id, user_id, state, data, updated_at) "
            "VALUES ('edit', ?1, ?1, 'x', '{}', 'now')", (USER,))
        await conn.execute(
            "INSERT INTO invites (token_hash, role, created_by, created_at, expires_at) "
            "VALUES ('h', 'volunteer', ?, 'now', 'later')", (USER,))
        await conn.execute(
            "INSERT INTO proposals (service_id, organization_id, action, field, base_revision, "
            "after, proposer, created_at) VALUES ('s', 'o', 'edit', 'phone', 1, '{}', ?, 'now')",
            (USER,))
    await bot.say(USER, "/forget")
    await bot.press(USER, "v1:forget:yes")
    for table, column in (("users", "telegram_id"), ("drafts", "user_id"),
                          ("invites", "created_by"), ("proposals", "proposer")):
        row = await db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (USER,))
        assert row is not None and row[0] == 0, table


async def test_an_unknown_command_gets_a_polite_answer(bot: Bot) -> None:
    await bot.say(USER, "/start")
    calls = await bot.say(USER, "/foobar")
    assert len(sent_texts(calls)) == 1 and "/help" in sent_texts(calls)[0]
    assert await bot.user_row(USER) is not None  # and nothing else changed


async def test_replies_are_html_without_link_previews_and_buttons_are_bot_api_json(
    bot: Bot,
) -> None:
    calls = await bot.say(USER, "I need a doctor")
    answer = [c for c in calls if c.method == "sendMessage"][-1]
    assert answer.params["parse_mode"] == "HTML"
    assert answer.params["link_preview_options"] == {"is_disabled": True}
    rows = answer.params["reply_markup"]["inline_keyboard"]
    assert all(set(b) in ({"text", "url"}, {"text", "callback_data"}) for r in rows for b in r)
    # a button press edits that very message in place, also as HTML
    calls = await bot.press(USER, "v1:cats:0", answer.message_id)
    edit = next(c for c in calls if c.method == "editMessageText")
    assert edit.params["message_id"] == answer.message_id
    assert edit.params["parse_mode"] == "HTML"


async def test_a_message_nobody_can_edit_is_sent_anew(bot: Bot) -> None:
    bot.api.fail("editMessageText", 400, "Bad Request: message can't be edited")
    calls = await bot.press(USER, "v1:cats:0")
    assert [c.method for c in calls][-2:] == ["editMessageText", "sendMessage"]
    assert "v1:cat:" in "".join(callback_data(calls[-1:]))
