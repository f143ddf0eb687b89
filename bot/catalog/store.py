"""The catalog in the database: import from files, read back, and record history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from bot.catalog.loader import CatalogSource
from bot.catalog.model import Catalog, organization_from_doc, service_from_doc
from bot.db import Database


def canonical(doc: dict[str, Any]) -> str:
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def doc_hash(doc: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(doc).encode()).hexdigest()


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    """services edited in the chat since the last import whose file version also differs"""

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.removed)} removed, "
            f"{self.unchanged} unchanged"
        )


class ImportConflict(Exception):
    def __init__(self, conflicts: list[str]) -> None:
        super().__init__(
            "these services were edited in the chat since the last import and differ from the "
            "files (use --force to overwrite them): " + ", ".join(conflicts)
        )
        self.conflicts = conflicts


async def import_catalog(
    db: Database, source: CatalogSource, *, force: bool = False, actor: int | None = None
) -> ImportReport:
    """Load validated documents in one transaction; chat edits are never silently overwritten."""
    report = ImportReport()
    async with db.transaction() as conn:
        existing = {
            row["id"]: row
            for row in await db.fetchall("SELECT id, doc, revision, imported_hash FROM services")
        }
        for sid, doc in source.services.items():
            row = existing.get(sid)
            if row is None or force:
                continue
            current = doc_hash(json.loads(row["doc"]))
            edited_in_chat = row["imported_hash"] != current
            if edited_in_chat and current != doc_hash(doc):
                report.conflicts.append(sid)
        if report.conflicts:
            raise ImportConflict(report.conflicts)
        orgs = {row["id"]: row for row in await db.fetchall("SELECT id, doc FROM organizations")}
        for oid, doc in source.organizations.items():
            text = canonical(doc)
            if oid not in orgs:
                await conn.execute(
                    "INSERT INTO organizations (id, doc, imported_hash, updated_at) "
                    "VALUES (?, ?, ?, ?)", (oid, text, doc_hash(doc), now_iso()),
                )
            elif canonical(json.loads(orgs[oid]["doc"])) != text:
                await conn.execute(
                    "UPDATE organizations SET doc = ?, imported_hash = ?, updated_at = ? "
                    "WHERE id = ?",
                    (text, doc_hash(doc), now_iso(), oid),
                )
        for sid, doc in source.services.items():
            row = existing.pop(sid, None)
            new_hash = doc_hash(doc)
            org = source.service_org[sid]
            if row is None:
                await _write_service(db, sid, org, doc, 1, "import", actor, None, insert=True)
                report.added.append(sid)
            elif doc_hash(json.loads(row["doc"])) == new_hash:
                if row["imported_hash"] != new_hash:  # the chat edit is now in the files too
                    await conn.execute(
                        "UPDATE services SET imported_hash = ? WHERE id = ?", (new_hash, sid)
                    )
                report.unchanged += 1
            else:
                before = json.loads(row["doc"])
                await _write_service(
                    db, sid, org, doc, row["revision"] + 1, "import", actor, before, insert=False
                )
                report.updated.append(sid)
        for sid, row in existing.items():
            if row["imported_hash"] is None:
                continue  # created in the chat, not from files: keep it
            await conn.execute("DELETE FROM services WHERE id = ?", (sid,))
            before = json.loads(row["doc"])
            await _history(db, sid, row["revision"] + 1, "remove", actor, before, None)
            report.removed.append(sid)
        await conn.execute(
            "DELETE FROM organizations WHERE id NOT IN (SELECT organization_id FROM services) "
            "AND id NOT IN (" + ",".join("?" * len(source.organizations)) + ")",
            tuple(source.organizations),
        )
        await conn.execute(
            "INSERT INTO meta (key, value) VALUES ('region', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (source.region.id,),
        )
    return report


async def _write_service(
    db: Database, sid: str, org: str, doc: dict[str, Any], revision: int, action: str,
    actor: int | None, before: dict[str, Any] | None, *, insert: bool,
) -> None:
    text, stamp = canonical(doc), now_iso()
    if insert:
        await db.conn.execute(
            "INSERT INTO services (id, organization_id, doc, status, revision, imported_hash, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sid, org, text, doc.get("status", "active"), revision, doc_hash(doc), stamp),
        )
    else:
        await db.conn.execute(
            "UPDATE services SET organization_id = ?, doc = ?, status = ?, revision = ?, "
            "imported_hash = ?, updated_at = ? WHERE id = ?",
            (org, text, doc.get("status", "active"), revision, doc_hash(doc), stamp, sid),
        )
    await _history(db, sid, revision, action, actor, before, doc)


async def _history(
    db: Database, sid: str, revision: int, action: str, actor: int | None,
    before: dict[str, Any] | None, after: dict[str, Any] | None,
) -> None:
    await db.conn.execute(
        "INSERT INTO service_history (service_id, revision, action, actor, before, after, at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            sid, revision, action, actor,
            canonical(before) if before is not None else None,
            canonical(after) if after is not None else None,
            now_iso(),
        ),
    )


Docs = dict[str, dict[str, Any]]


async def read_documents(db: Database) -> tuple[Docs, Docs, dict[str, str], dict[str, int]]:
    """(organizations, services, service -> organization, service -> revision), in file order."""
    orgs = {
        row["id"]: json.loads(row["doc"])
        for row in await db.fetchall("SELECT id, doc FROM organizations ORDER BY rowid")
    }
    services, owners, revisions = {}, {}, {}
    for row in await db.fetchall(
        "SELECT id, organization_id, doc, revision FROM services ORDER BY rowid"
    ):
        services[row["id"]] = json.loads(row["doc"])
        owners[row["id"]] = row["organization_id"]
        revisions[row["id"]] = row["revision"]
    return orgs, services, owners, revisions


async def live_source(db: Database, files: CatalogSource) -> CatalogSource:
    """The database's organisations and services with the files' region and taxonomy."""
    orgs, services, owners, _ = await read_documents(db)
    return CatalogSource(files.region, files.categories, orgs, services, owners)


async def live_catalog(db: Database, files: CatalogSource) -> Catalog:
    orgs, services, owners, revisions = await read_documents(db)
    return Catalog(
        region=files.region,
        categories=files.categories,
        organizations={k: organization_from_doc(d) for k, d in orgs.items()},
        services={k: service_from_doc(d, owners[k], revisions[k]) for k, d in services.items()},
    )


async def is_empty(db: Database) -> bool:
    row = await db.fetchone("SELECT COUNT(*) FROM services")
    return row is None or row[0] == 0
