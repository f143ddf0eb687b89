"""Guess the language of a message, to pick a reply language; search never depends on it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from bot.search.lexicon import Lexicon, Match
from bot.search.normalize import script_of, tokens

CANDIDATES = {
    "arabic": ("ar", "fa", "ps", "ckb"),
    "cyrillic": ("uk", "ru", "bg"),
    "latin": ("en", "fr", "es", "tr", "so", "ar"),
    "greek": ("el",),
    "ethiopic": ("ti",),
}
# Letters that belong to one language of a script (checked before normalisation).
DISTINCTIVE = {
    "ps": "ټډړږښګڼۍېځڅ",
    "ckb": "ڵڕۆێەڤ",
    "fa": "پچژگ",
    "ar": "ةىذضظث",
    "uk": "іїєґ",
    "ru": "ыэё",
    "bg": "ъ",
    "tr": "şğıİ",
    "es": "ñ¿¡",
    "fr": "èêàâœëîûù",
}
# Keyboard evidence: Arabic layouts type ي and ك and hamza forms; Persian, Pashto and Sorani
# layouts type ی and ک (Pashto also uses ي in some endings, so it weighs less).
WEAK_DISTINCTIVE = {"ar": "يكأإؤ"}
ARABIZI = re.compile(r"\b[a-z]*[a-z][2375689][a-z]*\b|\b[2375689][a-z]+\b")
LANGID_CODES = {"en", "fr", "es", "tr", "uk", "ru", "bg"}


@lru_cache(maxsize=1)
def _langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(sorted(LANGID_CODES))
    return identifier


def detect_language(
    text: str, lexicon: Lexicon, matches: Iterable[Match] = (), default: str = "en"
) -> str:
    script = script_of(text)
    candidates = CANDIDATES.get(script)
    if not candidates:
        return default
    if len(candidates) == 1:
        return candidates[0]
    votes: dict[str, float] = dict.fromkeys(candidates, 0.0)
    raw = text.casefold()
    for lang, letters in DISTINCTIVE.items():
        if lang in votes:
            votes[lang] += 1.5 * sum(raw.count(ch) for ch in letters)
    for lang, letters in WEAK_DISTINCTIVE.items():
        if lang in votes:
            votes[lang] += 0.6 * sum(raw.count(ch) for ch in letters)
    if script == "latin":
        votes["ar"] += 3.0 * len(ARABIZI.findall(raw))
    for match in matches:
        if match.term.language in votes:
            votes[match.term.language] += match.term.weight * match.quality
    for word in tokens(text):
        langs = [lang for lang in lexicon.stopwords.get(word, ()) if lang in votes]
        for lang in langs:
            votes[lang] += 1.0 / len(langs)
    known = [lang for lang in candidates if lang in LANGID_CODES]
    ranked_votes = sorted(votes.values(), reverse=True)
    decided = ranked_votes[0] >= 2.0 and ranked_votes[1] <= ranked_votes[0] / 2
    if len(known) > 1 and len(text) >= 8 and not decided:  # the slow model only when unsure
        ranked = _langid().rank(text)
        best = next((lang for lang, _ in ranked if lang in known), None)
        if best:
            votes[best] += 1.0
    best_lang, best_votes = max(votes.items(), key=lambda kv: (kv[1], -candidates.index(kv[0])))
    return best_lang if best_votes > 0 else candidates[0]
