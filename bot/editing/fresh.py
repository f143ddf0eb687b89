"""Keeping the catalog fresh: stale services, 'still correct', gaps and the weekly digest."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.db import Database
from bot.editing.changes import Changes, Outcome, current

STALE_AFTER = dt.timedelta(days=180)
DIGEST_EVERY = dt.timedelta(days=7)
DIGEST_KEY = "digest_sent_at"
GAP_WINDOW = dt.timedelta(days=90)


@dataclass(frozen=True)
class Stale:
    service_id: str
    name: str
    last_verified: dt.date
    revision: int

    def days(self, today: dt.date) -> int:
        return (today - self.last_verified).days


async def stale(db: Database, today: dt.date, limit: int = 50) -> list[Stale]:
    """Services (not closed for good) last verified over 180 days ago, oldest first."""
    found = []
    for row in await db.fetchall(
        "SELECT id, doc, revision FROM services WHERE status != 'closed'"
    ):
        doc = json.loads(row["doc"])
        verified = dt.date.fromisoformat(doc["last_verified"])
        if today - verified > STALE_AFTER:
            found.append(Stale(row["id"], doc["name"], verified, int(row["revision"])))
    found.sort(key=lambda s: (s.last_verified, s.service_id))
    return found[:limit]


async def still_correct(
    changes: Changes, user_id: int, service_id: str, base_revision: int, today: dt.date
) -> Outcome:
    """A volunteer checked the service: last_verified becomes today (applied at once).

    Based on the revision the volunteer saw, so an old button cannot vouch for a newer version.
    """
    now = await current(changes.db, service_id)
    after = {**now.doc, "last_verified": today.isoformat()}
    return await changes.propose(
        user_id, service_id, after, base_revision, action="verify", field="last_verified",
        apply_now=True,
    )


@dataclass
class Gap:
    category: str | None
    """None: what people asked fits no category we know"""
    language: str | None
    unanswered: int = 0
    unhelpful: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.unanswered + self.unhelpful


async def gaps(
    db: Database, since: dt.date, categorize: Callable[[str], str | None] | None = None,
    examples: int = 3,
) -> list[Gap]:
    """Anonymous unanswered questions and thumbs-down feedback since a day, grouped by
    category and language, biggest first. `categorize` guesses a category for a question
    (the search engine's understanding); without it unanswered questions have none."""
    groups: dict[tuple[str | None, str | None], Gap] = {}

    def group(category: str | None, language: str | None) -> Gap:
        key = (category, language)
        if key not in groups:
            groups[key] = Gap(category, language)
        return groups[key]

    for row in await db.fetchall(
        "SELECT text, language FROM unanswered WHERE at >= ? ORDER BY id DESC",
        (since.isoformat(),),
    ):
        gap = group(categorize(row["text"]) if categorize else None, row["language"])
        gap.unanswered += 1
        if len(gap.examples) < examples:
            gap.examples.append(row["text"])
    for row in await db.fetchall(
        "SELECT category, language, text FROM feedback WHERE helpful = 0 AND at >= ? "
        "ORDER BY id DESC", (since.isoformat(),),
    ):
        gap = group(row["category"], row["language"])
        gap.unhelpful += 1
        if row["text"] and len(gap.examples) < examples:
            gap.examples.append(row["text"])
    return sorted(groups.values(), key=lambda g: (-g.total, g.category or "~", g.language or ""))


@dataclass(frozen=True)
class Digest:
    """What one volunteer hears about once a week."""

    user_id: int
    language: str | None
    stale: list[Stale]
    stale_total: int
    new_unanswered: int
    examples: list[str]
    approved: int
    rejected: int
    pending: int

    @property
    def empty(self) -> bool:
        return not (self.stale_total or self.new_unanswered or self.approved or self.rejected
                    or self.pending)


async def last_digest(db: Database, now: dt.datetime) -> dt.datetime:
    row = await db.fetchone("SELECT value FROM meta WHERE key = ?", (DIGEST_KEY,))
    return dt.datetime.fromisoformat(row["value"]) if row else now - DIGEST_EVERY


async def digests(db: Database, now: dt.datetime, top: int = 5) -> list[Digest]:
    """One digest per active volunteer or staff member (not admins from the config only),
    covering what happened since the last digest; records that this one was made."""
    since = await last_digest(db, now)
    today = now.date()
    old = await stale(db, today, limit=1000)
    rows = await db.fetchall(
        "SELECT text FROM unanswered WHERE at >= ? ORDER BY id DESC", (since.date().isoformat(),)
    )
    examples = list(dict.fromkeys(r["text"] for r in rows))[:3]
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in await db.fetchall(
        "SELECT proposer, status, COUNT(*) AS n FROM proposals WHERE "
        "(status = 'pending') OR (decided_at >= ?) GROUP BY proposer, status",
        (since.astimezone(dt.UTC).isoformat(timespec="seconds"),),
    ):
        counts[int(row["proposer"])][row["status"]] += int(row["n"])
    found = []
    for row in await db.fetchall(
        "SELECT telegram_id, language FROM users WHERE role IN ('volunteer', 'staff') "
        "AND active = 1 ORDER BY telegram_id"
    ):
        mine = counts[int(row["telegram_id"])]
        found.append(Digest(
            int(row["telegram_id"]), row["language"], old[:top], len(old), len(rows), examples,
            mine["approved"], mine["rejected"], mine["pending"],
        ))
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (DIGEST_KEY, now.isoformat()),
        )
    return found
