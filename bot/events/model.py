"""Events as the bot knows them: categories, an occurrence with its translations, a new event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.i18n import N_

CATEGORIES: dict[str, str] = {
    "sport": N_("⚽ Sport"),
    "social": N_("☕ Social"),
    "language": N_("🗣 Language"),
    "info": N_("ℹ️ Information"),
    "dropin": N_("🚪 Drop-in"),
}
"""event category -> label (people subscribe to these)"""
DEFAULT_CATEGORY = "info"
STATUSES = ("scheduled", "cancelled", "moved")


@dataclass(frozen=True)
class Text:
    title: str
    description: str = ""


@dataclass(frozen=True)
class Event:
    """One occurrence (a weekly series is stored as one row per week, sharing `series_id`)."""

    id: int
    category: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    texts: dict[str, Text]
    venue: str = ""
    status: str = "scheduled"
    capacity_note: str = ""
    series_id: str | None = None
    recurrence: str | None = None
    uid: str | None = None
    service_id: str | None = None

    def text(self, language: str) -> Text:
        """The event's words in `language`, else English, else any."""
        found = self.texts.get(language) or self.texts.get("en")
        return found or next(iter(self.texts.values()), Text("?"))

    @property
    def active(self) -> bool:
        return self.status != "cancelled"


@dataclass(frozen=True)
class NewEvent:
    texts: dict[str, Text]
    category: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue: str = ""
    capacity_note: str = ""
    weekly: bool = False
    uid: str | None = None
    service_id: str | None = None

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None or self.ends_at.tzinfo is None:
            raise ValueError("event times must be timezone-aware")
        if self.ends_at < self.starts_at:
            raise ValueError("an event cannot end before it starts")
        if not self.texts:
            raise ValueError("an event needs a title")
