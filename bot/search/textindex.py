"""The services' own words in every language they are written in: an inverted index with IDF."""

from __future__ import annotations

import gc
import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager

from bot.search.lexicon import stem_index, stems
from bot.search.normalize import INDEX_WORD, normalize_text

MIN_WORD_LENGTH = 3
COMMON_SHARE = 0.3
"""a word in more than this share of the services tells nothing about any of them"""
RELATED_FACTOR = 0.7
"""how much a word sharing a stem with the message's word counts"""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: building creates ~100k lasting objects, each batch of
    which would otherwise start a collection that walks every object of the process."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


PENDING = -1
"""id of a token met for the first time, until `_Vocabulary.learn` normalises it"""


class _Vocabulary(dict[str, int]):
    """Raw token ("Doctor," or "лікаря.") -> id of what it holds for the index.

    An id stands for the index words a token holds: usually one (`words`), none for
    punctuation, short words and stopwords (id 0), several for "food/clothes" (`groups`). Each
    distinct token is normalised once, however many services use it, and new ones in a batch."""

    def __init__(self, stopwords: Collection[str]) -> None:
        super().__init__()
        self.stopwords = stopwords
        self.holders: list[list[int]] = [[]]
        """per id, the services whose texts have it"""
        self.words: dict[str, int] = {}
        self.groups: dict[int, tuple[str, ...]] = {}
        self.pending: list[str] = []

    def __missing__(self, token: str) -> int:
        self.pending.append(token)
        self[token] = PENDING
        return PENDING

    def learn(self) -> set[int]:
        """Normalise the pending tokens at once (joined by newlines, which normalising keeps)
        and return their ids."""
        tokens, self.pending = self.pending, []
        lines = normalize_text("\n".join(tokens)).split("\n")
        if len(lines) != len(tokens):  # cannot happen with today's normalisation; stay correct
            lines = [normalize_text(token) for token in tokens]
        found = set()
        for token, words in zip(tokens, map(INDEX_WORD.findall, lines), strict=True):
            kept = [w for w in words if w not in self.stopwords]
            if len(kept) == 1:
                word_id = self.words.get(kept[0]) or self._new_id()
                self.words[kept[0]] = word_id
            elif kept:
                word_id = self._new_id()
                self.groups[word_id] = tuple(kept)
            else:
                word_id = 0
            self[token] = word_id
            found.add(word_id)
        return found

    def _new_id(self) -> int:
        self.holders.append([])
        return len(self.holders) - 1

    def postings(self) -> dict[str, list[int]]:
        """Word -> the services using it, in order."""
        postings = {word: self.holders[word_id] for word, word_id in self.words.items()}
        for word_id, words in self.groups.items():  # rare: merge into each word's services
            for word in words:
                postings[word] = sorted({*postings.get(word, ()), *self.holders[word_id]})
        return postings


class TextIndex:
    """Built once per catalog version from each service's texts; read-only afterwards."""

    def __init__(self, texts: Iterable[Iterable[str]], stopwords: Collection[str]) -> None:
        self.stopwords = stopwords
        self.size = 0
        vocabulary = _Vocabulary(stopwords)
        token_id, holders = vocabulary.__getitem__, vocabulary.holders
        with _collector_paused():  # the index is all new objects and no cycles
            # The hot loop: a dict lookup per token, in C; new tokens are normalised on the way.
            for n, service_texts in enumerate(texts):
                self.size += 1
                found = set(map(token_id, " ".join(service_texts).split()))
                if vocabulary.pending:
                    found.discard(PENDING)
                    found |= vocabulary.learn()
                for word_id in found:
                    holders[word_id].append(n)
            self.postings = vocabulary.postings()
            self.by_stem = stem_index(self.postings)

    def scores(self, words: Iterable[str]) -> tuple[dict[int, float], dict[int, int]]:
        """IDF-weighted overlap of the message's words with each service's texts, and how many
        distinct words of the message each service shares."""
        scores: dict[int, float] = defaultdict(float)
        shared: dict[int, int] = defaultdict(int)
        common = self.size * COMMON_SHARE
        for word in set(words):
            if len(word) < MIN_WORD_LENGTH or word in self.stopwords:
                continue
            keys = {word: 1.0}
            for stem in stems(word) | {word}:
                for related in self.by_stem.get(stem, ()):
                    keys.setdefault(related, RELATED_FACTOR)
            hit: dict[int, float] = {}
            for key, factor in keys.items():
                postings = self.postings.get(key)
                if not postings or len(postings) > common:
                    continue
                gain = math.log(1 + self.size / len(postings)) * factor  # IDF
                for n in postings:
                    hit[n] = max(hit.get(n, 0.0), gain)
            for n, gain in hit.items():
                scores[n] += gain
                shared[n] += 1
        return scores, shared
