"""Read and validate a catalog directory; every problem is reported, none stops the scan."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalog import schema as s
from bot.catalog.model import (
    ACCESS_MODES,
    Catalog,
    Category,
    EmergencyLine,
    Region,
    organization_from_doc,
    service_from_doc,
)
from bot.catalog.yamlsrc import LList, LMap, Problem, YamlError, load_yaml

CATEGORY_IDS: tuple[str, ...] = (
    "language", "legal", "housing", "health", "mental_health", "food", "essentials", "money",
    "work", "education", "sport", "social", "buddy", "family", "safety", "emergency",
    "interpreting", "digital", "transport", "council",
)
DATE_KEYS = ("last_verified", "reopens")


@dataclass
class CatalogSource:
    """A validated catalog as plain JSON-compatible documents, plus region and taxonomy."""

    region: Region
    categories: dict[str, Category]
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    """org id -> document without `services`"""
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    service_org: dict[str, str] = field(default_factory=dict)

    def to_catalog(self) -> Catalog:
        return Catalog(
            region=self.region,
            categories=self.categories,
            organizations={k: organization_from_doc(d) for k, d in self.organizations.items()},
            services={
                k: service_from_doc(d, self.service_org[k]) for k, d in self.services.items()
            },
        )


@dataclass
class LoadResult:
    problems: list[Problem]
    source: CatalogSource | None

    @property
    def ok(self) -> bool:
        return not self.problems and self.source is not None


class CatalogError(Exception):
    """A catalog that did not validate; `problems` lists every `file:line: message`."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def plain(value: Any) -> Any:
    """Strip line information and turn dates into ISO strings (the canonical document form)."""
    return json.loads(json.dumps(value, default=_iso, ensure_ascii=False))


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


class _Checker:
    """Collects problems for one catalog."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.problems: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def fields(
        self, path: str, obj: Any, spec: Mapping[str, tuple[bool, s.Check | None]], what: str,
        line: int,
    ) -> bool:
        """Check keys and simple values of one mapping; False when it is not a mapping."""
        if not isinstance(obj, LMap):
            self.add(path, getattr(obj, "line", line), f"{what} must be a mapping of keys")
            return False
        for key in obj:
            if key not in spec:
                hint = s.did_you_mean(key, spec)
                self.add(path, obj.line_of(key), f"unknown key '{key}' in {what}{hint}")
        for key, (required, check) in spec.items():
            if key not in obj:
                if required:
                    self.add(path, obj.line, f"{what} is missing required key '{key}'")
                continue
            if check is not None:
                message = check(obj[key])
                if message:
                    self.add(path, obj.line_of(key), f"{key}: {message}")
        return True

    def date_not_future(self, path: str, obj: LMap, key: str) -> None:
        value = obj.get(key)
        if isinstance(value, dt.date) and value > self.today:
            self.add(path, obj.line_of(key), f"{key} {value} is in the future")

    def str_list(
        self, path: str, obj: LMap, key: str, check: s.Check, *, min_items: int = 0
    ) -> None:
        if key not in obj:
            return
        items = obj[key]
        if not isinstance(items, LList):
            self.add(path, obj.line_of(key), f"{key} must be a list")
            return
        if len(items) < min_items:
            self.add(path, obj.line_of(key), f"{key} needs at least one item")
        for i, item in enumerate(items):
            message = check(item)
            if message:
                self.add(path, items.line_of(i), f"{key}: {message}")


def _read(path: Path, checker: _Checker) -> Any:
    try:
        return load_yaml(path)
    except YamlError as exc:
        checker.problems.append(exc.problem)
        return None
    except OSError as exc:
        checker.add(str(path), 1, f"cannot read file: {exc.strerror}")
        return None


def load_catalog(root: Path, today: dt.date | None = None) -> LoadResult:
    """Load `root` (a region directory) with `../taxonomy.yaml`; collect every problem."""
    checker = _Checker(today or dt.date.today())
    if not (root / "region.yaml").is_file():
        checker.add(str(root / "region.yaml"), 1, "region file is missing")
        return LoadResult(checker.problems, None)
    categories = _load_taxonomy(root.parent / "taxonomy.yaml", checker)
    region_doc = _read(root / "region.yaml", checker)
    region = _region(str(root / "region.yaml"), region_doc, checker)
    if region is None or categories is None:
        return LoadResult(checker.problems, None)
    source = CatalogSource(region=region, categories=categories)
    seen_services: dict[str, str] = {}
    for path in sorted((root / "organizations").glob("*.yaml")):
        _load_organization(path, checker, source, seen_services)
    for path in sorted((root / "translations").glob("*.yaml")):
        _load_translations(path, checker, source)
    if region.drop_in_service and region.drop_in_service not in source.services:
        region_lines = region_doc if isinstance(region_doc, LMap) else LMap()
        checker.add(
            str(root / "region.yaml"),
            region_lines.line_of("drop_in_service"),
            f"drop_in_service '{region.drop_in_service}' is not a service in this catalog",
        )
    return LoadResult(checker.problems, source)


def _load_taxonomy(path: Path, checker: _Checker) -> dict[str, Category] | None:
    shown = str(path)
    doc = _read(path, checker)
    if doc is None:
        if path.exists() and not checker.problems:
            checker.add(shown, 1, "taxonomy file is empty")
        elif not path.exists():
            checker.add(shown, 1, "taxonomy file is missing")
        return None
    if not isinstance(doc, LMap) or not isinstance(doc.get("categories"), LList):
        checker.add(shown, getattr(doc, "line", 1), "taxonomy needs a 'categories' list")
        return None
    categories: dict[str, Category] = {}
    items: LList = doc["categories"]
    for i, item in enumerate(items):
        spec: dict[str, tuple[bool, s.Check | None]] = {
            "id": (True, None), "emoji": (True, s.check_text), "label": (True, None),
            "synonyms": (False, None),
        }
        if not checker.fields(shown, item, spec, "category", items.line_of(i)):
            continue
        cid = item.get("id")
        if cid not in CATEGORY_IDS:
            checker.add(
                shown, item.line_of("id"),
                f"unknown category '{cid}'{s.did_you_mean(cid, CATEGORY_IDS)}",
            )
            continue
        labels = item.get("label")
        if not isinstance(labels, LMap) or "en" not in labels:
            checker.add(shown, item.line_of("label"), "label needs at least an 'en' text")
            continue
        _check_language_keys(shown, labels, checker)
        categories[cid] = Category(cid, str(item["emoji"]), {k: str(v) for k, v in labels.items()})
    for cid in CATEGORY_IDS:
        if cid not in categories and not checker.problems:
            checker.add(shown, doc.line, f"category '{cid}' is missing")
    return categories


def _check_language_keys(path: str, texts: LMap, checker: _Checker) -> None:
    for lang in texts:
        message = s.check_language(lang)
        if message:
            checker.add(path, texts.line_of(lang), f"translation for {message}")


def _region(path: str, doc: Any, checker: _Checker) -> Region | None:
    spec: dict[str, tuple[bool, s.Check | None]] = {
        "id": (True, s.check_id), "name": (True, s.check_text), "country": (False, s.check_text),
        "timezone": (True, None), "default_language": (True, s.check_language),
        "centre": (True, None), "bounding_box": (True, None),
        "drop_in_service": (False, s.check_id), "emergency_lines": (True, None),
    }
    before = len(checker.problems)
    if doc is None or not checker.fields(path, doc, spec, "region", 1):
        return None
    try:
        ZoneInfo(str(doc.get("timezone")))
    except (ZoneInfoNotFoundError, ValueError):
        checker.add(path, doc.line_of("timezone"), f"unknown timezone {doc.get('timezone')!r}")
    box_spec = {k: (True, s.check_number) for k in ("south", "west", "north", "east")}
    centre_spec = {k: (True, s.check_number) for k in ("latitude", "longitude")}
    box, centre = doc.get("bounding_box"), doc.get("centre")
    checker.fields(path, box, box_spec, "bounding_box", doc.line_of("bounding_box"))
    checker.fields(path, centre, centre_spec, "centre", doc.line_of("centre"))
    lines = []
    items = doc.get("emergency_lines")
    line_spec: dict[str, tuple[bool, s.Check | None]] = {
        "id": (True, s.check_id), "number": (True, s.check_phone), "kinds": (True, None),
        "label": (True, None),
    }
    if isinstance(items, LList):
        for i, item in enumerate(items):
            if checker.fields(path, item, line_spec, "emergency line", items.line_of(i)):
                label = item.get("label")
                if isinstance(label, LMap) and "en" in label:
                    _check_language_keys(path, label, checker)
                else:
                    checker.add(path, item.line_of("label"), "label needs at least an 'en' text")
                    label = LMap({"en": ""})
                lines.append(EmergencyLine(
                    str(item.get("id")), str(item.get("number")),
                    tuple(item.get("kinds") or ()), {k: str(v) for k, v in label.items()},
                ))
    if len(checker.problems) > before:
        return None
    return Region(
        id=doc["id"], name=doc["name"], timezone=doc["timezone"],
        default_language=doc["default_language"],
        centre=(centre["latitude"], centre["longitude"]),
        bbox=(box["south"], box["west"], box["north"], box["east"]),
        emergency_lines=tuple(lines), drop_in_service=doc.get("drop_in_service", ""),
        country=doc.get("country", "GB"),
    )


def _load_organization(
    path: Path, checker: _Checker, source: CatalogSource, seen: dict[str, str]
) -> None:
    shown = str(path)
    doc = _read(path, checker)
    if doc is None:
        if not any(p.path == shown for p in checker.problems):
            checker.add(shown, 1, "file is empty")
        return
    if not checker.fields(shown, doc, s.ORGANIZATION_FIELDS, "organization", 1):
        return
    checker.date_not_future(shown, doc, "last_verified")
    org_id = doc.get("id")
    if isinstance(org_id, str) and org_id != path.stem:
        checker.add(
            shown, doc.line_of("id"), f"id '{org_id}' does not match file name '{path.name}'",
        )
    if org_id in source.organizations:
        checker.add(shown, doc.line_of("id"), f"duplicate organization id '{org_id}'")
        return
    services = doc.get("services")
    if not isinstance(services, LList) or not services:
        if "services" in doc:
            checker.add(shown, doc.line_of("services"), "services must be a non-empty list")
        return
    org_doc = plain({k: v for k, v in doc.items() if k != "services"})
    if isinstance(org_id, str):
        source.organizations[org_id] = org_doc
    for i, service in enumerate(services):
        where = f"{shown}:{services.line_of(i)}"
        if not _check_service(shown, service, services.line_of(i), checker, source.region):
            continue
        sid = service.get("id")
        if sid in seen:
            checker.add(
                shown, service.line_of("id"),
                f"duplicate service id '{sid}' (first at {seen[sid]})",
            )
            continue
        seen[sid] = where
        if isinstance(org_id, str) and isinstance(sid, str):
            source.services[sid] = plain(service)
            source.service_org[sid] = org_id


def _check_service(path: str, doc: Any, line: int, checker: _Checker, region: Region) -> bool:
    before = len(checker.problems)
    if not checker.fields(path, doc, s.SERVICE_FIELDS, "service", line):
        return False
    checker.date_not_future(path, doc, "last_verified")
    checker.str_list(path, doc, "categories", _check_category, min_items=1)
    checker.str_list(path, doc, "access", s.one_of(ACCESS_MODES), min_items=1)
    checker.str_list(path, doc, "languages", s.check_spoken_language)
    checker.str_list(path, doc, "closed_dates", s.check_date)
    if "contacts" in doc:
        contacts_line = doc.line_of("contacts")
        checker.fields(path, doc["contacts"], s.CONTACT_FIELDS, "contacts", contacts_line)
    for key, spec, what in (
        ("locations", s.LOCATION_FIELDS, "location"), ("schedule", s.OPENING_FIELDS, "opening"),
    ):
        items = doc.get(key, LList())
        if not isinstance(items, LList):
            checker.add(path, doc.line_of(key), f"{key} must be a list")
            continue
        for i, item in enumerate(items):
            if not checker.fields(path, item, spec, what, items.line_of(i)):
                continue
            if key == "locations":
                _check_coordinates(path, item, checker, region)
            else:
                _check_opening(path, item, checker)
    return len(checker.problems) == before


def _check_category(value: Any) -> str | None:
    if value in CATEGORY_IDS:
        return None
    return f"unknown category {value!r}{s.did_you_mean(value, CATEGORY_IDS)}"


def _check_coordinates(path: str, loc: LMap, checker: _Checker, region: Region) -> None:
    lat, lon = loc.get("latitude"), loc.get("longitude")
    if s.check_number(lat) or s.check_number(lon):
        return
    if not region.contains(float(loc["latitude"]), float(loc["longitude"])):
        checker.add(
            path, loc.line_of("latitude"),
            f"coordinates ({lat}, {lon}) are outside the {region.name} bounding box",
        )


def _check_opening(path: str, opening: LMap, checker: _Checker) -> None:
    opens, closes = opening.get("opens"), opening.get("closes")
    if s.check_time(opens) or s.check_time(closes):
        return
    if str(closes) <= str(opens):
        checker.add(
            path, opening.line_of("closes"),
            f"closes at {closes}, not after it opens at {opens}",
        )


def _load_translations(path: Path, checker: _Checker, source: CatalogSource) -> None:
    shown = str(path)
    doc = _read(path, checker)
    spec: dict[str, tuple[bool, s.Check | None]] = {
        "language": (True, None), "emergency_lines": (False, None),
        "organizations": (False, None), "services": (False, None),
    }
    if doc is None or not checker.fields(shown, doc, spec, "translations file", 1):
        return
    lang = doc.get("language")
    message = s.check_language(lang)
    if message or lang == "en":
        checker.add(shown, doc.line_of("language"), f"translation for {message or 'English'}")
        return
    if lang != path.stem:
        checker.add(
            shown, doc.line_of("language"),
            f"language '{lang}' does not match file name '{path.name}'",
        )
        return
    targets: Iterable[tuple[str, dict[str, dict[str, Any]]]] = (
        ("organizations", source.organizations), ("services", source.services),
    )
    for key, docs in targets:
        entries = doc.get(key) or LMap()
        if not isinstance(entries, LMap):
            checker.add(shown, doc.line_of(key), f"{key} must be a mapping of id to texts")
            continue
        for entry_id, texts in entries.items():
            line = entries.line_of(entry_id)
            if entry_id not in docs:
                hint = s.did_you_mean(entry_id, docs)
                what = "organisation" if key == "organizations" else "service"
                checker.add(shown, line, f"no {what} '{entry_id}' to translate{hint}")
                continue
            if checker.fields(shown, texts, s.TEXT_FIELDS, "translation", line):
                text = plain(texts)
                if text.get("reviewed", False) is not False:
                    text.pop("reviewed", None)
                docs[entry_id].setdefault("translations", {})[lang] = text
    lines = doc.get("emergency_lines") or LMap()
    known = {line.id: line for line in source.region.emergency_lines}
    if isinstance(lines, LMap):
        for line_id, label in lines.items():
            if line_id not in known:
                hint = s.did_you_mean(line_id, known)
                checker.add(shown, lines.line_of(line_id), f"no emergency line '{line_id}'{hint}")
            elif isinstance(label, str):
                known[line_id].labels[lang] = label


def load_or_raise(root: Path, today: dt.date | None = None) -> CatalogSource:
    result = load_catalog(root, today)
    if not result.ok or result.source is None:
        raise CatalogError(result.problems)
    return result.source


