"""Roles, invites, validated edits, review, history, conflicts and freshness (no Telegram)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from bot.catalog.loader import CatalogSource
from bot.catalog.model import Region
from bot.catalog.store import ImportConflict, import_catalog
from bot.db import Database
from bot.editing import fresh
from bot.editing.changes import Changes, current
from bot.editing.diff import diff
from bot.editing.errors import Conflict, InvalidValue, NotFound
from bot.editing.hours import format_hours, parse_hours
from bot.editing.newservice import add_step, finish, start_doc
from bot.editing.values import with_translation, with_value
from bot.team import AccessDenied, Team
from bot.team.invites import INVITE_TTL, Redeemed, create_invite, redeem, token_hash

ADMIN, STAFF, VOL, VOL2, STRANGER = 1, 2, 3, 4, 5
SERVICE = "dcrs-health-point"
NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def region(real_source: CatalogSource) -> Region:
    return real_source.region


@pytest.fixture
async def team(db: Database, real_source: CatalogSource) -> Team:
    await import_catalog(db, real_source)
    t = Team(db, frozenset({ADMIN}), Clock(NOW))
    await t.set_role(STAFF, "staff")
    await t.set_role(VOL, "volunteer")
    await t.set_role(VOL2, "volunteer")
    return t


def test_hours_are_read_as_people_type_them() -> None:
    assert format_hours(parse_hours("Mon-Wed 9:30-12, Fri 1-3pm")) == (
        "Mon 09:30-12:00; Tue 09:30-12:00; Wed 09:30-12:00; Fri 13:00-15:00"
    )
    for bad in ("Mon 12:00-10:00", "Funday 10-12", "10-12", "Mon 25:00-26:00"):
        with pytest.raises(InvalidValue):
            parse_hours(bad)


async def test_values_use_the_catalog_rules(team: Team, real_source: CatalogSource) -> None:
    doc = (await current(team.db, SERVICE)).doc
    region = real_source.region
    assert with_value(doc, "phone", "01632 960999", region)["contacts"]["phone"] == "01632 960999"
    for field, bad in (("phone", "12345678901234"), ("email", "nope"), ("website", "ftp://x"),
                       ("languages", "english"), ("status", "open"),
                       ("address", "Somewhere without a postcode"),
                       ("address", "1 New Road, PL4 8AA")):  # new postcode, no map point
        with pytest.raises(InvalidValue):
            with_value(doc, field, bad, region)
    moved = with_value(doc, "address", "2 New Road, PL4 8AA @50.375,-4.13", region)
    assert moved["locations"][0]["postcode"] == "PL4 8AA"
    closed = with_value(doc, "status", "temporarily closed 2027-01-10", region)
    assert (closed["status"], closed["reopens"]) == ("temporarily_closed", "2027-01-10")
    translated = with_translation(doc, "ar", "نقطة صحية | وصف")
    assert translated["translations"]["ar"] == {
        "name": "نقطة صحية", "description": "وصف", "reviewed": False,
    }


async def test_invites_are_hashed_single_use_and_expire(team: Team) -> None:
    with pytest.raises(AccessDenied):
        await create_invite(team, "volunteer", VOL)
    token = await create_invite(team, "volunteer", STAFF)
    stored = await team.db.fetchall("SELECT token_hash FROM invites")
    assert [r["token_hash"] for r in stored] == [token_hash(token)]  # never the token itself
    assert await redeem(team, token, STRANGER) == (Redeemed.GRANTED, "volunteer")
    assert await team.role_of(STRANGER) == "volunteer"
    assert (await redeem(team, token, 99))[0] is Redeemed.INVALID
    late = await create_invite(team, "staff", ADMIN)
    assert isinstance(team.clock, Clock)
    team.clock.now = NOW + INVITE_TTL + dt.timedelta(seconds=1)
    assert (await redeem(team, late, 98))[0] is Redeemed.INVALID
    assert await team.role_of(98) == "public"


async def test_revoking_follows_rank(team: Team) -> None:
    with pytest.raises(AccessDenied):
        await team.revoke(VOL, VOL2)
    with pytest.raises(AccessDenied):
        await team.revoke(STAFF, ADMIN)
    assert await team.revoke(STAFF, VOL2) == "volunteer"
    assert await team.role_of(VOL2) == "public"
    members = await team.members()
    assert [(m.user_id, m.role) for m in members] == [
        (ADMIN, "admin"), (STAFF, "staff"), (VOL, "volunteer"),
    ]


async def test_review_approve_reject_history_and_revert(team: Team, region: Region) -> None:
    seen: list[int] = []

    async def changed() -> None:
        seen.append(1)

    changes = Changes(team, changed)
    now = await current(team.db, SERVICE)
    region_free = with_value(now.doc, "hours", "Wed 14:00-16:00", region)
    with pytest.raises(AccessDenied):
        await changes.propose(STRANGER, SERVICE, region_free, now.revision)
    outcome = await changes.propose(VOL, SERVICE, region_free, now.revision, field="hours")
    assert not outcome.applied and (await current(team.db, SERVICE)).revision == now.revision
    lines = diff(outcome.proposal.before, outcome.proposal.after)
    assert [(x.field, x.before, x.after) for x in lines] == [
        ("hours", "Tue 10:00-13:00", "Wed 14:00-16:00"),
    ]
    with pytest.raises(AccessDenied):
        await changes.approve(VOL2, outcome.proposal.id)
    approved = await changes.approve(STAFF, outcome.proposal.id)
    assert approved.applied and approved.revision == now.revision + 1 and seen == [1]
    with pytest.raises(NotFound):
        await changes.approve(STAFF, outcome.proposal.id)  # decided already

    other = with_value(now.doc, "description", "Another text entirely.", region)
    second = await changes.propose(VOL2, SERVICE, other, now.revision + 1)
    rejected = await changes.reject(STAFF, second.proposal.id, "Not what the flyer says")
    assert rejected.status == "rejected" and rejected.reason == "Not what the flyer says"

    history = await changes.history(SERVICE)
    assert [h.action for h in history[:2]] == ["edit", "import"]
    assert history[0].actor == VOL
    reverted = await changes.revert(STAFF, SERVICE, now.revision, now.revision + 1)
    assert reverted.applied and reverted.revision == now.revision + 2
    back = await current(team.db, SERVICE)
    assert back.doc["schedule"] == now.doc["schedule"]
    assert (await changes.history(SERVICE))[0].action == "revert"


async def test_two_volunteers_on_one_service_lose_no_update(team: Team, region: Region) -> None:
    changes = Changes(team)
    now = await current(team.db, SERVICE)
    first = await changes.propose(VOL, SERVICE, with_value(now.doc, "phone", "01632 960111",
                                                           region), now.revision)
    second = await changes.propose(VOL2, SERVICE, with_value(now.doc, "phone", "01632 960222",
                                                             region), now.revision)
    await changes.approve(STAFF, first.proposal.id)
    with pytest.raises(Conflict) as caught:
        await changes.approve(STAFF, second.proposal.id)
    assert caught.value.current is not None
    assert caught.value.current["contacts"]["phone"] == "01632 960111"
    assert (await changes.proposal(second.proposal.id)).status == "conflict"
    with pytest.raises(Conflict):  # a submission on the old revision is refused too
        await changes.propose(VOL2, SERVICE, now.doc | {"eligibility": "All"}, now.revision)


async def test_staff_changes_and_new_services_apply_at_once(team: Team, region: Region) -> None:
    changes = Changes(team)
    today = NOW.date()
    doc = start_doc(today)
    for step, text in (("name", "Winter coats"), ("categories", "essentials"),
                       ("description", "Free warm coats for adults and children."),
                       ("address", "1 Example Street, Plymouth, PL1 2DH @50.3713,-4.1422"),
                       ("hours", "Sat 10-12"), ("contacts", "01632 960555, coats@example.org")):
        doc = add_step(doc, step, text, region)
    new = finish(doc, "dcrs", set())
    outcome = await changes.propose(STAFF, new["id"], new, 0, action="add",
                                    organization_id="dcrs")
    assert outcome.applied and new["id"] == "dcrs-winter-coats"
    row = await team.db.fetchone("SELECT imported_hash, revision FROM services WHERE id = ?",
                                 (new["id"],))
    assert row["imported_hash"] is None and row["revision"] == 1  # kept by a later import


async def test_stale_oldest_first_and_still_correct(team: Team) -> None:
    changes = Changes(team)
    later = NOW.date() + dt.timedelta(days=400)
    found = await fresh.stale(team.db, later)
    assert found and found == sorted(found, key=lambda s: s.last_verified)
    first = found[0]
    outcome = await fresh.still_correct(changes, VOL, first.service_id, first.revision, later)
    assert outcome.applied
    assert first.service_id not in {s.service_id for s in await fresh.stale(team.db, later)}
    with pytest.raises(Conflict):  # the same old button again
        await fresh.still_correct(changes, VOL, first.service_id, first.revision, later)


async def test_gaps_group_by_category_and_language(team: Team) -> None:
    async with team.db.transaction() as conn:
        for text, lang in (("bike repair", "en"), ("ремонт велосипеда", "ru"),
                           ("bike lessons", "en")):
            await conn.execute("INSERT INTO unanswered (text, language, at) VALUES (?, ?, ?)",
                               (text, lang, "2026-11-20"))
        await conn.execute(
            "INSERT INTO feedback (helpful, category, service_id, language, text, at) "
            "VALUES (0, 'housing', NULL, 'ar', NULL, '2026-11-21')"
        )
    found = await fresh.gaps(team.db, dt.date(2026, 11, 1), lambda text: "transport")
    assert [(g.category, g.language, g.total) for g in found] == [
        ("transport", "en", 2), ("housing", "ar", 1), ("transport", "ru", 1),
    ]


async def test_import_never_silently_overwrites_a_chat_edit(
    team: Team, region: Region, real_source: CatalogSource
) -> None:
    changes = Changes(team)
    now = await current(team.db, SERVICE)
    await changes.propose(STAFF, SERVICE, with_value(now.doc, "phone", "01632 960999", region),
                          now.revision)
    new = finish(add_step(start_doc(NOW.date()), "name", "Chat only", region) | {
        "categories": ["social"], "description": "Made in the chat."}, "dcrs", set())
    await changes.propose(STAFF, new["id"], new, 0, action="add", organization_id="dcrs")
    files = copy.deepcopy(real_source)
    files.services[SERVICE]["contacts"]["phone"] = "01632 960998"
    with pytest.raises(ImportConflict) as caught:
        await import_catalog(team.db, files)
    assert caught.value.conflicts == [SERVICE]
    files.services[SERVICE] = (await current(team.db, SERVICE)).doc  # exported and committed
    report = await import_catalog(team.db, files)
    assert not report.conflicts and new["id"] not in report.removed
    assert (await current(team.db, new["id"])).revision == 1  # made in the chat: kept
    assert (await current(team.db, SERVICE)).doc["contacts"]["phone"] == "01632 960999"
