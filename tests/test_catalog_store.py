"""Import into the database: transactional, idempotent, and never overwriting chat edits."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.catalog.loader import load_or_raise
from bot.catalog.store import ImportConflict, import_catalog, live_source
from bot.cli import main
from bot.db import Database, open_database
from tests.conftest import TODAY


def dump(path: Path) -> list[tuple[object, ...]]:
    """Every row of the catalog tables, to compare database states."""
    with sqlite3.connect(path) as conn:
        rows: list[tuple[object, ...]] = []
        for table in ("organizations", "services", "service_history"):
            rows += [(table, *r) for r in conn.execute(f"SELECT * FROM {table} ORDER BY 1")]
        return rows


async def test_import_then_reimport_is_a_noop(db: Database, real_catalog: Path) -> None:
    source = load_or_raise(real_catalog, TODAY)
    first = await import_catalog(db, source)
    assert len(first.added) == len(source.services)
    history = await db.fetchone("SELECT COUNT(*) FROM service_history")
    second = await import_catalog(db, source)
    assert not second.changed and second.unchanged == len(source.services)
    assert await db.fetchone("SELECT COUNT(*) FROM service_history") == history


async def test_changed_file_updates_revision_and_history(db: Database, base_catalog: Path) -> None:
    await import_catalog(db, load_or_raise(base_catalog, TODAY))
    org = base_catalog / "organizations" / "alpha.yaml"
    org.write_text(org.read_text().replace("Tea and advice", "Tea, food and advice"))
    report = await import_catalog(db, load_or_raise(base_catalog, TODAY))
    assert report.updated == ["alpha-drop-in"]
    row = await db.fetchone("SELECT revision, doc FROM services WHERE id = 'alpha-drop-in'")
    assert row is not None and row["revision"] == 2
    assert "Tea, food and advice" in json.loads(row["doc"])["description"]
    history = await db.fetchall("SELECT revision, action FROM service_history ORDER BY id")
    assert [tuple(h) for h in history] == [(1, "import"), (2, "import")]


async def test_chat_edits_are_not_silently_overwritten(db: Database, base_catalog: Path) -> None:
    await import_catalog(db, load_or_raise(base_catalog, TODAY))
    doc = json.loads((await db.fetchone("SELECT doc FROM services"))["doc"])  # type: ignore[index]
    doc["description"] = "Edited in the chat by a volunteer."
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE services SET doc = ? WHERE id = 'alpha-drop-in'", (json.dumps(doc),)
        )
    org = base_catalog / "organizations" / "alpha.yaml"
    org.write_text(org.read_text().replace("Tea and advice", "Tea and biscuits"))
    source = load_or_raise(base_catalog, TODAY)
    with pytest.raises(ImportConflict) as raised:
        await import_catalog(db, source)
    assert raised.value.conflicts == ["alpha-drop-in"]
    row = await db.fetchone("SELECT doc FROM services")
    assert row is not None and "Edited in the chat" in row["doc"]
    await import_catalog(db, source, force=True)
    row = await db.fetchone("SELECT doc FROM services")
    assert row is not None and "Tea and biscuits" in row["doc"]


async def test_failure_midway_rolls_back_everything(
    db: Database, real_catalog: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = load_or_raise(real_catalog, TODAY)
    await import_catalog(db, source)
    before = await db.fetchall("SELECT id, doc, revision FROM services ORDER BY id")
    for sid in list(source.services)[:3]:
        source.services[sid] = {**source.services[sid], "name": "changed"}
    import bot.catalog.store as store

    calls = 0
    real_write = store._write_service

    async def failing_write(*args, **kwargs):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        await real_write(*args, **kwargs)

    monkeypatch.setattr(store, "_write_service", failing_write)
    with pytest.raises(RuntimeError):
        await import_catalog(db, source)
    after = await db.fetchall("SELECT id, doc, revision FROM services ORDER BY id")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


def test_broken_catalog_import_leaves_filled_database_unchanged(
    tmp_path: Path, real_catalog: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db_path = tmp_path / "filled.sqlite3"
    assert main(["catalog", "import", "--db", str(db_path), "--catalog", str(real_catalog)]) == 0
    before = dump(db_path)
    assert before
    broken = real_catalog / "organizations" / "samaritans.yaml"
    broken.write_text(broken.read_text().replace("cost: free", "cost: priceless"))
    assert main(["catalog", "import", "--db", str(db_path), "--catalog", str(real_catalog)]) == 1
    out = capsys.readouterr()
    assert "samaritans.yaml:" in out.out and "priceless" in out.out
    assert "database is unchanged" in out.err
    assert dump(db_path) == before


async def test_files_removed_services_go_but_chat_created_stay(
    db: Database, base_catalog: Path
) -> None:
    source = load_or_raise(base_catalog, TODAY)
    await import_catalog(db, source)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO services (id, organization_id, doc, status, updated_at) "
            "VALUES ('alpha-new', 'alpha', ?, 'active', 'now')",
            (json.dumps({**source.services["alpha-drop-in"], "id": "alpha-new"}),),
        )
    report = await import_catalog(db, source)
    assert report.removed == []
    live = await live_source(db, source)
    assert set(live.services) == {"alpha-drop-in", "alpha-new"}


async def test_open_database_twice_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    first = await open_database(path)
    async with first.transaction() as conn:
        await conn.execute("INSERT INTO meta VALUES ('k', 'v')")
    await first.close()
    second = await open_database(path)
    assert (await second.fetchone("SELECT value FROM meta WHERE key = 'k'"))[0] == "v"  # type: ignore[index]
    mode = await second.fetchone("PRAGMA journal_mode")
    assert mode is not None and mode[0] == "wal"
    fk = await second.fetchone("PRAGMA foreign_keys")
    assert fk is not None and fk[0] == 1
    await second.close()
