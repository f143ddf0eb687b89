"""import -> export -> import round-trips exactly, for the real catalog and generated ones."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog.export import dump_yaml, export_hsds, export_yaml
from bot.catalog.loader import CATEGORY_IDS, load_or_raise
from bot.catalog.model import ACCESS_MODES, COSTS, STATUSES, WEEKDAYS
from bot.catalog.store import import_catalog, live_source
from bot.db import open_database
from tests.conftest import TEST_DATA, TODAY

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
    min_size=1,
    max_size=40,
).filter(lambda t: t.strip() == t and t.strip())
IDS = st.from_regex(r"[a-z][a-z0-9-]{2,12}", fullmatch=True)
DATES = st.dates(dt.date(2020, 1, 1), TODAY)
TIMES = st.tuples(st.integers(0, 22), st.integers(0, 59))


@st.composite
def opening(draw: st.DrawFn) -> dict[str, str]:
    hour, minute = draw(TIMES)
    close_hour = draw(st.integers(hour + 1, 23))
    return {
        "day": draw(st.sampled_from(WEEKDAYS)),
        "opens": f"{hour:02d}:{minute:02d}",
        "closes": f"{close_hour:02d}:{minute:02d}",
    }


@st.composite
def service(draw: st.DrawFn, sid: str) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": sid,
        "name": draw(TEXT),
        "description": draw(TEXT),
        "categories": draw(
            st.lists(st.sampled_from(CATEGORY_IDS), min_size=1, max_size=3, unique=True)
        ),
        "cost": draw(st.sampled_from(COSTS)),
        "access": draw(
            st.lists(st.sampled_from(ACCESS_MODES), min_size=1, max_size=2, unique=True)
        ),
        "source": draw(TEXT),
        "last_verified": draw(DATES),
        "status": draw(st.sampled_from(STATUSES)),
    }
    if draw(st.booleans()):
        doc["locations"] = [
            {
                "address": draw(TEXT),
                "postcode": "PL1 1AA",
                "latitude": draw(st.floats(50.31, 50.45).map(lambda f: round(f, 5))),
                "longitude": draw(st.floats(-4.29, -3.96).map(lambda f: round(f, 5))),
            }
        ]
    if draw(st.booleans()):
        doc["schedule"] = draw(st.lists(opening(), max_size=3))
        doc["closed_dates"] = draw(st.lists(DATES, max_size=2, unique=True))
    if draw(st.booleans()):
        doc["contacts"] = {
            "phone": f"01632 960{draw(st.integers(0, 999)):03d}",
            "email": "x@example.org",
        }
    if draw(st.booleans()):
        doc["example"] = draw(st.booleans())
    if draw(st.booleans()):
        doc["translations"] = {
            "ar": {"name": draw(TEXT), "description": draw(TEXT), "reviewed": False}
        }
    return doc


@st.composite
def catalogs(draw: st.DrawFn) -> list[dict[str, Any]]:
    org_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    service_ids = iter(
        draw(st.lists(IDS, min_size=len(org_ids) * 2, max_size=len(org_ids) * 2, unique=True))
    )
    orgs = []
    for oid in org_ids:
        orgs.append(
            {
                "id": oid,
                "name": draw(TEXT),
                "description": draw(TEXT),
                "source": draw(TEXT),
                "last_verified": draw(DATES),
                "services": [
                    draw(service(next(service_ids))) for _ in range(draw(st.integers(1, 2)))
                ],
            }
        )
    return orgs


def write_catalog(root: Path, orgs: list[dict[str, Any]]) -> None:
    """Write generated documents in the catalog layout (translations in their own files)."""
    shutil.copytree(TEST_DATA / "base", root, dirs_exist_ok=True)
    region = root / "plymouth"
    (region / "region.yaml").write_text(
        (region / "region.yaml").read_text().replace("drop_in_service: alpha-drop-in\n", "")
    )
    (region / "organizations" / "alpha.yaml").unlink()
    arabic: dict[str, Any] = {}
    for org in orgs:
        services = []
        for doc in org["services"]:
            doc = dict(doc)
            if "translations" in doc:
                arabic[doc["id"]] = doc.pop("translations")["ar"]
            services.append(doc)
        body = {**org, "services": services}
        (region / "organizations" / f"{org['id']}.yaml").write_text(dump_yaml(body))
    if arabic:
        (region / "translations").mkdir()
        (region / "translations" / "ar.yaml").write_text(
            dump_yaml({"language": "ar", "services": arabic})
        )


async def roundtrip(region: Path, work: Path) -> None:
    """import -> export -> import gives equal documents; a second export gives equal files."""
    source = load_or_raise(region, TODAY)
    db = await open_database(work / "a.sqlite3")
    await import_catalog(db, source)
    first = await live_source(db, source)
    await db.close()
    export_yaml(first, region.parent / "taxonomy.yaml", work / "out1")
    again = load_or_raise(work / "out1" / region.name, TODAY)
    db2 = await open_database(work / "b.sqlite3")
    report = await import_catalog(db2, again)
    second = await live_source(db2, again)
    await db2.close()
    assert report.conflicts == []
    assert second.services == first.services == source.services
    assert second.organizations == first.organizations
    assert second.service_org == first.service_org
    assert second.region == first.region
    export_yaml(second, work / "out1" / "taxonomy.yaml", work / "out2")
    for path in (work / "out1").rglob("*.yaml"):
        twin = work / "out2" / path.relative_to(work / "out1")
        assert twin.read_text() == path.read_text(), path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(catalogs())
def test_generated_catalogs_round_trip(orgs: list[dict[str, Any]]) -> None:
    import asyncio

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_catalog(root / "src", orgs)
        asyncio.run(roundtrip(root / "src" / "plymouth", root))


async def test_real_catalog_round_trips(real_catalog: Path, tmp_path: Path) -> None:
    await roundtrip(real_catalog, tmp_path)


def test_hsds_and_csv_exports(real_source, tmp_path: Path) -> None:
    import csv
    import json

    written = export_hsds(real_source, tmp_path / "hsds", "hsds")
    names = {p.stem for p in written}
    assert {
        "organizations",
        "services",
        "locations",
        "service_at_locations",
        "phones",
        "schedules",
        "taxonomy_terms",
    } <= names
    services = json.loads((tmp_path / "hsds" / "services.json").read_text())
    assert len(services) == len(real_source.services)
    assert {s["status"] for s in services} <= {"active", "inactive", "temporarily closed"}
    export_hsds(real_source, tmp_path / "csv", "csv")
    with (tmp_path / "csv" / "schedules.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["byday"] in ("MO", "TU", "WE", "TH", "FR", "SA", "SU") for r in rows)
