"""The services' own words in every language they are written in: an inverted index with IDF.

Built in three passes, so that per-token work stays in C:
1. every raw token ("Doctor," or "лікаря.") of every service becomes an id through one dict
   lookup, and each distinct token is kept once;
2. the distinct tokens are normalised together and split into index words;
3. numpy turns (token, service) occurrences into (word, service) pairs, sorts them and drops
   repeats, which gives each word's services in order.
"""

from __future__ import annotations

import gc
import math
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from bot.search.lexicon import stem_index, stems
from bot.search.normalize import INDEX_WORD, MIN_WORD_LENGTH, normalize_text

COMMON_SHARE = 0.3
"""a word in more than this share of the services tells nothing about any of them"""
RELATED_FACTOR = 0.7
"""how much a word sharing a stem with the message's word counts"""

Ids = npt.NDArray[np.int64]
SEVERAL = -1
"""word id of a token that holds several index words ("food/clothes")"""


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: the index is all new objects and no cycles."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class _TokenIds(dict[bytes, int]):
    """Raw token, as UTF-8 -> its id; ids are given in order of first sight."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[bytes] = []

    def __missing__(self, token: bytes) -> int:
        self[token] = token_id = len(self.tokens)
        self.tokens.append(token)
        return token_id


class _Occurrences(NamedTuple):
    tokens: list[bytes]
    """the distinct raw tokens; a token's id is its place here"""
    token_ids: npt.NDArray[np.int32]
    """every token of every service, as ids"""
    services: Ids
    """the service of each of those tokens"""
    size: int
    """how many services"""


def _read(texts: Iterable[Iterable[str]]) -> _Occurrences:
    """Every token of every service, as ids.

    Splitting UTF-8 on ASCII whitespace never cuts a letter in two; any other space a token
    keeps (a no-break space, say) is found when the token is normalised into words."""
    ids = _TokenIds()
    token_id = ids.__getitem__
    per_service: list[npt.NDArray[np.int32]] = []
    for texts_of_one in texts:
        tokens = " ".join(texts_of_one).encode("utf-8", "surrogatepass").split()
        per_service.append(np.fromiter(map(token_id, tokens), np.int32, len(tokens)))
    counts = [len(ids_of_one) for ids_of_one in per_service]
    return _Occurrences(
        ids.tokens,
        np.concatenate(per_service) if per_service else np.zeros(0, np.int32),
        np.repeat(np.arange(len(counts), dtype=np.int64), counts),
        len(counts),
    )


class _Words:
    """The index words the distinct tokens hold, found by normalising all tokens at once."""

    def __init__(self, tokens: list[bytes], stopwords: Collection[str]) -> None:
        self.words: dict[str, int] = {}
        """index word -> id, from 1"""
        self.several: dict[int, list[int]] = {}
        """token -> ids of its words, for tokens that hold several"""
        lines = normalize_text(b"\n".join(tokens).decode("utf-8", "surrogatepass")).split("\n")
        if len(lines) != len(tokens):  # cannot happen with today's normalisation; stay correct
            lines = [normalize_text(t.decode("utf-8", "surrogatepass")) for t in tokens]
        words, of_token = self.words, []
        for line in lines:
            if line.isalnum():  # most tokens: one word (isalnum: what INDEX_WORD's [^\W_] is)
                short = len(line) < MIN_WORD_LENGTH or line in stopwords
                of_token.append(0 if short else words.setdefault(line, len(words) + 1))
                continue
            kept = [
                words.setdefault(word, len(words) + 1)
                for word in INDEX_WORD.findall(line) if word not in stopwords
            ]
            if len(kept) > 1:
                self.several[len(of_token)] = kept
            of_token.append(kept[0] if len(kept) == 1 else SEVERAL if kept else 0)
        self.of_token: Ids = np.array(of_token, dtype=np.int64)
        """per token: the id of its one word, 0 for none, SEVERAL for several"""


def _postings(words: _Words, read: _Occurrences) -> dict[str, array[int]]:
    """Word -> the services using it, ascending."""
    size = max(read.size, 1)
    word_ids = words.of_token[read.token_ids]
    pairs = (word_ids * size + read.services)[word_ids > 0]  # a word and a service in one number
    if words.several:
        at = np.flatnonzero(word_ids == SEVERAL)
        tokens, services = read.token_ids[at].tolist(), read.services[at].tolist()
        extra = {
            word * size + service
            for token, service in zip(tokens, services, strict=True)
            for word in words.several[token]
        }
        pairs = np.concatenate((pairs, np.fromiter(extra, np.int64, len(extra))))
    if not len(pairs):
        return {}
    pairs.sort()
    pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
    word_of = pairs // size
    service_of = array("i", (pairs - word_of * size).astype(np.intc).tobytes())
    starts = [0, *(np.flatnonzero(np.diff(word_of)) + 1).tolist()]
    ends = [*starts[1:], len(pairs)]
    word_by_id = ["", *words.words]
    return {
        word_by_id[word]: service_of[start:end]
        for word, start, end in zip(word_of[starts].tolist(), starts, ends, strict=True)
    }


class TextIndex:
    """Built once per catalog version from each service's texts; read-only afterwards."""

    def __init__(self, texts: Iterable[Iterable[str]], stopwords: Collection[str]) -> None:
        self.stopwords = stopwords
        with _collector_paused():
            read = _read(texts)
            self.size = read.size
            self.postings = _postings(_Words(read.tokens, stopwords), read)
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
