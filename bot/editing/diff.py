"""A readable before/after of two service documents, field by field."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.editing.values import FIELDS, current_value

Doc = dict[str, Any]
_SHOWN_ELSEWHERE = {
    "schedule", "contacts", "locations", "schedule_note", "translations", "reopens",
}


@dataclass(frozen=True)
class Line:
    field: str
    before: str
    after: str


def _plain(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _translation(entry: Doc | None) -> str:
    if not entry:
        return "none"
    text = entry.get("name", "")
    if entry.get("description"):
        text += f" | {entry['description']}"
    return text + (" (not reviewed)" if entry.get("reviewed") is False else "")


def diff(before: Doc | None, after: Doc | None) -> list[Line]:
    """The fields that differ, as a volunteer would type them ('none' when absent)."""
    old, new = before or {}, after or {}
    lines = []
    for field in FIELDS:
        a = current_value(old, field) if old else "none"
        b = current_value(new, field) if new else "none"
        if a != b:
            lines.append(Line(field, a, b))
    covered = {"name", "description", "eligibility", "languages", "categories", "access",
               "cost", "status", "id"}
    for key in sorted((set(old) | set(new)) - covered - _SHOWN_ELSEWHERE):
        if old.get(key) != new.get(key):
            lines.append(Line(key, _plain(old.get(key)), _plain(new.get(key))))
    old_t, new_t = old.get("translations") or {}, new.get("translations") or {}
    for language in sorted(set(old_t) | set(new_t)):
        if old_t.get(language) != new_t.get(language):
            lines.append(Line(f"translation {language}", _translation(old_t.get(language)),
                              _translation(new_t.get(language))))
    old_loc, new_loc = old.get("locations") or [], new.get("locations") or []
    if old_loc[1:] != new_loc[1:] or (
        old_loc[:1] and new_loc[:1] and (
            {k: v for k, v in old_loc[0].items() if k not in ("address", "postcode")}
            != {k: v for k, v in new_loc[0].items() if k not in ("address", "postcode")}
        )
    ):
        lines.append(Line("locations", _plain(old_loc), _plain(new_loc)))
    return lines
