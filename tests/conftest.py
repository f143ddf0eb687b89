"""Shared fixtures: paths to the real and test catalogs, a fixed day, a fresh database."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import CatalogSource, load_or_raise
from bot.db import Database, open_database

ROOT = Path(__file__).resolve().parent.parent
REAL_CATALOG = ROOT / "services_catalog" / "plymouth"
TEST_DATA = Path(__file__).resolve().parent / "data"
TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def base_catalog(tmp_path: Path) -> Path:
    """A small valid catalog (taxonomy, region, one organisation) in a temporary directory."""
    shutil.copytree(TEST_DATA / "base", tmp_path, dirs_exist_ok=True)
    return tmp_path / "plymouth"


@pytest.fixture
def real_catalog(tmp_path: Path) -> Path:
    """A writable copy of the real Plymouth catalog, its taxonomy and lexicon."""
    shutil.copytree(REAL_CATALOG.parent, tmp_path / "catalog")
    return tmp_path / "catalog" / "plymouth"


@pytest.fixture(scope="session")
def real_source() -> CatalogSource:
    return load_or_raise(REAL_CATALOG, TODAY)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await open_database(tmp_path / "test.sqlite3")
    yield database
    await database.close()
