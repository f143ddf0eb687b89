"""Search speed on a synthetic 2,000-service catalog built from the real one.

Times the index build and 1,000 queries in mixed languages, and, in the same run, a plain
substring-scan baseline over the same services; prints p50/p99 per query and the ratios.
Also builds 500/1,000/2,000-service indexes to show how memory grows.
"""

from __future__ import annotations

import dataclasses
import random
import statistics
import time
import tracemalloc
from pathlib import Path

from bot.catalog.loader import load_or_raise
from bot.catalog.model import Catalog
from bot.search.engine import SearchEngine
from bot.search.lexicon import load_lexicon
from bot.search.normalize import normalize

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


def synthetic(catalog: Catalog, size: int, tag: str = "") -> Catalog:
    services = {}
    originals = list(catalog.services.values())
    for n in range(size):
        base = originals[n % len(originals)]
        sid = f"{base.id}-{n}"
        # distinct texts, so no per-text cache can flatter the build time
        texts = {
            lang: dataclasses.replace(t, description=f"{t.description} ({tag}{n})")
            for lang, t in base.translations.items()
        }
        services[sid] = dataclasses.replace(
            base, id=sid, name=f"{base.name} {n}", description=f"{base.description} ({tag}{n})",
            translations=texts,
        )
    return dataclasses.replace(catalog, services=services)


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


def main() -> int:
    base = load_or_raise(CATALOG).to_catalog()
    lexicon = load_lexicon(CATALOG)
    for size in (500, 1000):
        tracemalloc.start()
        SearchEngine(synthetic(base, size), lexicon)
        print(f"  index memory at {size:5d} services: "
              f"{tracemalloc.get_traced_memory()[0] / 1e6:6.1f} MB")
        tracemalloc.stop()
    catalog = synthetic(base, 2000)
    tracemalloc.start()
    SearchEngine(catalog, lexicon)
    print(f"  index memory at  2000 services: {tracemalloc.get_traced_memory()[0] / 1e6:6.1f} MB")
    tracemalloc.stop()
    fresh = synthetic(base, 2000, tag="t")  # texts unseen so far: no cache can flatter this
    start = time.perf_counter()
    engine = SearchEngine(fresh, lexicon)
    build = time.perf_counter() - start
    rng = random.Random(7)
    queries = [rng.choice(QUERIES) + ("" if i % 3 else f" {i}") for i in range(1000)]
    engine.ask("warm up")
    p50, p99 = timed(lambda q: engine.ask(q), queries)
    b50, b99 = timed(lambda q: substring_baseline(catalog, q), queries)
    print(f"search speed, {len(catalog.services)} services, {len(queries)} queries")
    print(f"  index build            {build * 1000:8.1f} ms   (target <= 1000 ms)")
    print(f"  harbour   p50 {p50:7.3f} ms   p99 {p99:7.3f} ms   (target p99 <= 5 ms)")
    print(f"  substring p50 {b50:7.3f} ms   p99 {b99:7.3f} ms   (baseline, same run)")
    print(f"  ratio harbour/substring: p50 {p50 / b50:.2f}x, p99 {p99 / b99:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
