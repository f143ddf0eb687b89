"""Shared fixtures: paths to the real and test catalogs, a fixed day, a fresh database."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.catalog.loader import CatalogSource, load_or_raise
from bot.db import Database, open_database
from bot.search.lexicon import Lexicon, load_lexicon
from tests.bot_harness import Bot, running_bot

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


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    """The real lexicon, loaded once for the whole run."""
    return load_lexicon(REAL_CATALOG)


@pytest.fixture
async def bot(tmp_path: Path, real_source: CatalogSource, lexicon: Lexicon) -> AsyncIterator[Bot]:
    """The real Application on the recording Bot API stand-in, with a fixed clock."""
    async with running_bot(tmp_path, real_source, lexicon, REAL_CATALOG) as running:
        yield running
