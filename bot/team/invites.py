"""One-time invites: a random token goes into a deep link, only its SHA-256 is stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from enum import Enum

from bot.team.roles import AccessDenied, Team, iso, rank

log = logging.getLogger(__name__)

INVITE_TTL = dt.timedelta(hours=48)
INVITABLE = ("volunteer", "staff")
PREFIX = "inv_"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
"""a deep-link payload is at most 64 characters of A-Z a-z 0-9 _ -"""


class Redeemed(Enum):
    GRANTED = "granted"
    ALREADY = "already"
    """the person already had this role or a higher one (the invite is still used up)"""
    INVALID = "invalid"
    """unknown, used or expired: deliberately not told apart"""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_invite(team: Team, role: str, by: int) -> str:
    """A fresh token for `role`; only staff and admins invite."""
    if role not in INVITABLE:
        raise ValueError(f"cannot invite to role {role!r}")
    await team.require_role(by, "staff", f"invite a {role}")
    token = secrets.token_urlsafe(24)
    now = team.now()
    async with team.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO invites (token_hash, role, created_by, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (token_hash(token), role, by, iso(now), iso(now + INVITE_TTL)),
        )
    log.info("user %s created a %s invite", by, role)
    return token


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={PREFIX}{token}"


async def redeem(team: Team, token: str, user_id: int) -> tuple[Redeemed, str | None]:
    """Use an invite: single use, before it expires; the role never goes down."""
    if not TOKEN_RE.match(token):
        return Redeemed.INVALID, None
    now = iso(team.now())
    async with team.db.transaction() as conn:
        async with conn.execute(
            "SELECT role FROM invites WHERE token_hash = ? AND used_by IS NULL "
            "AND expires_at > ?", (token_hash(token), now),
        ) as cursor:
            row = await cursor.fetchone()
        if row is None:
            log.warning("user %s tried an unknown, used or expired invite", user_id)
            return Redeemed.INVALID, None
        await conn.execute(
            "UPDATE invites SET used_by = ?, used_at = ? WHERE token_hash = ?",
            (user_id, now, token_hash(token)),
        )
    role = str(row["role"])
    current = await team.role_of(user_id)
    if rank(current) >= rank(role):
        return Redeemed.ALREADY, current
    await team.set_role(user_id, role)
    log.info("user %s joined as %s", user_id, role)
    return Redeemed.GRANTED, role


__all__ = ["INVITE_TTL", "AccessDenied", "Redeemed", "create_invite", "deep_link", "redeem"]
