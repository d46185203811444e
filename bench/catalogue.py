"""Catalogue page server time with Chinese search, beside the plain page.

With 20,000 achievements, on PostgreSQL and on SQLite: the median and p95 of the
time Django spends producing /achievements/ for typical searches with facets,
against the same pages without a search, in the same run.  Recall is checked
against a plain substring scan of the same rows.
"""

import json
import subprocess
import sys
import time

from bench.common import django_setup, median, percentile

N_ACHIEVEMENTS = 20_000
ROUNDS = 25
QUERIES = [
    ("碳纤维", {}),
    ("育种", {}),
    ("电池", {"trl": "7"}),
    ("芯片", {"field": "new-it"}),
    ("复合材料", {"mode": "licence"}),
    ("机器人", {"province": "44"}),
    ("储能 电站", {}),
    ("5G", {}),
]
PLAIN = [
    {},
    {},
    {"trl": "7"},
    {"field": "new-it"},
    {"mode": "licence"},
    {"province": "44"},
    {},
    {},
]


def run_one(db: str) -> dict:
    django_setup(db)
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from achievements.demo import seed_demo
    from achievements.models import Achievement
    from achievements.search import normalize
    from achievements.selectors import CatalogueFilters, catalogue_search

    have = Achievement.objects.count()
    if have < N_ACHIEVEMENTS:
        started = time.perf_counter()
        seed_demo(achievements=N_ACHIEVEMENTS, seed=2026)
        print(
            f"[{db}] seeded {Achievement.objects.count()} achievements "
            f"in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )
    if db == "postgresql":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client(HTTP_HOST="127.0.0.1")
    # Warm up caches, connections and query compilation.
    for (q, extra), plain in zip(QUERIES, PLAIN, strict=True):
        assert client.get("/achievements/", {"q": q, **extra}).status_code == 200
        assert client.get("/achievements/", plain).status_code == 200

    search_times, plain_times = [], []
    for _ in range(ROUNDS):
        for (q, extra), plain in zip(QUERIES, PLAIN, strict=True):
            t0 = time.perf_counter()
            client.get("/achievements/", {"q": q, **extra})
            search_times.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            client.get("/achievements/", plain)
            plain_times.append((time.perf_counter() - t0) * 1000)

    # Recall against a plain substring scan over the same (public) rows.
    rows = list(
        Achievement.objects.filter(publication="public").values_list(
            "id", "search_text"
        )
    )
    recalls = []
    for q, _extra in QUERIES:
        terms = normalize(q).split()
        expected = {i for i, text in rows if all(t in text for t in terms)}
        found = set(
            catalogue_search(user=AnonymousUser(), filters=CatalogueFilters(q=q))
            .filter(publication="public")
            .values_list("id", flat=True)
        )
        recalls.append(len(found & expected) / len(expected) if expected else 1.0)
        if found - expected:
            raise SystemExit(f"search for {q!r} returned rows without the text")

    return {
        "db": db,
        "rows": Achievement.objects.count(),
        "search_median_ms": round(median(search_times), 2),
        "search_p95_ms": round(percentile(search_times, 95), 2),
        "plain_median_ms": round(median(plain_times), 2),
        "plain_p95_ms": round(percentile(plain_times, 95), 2),
        "recall": round(min(recalls), 4),
    }


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--db":
        print(json.dumps(run_one(sys.argv[2])))
        return 0
    results = {}
    for db in ("sqlite", "postgresql"):
        proc = subprocess.run(
            [sys.executable, "-m", "bench.catalogue", "--db", db],
            capture_output=True,
            text=True,
            check=False,
        )
        sys.stderr.write(proc.stderr)
        if proc.returncode != 0:
            print(f"catalogue benchmark on {db} failed", file=sys.stderr)
            return proc.returncode
        results[db] = json.loads(proc.stdout.strip().splitlines()[-1])
    for db, r in results.items():
        print(
            f"{db:>10}: {r['rows']} achievements; search median {r['search_median_ms']} ms,"
            f" p95 {r['search_p95_ms']} ms | plain median {r['plain_median_ms']} ms,"
            f" p95 {r['plain_p95_ms']} ms | ratio (p95) "
            f"{r['search_p95_ms'] / r['plain_p95_ms']:.2f} | recall {r['recall']}"
        )
    pg, lite = results["postgresql"], results["sqlite"]
    print(
        json.dumps(
            {
                "bench": "catalogue",
                "db": "postgresql",
                "search_p95_ms": pg["search_p95_ms"],
                "plain_p95_ms": pg["plain_p95_ms"],
                "ratio": round(pg["search_p95_ms"] / pg["plain_p95_ms"], 2),
                "recall": pg["recall"],
                "sqlite_search_p95_ms": lite["search_p95_ms"],
                "sqlite_plain_p95_ms": lite["plain_p95_ms"],
                "sqlite_ratio": round(lite["search_p95_ms"] / lite["plain_p95_ms"], 2),
                "sqlite_recall": lite["recall"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
