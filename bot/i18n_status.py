"""`harbour i18n status`: how much of Harbour each language has, and how much nobody reviewed.

Interface strings come from `locales/<lang>/LC_MESSAGES/messages.po` against `messages.pot`
(unreviewed: the language has no `reviewed` row in `locales/REVIEW.md`, or the entry is flagged
`fuzzy`); category
labels from the lexicon; service texts from the catalog's translation files.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.pofile import read_po

from bot import LANGUAGES
from bot.catalog.loader import CATEGORY_IDS, load_or_raise
from bot.config import Config
from bot.i18n import LOCALE_DIR
from bot.search.lexicon import load_lexicon

UNREVIEWED_FLAGS = frozenset({"fuzzy", "unreviewed"})


def reviewed_languages(locale_dir: Path = LOCALE_DIR) -> set[str]:
    """Languages whose row in `REVIEW.md` says `reviewed`."""
    record = locale_dir / "REVIEW.md"
    if not record.exists():
        return set()
    found = set()
    for line in record.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[1] == "reviewed":
            found.add(cells[0])
    return found


def read_catalog(path: Path) -> PoCatalog:
    with path.open("rb") as handle:
        return read_po(handle)


def template_ids(locale_dir: Path = LOCALE_DIR) -> set[str]:
    pot = locale_dir / "messages.pot"
    return {m.id for m in read_catalog(pot) if m.id} if pot.exists() else set()  # type: ignore[misc]


def interface_status(lang: str, ids: set[str], locale_dir: Path = LOCALE_DIR) -> dict[str, Any]:
    if lang == "en":
        return {"share": 1.0, "translated": len(ids), "total": len(ids), "unreviewed": 0}
    po = locale_dir / lang / "LC_MESSAGES" / "messages.po"
    reviewed = lang in reviewed_languages(locale_dir)
    translated = unreviewed = 0
    if po.exists():
        for message in read_catalog(po):
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key not in ids or not _has_text(message.string):
                continue
            translated += 1
            unreviewed += not reviewed or bool(set(message.flags) & UNREVIEWED_FLAGS)
    total = len(ids)
    return {
        "share": round(translated / total, 4) if total else 1.0,
        "translated": translated, "total": total, "unreviewed": unreviewed,
    }


def _has_text(value: Any) -> bool:
    if isinstance(value, tuple | list):
        return all(bool(v) for v in value)
    return bool(value)


def status(config: Config) -> dict[str, Any]:
    source = load_or_raise(config.catalog_path)
    lexicon = load_lexicon(config.catalog_path)
    ids = {i if isinstance(i, str) else i[0] for i in template_ids()}
    services = list(source.services.values())
    report: dict[str, Any] = {}
    for lang in LANGUAGES:
        labels = lexicon.labels.get(lang, {})
        texts = [d.get("translations", {}).get(lang) for d in services]
        have = [t for t in texts if t] if lang != "en" else services
        report[lang] = {
            "interface": interface_status(lang, ids),
            "categories": {
                "share": round(sum(c in labels for c in CATEGORY_IDS) / len(CATEGORY_IDS), 4)
                if lang != "en" else 1.0,
            },
            "services": {
                "share": round(len(have) / len(services), 4) if services else 1.0,
                "translated": len(have), "total": len(services),
                "unreviewed": sum(1 for t in have if t.get("reviewed") is False)
                if lang != "en" else 0,
            },
        }
    return report


def register(sub: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    i18n = sub.add_parser("i18n", help="localisation status")
    isub = i18n.add_subparsers(dest="action", required=True)
    stat = isub.add_parser("status", parents=[common], help="share translated per language")
    stat.add_argument("--json", action="store_true")
    stat.set_defaults(func=cmd_status)


def cmd_status(args: argparse.Namespace, config: Config) -> int:
    report = status(config)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return 0
    print(f"{'lang':5} {'interface':>10} {'categories':>11} {'services':>9} {'unreviewed':>11}")
    for lang, row in report.items():
        unreviewed = row["interface"]["unreviewed"] + row["services"]["unreviewed"]
        print(
            f"{lang:5} {row['interface']['share']:>10.0%} {row['categories']['share']:>11.0%} "
            f"{row['services']['share']:>9.0%} {unreviewed:>11}"
        )
    return 0
