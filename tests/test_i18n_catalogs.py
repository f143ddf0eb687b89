"""The gettext catalogs: complete, faithful to placeholders and tags, compilable, up to date."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural

from bot import LANGUAGES
from bot.i18n import LOCALE_DIR
from bot.i18n_status import read_catalog
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
TAG = re.compile(r"</?[a-z]+(?:\s[^>]*)?>")
TRANSLATED = [lang for lang in LANGUAGES if lang != "en"]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"


def entries(lang: str):  # type: ignore[no-untyped-def]
    return [m for m in read_catalog(po_path(lang)) if m.id]


def template_ids() -> set[object]:
    return {m.id for m in read_catalog(LOCALE_DIR / "messages.pot") if m.id}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_template_string_is_translated(lang: str) -> None:
    assert po_path(lang).exists(), f"run `make i18n` to create {po_path(lang)}"
    by_id = {m.id: m for m in entries(lang)}
    missing = [i for i in template_ids() if i not in by_id]
    empty = [m.id for m in by_id.values() if m.id in template_ids() and not _filled(m.string)]
    assert not missing, f"{lang}: not in the .po (run make i18n): {missing[:3]}"
    assert not empty, f"{lang}: {len(empty)} untranslated, e.g. {empty[:3]}"


def _filled(value: object) -> bool:
    return all(value) if isinstance(value, tuple | list) else bool(value)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_placeholders_and_tags(lang: str) -> None:
    problems = []
    for message in entries(lang):
        sources = message.id if isinstance(message.id, tuple | list) else (message.id,)
        targets = message.string if isinstance(message.string, tuple | list) else (message.string,)
        want_vars = set(PLACEHOLDER.findall(sources[-1]))
        want_tags = sorted(TAG.findall(sources[-1]))
        for target in targets:
            if not target:
                continue
            got_vars = set(PLACEHOLDER.findall(target))
            # A singular plural form may drop the number ("one hour"), never add a name.
            if got_vars - want_vars or (len(targets) == 1 and got_vars != want_vars):
                problems.append((sources[0], "placeholders", sorted(got_vars)))
            if sorted(TAG.findall(target)) != want_tags:
                problems.append((sources[0], "tags", TAG.findall(target)))
    assert not problems, f"{lang}: {problems[:3]}"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_plural_forms_match_the_language(lang: str) -> None:
    catalog = read_catalog(po_path(lang))
    expected = get_plural(lang).num_plurals
    assert catalog.num_plurals == expected
    for message in catalog:
        if message.id and isinstance(message.string, tuple | list) and _filled(message.string):
            assert len(message.string) == expected, (lang, message.id)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_catalog_compiles(lang: str, tmp_path: Path) -> None:
    catalog = read_catalog(po_path(lang))
    errors = [(m.id, e) for m, e in catalog.check()]  # type: ignore[misc]
    assert not errors, errors[:3]
    with (tmp_path / "messages.mo").open("wb") as handle:
        write_mo(handle, catalog)


def test_template_is_up_to_date_with_the_code(tmp_path: Path) -> None:
    """Extract afresh and compare with the committed .pot (run `make i18n` when this fails)."""
    fresh = tmp_path / "fresh.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run(
        [str(pybabel), "extract", "--mapping-file", "babel.cfg", "--output-file", str(fresh),
         "--keywords", "_ N_ gettext ngettext:1,2 pgettext:1c,2 npgettext:1c,2,3",
         "--no-location", "--sort-output", "bot"],
        cwd=ROOT, check=True, capture_output=True,
    )
    committed = template_ids()
    extracted = {m.id for m in read_catalog(fresh) if m.id}
    assert extracted == committed, (
        f"new: {sorted(map(str, extracted - committed))[:3]}, "
        f"stale: {sorted(map(str, committed - extracted))[:3]}"
    )
