"""Field rules for catalog documents, shared by the file validator and chat editing."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any

from bot import LANGUAGES
from bot.catalog.model import COSTS, STATUSES, WEEKDAYS

Check = Callable[[Any], str | None]

ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMAIL_RE = re.compile(r"^[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
URL_RE = re.compile(r"^https?://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?(/\S*)?$")
LANG_CODE_RE = re.compile(r"^[a-z]{2,3}$")


def check_id(value: Any) -> str | None:
    if not isinstance(value, str) or not ID_RE.match(value):
        return f"{value!r} must be lower-case letters, digits and hyphens (2-63 characters)"
    return None


def check_text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return "must be non-empty text"
    if len(value) > 2000:
        return "is longer than 2000 characters"
    return None


def check_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def check_date(value: Any) -> str | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return None
    return f"{value!r} is not a date (YYYY-MM-DD)"


def check_phone(value: Any) -> str | None:
    """UK numbers: 0 + 10 digits, +44 + 10 digits, or short codes such as 999, 111, 116 123."""
    if not isinstance(value, str):
        return f"{value!r} must be quoted text such as \"01632 960123\""
    digits = re.sub(r"[\s()-]", "", value)
    if re.fullmatch(r"0\d{9,10}|\+44\d{9,10}|\d{3,6}", digits):
        return None
    return f"{value!r} is not a UK phone number"


def check_email(value: Any) -> str | None:
    if isinstance(value, str) and EMAIL_RE.match(value):
        return None
    return f"{value!r} is not an email address"


def check_url(value: Any) -> str | None:
    if isinstance(value, str) and URL_RE.match(value):
        return None
    return f"{value!r} must start with http:// or https:// and name a host"


def check_time(value: Any) -> str | None:
    if isinstance(value, str) and TIME_RE.match(value):
        return None
    return f"{value!r} must be HH:MM between 00:00 and 23:59, in quotes"


def one_of(choices: tuple[str, ...]) -> Check:
    def check(value: Any) -> str | None:
        if value in choices:
            return None
        return f"{value!r} is not one of: {', '.join(choices)}{did_you_mean(value, choices)}"

    return check


def check_number(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"{value!r} must be a number"
    return None


def did_you_mean(word: Any, choices: Any) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def check_language(value: Any) -> str | None:
    if isinstance(value, str) and value in LANGUAGES:
        return None
    return f"unsupported language {value!r}{did_you_mean(value, LANGUAGES)}"


def check_spoken_language(value: Any) -> str | None:
    if isinstance(value, str) and LANG_CODE_RE.match(value):
        return None
    return f"language {value!r} must be an ISO 639 code such as 'ar' or 'prs'"


# Each kind of object: key -> (required, check or None for nested values checked elsewhere).
ORGANIZATION_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "id": (True, check_id),
    "name": (True, check_text),
    "description": (True, check_text),
    "website": (False, check_url),
    "source": (True, check_text),
    "last_verified": (True, check_date),
    "example": (False, check_bool),
    "services": (True, None),
}

SERVICE_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "id": (True, check_id),
    "name": (True, check_text),
    "description": (True, check_text),
    "categories": (True, None),
    "eligibility": (False, check_text),
    "cost": (True, one_of(COSTS)),
    "access": (True, None),
    "languages": (False, None),
    "locations": (False, None),
    "schedule": (False, None),
    "schedule_note": (False, check_text),
    "closed_dates": (False, None),
    "contacts": (False, None),
    "source": (True, check_text),
    "last_verified": (True, check_date),
    "status": (True, one_of(STATUSES)),
    "reopens": (False, check_date),
    "example": (False, check_bool),
}

LOCATION_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "name": (False, check_text),
    "address": (True, check_text),
    "postcode": (True, check_text),
    "latitude": (True, check_number),
    "longitude": (True, check_number),
    "accessibility": (False, check_text),
}

OPENING_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "day": (True, one_of(WEEKDAYS)),
    "opens": (True, check_time),
    "closes": (True, check_time),
}

CONTACT_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "phone": (False, check_phone),
    "email": (False, check_email),
    "website": (False, check_url),
}

TEXT_FIELDS: dict[str, tuple[bool, Check | None]] = {
    "name": (True, check_text),
    "description": (False, check_text),
    "schedule_note": (False, check_text),
    "eligibility": (False, check_text),
    "reviewed": (False, check_bool),
}
