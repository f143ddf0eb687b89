"""The /add draft: a new service built step by step, then submitted like any other change."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from bot.catalog.model import Region
from bot.editing.errors import InvalidValue
from bot.editing.values import Doc, parse_email, parse_phone, parse_url, with_value

STEPS = ("organization", "name", "categories", "description", "address", "hours", "contacts")
"""asked in this order; after the last one the volunteer sees a preview"""
SKIPPABLE = {"address", "hours", "contacts"}
SKIP_WORDS = {"none", "-", "skip", "no"}


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def new_id(organization_id: str, name: str, taken: set[str]) -> str:
    """`<org-id>-<name>` within 63 characters, with -2, -3... if it exists already."""
    base = f"{organization_id}-{slug(name)}"[:60].strip("-")
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def parse_contacts(text: str) -> dict[str, str]:
    """'01632 960123, help@example.org, https://example.org' in any order."""
    found: dict[str, str] = {}
    for part in re.split(r"[,;\n]+|\s{2,}", text):
        part = part.strip()
        if not part:
            continue
        if "@" in part:
            found["email"] = parse_email(part)
        elif part.lower().startswith(("http://", "https://", "www.")):
            found["website"] = parse_url(part if "://" in part else f"https://{part}")
        else:
            found["phone"] = parse_phone(part)
    if not found:
        raise InvalidValue("give a phone number, an email or a website")
    return found


def start_doc(today: dt.date) -> Doc:
    return {
        "cost": "free", "access": ["drop_in"], "status": "active",
        "source": f"Added in the Harbour chat by a volunteer on {today.isoformat()}",
        "last_verified": today.isoformat(),
    }


def add_step(doc: Doc, step: str, text: str, region: Region) -> Doc:
    """The draft with one more answer (the organisation is chosen separately)."""
    if step in SKIPPABLE and text.strip().lower() in SKIP_WORDS:
        return doc
    if step == "contacts":
        return {**doc, "contacts": parse_contacts(text)}
    if step == "name":
        changed = with_value(doc, "name", text, region)
        if not slug(changed["name"]):
            raise InvalidValue("the name needs some letters or digits")
        return changed
    if step == "address":
        if "locations" in doc:
            doc = {k: v for k, v in doc.items() if k != "locations"}
        return with_value(doc, "address", text, region)
    if step in ("categories", "description", "hours"):
        return with_value(doc, step, text, region)
    raise InvalidValue(f"unknown step {step!r}")


def next_step(step: str) -> str | None:
    n = STEPS.index(step)
    return STEPS[n + 1] if n + 1 < len(STEPS) else None


def finish(doc: Doc, organization_id: str, taken: set[str]) -> Doc:
    """The complete document, with its id, ready to submit."""
    if "name" not in doc:
        raise InvalidValue("the service needs a name")
    return {"id": new_id(organization_id, doc["name"], taken), **doc}


def organizations_matching(text: str, names: dict[str, str]) -> list[str]:
    """Organisation ids whose id or name contains the typed words (case-insensitive)."""
    words = slug(text).split("-")
    hits = [oid for oid, name in names.items()
            if all(w in f"{oid} {slug(name)}" for w in words if w)]
    return sorted(hits, key=lambda oid: (oid != slug(text), oid))


__all__ = ["STEPS", "add_step", "finish", "next_step", "start_doc"]
