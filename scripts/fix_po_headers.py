"""Give every locales/<lang>/LC_MESSAGES/messages.po a proper header (language, plural forms).

`pybabel update --omit-header` once stripped them; without `Plural-Forms` Arabic reads as two
plural forms instead of six. Safe to run again: translations are kept as they are.
Usage: python scripts/fix_po_headers.py [LANG ...]
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def fix(lang: str) -> None:
    path = LOCALES / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    catalog.fuzzy = False
    catalog.project, catalog.version = "Harbour", "0.1.0"
    catalog.language_team = f"{lang} (machine draft: see locales/REVIEW.md)"
    with path.open("wb") as handle:
        write_po(handle, catalog, width=99)


if __name__ == "__main__":
    for code in sys.argv[1:] or sorted(p.name for p in LOCALES.iterdir() if p.is_dir()):
        fix(code)
        print(f"fixed {code}")
