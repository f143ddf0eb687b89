"""What the running bot holds: one database, the catalog, the search engine (in bot_data)
and, per person, a small profile (in user_data)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.callbacks import service_ref
from bot.catalog.model import Catalog, Service
from bot.config import Config
from bot.db import Database
from bot.flood import FloodGuard
from bot.i18n import LANGUAGE_NAMES, I18n, Translator
from bot.render import CardCache
from bot.search.engine import SearchEngine
from bot.search.lexicon import Lexicon

SERVICES_KEY = "services"
PROFILE_KEY = "profile"


@dataclass
class Services:
    config: Config
    db: Database
    catalog: Catalog
    lexicon: Lexicon
    engine: SearchEngine
    i18n: I18n
    flood: FloodGuard
    menu: dict[str, str] = field(default_factory=dict)
    """reply-keyboard label (in any language) -> action"""
    refs: dict[str, str] = field(default_factory=dict)
    """callback reference -> service id"""
    cards: CardCache = field(default_factory=CardCache)

    def __post_init__(self) -> None:
        self.refs = {service_ref(sid): sid for sid in self.catalog.services}

    @property
    def clock(self) -> Callable[[], dt.datetime]:
        return self.engine.clock

    def now(self) -> dt.datetime:
        return self.engine.clock().astimezone(self.engine.tz)

    def service(self, ref: str) -> Service | None:
        sid = self.refs.get(ref)
        service = self.catalog.services.get(sid) if sid else None
        return service if service is not None and service.is_offered else None

    def category_label(self, cid: str, language: str) -> str:
        category = self.catalog.categories[cid]
        label = self.lexicon.labels.get(language, {}).get(cid) or category.label(language)
        return f"{category.emoji} {label}"

    def language_name(self, code: str) -> str:
        return self.lexicon.names.get(code) or LANGUAGE_NAMES.get(code, code)


@dataclass
class Profile:
    """A person as the bot remembers them: only the chosen language and role, never messages."""

    language: str | None
    role: str = "public"
    active: bool = True
    saved_at: dt.datetime | None = None
    """when last_seen was last written"""
    guess: str = "en"
    """UI language until one is chosen (from Telegram's language_code)"""

    def ui_language(self) -> str:
        return self.language or self.guess

    def translator(self, i18n: I18n) -> Translator:
        return i18n.get(self.ui_language())
