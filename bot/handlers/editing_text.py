"""The words of the editing screens: field names, diffs and a service's state (HTML)."""

from __future__ import annotations

import html
from typing import Any

from bot.editing.diff import Line
from bot.editing.values import FIELDS, current_value
from bot.i18n import N_, Translator

FIELD_NAMES = {
    "hours": N_("Opening hours"), "phone": N_("Phone"), "email": N_("Email"),
    "website": N_("Website"), "address": N_("Address"), "name": N_("Name"),
    "description": N_("Description"), "eligibility": N_("Who it is for"),
    "hours_note": N_("Note on the hours"), "languages": N_("Languages spoken"),
    "categories": N_("Categories"), "access": N_("How to get it"), "cost": N_("Cost"),
    "status": N_("Status"),
}
HINTS = {
    "hours": N_("like “Mon-Fri 10:00-16:00, Sat 10-12”, or “none”"),
    "phone": N_("a UK number like “01632 960123”, or “none”"),
    "email": N_("like “help@example.org”, or “none”"),
    "website": N_("starting with https://, or “none”"),
    "address": N_("street, town and postcode; for a new postcode add the map point, like "
                  "“1 Example Street, Plymouth, PL1 2DH @50.3713,-4.1422”"),
    "languages": N_("language codes separated by commas, like “en, ar, fa”"),
    "categories": N_("category ids separated by commas, like “health, mental_health”"),
    "access": N_("drop_in, appointment, referral, online or phone"),
    "cost": N_("free, low_cost or paid"),
    "status": N_("“active”, “closed”, or “temporarily_closed” with an optional reopening date "
                 "like “temporarily_closed 2027-01-10”"),
}


def field_name(t: Translator, field: str) -> str:
    if field.startswith("translation "):
        return t.gettext("Translation ({language})").format(language=field.split()[1])
    return t.gettext(FIELD_NAMES[field]) if field in FIELD_NAMES else field


def diff_html(lines: list[Line], t: Translator) -> str:
    if not lines:
        return t.gettext("(no change)")
    return "\n".join(
        f"<b>{html.escape(field_name(t, x.field))}</b>: <s>{html.escape(x.before)}</s> → "
        f"{html.escape(x.after)}"
        for x in lines
    )


def state_html(doc: dict[str, Any], revision: int, t: Translator) -> str:
    """What the service says now, field by field."""
    head = t.gettext("<b>{name}</b> (revision {revision})").format(
        name=html.escape(str(doc.get("name", ""))), revision=revision
    )
    rows = [
        f"{html.escape(field_name(t, f))}: {html.escape(current_value(doc, f))}"
        for f in FIELDS if f != "name" and current_value(doc, f)
    ]
    return "\n".join([head, *rows])
