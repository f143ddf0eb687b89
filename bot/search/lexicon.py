"""The search lexicon: per-language terms for categories, danger and small talk, compiled once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import chain, compress, repeat
from operator import and_, ge, ne
from pathlib import Path
from typing import Any

import Stemmer
import yaml
from rapidfuzz import fuzz, process

from bot.search.normalize import (
    is_ethiopic,
    script_of,
    skeleton,
    tokens,
    variants,
    word_script,
)

DANGER_KINDS = (
    "violence", "medical", "suicide", "fire", "missing_child", "trafficking", "hate_attack",
    "domestic_abuse", "danger",
)
SMALLTALK_KINDS = ("greeting", "thanks", "goodbye", "about_bot")
STEMMERS_BY_SCRIPT = {
    "latin": ("english", "french", "spanish", "turkish"),
    "cyrillic": ("russian",),
    "greek": ("greek",),
    "arabic": ("arabic", "persian"),
}
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
STEMMER_OF_LANGUAGE = {
    "en": "english", "fr": "french", "es": "spanish", "tr": "turkish", "ru": "russian",
    "el": "greek", "ar": "arabic", "fa": "persian",
}
LATIN_SCRIPT_LANGUAGES = frozenset({"en", "fr", "es", "tr", "so", "ar"})
"""languages whose lexicon may hold Latin-script danger words (Arabic: Arabizi)"""
MIN_PREFIX = 3
MAX_GAP = 1
"""words a phrase may skip between two of its words ("smells strongly of gas")"""
PAIR_WINDOW = 12
"""words apart that the two halves of a danger pair may be ("my son ... is lost"): French
elisions (l', n') and Pashto's long verb phrases put a child and "has not come back" 9-10 apart"""
FUZZY_MIN_LENGTH = 5
TRUNCATE_AT = 6
TRUNCATED_SCRIPTS = frozenset({"cyrillic", "greek", "latin", "arabic"})
"""scripts whose words also match on their first TRUNCATE_AT letters"""
FUZZY_CUTOFF = 84.0
CANDIDATE_CACHE = 50_000


@cache
def _stemmer(name: str) -> Any:
    """A Snowball stemmer without PyStemmer's own word cache: ours decide what to remember, and
    on a vocabulary stemmed once (the text index) its cache costs 4x the stemming."""
    return Stemmer.Stemmer(name, 0)


@lru_cache(maxsize=65536)
def stems(word: str) -> frozenset[str]:
    """Snowball stems of a normalised word for the languages its script may be."""
    script = word_script(word)
    found = {_stemmer(name).stemWord(word) for name in STEMMERS_BY_SCRIPT.get(script, ())}
    if len(word) > TRUNCATE_AT and script in TRUNCATED_SCRIPTS:
        found.add(word[:TRUNCATE_AT])  # crude, for languages without a Snowball stemmer
    found.discard(word)
    return frozenset(s for s in found if len(s) >= 3)


def stem_index(words: Iterable[str]) -> dict[str, list[str]]:
    """Stem -> the words that have it (as `stems` finds them), for a whole vocabulary at once:
    each stemmer runs over a list, and the (stem, word) pairs are filtered and deduplicated,
    all in C."""
    by_script: dict[str, list[str]] = defaultdict(list)
    for word in words:
        by_script[word_script(word)].append(word)
    index: dict[str, list[str]] = defaultdict(list)
    for script, group in by_script.items():
        columns = [_stemmer(name).stemWords(group) for name in STEMMERS_BY_SCRIPT.get(script, ())]
        if script in TRUNCATED_SCRIPTS:
            columns.append([word[:TRUNCATE_AT] for word in group])
        for stem, word in dict.fromkeys(chain.from_iterable(
            _real_stems(column, group) for column in columns
        )):
            index[stem].append(word)
    return dict(index)


def _real_stems(column: list[str], words: list[str]) -> Iterator[tuple[str, str]]:
    """(stem, word) for the words whose stem in `column` differs and is 3 letters or more."""
    real = map(and_, map(ne, column, words), map(ge, map(len, column), repeat(3)))
    return compress(zip(column, words, strict=True), real)


def stems_by_language(word: str) -> list[tuple[str, str]]:
    """(stemmer, stem) pairs for a word, one per Snowball stemmer of its script."""
    out = []
    for name in STEMMERS_BY_SCRIPT.get(word_script(word), ()):
        stem = _stemmer(name).stemWord(word)
        if stem != word and len(stem) >= 4:
            out.append((name, stem))
    return out


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    """normalised words; one ending in '*' matches any word with that prefix"""
    kind: str
    """'category', 'danger' or 'smalltalk'"""
    target: str
    language: str
    whole_weight: float
    """how sure the term is that some service is wanted: longer phrases are surer"""
    weight: float
    """its evidence for its target: `whole_weight`, split between all the targets it is
    listed under"""


@dataclass(frozen=True)
class Match:
    term: Term
    start: int
    end: int
    quality: float
    """1.0 exact, lower for prefix, stem or fuzzy matches"""


_Candidates = tuple[tuple[tuple["Term", float], ...], tuple[tuple[int, float], ...]]
"""(one-word terms, phrases by id), each with the quality of the match of its first word"""


@dataclass
class Lexicon:
    terms: list[Term] = field(default_factory=list)
    stopwords: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """normalised word -> languages it is a stopword of"""
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    """language -> category -> label"""
    names: dict[str, str] = field(default_factory=dict)
    """language -> its own name"""
    english: frozenset[str] = frozenset()
    """words of en.yaml: other files' English danger words are left to en.yaml's rules"""

    def __post_init__(self) -> None:
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[str, list[tuple[str, int]]] = defaultdict(list)
        self._stemmed: dict[tuple[str, str], list[int]] = defaultdict(list)
        """(stemmer, stem) -> one-word terms of that stemmer's own language"""
        self._fuzzy_vocab: dict[str, list[str]] = defaultdict(list)
        self._ethiopic: dict[str, list[tuple[str, int]]] = defaultdict(list)
        """first two consonants -> (consonant skeleton, term) for Ge'ez-script first words"""
        self._candidates: dict[str, _Candidates] = {}
        """remembered `candidates` of words seen before (people use the same words)"""

    def add(self, phrase: str, kind: str, target: str, language: str) -> None:
        words = tuple(_term_words(phrase))
        if not words or any(w.endswith("*") and len(w) - 1 < MIN_PREFIX for w in words):
            return
        if len(words) == 1 and len(words[0]) < _min_word_length(words[0], kind):
            return  # too short to mean anything on its own once accents are folded
        if kind == "danger" and language != "en" and script_of(phrase) == "latin":
            english = all(w.rstrip("*") in self.english for w in words)
            if language not in LATIN_SCRIPT_LANGUAGES or english:
                return  # English in another language's danger list: en.yaml has it, vetoes too
        # A pair keeps every word, English-looking or not ("nièce", "adolescent", "visa"): it
        # fires only when both halves of that language's rule meet, and its vetoes are its own.
        whole = 1.0 + 0.5 * (len(words) - 1)
        self.terms.append(Term(words, kind, target, language, whole, whole))

    def compile(self) -> Lexicon:
        """Index the terms; a phrase listed under several categories shares its weight."""
        owners: dict[tuple[str, tuple[str, ...]], set[str]] = defaultdict(set)
        for term in self.terms:
            owners[(term.kind, term.words)].add(term.target)
        unique: dict[tuple[str, tuple[str, ...], str], Term] = {}
        for term in self.terms:
            key = (term.kind, term.words, term.target)
            if key in unique and unique[key].language == "ar":
                continue  # an Arabic owner keeps the term open to Arabic clitics (بالمحكمة)
            share = len(owners[(term.kind, term.words)])
            unique[key] = replace(term, weight=term.whole_weight / share)
        self.terms = list(unique.values())
        self._candidates.clear()
        vocab: set[str] = set()
        self._second_keys = [
            None if len(t.words) < 2 or t.words[1].endswith("*") or is_ethiopic(t.words[1])
            else _word_keys(t.words[1])
            for t in self.terms
        ]
        """per phrase, what one of the words after its first must offer (exact or stem)"""
        for tid, term in enumerate(self.terms):
            first = term.words[0]
            if is_ethiopic(first):
                shape = skeleton(first.rstrip("*"))
                self._ethiopic[shape[:2]].append((shape, tid))
            if first.endswith("*"):
                self._prefix[first[:MIN_PREFIX]].append((first[:-1], tid))
            else:
                self._exact[first].append(tid)
                stemmer = STEMMER_OF_LANGUAGE.get(term.language)
                if len(term.words) == 1 and stemmer:
                    stem = _stemmer(stemmer).stemWord(first)
                    if len(stem) >= 4:
                        self._stemmed[(stemmer, stem)].append(tid)
                if len(first) >= FUZZY_MIN_LENGTH:
                    vocab.add(first)
        for word in vocab:
            self._fuzzy_vocab[word[0]].append(word)
        return self

    def candidates(self, word: str) -> _Candidates:
        """Terms whose first word matches `word`, with the quality of the match: one-word terms
        (a function word of another language left out: "is" is not "iş", unless the term is
        half of a danger pair: Sorani "بچم" (that I go) is Persian "my child") and phrases."""
        found = self._candidates.get(word)
        if found is None:
            if len(self._candidates) >= CANDIDATE_CACHE:
                self._candidates.clear()
            stop_in = self.stopwords.get(word, ())
            singles, phrases = [], []
            for tid, quality in self._find_candidates(word):
                term = self.terms[tid]
                if len(term.words) > 1:
                    phrases.append((tid, quality))
                elif not stop_in or term.language in stop_in or term.kind == "pair":
                    singles.append((term, quality))  # a pair needs its other half as well
            found = self._candidates[word] = (tuple(singles), tuple(phrases))
        return found

    def _find_candidates(self, word: str) -> list[tuple[int, float]]:
        found: list[tuple[int, float]] = []
        for n, form in enumerate(variants(word)):
            hits = [(tid, 1.0) for tid in self._exact.get(form, ())]
            hits += [
                (tid, 0.9) for prefix, tid in self._prefix.get(form[:MIN_PREFIX], ())
                if form.startswith(prefix)
            ]
            if n:  # clitics are Arabic: Persian "باور" without its ب is not Pashto "اور"
                hits = [(tid, q) for tid, q in hits if self.terms[tid].language == "ar"]
            found += hits
        if not found and is_ethiopic(word):
            found += self._ethiopic_candidates(word)
        if not found:
            for key in stems_by_language(word):
                found += [(tid, 0.85) for tid in self._stemmed.get(key, ())]
        if not found and len(word) >= FUZZY_MIN_LENGTH and not word.isdigit():
            corrected = self.correct(word)
            if corrected:
                found += [(tid, 0.75) for tid in self._exact.get(corrected, ())]
        return found

    def _ethiopic_candidates(self, word: str) -> list[tuple[int, float]]:
        """Ge'ez inflection changes a word's last letters and adds one-letter prefixes
        (ብ, ን, ዝ, ክ ...): match consonant skeletons, allowing a short suffix and one prefix."""
        found = []
        shape = skeleton(word)
        for form, quality in ((shape, 0.85), (shape[1:], 0.75)):
            if len(form) < 2:
                continue
            for term_shape, tid in self._ethiopic.get(form[:2], ()):
                extra = len(form) - len(term_shape)
                if form.startswith(term_shape) and 0 <= extra <= (2 if len(term_shape) < 3 else 3):
                    found.append((tid, quality))
        return found

    def correct(self, word: str) -> str | None:
        return _correct(word, tuple(self._fuzzy_vocab.get(word[0], ())))

    def match(self, words: list[str]) -> list[Match]:
        """Every term found in the words; a phrase may skip one inserted word between its words."""
        matches = []
        keys: list[frozenset[object]] | None = None
        for start, word in enumerate(words):
            singles, phrases = self.candidates(word)
            matches += [Match(term, start, start + 1, quality) for term, quality in singles]
            if not phrases:
                continue
            if keys is None:
                keys = [_word_keys(word) for word in words]
            ahead = frozenset().union(*keys[start + 1:start + 2 + MAX_GAP])
            for tid, quality in phrases:
                need = self._second_keys[tid]
                if need is not None and not need & ahead:
                    continue  # its second word is not among the next words: skip early
                term = self.terms[tid]
                end = _match_rest(term.words[1:], words, start + 1)
                if end is not None:
                    gaps = end - start - len(term.words)
                    matches.append(Match(term, start, end, quality * (0.9 ** gaps)))
        return matches


def _match_rest(patterns: tuple[str, ...], words: list[str], position: int) -> int | None:
    """End position when the patterns follow in order, each at most MAX_GAP words later."""
    for pattern in patterns:
        for offset in range(MAX_GAP + 1):
            if position + offset < len(words) and _word_matches(pattern, words[position + offset]):
                position += offset + 1
                break
        else:
            return None
    return position


@lru_cache(maxsize=32768)
def _correct(word: str, vocab: tuple[str, ...]) -> str | None:
    if not vocab:
        return None
    # A misspelt short word rarely gains or loses two letters ("kırıldı" is not "kaçırıldı").
    slack = 1 if len(word) < 8 else 2
    near = [v for v in vocab if abs(len(v) - len(word)) <= slack]
    best = process.extractOne(word, near, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
    return best[0] if best else None


def _min_word_length(word: str, kind: str) -> int:
    """Three letters, but two for Ge'ez syllables, small talk ("hi", "ok") and acronyms
    with a digit or no vowel ("gp", "cv", "a1"); "is" stays out (Turkish "iş" folds to it)."""
    if script_of(word) == "ethiopic" or kind == "smalltalk":
        return 2
    if len(word) == 2 and (any(c.isdigit() for c in word) or not set(word) & set("aeiouy")):
        return 2
    return 3


@lru_cache(maxsize=65536)
def _word_keys(word: str) -> frozenset[object]:
    """A word's forms and its (stemmer, stem) pairs: what `_word_matches` compares."""
    return frozenset([*variants(word), *stems_by_language(word)])


@lru_cache(maxsize=262144)
def _word_matches(pattern: str, word: str) -> bool:
    if is_ethiopic(pattern) and is_ethiopic(word):
        stem, shape = skeleton(pattern.rstrip("*")), skeleton(word)
        return shape.startswith(stem) and len(shape) - len(stem) <= 3
    forms = variants(word)
    if pattern.endswith("*"):
        return any(form.startswith(pattern[:-1]) for form in forms)
    # Snowball stems only (no crude truncation): "i garaacaya" is not "i garaaci jiray"
    return pattern in forms or bool(set(stems_by_language(pattern)) & set(stems_by_language(word)))


def _term_words(phrase: str) -> list[str]:
    """Normalised words of a lexicon phrase, keeping a trailing '*' on prefix words."""
    out = []
    for raw in str(phrase).split():
        star = raw.endswith("*")
        words = tokens(raw)
        if not words:
            continue
        out += [*words[:-1], words[-1] + ("*" if star else "")]
    return out


def load_lexicon(catalog_root: Path) -> Lexicon:
    """Read `lexicon/*.yaml` and taxonomy synonyms beside the region directory."""
    lexicon = Lexicon()
    shared = catalog_root.parent
    docs = {
        path.stem: yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader) or {}
        for path in sorted((shared / "lexicon").glob("*.yaml"))
    }
    lexicon.english = _vocabulary(docs.get("en", {}))
    for stem, doc in docs.items():
        lang = doc.get("language", stem)
        lexicon.names[lang] = doc.get("name", lang)
        labels = lexicon.labels.setdefault(lang, {})
        for cid, entry in (doc.get("categories") or {}).items():
            if entry.get("label"):
                labels[cid] = str(entry["label"])
            lexicon.add(str(entry.get("label", "")), "category", cid, lang)
            for phrase in entry.get("terms") or ():
                lexicon.add(str(phrase), "category", cid, lang)
        for kind, phrases in (doc.get("danger") or {}).items():
            for phrase in phrases or ():
                lexicon.add(str(phrase), "danger", kind, lang)
        for kind, pairs in (doc.get("danger_pairs") or {}).items():
            for number, pair in enumerate(pairs or ()):
                for side, phrases in zip("abc", pair, strict=False):  # c: unless
                    for phrase in phrases or ():
                        lexicon.add(str(phrase), "pair", f"{kind}#{lang}{number}#{side}", lang)
        for kind, phrases in (doc.get("smalltalk") or {}).items():
            for phrase in phrases or ():
                lexicon.add(str(phrase), "smalltalk", kind, lang)
        for word in doc.get("stopwords") or ():
            for token in tokens(str(word)):
                lexicon.stopwords[token].add(lang)
    taxonomy_text = (shared / "taxonomy.yaml").read_text(encoding="utf-8")
    taxonomy = yaml.load(taxonomy_text, Loader=_YamlLoader)
    for entry in taxonomy.get("categories", ()):
        for lang, phrases in (entry.get("synonyms") or {}).items():
            for phrase in phrases or ():
                lexicon.add(str(phrase), "category", entry["id"], lang)
    return lexicon.compile()


def _vocabulary(doc: dict[str, Any]) -> frozenset[str]:
    """Every normalised word of a lexicon file."""
    words: set[str] = set()
    sections = [*(doc.get("categories") or {}).values()]
    phrases: list[Any] = [entry.get("terms") or () for entry in sections]
    phrases += list((doc.get("danger") or {}).values())
    phrases += list((doc.get("smalltalk") or {}).values())
    for pairs in (doc.get("danger_pairs") or {}).values():
        phrases += [side for pair in pairs or () for side in pair]
    for group in phrases:
        for phrase in group or ():
            words.update(w.rstrip("*") for w in _term_words(str(phrase)))
    return frozenset(words)

