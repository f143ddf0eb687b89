"""Text normalisation per script, so that spelling variants meet in one form."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Arabic-script letters unified across Arabic, Persian, Pashto and Sorani spellings.
_ARABIC_MAP = str.maketrans({
    "ي": "ی", "ى": "ی", "ې": "ی", "ۍ": "ی", "ێ": "ی", "ئ": "ی",
    "ك": "ک", "ڪ": "ک",
    "ة": "ه", "ە": "ه", "ۀ": "ه", "ھ": "ه",
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا",
    "ؤ": "و", "ۆ": "و",
    "ڕ": "ر", "ڵ": "ل",
    "ـ": "",  # tatweel
    "‌": " ",  # zero-width non-joiner joins Persian words: compare as separate words
    "‍": "",
})
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_CYRILLIC = str.maketrans({"ё": "е", "ї": "і", "ґ": "г", "ı": "i"})


def _ethiopic_map() -> dict[int, int]:
    """Fold Ge'ez letters that sound alike in Tigrinya (ሐ/ኀ to ሀ, ሠ to ሰ, ዐ to አ, ፀ to ጸ)."""
    mapping = {}
    for source, target in ((0x1210, 0x1200), (0x1280, 0x1200), (0x1220, 0x1230),
                           (0x12D0, 0x12A0), (0x1340, 0x1338)):
        for order in range(7):
            mapping[source + order] = target + order
    return mapping


_ETHIOPIC = _ethiopic_map()
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
ARABIC_CLITICS = ("وال", "بال", "فال", "کال", "لل", "ال", "و", "ب", "ل", "ف")


_MARKS = re.compile(r"[\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
# й and ў decompose into a letter and a breve: shield them from mark removal.
_UNSHIELD = str.maketrans({"\ue000": "й", "\ue001": "ў"})


_FOLD: dict[str, str] = {
    chr(key): value if isinstance(value, str) else chr(value) if value is not None else ""
    for table in (_UNSHIELD, _ARABIC_MAP, _DIGITS, _CYRILLIC, _ETHIOPIC)
    for key, value in table.items()
}
"""every letter-variant map in one table"""
_FOLD_RE = re.compile("[" + "".join(re.escape(ch) for ch in _FOLD) + "]")
"""Few characters need folding: finding them with a regex is ~4x faster than str.translate,
which looks up every character of mixed-script text in a dict."""


def normalize_text(text: str) -> str:
    """NFKC, case folding, diacritics and tatweel removed, letter variants unified."""
    if text.isascii():  # nothing to compose, strip or fold: the common case, 20x faster
        return text.lower()
    text = unicodedata.normalize("NFKC", text).casefold()
    text = text.replace("й", "\ue000").replace("ў", "\ue001")  # their breve is no accent
    text = _MARKS.sub("", unicodedata.normalize("NFD", text))
    return _FOLD_RE.sub(_fold, unicodedata.normalize("NFC", text))


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """`normalize_text`, remembered: messages and lexicon terms come back again and again."""
    return normalize_text(text)


def _fold(match: re.Match[str]) -> str:
    return _FOLD[match.group()]


MIN_WORD_LENGTH = 3
INDEX_WORD = re.compile(rf"[^\W_]{{{MIN_WORD_LENGTH},}}", re.UNICODE)
"""a word the text index keeps: letters and digits, MIN_WORD_LENGTH or more"""


def tokens(text: str) -> list[str]:
    """Words of the normalised text (letters and digits, so Arabizi 3/7 stay inside words)."""
    return _WORD.findall(normalize(text))


def script_of(text: str) -> str:
    """The dominant script: latin, arabic, cyrillic, greek, ethiopic or other."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha():
            script = _letter_script(ord(ch))
            counts[script] = counts.get(script, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "other"


def word_script(word: str) -> str:
    """The script of a word's first letter: a word is written in one script."""
    for ch in word:
        if ch.isalpha():
            return _letter_script(ord(ch))
    return "other"


def _letter_script(code: int) -> str:
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if 0x0370 <= code <= 0x03FF or 0x1F00 <= code <= 0x1FFF:
        return "greek"
    if 0x1200 <= code <= 0x139F or 0x2D80 <= code <= 0x2DDF:
        return "ethiopic"
    if code < 0x0250 or 0x1E00 <= code <= 0x1EFF:
        return "latin"
    return "other"


def variants(token: str) -> tuple[str, ...]:
    """The token and, for Arabic script, the token without a leading clitic."""
    out = [token]
    if token and "\u0600" <= token[0] <= "\u06ff":
        for clitic in ARABIC_CLITICS:
            if token.startswith(clitic) and len(token) - len(clitic) >= 3:
                out.append(token[len(clitic):])
    return tuple(out)


def is_ethiopic(word: str) -> bool:
    return bool(word) and "\u1200" <= word[0] <= "\u137f"


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """Ge'ez letters folded to their consonant (each series of 8 shares one base)."""
    return "".join(
        chr(0x1200 + (ord(ch) - 0x1200) // 8 * 8) if "\u1200" <= ch <= "\u137f" else ch
        for ch in word
    )
