"""Find the services that fit one message, or the emergency lines when someone is in danger."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot import LANGUAGES
from bot.catalog.model import Catalog, EmergencyLine, Service
from bot.search.detect import detect_language
from bot.search.hours import distance_km, open_at
from bot.search.lexicon import PAIR_WINDOW, Lexicon, Match
from bot.search.normalize import tokens
from bot.search.textindex import TextIndex

Clock = Callable[[], dt.datetime]

CATEGORY_WEIGHT = 3.0
TEXT_WEIGHT = 1.2
OPEN_NOW_BONUS = 0.25
LANGUAGE_BONUS = 0.2
NEAR_WEIGHT = 0.8
RELATED_CATEGORY_SHARE = 0.35
"""categories this close to the best one are also offered"""
SPREAD_SHARE = 0.5
"""a category with this share of the best evidence gets a place among the results"""
MIN_EVIDENCE = 0.7
MIN_TEXT_SHARE = 0.3
"""a service in none of the message's categories needs this share of the best text match"""
"""below this a message is treated as asking for no service"""


class Result(NamedTuple):
    """A service offered for a message (a tuple: two dozen are made for every message)."""

    service: Service
    score: float
    distance_km: float | None
    open_now: bool | None


@dataclass(frozen=True)
class Answer:
    query: str
    language: str
    kind: str
    """'services', 'emergency', 'smalltalk' or 'nomatch'"""
    emergency: bool
    categories: tuple[str, ...]
    results: tuple[Result, ...]
    danger: tuple[str, ...] = ()
    emergency_lines: tuple[EmergencyLine, ...] = ()
    smalltalk: str | None = None
    drop_in: Service | None = None


@dataclass
class _Evidence:
    categories: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    danger: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    smalltalk: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    matches: list[Match] = field(default_factory=list)
    strength: float = 0.0
    """how sure the words are that a service is wanted: the best category's evidence, with a
    word listed under two categories ("bike": sport, transport) counted whole"""


class SearchEngine:
    """Built once per catalog version; `ask` is read-only and safe to call concurrently."""

    def __init__(self, catalog: Catalog, lexicon: Lexicon, clock: Clock | None = None) -> None:
        self.catalog = catalog
        self.lexicon = lexicon
        self.tz = ZoneInfo(catalog.region.timezone)
        self.clock: Clock = clock or (lambda: dt.datetime.now(self.tz))
        self.services = [s for s in catalog.services.values() if s.is_offered]
        self._open_cache: tuple[tuple[int, ...], dict[int, bool | None]] = ((), {})
        self._by_category: dict[str, list[int]] = defaultdict(list)
        for n, service in enumerate(self.services):
            for cid in service.categories:
                self._by_category[cid].append(n)
        self.text_index = TextIndex(map(service_texts, self.services), self.lexicon.stopwords)

    # -- understanding the message -------------------------------------------------------
    def _evidence(self, words: list[str]) -> _Evidence:
        evidence = _Evidence(matches=self.lexicon.match(words))
        best: dict[tuple[str, str, int], float] = {}
        whole: dict[tuple[str, str, int], float] = {}
        for m in evidence.matches:
            key = (m.term.kind, m.term.target, m.start)
            best[key] = max(best.get(key, 0.0), m.term.weight * m.quality)
            if m.term.kind == "category":
                whole[key] = max(whole.get(key, 0.0), m.term.whole_weight * m.quality)
        halves: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for (kind, target, start), score in best.items():
            if kind == "pair":
                rule, side = target.rsplit("#", 1)
                halves[rule][side].append(start)
                continue
            bucket = {"category": evidence.categories, "danger": evidence.danger}.get(
                kind, evidence.smalltalk
            )
            bucket[target] += score
        for rule, sides in halves.items():
            near = [
                (a, b) for a in sides["a"] for b in sides["b"] if abs(a - b) <= PAIR_WINDOW
            ]
            vetoed = any(
                min(a, b) - PAIR_WINDOW <= c <= max(a, b) + PAIR_WINDOW
                for a, b in near for c in sides.get("c", ())
            )
            if near and not vetoed:  # "my son lost his phone" is no emergency
                evidence.danger[rule.split("#", 1)[0]] += 1.0
        by_category: dict[str, float] = defaultdict(float)
        for (_, target, _), score in whole.items():
            by_category[target] += score
        evidence.strength = max(by_category.values(), default=0.0)
        return evidence

    def _open_now(self, now: dt.datetime) -> dict[int, bool | None]:
        """Open-now per service, remembered for the current minute."""
        minute = now.timetuple()[:5]
        if self._open_cache[0] != minute:
            self._open_cache = (minute, {})
        return self._open_cache[1]

    # -- answering ------------------------------------------------------------------------
    def ask(
        self, text: str, *, language: str | None = None, near: tuple[float, float] | None = None,
        limit: int = 3,
    ) -> Answer:
        words = tokens(text[:2000])
        evidence = self._evidence(words)
        if evidence.danger:  # danger outranks every other need in the message
            evidence.categories["emergency"] += 2.0 * sum(evidence.danger.values())
        reply_language = language if language in LANGUAGES else detect_language(
            text[:500], self.lexicon, evidence.matches, self.catalog.region.default_language
        )
        text_scores, shared = self.text_index.scores(words)
        categories = self._rank_categories(evidence, text_scores)
        danger = tuple(sorted(evidence.danger, key=lambda k: -evidence.danger[k]))
        emergency = bool(danger)
        if emergency:  # the emergency lines come first, every time
            categories = ("emergency", *(c for c in categories if c != "emergency"))
        lines = self._lines_for(danger) if emergency else ()
        results = self._rank_services(
            categories, evidence, text_scores, near, reply_language, limit
        )
        strength = evidence.strength
        # Without lexicon evidence, the services' own texts count only when two or more words
        # of the message meet in one service, and never against plain small talk.
        texts_agree = max(shared.values(), default=0) >= 2 and not evidence.smalltalk
        if emergency:
            kind = "emergency"
        elif strength < MIN_EVIDENCE and not texts_agree:
            small = max(evidence.smalltalk, key=lambda k: evidence.smalltalk[k], default=None)
            kind = "smalltalk" if small else "nomatch"
            return Answer(
                text, reply_language, kind, False, (), (), smalltalk=small,
                drop_in=self.catalog.services.get(self.catalog.region.drop_in_service),
            )
        else:
            kind = "services" if results else "nomatch"
        return Answer(
            text, reply_language, kind, emergency, categories, results, danger, lines,
            drop_in=self.catalog.services.get(self.catalog.region.drop_in_service),
        )

    def _rank_categories(
        self, evidence: _Evidence, text_scores: dict[int, float]
    ) -> tuple[str, ...]:
        scores = dict(evidence.categories)
        if text_scores:
            for n in heapq.nlargest(3, text_scores, key=text_scores.__getitem__):
                score = text_scores[n]
                for position, cid in enumerate(self.services[n].categories):
                    scores[cid] = scores.get(cid, 0.0) + min(score, 6.0) * 0.08 / (1 + position)
        if not scores:
            return ()
        best = max(scores.values())
        ranked = sorted(scores, key=lambda c: -scores[c])
        return tuple(c for c in ranked if scores[c] >= best * RELATED_CATEGORY_SHARE)

    def _rank_services(
        self, categories: tuple[str, ...], evidence: _Evidence, text_scores: dict[int, float],
        near: tuple[float, float] | None, language: str, limit: int,
    ) -> tuple[Result, ...]:
        cat_scores = {c: evidence.categories.get(c, 0.0) for c in categories}
        top_cat = max(cat_scores.values(), default=0.0) or 1.0
        rank_of = {c: i for i, c in enumerate(categories)}
        shares = {c: cat_scores[c] / top_cat for c in categories}
        max_text = max(text_scores.values(), default=0.0) or 1.0
        now = self.clock().astimezone(self.tz)
        scored = []
        # a service outside the categories needs a strong text match of its own
        candidates = {n for n, s in text_scores.items() if s / max_text >= MIN_TEXT_SHARE}
        for cid in categories:
            candidates.update(self._by_category.get(cid, ()))
        base = []
        fit_of: dict[tuple[str, ...], float] = {}  # many services share their categories
        for n in candidates:
            service = self.services[n]
            fit = fit_of.get(service.categories)
            if fit is None:
                fit = fit_of[service.categories] = _fit(service.categories, shares, rank_of)
            text = text_scores.get(n, 0.0) / max_text
            if fit == 0.0 and text < MIN_TEXT_SHARE:  # a category far down the list fits none
                continue
            score = CATEGORY_WEIGHT * fit + TEXT_WEIGHT * text
            if language != "en" and language in service.languages:
                score += LANGUAGE_BONUS
            distance = distance_km(service, near) if near else None
            if distance is not None:
                score += NEAR_WEIGHT / (1.0 + distance)
            base.append((score, n, distance))
        # Open-now moves a service by at most OPEN_NOW_BONUS: only the front can change.
        shortlist = heapq.nlargest(max(limit * 8, 24), base, key=itemgetter(0))
        open_now = self._open_now(now)
        for score, n, distance in shortlist:
            if n not in open_now:
                open_now[n] = open_at(self.services[n], now)
            is_open = open_now[n]
            total = score + (OPEN_NOW_BONUS if is_open else 0.0)
            scored.append(Result(self.services[n], round(total, 4), distance, is_open))
        scored.sort(key=lambda r: (-r.score, r.service.id))
        return tuple(_diversify(scored, categories, shares, limit))

    def _lines_for(self, danger: tuple[str, ...]) -> tuple[EmergencyLine, ...]:
        lines = self.catalog.region.emergency_lines
        first = [line for line in lines if line.number in ("999", "112")]
        matching = [line for line in lines if line not in first and set(line.kinds) & set(danger)]
        return tuple(first + matching)

    def nearby(
        self, near: tuple[float, float], *, category: str | None = None, limit: int = 5
    ) -> list[Result]:
        """Services with a location, open ones first, then by distance."""
        now = self.clock().astimezone(self.tz)
        found = []
        for service in self.services:
            if category and category not in service.categories:
                continue
            distance = distance_km(service, near)
            if distance is not None:
                found.append(Result(service, 0.0, distance, open_at(service, now)))
        found.sort(key=lambda r: (not r.open_now, r.distance_km))
        return found[:limit]

    def in_category(self, category: str) -> list[Service]:
        """Services of a category, those listing it first before the rest."""
        found = [s for s in self.services if category in s.categories]
        return sorted(found, key=lambda s: (s.categories.index(category), s.name))


def service_texts(service: Service) -> list[str]:
    """What a service says of itself, in every language it has."""
    texts = [service.name, service.description, service.eligibility]
    for text in service.translations.values():
        texts += [text.name, text.description]
    return texts


def _fit(
    categories: tuple[str, ...], shares: dict[str, float], rank_of: dict[str, int]
) -> float:
    """How well a service with these categories (its main one first) fits the message's."""
    fit = 0.0
    for position, cid in enumerate(categories):
        if cid in rank_of:
            share = max(shares[cid], 1.0 - 0.25 * rank_of[cid])
            fit = max(fit, share * (1.0 if position == 0 else 0.8))
    return fit


def _diversify(
    scored: list[Result], categories: tuple[str, ...], shares: dict[str, float], limit: int
) -> list[Result]:
    """Best results first, but a message with several strong needs gets one service for each
    category whose evidence is at least SPREAD_SHARE of the best, before the rest by score."""
    strong = [c for c in categories[:limit] if shares.get(c, 0.0) >= SPREAD_SHARE]
    chosen: list[Result] = []
    for cid in strong[1:]:
        if any(cid in r.service.categories for r in chosen + scored[:1]):
            continue
        pick = next((r for r in scored if cid in r.service.categories and r not in chosen), None)
        if pick is not None:
            chosen.append(pick)
    head = [r for r in scored if r not in chosen][: max(limit - len(chosen), 1)]
    return sorted(head + chosen, key=lambda r: -r.score)[:limit] if chosen else scored[:limit]
