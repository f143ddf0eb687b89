"""Write the catalog back out: YAML in the catalog layout, or HSDS-style JSON and CSV tables."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from bot.catalog.loader import DATE_KEYS, CatalogSource
from bot.catalog.model import WEEKDAYS
from bot.catalog.schema import (
    LOCATION_FIELDS,
    OPENING_FIELDS,
    ORGANIZATION_FIELDS,
    SERVICE_FIELDS,
)

HSDS_STATUS = {
    "active": "active", "temporarily_closed": "temporarily closed", "closed": "inactive",
}
RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _ordered(doc: dict[str, Any], order: Mapping[str, Any]) -> dict[str, Any]:
    """Keys in the documented order, dates as YAML dates, translations left out."""
    out: dict[str, Any] = {}
    for key in [*order, *sorted(set(doc) - set(order))]:
        if key not in doc or key == "translations":
            continue
        value = doc[key]
        if key in DATE_KEYS:
            value = dt.date.fromisoformat(value)
        elif key == "closed_dates":
            value = [dt.date.fromisoformat(d) for d in value]
        elif key == "locations":
            value = [_ordered(loc, LOCATION_FIELDS) for loc in value]
        elif key == "schedule":
            value = [_ordered(o, OPENING_FIELDS) for o in value]
        out[key] = value
    return out


def dump_yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=99)


def export_yaml(source: CatalogSource, taxonomy: Path, out: Path) -> list[Path]:
    """Write `out/taxonomy.yaml` and `out/<region>/...`; return the files written."""
    region_dir = out / source.region.id
    (region_dir / "organizations").mkdir(parents=True, exist_ok=True)
    written = [out / "taxonomy.yaml"]
    shutil.copyfile(taxonomy, written[0])
    written.append(_write(region_dir / "region.yaml", _region_doc(source)))
    by_org: dict[str, list[dict[str, Any]]] = {oid: [] for oid in source.organizations}
    for sid, doc in source.services.items():
        by_org.setdefault(source.service_org[sid], []).append(_ordered(doc, SERVICE_FIELDS))
    for oid, doc in source.organizations.items():
        body = _ordered(doc, ORGANIZATION_FIELDS)
        body["services"] = by_org.get(oid, [])
        written.append(_write(region_dir / "organizations" / f"{oid}.yaml", body))
    for lang, body in sorted(_translations(source).items()):
        (region_dir / "translations").mkdir(exist_ok=True)
        written.append(_write(region_dir / "translations" / f"{lang}.yaml", body))
    return written


def _write(path: Path, data: Any) -> Path:
    path.write_text(dump_yaml(data), encoding="utf-8")
    return path


def _region_doc(source: CatalogSource) -> dict[str, Any]:
    r = source.region
    south, west, north, east = r.bbox
    doc: dict[str, Any] = {
        "id": r.id, "name": r.name, "country": r.country, "timezone": r.timezone,
        "default_language": r.default_language,
        "centre": {"latitude": r.centre[0], "longitude": r.centre[1]},
        "bounding_box": {"south": south, "west": west, "north": north, "east": east},
    }
    if r.drop_in_service:
        doc["drop_in_service"] = r.drop_in_service
    doc["emergency_lines"] = [
        {"id": line.id, "number": line.number, "kinds": list(line.kinds),
         "label": {"en": line.labels.get("en", "")}}
        for line in r.emergency_lines
    ]
    return doc


def _translations(source: CatalogSource) -> dict[str, dict[str, Any]]:
    files: dict[str, dict[str, Any]] = {}

    def file_for(lang: str) -> dict[str, Any]:
        return files.setdefault(
            lang, {"language": lang, "emergency_lines": {}, "organizations": {}, "services": {}}
        )

    for line in source.region.emergency_lines:
        for lang, label in line.labels.items():
            if lang != "en":
                file_for(lang)["emergency_lines"][line.id] = label
    for key, docs in (("organizations", source.organizations), ("services", source.services)):
        for entry_id, doc in docs.items():
            for lang, text in (doc.get("translations") or {}).items():
                file_for(lang)[key][entry_id] = text
    for body in files.values():
        for key in ("emergency_lines", "organizations", "services"):
            if not body[key]:
                del body[key]
    return files


def hsds_tables(source: CatalogSource) -> dict[str, list[dict[str, Any]]]:
    """Open Referral HSDS-style tables (field names from HSDS 3)."""
    tables: dict[str, list[dict[str, Any]]] = {
        name: [] for name in (
            "organizations", "services", "locations", "service_at_locations", "phones",
            "schedules", "languages", "taxonomy_terms", "attributes",
        )
    }
    for oid, doc in source.organizations.items():
        tables["organizations"].append({
            "id": oid, "name": doc["name"], "description": doc["description"],
            "website": doc.get("website", ""),
        })
    for cid, category in source.categories.items():
        tables["taxonomy_terms"].append({
            "id": cid, "code": cid, "name": category.labels["en"], "vocabulary": "harbour",
        })
    for sid, doc in source.services.items():
        contacts = doc.get("contacts") or {}
        tables["services"].append({
            "id": sid, "organization_id": source.service_org[sid], "name": doc["name"],
            "description": doc["description"], "url": contacts.get("website", ""),
            "email": contacts.get("email", ""), "status": HSDS_STATUS[doc["status"]],
            "fees_description": doc["cost"].replace("_", " "),
            "eligibility_description": doc.get("eligibility", ""),
            "application_process": ", ".join(a.replace("_", "-") for a in doc["access"]),
            "assured_date": doc["last_verified"], "alert": doc.get("schedule_note", ""),
        })
        for n, loc in enumerate(doc.get("locations") or (), start=1):
            lid = f"{sid}-loc-{n}"
            tables["locations"].append({
                "id": lid, "name": loc.get("name", ""), "latitude": loc["latitude"],
                "longitude": loc["longitude"], "address_1": loc["address"],
                "postal_code": loc["postcode"], "city": source.region.name,
                "country": source.region.country,
            })
            tables["service_at_locations"].append(
                {"id": f"{sid}-at-{n}", "service_id": sid, "location_id": lid}
            )
        if contacts.get("phone"):
            tables["phones"].append(
                {"id": f"{sid}-phone", "service_id": sid, "number": contacts["phone"]}
            )
        for n, opening in enumerate(doc.get("schedule") or (), start=1):
            tables["schedules"].append({
                "id": f"{sid}-schedule-{n}", "service_id": sid, "freq": "WEEKLY",
                "byday": RRULE_DAYS[WEEKDAYS.index(opening["day"])],
                "opens_at": opening["opens"], "closes_at": opening["closes"],
            })
        for code in doc.get("languages") or ():
            tables["languages"].append(
                {"id": f"{sid}-lang-{code}", "service_id": sid, "code": code}
            )
        for cid in doc["categories"]:
            tables["attributes"].append(
                {"id": f"{sid}-{cid}", "link_id": sid, "link_type": "service",
                 "taxonomy_term_id": cid}
            )
    return tables


def export_hsds(source: CatalogSource, out: Path, fmt: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rows in hsds_tables(source).items():
        if fmt == "hsds":
            path = out / f"{name}.json"
            path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            path = out / f"{name}.csv"
            fields = list(rows[0]) if rows else ["id"]
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fields)
                writer.writeheader()
                writer.writerows(rows)
        written.append(path)
    return written
