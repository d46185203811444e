"""Public pages over real HTTP against Daphne, beside a trivial view.

With three years of roadshows and 20,000 achievements on PostgreSQL: requests
per second and p95 latency at 20 concurrent keep-alive clients for the home
page, the roadshow index and a roadshow page, against a trivial Django view
served by the same Daphne process in the same run; and the time to build the
full iCalendar feed.
"""

import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request

from bench.common import (
    ROOT,
    daphne_server,
    django_setup,
    median,
    percentile,
)

CONCURRENCY = 20
DURATION_S = 6.0
WARMUP_S = 1.0
YEARS_BACK = 2


def prepare() -> str:
    """Data set and the URL of one roadshow page (run in this process)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    django_setup("postgresql")
    from django.utils import timezone

    from achievements.demo import seed_demo
    from achievements.models import Achievement
    from cms.models import RoadshowPage
    from events.demo import seed_roadshows

    if Achievement.objects.count() < 20_000:
        seed_demo(achievements=20_000, seed=2026)
    this_year = timezone.localdate().year
    for year in range(this_year - YEARS_BACK, this_year + 1):
        seed_roadshows(seed=year, year=year, publish_within_days=60)
    page = RoadshowPage.objects.filter(live=True).order_by("-pk").first()
    return page.url


def feed_ms() -> tuple[float, int]:
    from events.calendars import calendar_bytes
    from events.selectors import roadshows_for_feed

    times = []
    for _ in range(20):
        t0 = time.perf_counter()
        # The three planned years (other benchmarks may add roadshows of their own).
        roadshows = list(roadshows_for_feed().filter(plan__isnull=False))
        calendar_bytes(roadshows, name="bench", base_url="http://127.0.0.1")
        times.append((time.perf_counter() - t0) * 1000)
    return median(times), len(roadshows)


async def _client(
    port: int,
    path: str,
    stop_at: float,
    record_from: float,
    latencies: list[float],
    errors: list[int],
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh-CN\r\n\r\n"
    ).encode()
    try:
        while (now := time.perf_counter()) < stop_at:
            writer.write(request)
            await writer.drain()
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            done = time.perf_counter()
            if status != 200:
                errors.append(status)
            if now >= record_from:
                latencies.append((done - now) * 1000)
    finally:
        writer.close()


async def _load(port: int, path: str) -> dict:
    latencies: list[float] = []
    errors: list[int] = []
    start = time.perf_counter()
    record_from = start + WARMUP_S
    stop_at = record_from + DURATION_S
    await asyncio.gather(
        *[
            _client(port, path, stop_at, record_from, latencies, errors)
            for _ in range(CONCURRENCY)
        ]
    )
    return {
        "rps": round(len(latencies) / DURATION_S, 1),
        "p50_ms": round(median(latencies), 2),
        "p95_ms": round(percentile(latencies, 95), 2),
        "errors": len(errors),
    }


def _wrk(port: int, path: str) -> dict:
    """The same measurement with wrk (C, two threads): less client CPU."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONCURRENCY}",
            f"-d{int(DURATION_S)}s",
            "-H",
            "Accept-Language: zh-CN",
            "-s",
            str(ROOT / "bench" / "wrk_report.lua"),
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    fields = dict(item.split("=") for item in line.split()[1:])
    seconds = int(fields["duration_us"]) / 1e6
    return {
        "rps": round(int(fields["requests"]) / seconds, 1),
        "p50_ms": round(int(fields["p50_us"]) / 1000, 2),
        "p95_ms": round(int(fields["p95_us"]) / 1000, 2),
        "errors": int(fields["errors"]),
    }


def main() -> int:
    roadshow_url = prepare()
    feed, events = feed_ms()
    client = "wrk" if shutil.which("wrk") else "python-asyncio"
    with daphne_server() as port:
        results = {}
        for name, path in (
            ("trivial", "/bench/trivial"),
            ("home", "/"),
            ("index", "/roadshows/"),
            ("roadshow", roadshow_url),
        ):
            # Warm each URL (page cache, connections) before measuring it.
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10).read()
            if client == "wrk":
                results[name] = _wrk(port, path)
            else:
                results[name] = asyncio.run(_load(port, path))
            r = results[name]
            print(
                f"{name:>9} {path:<40} {r['rps']:>8} req/s  p50 {r['p50_ms']} ms"
                f"  p95 {r['p95_ms']} ms  errors {r['errors']}"
            )
    pages = [results[k] for k in ("home", "index", "roadshow")]
    ratio = min(p["rps"] for p in pages) / results["trivial"]["rps"]
    print(f"feed: {events} roadshows built in {feed:.1f} ms (median of 20)")
    print(
        f"load generator: {client}, {CONCURRENCY} keep-alive connections, "
        f"{DURATION_S:.0f} s per URL; Daphne, one process; anonymous visitors "
        "(pages served by the content-versioned page cache)"
    )
    print(
        json.dumps(
            {
                "bench": "pages",
                "home_rps": results["home"]["rps"],
                "index_rps": results["index"]["rps"],
                "roadshow_rps": results["roadshow"]["rps"],
                "trivial_rps": results["trivial"]["rps"],
                "ratio": round(ratio, 2),
                "p95_ms": max(p["p95_ms"] for p in pages),
                "feed_ms": round(feed, 1),
                "errors": sum(r["errors"] for r in results.values()),
                "client": client,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
