"""Translations of the bot's own words: gettext catalogs under `locales/<lang>/LC_MESSAGES`.

Every user-visible string is written as `_("... {named} ...").format(named=...)` so that
`make i18n` (pybabel extract) finds it. Without a compiled `.mo` file a language falls back to
the English source strings (NullTranslations).
"""

from __future__ import annotations

import gettext
import os
from dataclasses import dataclass, field
from pathlib import Path

from bot import LANGUAGES, RTL_LANGUAGES

DOMAIN = "messages"
LOCALE_DIR = Path(
    os.environ.get("HARBOUR_LOCALES") or Path(__file__).resolve().parent.parent / "locales"
)
"""the compiled catalogs: beside the package in a checkout; set HARBOUR_LOCALES elsewhere"""

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English", "ar": "العربية", "fa": "فارسی", "ps": "پښتو", "ckb": "کوردی",
    "uk": "Українська", "ru": "Русский", "tr": "Türkçe", "bg": "Български", "fr": "Français",
    "es": "Español", "el": "Ελληνικά", "so": "Soomaali", "ti": "ትግርኛ",
}
"""Each language named in itself, when the lexicon does not name it."""


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


@dataclass(frozen=True)
class Translator:
    """The bot's words in one language."""

    language: str
    catalog: gettext.NullTranslations

    @property
    def rtl(self) -> bool:
        return self.language in RTL_LANGUAGES

    def gettext(self, message: str) -> str:
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.catalog.ngettext(singular, plural, n)

    def pgettext(self, context: str, message: str) -> str:
        return self.catalog.pgettext(context, message)


@dataclass
class I18n:
    """One Translator per language, loaded on first use and then kept."""

    locale_dir: Path = LOCALE_DIR
    _cache: dict[str, Translator] = field(default_factory=dict)

    def get(self, language: str | None) -> Translator:
        code = language if language in LANGUAGES else "en"
        assert code is not None
        found = self._cache.get(code)
        if found is None:
            catalog = gettext.translation(
                DOMAIN, localedir=self.locale_dir, languages=[code], fallback=True
            )
            found = self._cache[code] = Translator(code, catalog)
        return found

    def all(self) -> list[Translator]:
        return [self.get(code) for code in LANGUAGES]
