"""Events: reminders with a fixed clock, cancel/move notices, late drops, iCalendar, broadcasts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.db import Database
from bot.events.broadcast import (
    Audience,
    broadcast_progress,
    cancel_broadcast,
    count_recipients,
    start_broadcast,
)
from bot.events.ical import export_event, import_events, parse
from bot.events.model import NewEvent, Text
from bot.events.planning import LATE, Planner
from bot.events.repo import (
    create_event,
    events_this_week,
    get_event,
    request_reminder,
    subscribe,
)
from bot.i18n import I18n
from bot.outbox.store import utc_iso
from tests.conftest import REAL_CATALOG
from tests.test_outbox import add_users

LONDON = ZoneInfo("Europe/London")
MONDAY = dt.datetime(2026, 11, 23, 9, 0, tzinfo=LONDON)
FOOTBALL = dt.datetime(2026, 11, 26, 18, 0, tzinfo=LONDON)  # Thursday


def football(**changes: object) -> NewEvent:
    base: dict[str, object] = dict(
        texts={"en": Text("Football with locals", "Bring trainers"),
               "uk": Text("Футбол з місцевими")},
        category="sport", starts_at=FOOTBALL, ends_at=FOOTBALL + dt.timedelta(hours=2),
        venue="Central Park pitches",
    )
    base.update(changes)
    return NewEvent(**base)  # type: ignore[arg-type]


async def outbox(db: Database) -> list[tuple[str, str, int, str, str]]:
    rows = await db.fetchall(
        "SELECT item_kind, item_id, user_id, status, next_attempt_at FROM outbox ORDER BY id")
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def setup(db: Database) -> tuple[Planner, int]:
    await add_users(db, range(1, 4))
    async with db.transaction() as conn:
        await conn.execute("UPDATE users SET language = 'uk' WHERE telegram_id = 2")
    (event_id,) = await create_event(db, football(), now=MONDAY)
    for user in (1, 2):
        await request_reminder(db, user, event_id, MONDAY)
    return Planner(db, I18n(), LONDON), event_id


async def test_reminders_24_and_2_hours_before(db: Database) -> None:
    planner, _event_id = await setup(db)
    assert await planner.plan_reminders(MONDAY) == (0, 0)  # nothing due within the hour
    day_before = FOOTBALL - dt.timedelta(hours=24, minutes=30)
    assert await planner.plan_reminders(day_before) == (2, 0)
    rows = await outbox(db)
    assert {(r[2], r[4]) for r in rows} == {
        (1, utc_iso(FOOTBALL - dt.timedelta(hours=24))),
        (2, utc_iso(FOOTBALL - dt.timedelta(hours=24))),
    }
    assert await planner.plan_reminders(day_before) == (0, 0)  # idempotent
    two_before = FOOTBALL - dt.timedelta(hours=2, minutes=10)
    assert await planner.plan_reminders(two_before) == (2, 0)
    texts = await db.fetchall("SELECT user_id, text FROM outbox WHERE item_id LIKE '%/2h'")
    by_user = {r["user_id"]: r["text"] for r in texts}
    assert "2 hours" in by_user[1] and "Football with locals" in by_user[1]
    assert "Футбол з місцевими" in by_user[2]  # the person's language, dates by Babel
    assert "листопада" in by_user[2]


async def test_reminders_late_by_more_than_grace_are_dropped(db: Database) -> None:
    planner, _ = await setup(db)
    # the bot was down all day and comes back 90 minutes before the start
    planned, dropped = await planner.plan_reminders(FOOTBALL - dt.timedelta(minutes=90))
    assert (planned, dropped) == (0, 4)
    rows = await db.fetchall("SELECT status, error FROM outbox")
    assert {(r["status"], r["error"]) for r in rows} == {("dropped", LATE)}


async def test_cancel_sends_one_notice_instead_of_reminders(db: Database) -> None:
    planner, event_id = await setup(db)
    await planner.plan_reminders(FOOTBALL - dt.timedelta(hours=24, minutes=30))
    now = FOOTBALL - dt.timedelta(hours=25)
    assert await planner.cancel(event_id, now) == 2
    rows = await db.fetchall("SELECT item_kind, user_id, status, text FROM outbox ORDER BY id")
    assert [(r[0], r[2]) for r in rows if r[0] == "reminder"] == [("reminder", "dropped")] * 2
    notices = [r for r in rows if r[0] == "notice"]
    assert [(r[1], r[2]) for r in notices] == [(1, "pending"), (2, "pending")]
    assert "Cancelled" in notices[0]["text"]
    assert await planner.cancel(event_id, now) == 0  # only once
    assert await planner.plan_reminders(FOOTBALL - dt.timedelta(hours=2, minutes=5)) == (0, 0)
    assert (await get_event(db, event_id)).status == "cancelled"  # type: ignore[union-attr]


async def test_move_sends_one_notice_and_reminds_at_the_new_time(db: Database) -> None:
    planner, event_id = await setup(db)
    now = FOOTBALL - dt.timedelta(hours=24, minutes=30)
    await planner.plan_reminders(now)
    later = FOOTBALL + dt.timedelta(days=1)
    assert await planner.move(event_id, later, later + dt.timedelta(hours=2), now) == 2
    rows = await db.fetchall("SELECT item_kind, status FROM outbox ORDER BY id")
    assert [tuple(r) for r in rows] == [("reminder", "dropped")] * 2 + [("notice", "pending")] * 2
    await planner.plan_reminders(later - dt.timedelta(hours=24, minutes=30))
    fresh = await db.fetchall(
        "SELECT COUNT(*) FROM outbox WHERE item_kind = 'reminder' AND status = 'pending'")
    assert fresh[0][0] == 2


async def test_week_listing_and_weekly_recurrence_keep_local_time(db: Database) -> None:
    ids = await create_event(db, football(weekly=True), now=MONDAY, weeks=26)
    assert len(ids) == 26
    this_week = await events_this_week(db, MONDAY)
    assert [e.id for e in this_week] == ids[:1]
    summer = await get_event(db, ids[-1])  # late May 2027: British Summer Time
    assert summer is not None and summer.starts_at.astimezone(LONDON).hour == 18


ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Other tool//EN
BEGIN:VEVENT
UID:dropin-1@example.org
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/London:20261124T100000
DTEND;TZID=Europe/London:20261124T120000
RRULE:FREQ=WEEKLY;UNTIL=20261222T235959Z
EXDATE;TZID=Europe/London:20261208T100000
SUMMARY:Weekly drop-in
DESCRIPTION:Advice and tea
LOCATION:Integration Centre
CATEGORIES:DROPIN
END:VEVENT
BEGIN:VEVENT
UID:dropin-1@example.org
RECURRENCE-ID;TZID=Europe/London:20261201T100000
DTSTAMP:20261101T000000Z
DTSTART;TZID=Europe/London:20261201T140000
DTEND;TZID=Europe/London:20261201T160000
SUMMARY:Weekly drop-in (afternoon this week)
END:VEVENT
BEGIN:VEVENT
UID:info-day@example.org
DTSTAMP:20261101T000000Z
DTSTART:20261127T130000Z
DURATION:PT3H
SUMMARY:Information day
END:VEVENT
END:VCALENDAR
"""


async def test_ics_import_expands_a_recurring_event_and_is_idempotent(db: Database) -> None:
    events = parse(ICS, LONDON, MONDAY)
    starts = [e.starts_at.astimezone(LONDON) for e in events]
    assert [(s.day, s.hour) for s in starts] == [(24, 10), (27, 13), (1, 14), (15, 10), (22, 10)]
    assert events[0].category == "dropin" and events[0].weekly
    assert events[2].texts["en"].title == "Weekly drop-in (afternoon this week)"
    assert events[1].ends_at - events[1].starts_at == dt.timedelta(hours=3)
    assert (await import_events(db, events, MONDAY)).created == 5
    again = await import_events(db, parse(ICS, LONDON, MONDAY), MONDAY)
    assert (again.created, again.skipped) == (0, 5)


async def test_ics_export_of_one_event(db: Database) -> None:
    (event_id,) = await create_event(db, football(), now=MONDAY)
    event = await get_event(db, event_id)
    assert event is not None
    data = export_event(event, "uk", MONDAY)
    (vevent,) = Calendar.from_ical(data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Футбол з місцевими"
    assert vevent.decoded("DTSTART") == FOOTBALL
    assert str(vevent["LOCATION"]) == "Central Park pitches"


async def test_broadcast_count_languages_and_cancel(db: Database) -> None:
    await add_users(db, range(1, 11))
    async with db.transaction() as conn:
        await conn.execute("UPDATE users SET language = 'ar' WHERE telegram_id <= 3")
        await conn.execute("UPDATE users SET active = 0 WHERE telegram_id = 10")
    for user in (1, 4, 5, 10):
        await subscribe(db, user, "sport", MONDAY)
    assert await count_recipients(db, Audience("all")) == 9
    assert await count_recipients(db, Audience("category", "sport")) == 3
    assert await count_recipients(db, Audience("language", "ar")) == 3
    bid, count = await start_broadcast(
        db, I18n(), created_by=99, audience=Audience("all"),
        texts={"en": "Centre closed <Friday>", "ar": "المركز مغلق"}, now=MONDAY,
    )
    assert count == 9
    texts = {r["user_id"]: r["text"] for r in await db.fetchall("SELECT * FROM outbox")}
    assert "المركز مغلق" in texts[1] and texts[4] == "📢 Centre closed &lt;Friday&gt;"
    async with db.transaction() as conn:  # two went out before the cancel
        await conn.execute("UPDATE outbox SET status = 'sent' WHERE user_id IN (1, 2)")
    assert await cancel_broadcast(db, bid, MONDAY) == 7
    p = await broadcast_progress(db, bid)
    assert (p.sent, p.dropped, p.remaining) == (2, 7, 0)


def test_cli_imports_an_ics_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from bot.config import Config
    from bot.events.cli import cmd_import, register

    ics = tmp_path / "feed.ics"
    ics.write_bytes(ICS)
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"), argparse.ArgumentParser(add_help=False))
    args = parser.parse_args(["events", "import", str(ics), "--from", "2026-11-23"])
    assert args.func is cmd_import
    config = Config(db_path=tmp_path / "cli.sqlite3", catalog_path=REAL_CATALOG,
                    timezone="Europe/London")
    assert cmd_import(args, config) == 0
    assert "5 new occurrences" in capsys.readouterr().out
