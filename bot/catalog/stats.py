"""Counts that tell volunteers how complete and how fresh the catalog is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from bot.catalog.loader import CATEGORY_IDS
from bot.catalog.model import Catalog

STALE_AFTER_DAYS = 180


def catalog_stats(catalog: Catalog, today: dt.date | None = None) -> dict[str, Any]:
    today = today or dt.date.today()
    services = list(catalog.services.values())
    categories = Counter(c for s in services for c in s.categories)
    languages = Counter(lang for s in services for lang in s.languages)
    limit = today - dt.timedelta(days=STALE_AFTER_DAYS)
    return {
        "organizations": len(catalog.organizations),
        "services": len(services),
        "categories": {cid: categories.get(cid, 0) for cid in CATEGORY_IDS},
        "languages": dict(sorted(languages.items(), key=lambda kv: (-kv[1], kv[0]))),
        "examples": sum(1 for s in services if s.example),
        "stale": sum(1 for s in services if s.last_verified < limit),
    }


def format_stats(stats: dict[str, Any]) -> str:
    lines = [
        f"{stats['organizations']} organisations, {stats['services']} services, "
        f"{stats['examples']} with example details, {stats['stale']} not verified for "
        f"over {STALE_AFTER_DAYS} days",
        "per category: " + ", ".join(f"{k} {v}" for k, v in stats["categories"].items()),
        "languages spoken: " + ", ".join(f"{k} {v}" for k, v in stats["languages"].items()),
    ]
    return "\n".join(lines)
