"""The text index finds exactly the words a plain, slow reading of each text would find."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.catalog.loader import CatalogSource
from bot.search.engine import service_texts
from bot.search.lexicon import Lexicon, stem_index, stems
from bot.search.normalize import normalize_text
from bot.search.textindex import TextIndex

_WORD = re.compile(r"[^\W_]{3,}")


def plain_postings(texts: list[list[str]], stopwords: set[str]) -> dict[str, list[int]]:
    """The definition: each service's whole text normalised, then split into words."""
    postings: dict[str, list[int]] = defaultdict(list)
    for n, own in enumerate(texts):
        for word in sorted(set(_WORD.findall(normalize_text("\n".join(own))))):
            if word not in stopwords:
                postings[word].append(n)
    return dict(postings)


def as_lists(postings: Mapping[str, Iterable[int]]) -> dict[str, list[int]]:
    return {word: list(services) for word, services in postings.items()}


def plain_stem_index(words: list[str]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for word in words:
        for stem in stems(word):
            index[stem].add(word)
    return dict(index)


def test_index_of_the_real_catalog_matches_the_definition(
    real_source: CatalogSource, lexicon: Lexicon
) -> None:
    services = [s for s in real_source.to_catalog().services.values() if s.is_offered]
    texts = [service_texts(s) for s in services]
    index = TextIndex(texts, lexicon.stopwords)
    assert as_lists(index.postings) == plain_postings(texts, set(lexicon.stopwords))
    assert {s: set(w) for s, w in index.by_stem.items()} == plain_stem_index(
        list(index.postings)
    )
    assert index.size == len(services)


# Letters of every script the catalog uses, with the marks, joiners, digits and punctuation
# that make splitting text into words tricky.
ALPHABET = (
    "abcdeéèñçışğüöİI ABC" "абвгдеёжийїієґЁЙ" "αβγδέήίόύώΣς" "ابتثجحكيىةأإآؤئۀھەڕڵ"
    "\u064b\u064e\u0650\u0652\u0640\u200c\u200d" "ሀሐኀሠዐፀሓኪም" "٠١٢٣۴۵0123456789"
    " \n\t\u00a0.,;:!?()/-_'\"«»—…ﬁＡＢＣ１"
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=ALPHABET, max_size=60), max_size=4), max_size=6))
def test_any_texts_index_as_the_definition_says(texts: list[list[str]]) -> None:
    stopwords = {"and", "the", "для", "و"}
    assert as_lists(TextIndex(texts, stopwords).postings) == plain_postings(texts, stopwords)


def test_empty_services_and_broken_text_index_as_the_definition_says() -> None:
    texts: list[list[str]] = [[], [""], ["a b"], ["doctor \ud800x clinic/doctor"], []]
    index = TextIndex(texts, set())
    assert index.size == 5
    assert as_lists(index.postings) == plain_postings(texts, set()) == {
        "doctor": [3], "clinic": [3]
    }
    assert TextIndex([], set()).postings == {}


@given(st.lists(st.text(alphabet=ALPHABET, min_size=1, max_size=12), max_size=30))
def test_stem_index_agrees_with_stems(words: list[str]) -> None:
    words = [w for w in dict.fromkeys(normalize_text(w) for w in words) if w]
    assert {s: set(w) for s, w in stem_index(words).items()} == plain_stem_index(words)


def test_text_scores_weigh_rare_words_over_common_ones(lexicon: Lexicon) -> None:
    texts = [[f"free english class number{n}"] for n in range(9)] + [["free legal advice"]]
    index = TextIndex(texts, lexicon.stopwords)
    scores, shared = index.scores(["legal", "advice", "free"])
    assert max(scores, key=lambda n: scores[n]) == 9
    assert shared[9] == 2  # "free" is in every service: it counts for none


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_fast_path_normalises_as_the_full_path(text: str) -> None:
    # an "é" at the end forces the full path; it comes out as "e"
    assert normalize_text(text + "é") == normalize_text(text) + "e"
