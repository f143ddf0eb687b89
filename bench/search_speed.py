"""Search speed on a synthetic 2,000-service catalog built from the real one.

Times the index build (median of five cold builds, also with a vocabulary as large as a real
catalog's) and 1,000 queries in mixed languages, and, in the same run, a plain substring-scan
baseline over the same services; prints p50/p99 per query and the ratios. Also builds
500/1,000/2,000-service indexes to show how memory grows.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from bot.catalog.loader import load_or_raise
from bot.catalog.model import Catalog
from bot.search.engine import SearchEngine, service_texts
from bot.search.lexicon import Lexicon, load_lexicon, stems
from bot.search.normalize import INDEX_WORD, normalize, normalize_text

BUILDS = 5
ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "services_catalog" / "plymouth"
QUERIES = [
    "I need a doctor", "where can I learn English", "free football for my son",
    "my landlord wants me out", "food bank near me", "أحتاج محامي للجوء", "ابحث عن طبيب",
    "کلاس زبان انگلیسی کجاست", "دنبال کار می‌گردم", "Мені потрібен лікар", "де вивчити англійську",
    "Нужна помощь с жильём", "iş arıyorum", "avukat lazım", "Je cherche un cours d'anglais",
    "necesito ropa de invierno", "Χρειάζομαι γιατρό", "waxaan u baahanahay dhakhtar",
    "ሓኪም የድልየኒ", "پولیس ته اړتیا لرم", "پێویستم بە پزیشکە", "Имам нужда от адвокат",
    "my phone has no internet", "bus pass for children", "someone is hitting me now",
]


def synthetic(catalog: Catalog, size: int, tag: str = "", unique_every: int = 0) -> Catalog:
    """`size` services cycling through the real ones, each text made distinct by a tag; with
    `unique_every`, every so many words also get a suffix of their own, so the vocabulary grows
    with the catalog as a real one's would instead of repeating 87 services' words."""
    services = {}
    originals = list(catalog.services.values())
    for n in range(size):
        base = originals[n % len(originals)]
        sid = f"{base.id}-{n}"

        def vary(text: str, n: int = n) -> str:
            if unique_every:  # a letter suffix, so the new words are stemmed like real ones
                words = text.split()
                words[::unique_every] = [
                    w + _letters(n) if w.isalpha() else w for w in words[::unique_every]
                ]
                text = " ".join(words)
            return f"{text} ({tag}{n})"

        texts = {
            lang: dataclasses.replace(t, description=vary(t.description))
            for lang, t in base.translations.items()
        }
        services[sid] = dataclasses.replace(
            base, id=sid, name=f"{base.name} {n}", description=vary(base.description),
            translations=texts,
        )
    return dataclasses.replace(catalog, services=services)


def _letters(n: int) -> str:
    """n in Latin letters after a "q": 0 -> "qa", 26 -> "qab"."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out += chr(ord("a") + digit)
        if not n:
            return "q" + out


def substring_baseline(catalog: Catalog, query: str) -> list[str]:
    """What a plain search would do: every query word against every service text."""
    words = [w for w in normalize(query).split() if len(w) > 2]
    hits = []
    for service in catalog.services.values():
        text = normalize(" ".join([service.name, service.description,
                                   *(t.description for t in service.translations.values())]))
        score = sum(w in text for w in words)
        if score:
            hits.append((score, service.id))
    return [sid for _, sid in sorted(hits, reverse=True)[:3]]


def timed(fn, queries):  # type: ignore[no-untyped-def]
    times = []
    for query in queries:
        start = time.perf_counter()
        fn(query)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1]


def cold_builds(base: Catalog, lexicon: Lexicon, tag: str, unique_every: int = 0) -> list[float]:
    """Seconds per index build of 2,000 services, each on texts no earlier build has seen and
    with the normalisation and stemming caches emptied first, so nothing is remembered."""
    seconds = []
    for run in range(BUILDS):
        catalog = synthetic(base, 2000, tag=f"{tag}{run}x", unique_every=unique_every)
        normalize.cache_clear()
        stems.cache_clear()
        start = time.perf_counter()
        SearchEngine(catalog, lexicon)
        seconds.append(time.perf_counter() - start)
    return seconds


def plain_build(catalog: Catalog, lexicon: Lexicon) -> float:
    """Seconds for the straightforward index (each service's whole text normalised, split,
    every word stemmed on its own): the baseline for the build, measured in the same run."""
    normalize.cache_clear()
    stems.cache_clear()
    start = time.perf_counter()
    postings: dict[str, list[int]] = defaultdict(list)
    for n, service in enumerate(s for s in catalog.services.values() if s.is_offered):
        words = set(INDEX_WORD.findall(normalize_text("\n".join(service_texts(service)))))
        for word in words.difference(lexicon.stopwords):
            postings[word].append(n)
    by_stem: dict[str, list[str]] = defaultdict(list)
    for word in postings:
        for stem in stems(word):
            by_stem[stem].append(word)
    return time.perf_counter() - start


def main() -> int:
    base = load_or_raise(CATALOG).to_catalog()
    lexicon = load_lexicon(CATALOG)
    builds = cold_builds(base, lexicon, "t")
    plain = plain_build(synthetic(base, 2000, tag="p"), lexicon)
    rich = cold_builds(base, lexicon, "v", unique_every=10)
    held = {}
    for size in (500, 1000, 2000):
        catalog = synthetic(base, size, tag="m")
        tracemalloc.start()
        engine = SearchEngine(catalog, lexicon)
        held[size] = tracemalloc.get_traced_memory()[0] / 1e6
        tracemalloc.stop()
    print("  index memory, MB at 500 / 1000 / 2000 services: "
          + " / ".join(f"{mb:.1f}" for mb in held.values())
          + f"  (+{held[1000] - held[500]:.1f} MB for 500 more, "
          f"+{held[2000] - held[1000]:.1f} MB for 1000 more)")
    rng = random.Random(7)
    queries = [rng.choice(QUERIES) + ("" if i % 3 else f" {i}") for i in range(1000)]
    engine.ask("warm up")
    p50, p99 = timed(lambda q: engine.ask(q), queries)
    b50, b99 = timed(lambda q: substring_baseline(catalog, q), queries)
    print(f"search speed, {len(catalog.services)} services, {len(queries)} queries")
    print(f"  index build            {statistics.median(builds) * 1000:8.1f} ms   "
          f"(median of {BUILDS} cold builds; target <= 1000 ms)")
    print(f"    each build, ms       {' '.join(f'{s * 1000:.0f}' for s in builds)}")
    print(f"    straightforward build {plain * 1000:7.1f} ms   (baseline, same run: "
          f"{statistics.median(builds) / plain:.2f}x of it)")
    print(f"  index build, rich      {statistics.median(rich) * 1000:8.1f} ms   "
          "(every 10th word unique to its service: a real catalog's vocabulary)")
    print(f"  harbour   p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   (target p99 <= 5 ms)")
    print(f"  substring p50 {b50:7.3f} ms   p99 {b99:7.3f} ms   (baseline, same run)")
    print(f"  ratio harbour/substring: p50 {p50 / b50:.2f}x, p99 {p99 / b99:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
