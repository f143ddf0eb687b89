"""Typed, read-only views of catalog documents (the YAML/JSON form is the canonical one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COSTS = ("free", "low_cost", "paid")
ACCESS_MODES = ("drop_in", "appointment", "referral", "online", "phone")
STATUSES = ("active", "temporarily_closed", "closed")


@dataclass(frozen=True)
class Text:
    name: str
    description: str
    reviewed: bool = True
    schedule_note: str = ""
    eligibility: str = ""


@dataclass(frozen=True)
class Location:
    name: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    accessibility: str = ""


@dataclass(frozen=True)
class Opening:
    """One weekly opening: weekday 0 = Monday, times in the region's timezone."""

    weekday: int
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Service:
    id: str
    organization_id: str
    name: str
    description: str
    categories: tuple[str, ...]
    cost: str
    access: tuple[str, ...]
    status: str
    source: str
    last_verified: dt.date
    eligibility: str = ""
    languages: tuple[str, ...] = ()
    locations: tuple[Location, ...] = ()
    schedule: tuple[Opening, ...] = ()
    schedule_note: str = ""
    closed_dates: frozenset[dt.date] = frozenset()
    phone: str = ""
    email: str = ""
    website: str = ""
    reopens: dt.date | None = None
    example: bool = False
    translations: Mapping[str, Text] = field(default_factory=dict)
    revision: int = 1

    @property
    def is_offered(self) -> bool:
        return self.status == "active"

    def text(self, language: str) -> Text:
        """Name and description in a language, falling back to English (reviewed=False)."""
        english = Text(
            self.name, self.description, language == "en", self.schedule_note, self.eligibility
        )
        return self.translations.get(language) or english

    def has_text(self, language: str) -> bool:
        return language == "en" or language in self.translations


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    description: str
    source: str
    last_verified: dt.date
    website: str = ""
    example: bool = False
    translations: Mapping[str, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class EmergencyLine:
    id: str
    number: str
    kinds: tuple[str, ...]
    labels: dict[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en", "")


@dataclass(frozen=True)
class Region:
    id: str
    name: str
    timezone: str
    default_language: str
    centre: tuple[float, float]
    bbox: tuple[float, float, float, float]
    """south, west, north, east"""
    emergency_lines: tuple[EmergencyLine, ...]
    drop_in_service: str = ""
    country: str = "GB"

    def contains(self, latitude: float, longitude: float) -> bool:
        south, west, north, east = self.bbox
        return south <= latitude <= north and west <= longitude <= east


@dataclass(frozen=True)
class Category:
    id: str
    emoji: str
    labels: Mapping[str, str]

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["en"]


@dataclass
class Catalog:
    region: Region
    categories: dict[str, Category]
    organizations: dict[str, Organization]
    services: dict[str, Service]

    def offered(self) -> list[Service]:
        return [s for s in self.services.values() if s.is_offered]


def _texts(doc: Mapping[str, Any]) -> dict[str, Text]:
    return {
        lang: Text(
            t["name"], t.get("description", ""), bool(t.get("reviewed", True)),
            t.get("schedule_note", ""), t.get("eligibility", ""),
        )
        for lang, t in (doc.get("translations") or {}).items()
    }


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _time(value: str) -> dt.time:
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


def service_from_doc(doc: Mapping[str, Any], organization_id: str, revision: int = 1) -> Service:
    contacts = doc.get("contacts") or {}
    return Service(
        id=doc["id"],
        organization_id=organization_id,
        name=doc["name"],
        description=doc.get("description", ""),
        categories=tuple(doc["categories"]),
        cost=doc["cost"],
        access=tuple(doc.get("access") or ()),
        status=doc.get("status", "active"),
        source=doc.get("source", ""),
        last_verified=_date(doc["last_verified"]),
        eligibility=doc.get("eligibility", ""),
        languages=tuple(doc.get("languages") or ()),
        locations=tuple(
            Location(
                name=loc.get("name", ""),
                address=loc.get("address", ""),
                postcode=loc.get("postcode", ""),
                latitude=loc.get("latitude"),
                longitude=loc.get("longitude"),
                accessibility=loc.get("accessibility", ""),
            )
            for loc in doc.get("locations") or ()
        ),
        schedule=tuple(
            Opening(WEEKDAYS.index(o["day"]), _time(o["opens"]), _time(o["closes"]))
            for o in doc.get("schedule") or ()
        ),
        schedule_note=doc.get("schedule_note", ""),
        closed_dates=frozenset(_date(d) for d in doc.get("closed_dates") or ()),
        phone=str(contacts.get("phone", "")),
        email=contacts.get("email", ""),
        website=contacts.get("website", ""),
        reopens=_date(doc["reopens"]) if doc.get("reopens") else None,
        example=bool(doc.get("example", False)),
        translations=_texts(doc),
        revision=revision,
    )


def organization_from_doc(doc: Mapping[str, Any]) -> Organization:
    return Organization(
        id=doc["id"],
        name=doc["name"],
        description=doc.get("description", ""),
        source=doc.get("source", ""),
        last_verified=_date(doc["last_verified"]),
        website=doc.get("website", ""),
        example=bool(doc.get("example", False)),
        translations=_texts(doc),
    )
