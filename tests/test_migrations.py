"""Migrations: from an empty file and from every earlier version to the same schema."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.db import open_database
from bot.db.database import migrations


async def schema(path: Path) -> list[tuple[str, str]]:
    db = await open_database(path, migrate=False)
    rows = await db.fetchall(
        "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
    )
    await db.close()
    return [(r["name"], r["sql"]) for r in rows]


async def test_empty_file_migrates_to_latest(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "new.sqlite3")
    assert await db.user_version() == len(migrations())
    await db.close()


@pytest.mark.parametrize("start", range(len(migrations())))
async def test_every_earlier_version_upgrades_to_the_same_schema(
    tmp_path: Path, start: int
) -> None:
    fresh = tmp_path / "fresh.sqlite3"
    await (await open_database(fresh)).close()
    old = tmp_path / "old.sqlite3"
    db = await open_database(old, migrate=False)
    assert await db.migrate(target=start) == start
    async with db.transaction() as conn:
        if start >= 1:
            await conn.execute(
                "INSERT INTO users (telegram_id, language, created_at, last_seen) "
                "VALUES (42, 'ar', 'then', 'then')"
            )
    assert await db.migrate() == len(migrations())
    if start >= 1:
        assert (await db.fetchone("SELECT language FROM users WHERE telegram_id = 42"))[0] == "ar"  # type: ignore[index]
    await db.close()
    assert await schema(old) == await schema(fresh)


async def test_history_is_append_only(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "h.sqlite3")
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO service_history (service_id, revision, action, at) "
            "VALUES ('s', 1, 'x', 'now')"
        )
    with pytest.raises(Exception, match="append-only"):
        async with db.transaction() as conn:
            await conn.execute("UPDATE service_history SET action = 'y'")
    with pytest.raises(Exception, match="append-only"):
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM service_history")
    await db.close()
