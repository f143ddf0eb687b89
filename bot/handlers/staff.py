"""What the team and editing handlers share: their callback data, the role guard (group -1),
the domain objects for a running bot, and making approved changes visible to search."""

from __future__ import annotations

import asyncio
import logging
import re

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.callbacks import service_ref
from bot.catalog.loader import CatalogSource
from bot.catalog.model import Service
from bot.catalog.store import live_catalog
from bot.editing.changes import Changes
from bot.editing.drafts import Drafts
from bot.handlers.common import Context, services, translator
from bot.search.engine import SearchEngine
from bot.state import Services
from bot.team.roles import Team, rank

log = logging.getLogger(__name__)

VERSION = "t1"
MAX_BYTES = 64
_REF = r"~[0-9a-f]{10}|[a-z0-9][a-z0-9_-]{0,39}"
_NUM = r"[1-9][0-9]{0,11}"
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    # kind: (argument patterns, the least role that may press it)
    "ef": ((r"[a-z_]{2,20}",), "volunteer"),  # edit: pick a field
    "es": ((_REF,), "volunteer"),  # edit/close/translate: pick a service
    "tl": ((r"[a-z]{2,3}",), "volunteer"),  # translate: pick a language
    "ao": ((_REF,), "volunteer"),  # add: pick the organisation
    "as": ((r"(?:go|no)",), "volunteer"),  # add: submit or drop the preview
    "ok": ((_REF, _NUM), "volunteer"),  # stale: still correct at this revision
    "ra": ((_NUM,), "staff"),  # review: approve
    "rr": ((_NUM,), "staff"),  # review: reject (a reason follows)
    "rv": ((_REF, _NUM, _NUM), "staff"),  # history: revert to a revision, from a base
    "rk": ((_NUM,), "staff"),  # team: revoke a person's role
}
COMMANDS = {
    "invite": "staff", "team": "staff", "revoke": "staff", "review": "staff",
    "edit": "volunteer", "add": "volunteer", "close": "volunteer", "translate": "volunteer",
    "history": "volunteer", "stale": "volunteer", "gaps": "volunteer",
}
"""privileged commands and the least role for each"""
REBUILD_LOCK = "editing.rebuild_lock"


def encode(kind: str, *args: object) -> str:
    data = ":".join((VERSION, kind, *(str(a) for a in args)))
    if decode(data) != (kind, tuple(str(a) for a in args)):
        raise ValueError(f"cannot encode {kind} {args!r} as callback data")
    return data


def decode(data: object) -> tuple[str, tuple[str, ...]] | None:
    """(kind, args) for data made by `encode`, else None (forged, malformed or too long)."""
    if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) < 2 or parts[0] != VERSION or parts[1] not in KINDS:
        return None
    patterns, args = KINDS[parts[1]][0], tuple(parts[2:])
    if len(args) != len(patterns) or not all(
        re.fullmatch(p, a) for p, a in zip(patterns, args, strict=True)
    ):
        return None
    return parts[1], args


def ours(data: object) -> bool:
    return isinstance(data, str) and data.startswith(VERSION + ":")


def matcher(*kinds: str) -> re.Pattern[str]:
    """A CallbackQueryHandler pattern for these kinds (the guard has validated the data)."""
    return re.compile(rf"^{VERSION}:(?:{'|'.join(kinds)})(?::|$)")


def team_of(context: Context) -> Team:
    svc = services(context)
    return Team(svc.db, svc.config.admins, svc.clock)


def changes_of(context: Context) -> Changes:
    svc = services(context)

    async def changed() -> None:
        await refresh_catalog(svc, context.bot_data.setdefault(REBUILD_LOCK, asyncio.Lock()))

    return Changes(team_of(context), changed)


def drafts_of(context: Context) -> Drafts:
    svc = services(context)
    return Drafts(svc.db, svc.clock)


async def refresh_catalog(svc: Services, lock: asyncio.Lock) -> None:
    """The `on_catalog_changed` hook: re-read the catalog and swap in a new SearchEngine, so
    the next search sees the change. Serialised, so the newest read is always the last swap."""
    async with lock:
        files = CatalogSource(svc.catalog.region, svc.catalog.categories)
        catalog = await live_catalog(svc.db, files)
        engine = SearchEngine(catalog, svc.lexicon, clock=svc.engine.clock)
        svc.catalog, svc.engine = catalog, engine
        svc.refs = {service_ref(sid): sid for sid in catalog.services}
    log.info("catalog reloaded: %d services", len(catalog.services))


def service_by_ref(svc: Services, ref: str) -> Service | None:
    """Any service (closed ones too: they can be edited) named by callback data."""
    sid = svc.refs.get(ref)
    return svc.catalog.services.get(sid) if sid else None


def command_of(update: Update) -> str | None:
    message = update.message
    if message is None or not message.text or not message.text.startswith("/"):
        return None
    name = message.text.split()[0][1:].split("@")[0].lower()
    return name or None


async def guard(update: Update, context: Context) -> None:
    """Group -1: privileged commands and team buttons run only for a role that allows them,
    read from the database now (a revoked volunteer's old button does nothing)."""
    user = update.effective_user
    query = update.callback_query
    command = command_of(update)
    if user is None:
        return
    if query is not None and ours(query.data):
        found = decode(query.data)
        needed = KINDS[found[0]][1] if found else None
        role = await team_of(context).role_of(user.id)
        if found is None or needed is None or rank(role) < rank(needed):
            log.warning("refused button %r from user %s (%s): %s", query.data, user.id, role,
                        "forged or malformed" if found is None else f"needs {needed}")
            _ = translator(context).gettext
            await query.answer(_("This button has expired. Please use the menu again."),
                               show_alert=True)
            raise ApplicationHandlerStop
        return
    if command == "start" and update.message is not None:
        from bot.handlers.team import redeem_from_start

        if await redeem_from_start(update, context):
            raise ApplicationHandlerStop
        return
    needed = COMMANDS.get(command or "")
    if needed is None:
        return
    role = await team_of(context).role_of(user.id)
    if rank(role) >= rank(needed):
        return
    log.warning("refused /%s from user %s (%s): needs %s", command, user.id, role, needed)
    if update.effective_chat is not None:
        _ = translator(context).gettext
        await context.bot.send_message(
            update.effective_chat.id,
            _("This command is for the Harbour team of volunteers and staff."),
        )
    raise ApplicationHandlerStop
