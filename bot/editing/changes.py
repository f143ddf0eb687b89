"""Changes as proposals: volunteers' wait for review, staff's apply at once. Applying writes the
document, the next revision and a history row in one transaction, and refuses a change whose
base revision is no longer current (no lost update)."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.catalog.model import service_from_doc
from bot.catalog.store import canonical
from bot.db import Database
from bot.editing.errors import Conflict, InvalidValue, NotFound
from bot.team.roles import Team, iso, rank

log = logging.getLogger(__name__)

Doc = dict[str, Any]
CatalogChanged = Callable[[], Awaitable[None]]


@dataclass(frozen=True)
class Proposal:
    id: int
    service_id: str
    organization_id: str
    action: str
    """edit, add, close, translate, revert, verify"""
    field: str
    base_revision: int
    before: Doc | None
    after: Doc
    proposer: int
    status: str
    reason: str | None = None
    decided_by: int | None = None


@dataclass(frozen=True)
class Outcome:
    proposal: Proposal
    applied: bool
    """False: waiting in the review queue"""
    revision: int | None = None


@dataclass(frozen=True)
class Current:
    doc: Doc
    revision: int
    organization_id: str


@dataclass(frozen=True)
class HistoryEntry:
    revision: int
    action: str
    actor: int | None
    at: str
    before: Doc | None
    after: Doc | None


def _proposal(row: Any) -> Proposal:
    return Proposal(
        id=int(row["id"]), service_id=row["service_id"], organization_id=row["organization_id"],
        action=row["action"], field=row["field"], base_revision=int(row["base_revision"]),
        before=json.loads(row["before"]) if row["before"] else None,
        after=json.loads(row["after"]), proposer=int(row["proposer"]), status=row["status"],
        reason=row["reason"], decided_by=row["decided_by"],
    )


async def current(db: Database, service_id: str) -> Current:
    row = await db.fetchone(
        "SELECT doc, revision, organization_id FROM services WHERE id = ?", (service_id,)
    )
    if row is None:
        raise NotFound(f"no service {service_id!r}")
    return Current(json.loads(row["doc"]), int(row["revision"]), row["organization_id"])


def check_document(doc: Doc, organization_id: str) -> None:
    """The whole document must still read as a service (required keys, known values)."""
    from bot.catalog import schema

    for key, (required, check) in schema.SERVICE_FIELDS.items():
        if key not in doc:
            if required:
                raise InvalidValue(f"the service is missing '{key}'")
            continue
        problem = check(doc[key]) if check is not None else None
        if problem and key not in ("last_verified", "reopens"):  # dates are ISO text here
            raise InvalidValue(f"{key}: {problem}")
    try:
        service_from_doc(doc, organization_id)
    except (KeyError, ValueError, TypeError) as exc:
        raise InvalidValue(f"the service does not read back: {exc}") from exc


class Changes:
    """Every write to a service from the chat goes through here."""

    def __init__(self, team: Team, on_catalog_changed: CatalogChanged | None = None) -> None:
        self.team = team
        self.db: Database = team.db
        self.on_catalog_changed = on_catalog_changed
        """awaited after every applied change, so that search sees it at once"""

    async def propose(
        self, user_id: int, service_id: str, after: Doc, base_revision: int, *,
        action: str = "edit", field: str = "", organization_id: str | None = None,
        apply_now: bool = False,
    ) -> Outcome:
        """Submit a change made on top of `base_revision` (0 for a new service). Staff changes
        (and `apply_now` ones, such as a volunteer's "still correct") apply at once.

        Raises Conflict (with the current state) when the service moved on meanwhile.
        """
        role = await self.team.require_role(user_id, "volunteer", f"{action} {service_id}")
        if base_revision == 0:
            if organization_id is None:
                raise InvalidValue("a new service needs its organisation")
            exists = await self.db.fetchone("SELECT 1 FROM services WHERE id = ?", (service_id,))
            if exists:
                raise InvalidValue(f"there is already a service {service_id!r}")
            before: Doc | None = None
            org = organization_id
        else:
            now = await current(self.db, service_id)
            if now.revision != base_revision:
                raise Conflict(service_id, base_revision, now.revision, now.doc)
            before, org = now.doc, now.organization_id
        check_document(after, org)
        if before is not None and canonical(before) == canonical(after):
            raise InvalidValue("that is the same as the current value")
        staff = apply_now or rank(role) >= rank("staff")
        try:
            async with self.db.transaction() as conn:
                cursor = await conn.execute(
                    "INSERT INTO proposals (service_id, organization_id, action, field, "
                    "base_revision, before, after, proposer, status, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (service_id, org, action, field, base_revision,
                     canonical(before) if before is not None else None, canonical(after),
                     user_id, "pending", iso(self.team.now())),
                )
                proposal_id = int(cursor.lastrowid or 0)
                if staff:
                    revision = await self._apply(conn, proposal_id, user_id, "applied")
        except Conflict as exc:  # another change landed between the check and the write
            now = await current(self.db, service_id)
            raise Conflict(service_id, exc.base, now.revision, now.doc) from None
        proposal = await self.proposal(proposal_id)
        if not staff:
            log.info("proposal %s by %s waits for review", proposal_id, user_id)
            return Outcome(proposal, applied=False)
        await self._changed()
        return Outcome(proposal, applied=True, revision=revision)

    async def _apply(self, conn: Any, proposal_id: int, actor: int, status: str) -> int:
        """Inside a transaction: write the proposal's document as the next revision."""
        async with conn.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)) as cur:
            p = _proposal(await cur.fetchone())
        async with conn.execute(
            "SELECT revision FROM services WHERE id = ?", (p.service_id,)
        ) as cur:
            row = await cur.fetchone()
        revision = int(row["revision"]) if row is not None else 0
        if revision != p.base_revision:
            raise Conflict(p.service_id, p.base_revision, revision, None)
        stamp, text = iso(self.team.now()), canonical(p.after)
        status_value = p.after.get("status", "active")
        if row is None:
            await conn.execute(
                "INSERT INTO services (id, organization_id, doc, status, revision, "
                "imported_hash, updated_at) VALUES (?, ?, ?, ?, 1, NULL, ?)",
                (p.service_id, p.organization_id, text, status_value, stamp),
            )
        else:
            await conn.execute(
                "UPDATE services SET doc = ?, status = ?, revision = ?, updated_at = ? "
                "WHERE id = ? AND revision = ?",
                (text, status_value, revision + 1, stamp, p.service_id, revision),
            )
        await conn.execute(
            "INSERT INTO service_history (service_id, revision, action, actor, before, after, "
            "at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (p.service_id, revision + 1, p.action, p.proposer,
             canonical(p.before) if p.before is not None else None, text, stamp),
        )
        await conn.execute(
            "UPDATE proposals SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            (status, actor, stamp, proposal_id),
        )
        return revision + 1

    async def _changed(self) -> None:
        if self.on_catalog_changed is not None:
            await self.on_catalog_changed()

    async def proposal(self, proposal_id: int) -> Proposal:
        row = await self.db.fetchone("SELECT * FROM proposals WHERE id = ?", (proposal_id,))
        if row is None:
            raise NotFound(f"no proposal {proposal_id}")
        return _proposal(row)

    async def pending(self, limit: int = 20) -> list[Proposal]:
        rows = await self.db.fetchall(
            "SELECT * FROM proposals WHERE status = 'pending' ORDER BY id LIMIT ?", (limit,)
        )
        return [_proposal(r) for r in rows]

    async def _pending(self, proposal_id: int) -> Proposal:
        found = await self.proposal(proposal_id)
        if found.status != "pending":
            raise NotFound(f"proposal {proposal_id} is already {found.status}")
        return found

    async def approve(self, staff_id: int, proposal_id: int) -> Outcome:
        """Apply a pending change; a change overtaken by another is marked 'conflict'."""
        await self.team.require_role(staff_id, "staff", f"approve proposal {proposal_id}")
        await self._pending(proposal_id)
        try:
            async with self.db.transaction() as conn:
                revision = await self._apply(conn, proposal_id, staff_id, "approved")
        except Conflict as exc:
            await self._decide(proposal_id, staff_id, "conflict",
                               f"the service changed to revision {exc.revision} meanwhile")
            now = await current(self.db, exc.service_id)
            raise Conflict(exc.service_id, exc.base, now.revision, now.doc) from None
        await self._changed()
        log.info("proposal %s approved by %s", proposal_id, staff_id)
        return Outcome(await self.proposal(proposal_id), applied=True, revision=revision)

    async def reject(self, staff_id: int, proposal_id: int, reason: str) -> Proposal:
        await self.team.require_role(staff_id, "staff", f"reject proposal {proposal_id}")
        await self._pending(proposal_id)
        await self._decide(proposal_id, staff_id, "rejected", reason.strip()[:500] or None)
        log.info("proposal %s rejected by %s", proposal_id, staff_id)
        return await self.proposal(proposal_id)

    async def _decide(self, proposal_id: int, by: int, status: str, reason: str | None) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE proposals SET status = ?, reason = ?, decided_by = ?, decided_at = ? "
                "WHERE id = ? AND status = 'pending'",
                (status, reason, by, iso(self.team.now()), proposal_id),
            )

    async def history(self, service_id: str, limit: int = 20) -> list[HistoryEntry]:
        """Newest first."""
        rows = await self.db.fetchall(
            "SELECT revision, action, actor, at, before, after FROM service_history "
            "WHERE service_id = ? ORDER BY id DESC LIMIT ?", (service_id, limit),
        )
        return [
            HistoryEntry(
                int(r["revision"]), r["action"], r["actor"], r["at"],
                json.loads(r["before"]) if r["before"] else None,
                json.loads(r["after"]) if r["after"] else None,
            )
            for r in rows
        ]

    async def revert(
        self, staff_id: int, service_id: str, to_revision: int, base_revision: int
    ) -> Outcome:
        """Bring back the document of an earlier revision, as a new revision."""
        await self.team.require_role(staff_id, "staff", f"revert {service_id}")
        row = await self.db.fetchone(
            "SELECT after FROM service_history WHERE service_id = ? AND revision = ? "
            "AND after IS NOT NULL ORDER BY id DESC LIMIT 1", (service_id, to_revision),
        )
        if row is None:
            raise NotFound(f"{service_id} has no revision {to_revision}")
        return await self.propose(
            staff_id, service_id, json.loads(row["after"]), base_revision,
            action="revert", field=f"revision {to_revision}",
        )
