"""Roles on `users.role` (admins come from the config), checked whenever an action runs."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.db import Database

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
ROLES = ("public", "volunteer", "staff", "admin")
"""lowest to highest"""


def rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else 0


class AccessDenied(Exception):
    """The person's current role does not allow the action; nothing was changed."""

    def __init__(self, user_id: int, role: str, needed: str, action: str) -> None:
        super().__init__(f"user {user_id} ({role}) may not {action}: needs {needed}")
        self.user_id, self.role, self.needed, self.action = user_id, role, needed, action


@dataclass(frozen=True)
class Member:
    user_id: int
    role: str
    language: str | None
    active: bool


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Team:
    """The roles of a running bot: the database, the configured admins and a clock."""

    db: Database
    admins: frozenset[int]
    clock: Clock

    def now(self) -> dt.datetime:
        return self.clock()

    async def role_of(self, user_id: int) -> str:
        """The role right now, read from the database (never a cached profile)."""
        if user_id in self.admins:
            return "admin"
        row = await self.db.fetchone("SELECT role FROM users WHERE telegram_id = ?", (user_id,))
        role = str(row["role"]) if row is not None else "public"
        return role if role in ROLES and role != "admin" else "public"

    async def require_role(self, user_id: int, needed: str, action: str) -> str:
        """The person's role if it is at least `needed`; else log and raise AccessDenied."""
        role = await self.role_of(user_id)
        if rank(role) < rank(needed):
            log.warning("denied: user %s (%s) tried to %s (needs %s)", user_id, role, action,
                        needed)
            raise AccessDenied(user_id, role, needed, action)
        return role

    async def members(self) -> list[Member]:
        """Everyone with a role, highest role first; configured admins are always listed."""
        rows = await self.db.fetchall(
            "SELECT telegram_id, role, language, active FROM users WHERE role != 'public'"
        )
        found = {
            int(r["telegram_id"]): Member(int(r["telegram_id"]), r["role"], r["language"],
                                          bool(r["active"]))
            for r in rows
        }
        for admin in self.admins:
            old = found.get(admin)
            found[admin] = Member(admin, "admin", old.language if old else None,
                                  old.active if old else True)
        return sorted(found.values(), key=lambda m: (-rank(m.role), m.user_id))

    async def set_role(self, user_id: int, role: str) -> None:
        """Write a role, creating the person's row if they never wrote to the bot."""
        stamp = iso(self.now())
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (telegram_id, language, role, active, created_at, last_seen) "
                "VALUES (?, NULL, ?, 1, ?, ?) "
                "ON CONFLICT(telegram_id) DO UPDATE SET role = excluded.role",
                (user_id, role, stamp, stamp),
            )

    async def revoke(self, by: int, user_id: int) -> str:
        """Make a volunteer or staff member public again; returns the role they had.

        Only someone ranked above the person may revoke them; configured admins cannot be
        revoked from the chat (remove them from HARBOUR_ADMINS).
        """
        mine = await self.require_role(by, "staff", "revoke a role")
        theirs = await self.role_of(user_id)
        if theirs == "public":
            return theirs
        if user_id in self.admins or rank(theirs) >= rank(mine):
            log.warning("denied: user %s (%s) tried to revoke %s (%s)", by, mine, user_id, theirs)
            raise AccessDenied(by, mine, "admin", f"revoke {theirs} {user_id}")
        await self.set_role(user_id, "public")
        log.info("user %s revoked the %s role of %s", by, theirs, user_id)
        return theirs
