"""The catalog files: the real catalog is valid and complete; broken files fail precisely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.catalog.loader import CATEGORY_IDS, load_catalog
from bot.catalog.stats import catalog_stats
from bot.cli import main
from tests.conftest import REAL_CATALOG, TEST_DATA, TODAY

BROKEN = sorted((TEST_DATA / "broken").glob("*.yaml"))


def test_real_catalog_is_valid_and_complete(real_source) -> None:
    stats = catalog_stats(real_source.to_catalog(), TODAY)
    assert stats["organizations"] >= 20
    assert stats["services"] >= 50
    assert set(stats["categories"]) == set(CATEGORY_IDS)
    assert min(stats["categories"].values()) >= 2, stats["categories"]


def test_real_catalog_is_translated_into_arabic_farsi_ukrainian(real_source) -> None:
    for lang in ("ar", "fa", "uk"):
        missing = [
            s for s, d in real_source.services.items() if lang not in d.get("translations", {})
        ]
        assert not missing, f"{lang}: {missing[:5]}"


def test_emergency_numbers_are_right(real_source) -> None:
    numbers = {line.number for line in real_source.region.emergency_lines}
    assert numbers >= {
        "999",
        "111",
        "101",
        "116 123",
        "08000 121 700",
        "0808 2000 247",
        "0808 8010 503",
    }


def test_example_entries_use_reserved_contacts(real_source) -> None:
    """Reserved drama numbers and example.org addresses appear only on example entries."""
    for sid, doc in real_source.services.items():
        contacts = doc.get("contacts", {})
        reserved = contacts.get("phone", "").replace(" ", "").startswith(
            "01632960"
        ) or contacts.get("email", "").endswith("@example.org")
        if reserved:
            assert doc.get("example") is True, sid


def test_broken_corpus_is_large_enough() -> None:
    assert len(BROKEN) >= 15


@pytest.mark.parametrize("case", BROKEN, ids=lambda p: p.stem)
def test_broken_file_reports_exact_line_and_message(case: Path, base_catalog: Path) -> None:
    lines = case.read_text(encoding="utf-8").splitlines()
    target = lines[0].removeprefix("# target:").strip()
    expected = [
        line.removeprefix("# expect: ").replace("{dir}", str(base_catalog))
        for line in lines
        if line.startswith("# expect: ")
    ]
    assert expected, "a corpus file must state what it expects"
    (base_catalog / target).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(case, base_catalog / target)
    result = load_catalog(base_catalog, TODAY)
    shown = [f"{p.line}: {p.message}" for p in result.problems]
    assert shown == expected
    assert all(p.path == str(base_catalog / target) for p in result.problems)


def test_every_problem_is_reported_at_once(base_catalog: Path) -> None:
    org = base_catalog / "organizations" / "alpha.yaml"
    text = org.read_text().replace("cost: free", "cost: cheap")
    text = text.replace("categories: [social]", "categories: [soshal]")
    text = text.replace("2026-01-01\n    status", "2099-01-01\n    status")
    org.write_text(text)
    messages = {p.message for p in load_catalog(base_catalog, TODAY).problems}
    assert {
        "cost: 'cheap' is not one of: free, low_cost, paid",
        "categories: unknown category 'soshal' (did you mean 'social'?)",
        "last_verified 2099-01-01 is in the future",
    } <= messages


def test_validate_command_exit_codes(base_catalog: Path, capsys) -> None:
    assert main(["catalog", "validate", str(base_catalog)]) == 0
    assert "valid: 1 organisations, 1 services" in capsys.readouterr().out
    (base_catalog / "organizations" / "alpha.yaml").write_text("id: [unclosed\n")
    assert main(["catalog", "validate", str(base_catalog)]) == 1
    out = capsys.readouterr().out
    assert f"{base_catalog}/organizations/alpha.yaml:2: YAML syntax:" in out


def test_real_catalog_validates_from_the_command_line(capsys) -> None:
    assert main(["catalog", "validate", str(REAL_CATALOG)]) == 0
