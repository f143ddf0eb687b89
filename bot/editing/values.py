"""Editable service fields: read a typed value, check it with the catalog's own rules
(`bot.catalog.schema`), and put it into a copy of the service document."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bot import LANGUAGES
from bot.catalog import schema
from bot.catalog.loader import CATEGORY_IDS
from bot.catalog.model import ACCESS_MODES, COSTS, Region
from bot.editing.errors import InvalidValue
from bot.editing.hours import format_hours, parse_hours

Doc = dict[str, Any]
POSTCODE_RE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\s*$", re.I)
COORDS_RE = re.compile(r"@\s*(-?\d{1,2}(?:\.\d+)?)\s*,\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


def _check(check: schema.Check, value: Any) -> Any:
    problem = check(value)
    if problem:
        raise InvalidValue(problem)
    return value


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;]+", text.strip().lower()) if w]


def parse_text(text: str) -> str:
    return str(_check(schema.check_text, " ".join(text.split())))


def parse_phone(text: str) -> str:
    return str(_check(schema.check_phone, text.strip()))


def parse_email(text: str) -> str:
    return str(_check(schema.check_email, text.strip()))


def parse_url(text: str) -> str:
    return str(_check(schema.check_url, text.strip()))


def parse_languages(text: str) -> list[str]:
    codes = _words(text)
    for code in codes:
        _check(schema.check_spoken_language, code)
    if not codes:
        raise InvalidValue("give at least one language code, e.g. 'en, ar, fa'")
    return list(dict.fromkeys(codes))


def parse_categories(text: str) -> list[str]:
    ids = _words(text)
    for cid in ids:
        if cid not in CATEGORY_IDS:
            raise InvalidValue(f"unknown category '{cid}'{schema.did_you_mean(cid, CATEGORY_IDS)}")
    if not ids:
        raise InvalidValue("give at least one category")
    return list(dict.fromkeys(ids))


def parse_access(text: str) -> list[str]:
    modes = _words(text)
    for mode in modes:
        _check(schema.one_of(ACCESS_MODES), mode)
    if not modes:
        raise InvalidValue(f"give one or more of: {', '.join(ACCESS_MODES)}")
    return list(dict.fromkeys(modes))


def parse_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text.strip()).isoformat()
    except ValueError as exc:
        raise InvalidValue(f"{text.strip()!r} is not a date (YYYY-MM-DD)") from exc


@dataclass(frozen=True)
class Address:
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None


def parse_address(text: str, region: Region) -> Address:
    """'1 Example Street, Plymouth, PL1 2DH @50.37,-4.14' (the map point is optional)."""
    text = " ".join(text.split())
    coords = COORDS_RE.search(text)
    lat = lon = None
    if coords:
        lat, lon = float(coords.group(1)), float(coords.group(2))
        if not region.contains(lat, lon):
            raise InvalidValue(f"coordinates ({lat}, {lon}) are outside the {region.name} area")
        text = text[:coords.start()].strip()
    found = POSTCODE_RE.search(text)
    if not found:
        raise InvalidValue("end the address with its postcode, e.g. '1 Example Street, PL1 2DH'")
    postcode = f"{found.group(1)} {found.group(2)}".upper()
    street = text[:found.start()].strip(" ,")
    _check(schema.check_text, street)
    return Address(street, postcode, lat, lon)


def parse_status(text: str) -> tuple[str, str | None]:
    """'active', 'closed', or 'temporarily_closed [YYYY-MM-DD reopening]'."""
    words = text.strip().lower().replace("temporarily closed", "temporarily_closed").split()
    if not words:
        raise InvalidValue("give a status")
    status = words[0]
    _check(schema.one_of(("active", "temporarily_closed", "closed")), status)
    reopens = None
    if len(words) > 1:
        if status != "temporarily_closed":
            raise InvalidValue("only a temporarily closed service has a reopening date")
        reopens = parse_date(words[1])
    return status, reopens


def parse_translation(text: str) -> tuple[str, str]:
    """'Name | Description' (the description may be left out)."""
    name, _, description = text.partition("|")
    return parse_text(name), (parse_text(description) if description.strip() else "")


def set_location(doc: Doc, where: Address) -> None:
    """The first location gets the new address; its map point is kept only for the same
    postcode, otherwise a map point must be given."""
    locations = doc.setdefault("locations", [])
    old = locations[0] if locations else {}
    lat, lon = where.latitude, where.longitude
    if lat is None or lon is None:
        if old.get("postcode", "").replace(" ", "") != where.postcode.replace(" ", ""):
            raise InvalidValue(
                "a new postcode needs its map point: add '@latitude,longitude' at the end"
            )
        lat, lon = old.get("latitude"), old.get("longitude")
    new = {**old, "address": where.address, "postcode": where.postcode,
           "latitude": lat, "longitude": lon}
    if locations:
        locations[0] = new
    else:
        locations.append(new)


Setter = Callable[[Doc, str, Region], None]


def _set_key(key: str, parse: Callable[[str], Any]) -> Setter:
    def setter(doc: Doc, text: str, region: Region) -> None:
        doc[key] = parse(text)

    return setter


def _set_contact(key: str, parse: Callable[[str], str]) -> Setter:
    def setter(doc: Doc, text: str, region: Region) -> None:
        contacts = doc.setdefault("contacts", {})
        if text.strip().lower() in ("none", "-"):
            contacts.pop(key, None)
            if not contacts:
                doc.pop("contacts")
        else:
            contacts[key] = parse(text)

    return setter


def _set_hours(doc: Doc, text: str, region: Region) -> None:
    schedule = parse_hours(text)
    if schedule:
        doc["schedule"] = schedule
    else:
        doc.pop("schedule", None)


def _set_address(doc: Doc, text: str, region: Region) -> None:
    set_location(doc, parse_address(text, region))


def _set_status(doc: Doc, text: str, region: Region) -> None:
    status, reopens = parse_status(text)
    doc["status"] = status
    if reopens:
        doc["reopens"] = reopens
    else:
        doc.pop("reopens", None)


def _set_cost(doc: Doc, text: str, region: Region) -> None:
    doc["cost"] = _check(schema.one_of(COSTS), text.strip().lower())


SETTERS: dict[str, Setter] = {
    "hours": _set_hours,
    "phone": _set_contact("phone", parse_phone),
    "email": _set_contact("email", parse_email),
    "website": _set_contact("website", parse_url),
    "address": _set_address,
    "name": _set_key("name", parse_text),
    "description": _set_key("description", parse_text),
    "eligibility": _set_key("eligibility", parse_text),
    "hours_note": _set_key("schedule_note", parse_text),
    "languages": _set_key("languages", parse_languages),
    "categories": _set_key("categories", parse_categories),
    "access": _set_key("access", parse_access),
    "cost": _set_cost,
    "status": _set_status,
}
FIELDS = tuple(SETTERS)
"""the fields a volunteer can pick, in menu order (translations have their own flow)"""


def with_value(doc: Doc, field: str, text: str, region: Region) -> Doc:
    """A copy of the document with one field changed; raises InvalidValue on a bad value."""
    if field not in SETTERS:
        raise InvalidValue(f"unknown field {field!r}")
    changed = copy.deepcopy(doc)
    SETTERS[field](changed, text, region)
    return changed


def with_translation(doc: Doc, language: str, text: str) -> Doc:
    """A copy with the name (and description) in `language`, marked as not yet reviewed."""
    _check(schema.check_language, language)
    if language == "en":
        raise InvalidValue("English is the main text: edit the name or description instead")
    name, description = parse_translation(text)
    changed = copy.deepcopy(doc)
    entry: Doc = {"name": name, "reviewed": False}
    if description:
        entry["description"] = description
    changed.setdefault("translations", {})[language] = entry
    return changed


def current_value(doc: Doc, field: str) -> str:
    """The field as a volunteer would type it."""
    contacts = doc.get("contacts") or {}
    location = (doc.get("locations") or [{}])[0]
    if field == "hours":
        return format_hours(doc.get("schedule"))
    if field in ("phone", "email", "website"):
        return str(contacts.get(field, "")) or "none"
    if field == "address":
        if not location:
            return "none"
        return f"{location.get('address', '')}, {location.get('postcode', '')}"
    if field == "hours_note":
        return str(doc.get("schedule_note", ""))
    if field == "status":
        return " ".join(filter(None, (doc.get("status", "active"), doc.get("reopens"))))
    value = doc.get(field, "")
    return ", ".join(value) if isinstance(value, list) else str(value)


def missing_translations(doc: Doc, language: str) -> bool:
    """True when the service has no text in `language`, or only an unreviewed one."""
    entry = (doc.get("translations") or {}).get(language)
    return entry is None or entry.get("reviewed") is False


__all__ = ["FIELDS", "LANGUAGES", "InvalidValue", "current_value", "with_translation",
           "with_value"]
