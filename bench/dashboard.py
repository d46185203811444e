"""The progress dashboard's server time and query count (#6, R9).

On PostgreSQL, with 20,000 achievements, 5,000 deals and 50,000 stage moves
(plus 80 held roadshows of 25 pitches each) in the 2022–2025 target period:
the median and p95 of the time Django spends producing /deals/dashboard/,
and its number of queries — also measured first at a tenth of the deals,
moves and roadshows, which must give the same number — beside a baseline
page in the same run that reads the same rows without aggregating them.
"""

import datetime as dt
import json
import os
import random
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

from bench.common import django_setup, median, percentile  # noqa: E402

N_ACHIEVEMENTS = 20_000
N_DEALS = 5_000
N_MOVES = 50_000
N_ROADSHOWS = 80
PITCHES = 25
ROUNDS = 30
TITLE = "BENCH-DASHBOARD"
PATH = [
    "interest",
    "negotiation",
    "evaluation",
    "listing",
    "bidding",
    "signed",
    "settlement",
    "registration",
    "disclosure",
    "certificate",
    "landed",
]


def clear() -> None:
    from django.db import connection

    from bench.common import remove_roadshows
    from events.models import Roadshow

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE tracker_dealdocument, tracker_dealmove, tracker_payment,"
            " tracker_bid, tracker_objection, tracker_financing, tracker_deal"
            " RESTART IDENTITY CASCADE"
        )
    remove_roadshows(
        pks=Roadshow.objects.filter(title__startswith=TITLE).values_list(
            "pk", flat=True
        )
    )


def grow(*, deals: int, moves: int, roadshows: int, rng: random.Random) -> None:
    """Add held roadshows with pitches, and deals with their moves, spread
    over 2022–2025 (bulk writes: the data, not the services, is measured)."""
    from django.utils import timezone

    from accounts.models import Organization
    from achievements.models import Achievement, IndustryField, Province
    from events.models import Roadshow, Slot
    from tracker.models import Deal, DealMove

    achievements = list(Achievement.objects.values_list("pk", "owner_id"))
    orgs = list(Organization.objects.values_list("pk", flat=True))
    provinces = list(Province.objects.values_list("pk", flat=True))
    fields = list(IndustryField.objects.values_list("pk", flat=True))
    tz = timezone.get_current_timezone()
    start = dt.datetime(2022, 1, 10, 9, tzinfo=tz)
    days = (dt.date(2025, 12, 20) - dt.date(2022, 1, 10)).days

    def when() -> dt.datetime:
        return start + dt.timedelta(
            days=rng.randrange(days), minutes=rng.randrange(600)
        )

    made = Roadshow.objects.bulk_create(
        [
            Roadshow(
                kind=(kind := rng.choice(["field", "region"])),
                field_id=rng.choice(fields) if kind == "field" else None,
                region_kind="province" if kind == "region" else "",
                province_id=rng.choice(provinces) if kind == "region" else None,
                level="national" if i % 5 else "local",
                title=f"{TITLE} {i}",
                start=(s := when()),
                end=s + dt.timedelta(hours=3),
                format="online",
                status="closed",
                lead_host_id=orgs[0],
            )
            for i in range(roadshows)
        ]
    )
    Slot.objects.bulk_create(
        [
            Slot(
                roadshow=r,
                kind="pitch",
                position=p,
                achievement_id=(a := rng.choice(achievements))[0],
                team_id=a[1],
            )
            for r in made
            for p in range(PITCHES)
        ]
    )
    batch = []
    plans = []
    for _ in range(deals):
        achievement, owner = rng.choice(achievements)
        counterparty = rng.choice(orgs)
        while counterparty == owner:
            counterparty = rng.choice(orgs)
        reach = min(len(PATH) - 1, int(rng.expovariate(0.35)))
        stage = PATH[reach]
        if rng.random() < 0.08:
            stage = "abandoned"
        created = when()
        entered = created + dt.timedelta(days=rng.randrange(1, 200))
        signed = reach >= PATH.index("signed")
        agreed = rng.randrange(20, 2000) if signed else None
        batch.append(
            Deal(
                achievement_id=achievement,
                counterparty_id=counterparty,
                transfer_mode=rng.choice(["licence", "assignment", "equity"]),
                asking_amount=rng.randrange(20, 3000),
                agreed_amount=agreed,
                settled_amount=(agreed or 0) // 2 if signed else 0,
                contract_date=entered.date() if signed else None,
                contract_number="HT" if signed else "",
                origin_province_id=rng.choice(provinces),
                province_id=rng.choice(provinces) if stage == "landed" else None,
                stage=stage,
                stage_entered_at=entered,
            )
        )
        plans.append((reach, stage, created, entered))
    Deal.objects.bulk_create(batch, batch_size=1000)
    Deal.objects.filter(pk__in=[d.pk for d in batch]).update(
        created_at=start  # one value is enough: every deal is in the period
    )
    rows = []
    per_deal = max(1, moves // deals)
    for deal, (reach, stage, created, entered) in zip(batch, plans, strict=True):
        steps = PATH[: reach + 1]
        entries = [(a, b) for a, b in zip([""] + steps, steps, strict=False)]
        while len(entries) < per_deal:  # progress notes fill the rest
            entries.append((steps[-1], steps[-1]))
        entries = entries[:per_deal]
        if stage == "abandoned":
            entries[-1] = (steps[-1], "abandoned")
        for n, (a, b) in enumerate(entries):
            rows.append(
                DealMove(
                    deal_id=deal.pk,
                    from_stage=a,
                    to_stage=b,
                    created_at=created + (entered - created) * n / len(entries),
                )
            )
    DealMove.objects.bulk_create(rows, batch_size=5000)


def measure(client, url: str, rounds: int) -> tuple[list[float], int]:
    from django.db import connection

    assert client.get(url).status_code == 200  # warm up
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return times, len(queries)


def main() -> int:
    django_setup("postgresql")
    from django.db import connection
    from django.test import Client

    from accounts.enums import OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from achievements.demo import seed_demo
    from achievements.models import Achievement
    from tracker.models import Deal, DealMove, TargetPeriod

    rng = random.Random(2026)
    if Achievement.objects.count() < N_ACHIEVEMENTS:
        t0 = time.perf_counter()
        seed_demo(achievements=N_ACHIEVEMENTS, seed=2026)
        print(
            f"seeded achievements in {time.perf_counter() - t0:.0f} s", file=sys.stderr
        )
    torch, _ = Organization.objects.get_or_create(
        name="BENCH 火炬中心", defaults={"kind": OrganizationKind.TORCH_CENTRE}
    )
    organizer, _ = User.objects.get_or_create(username="bench-organizer")
    Membership.objects.get_or_create(
        user=organizer, organization=torch, role=Role.ORGANIZER
    )
    period = TargetPeriod.objects.filter(starts=dt.date(2022, 1, 1)).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(organizer)
    url = f"/deals/dashboard/?period={period.pk}"
    baseline_url = f"/bench/dashboard-baseline?period={period.pk}"

    clear()
    t0 = time.perf_counter()
    grow(deals=N_DEALS // 10, moves=N_MOVES // 10, roadshows=N_ROADSHOWS // 10, rng=rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _times, tenth_queries = measure(client, url, 3)
    grow(
        deals=N_DEALS - N_DEALS // 10,
        moves=N_MOVES - N_MOVES // 10,
        roadshows=N_ROADSHOWS - N_ROADSHOWS // 10,
        rng=rng,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"data: {Achievement.objects.count()} achievements, {Deal.objects.count()} deals,"
        f" {DealMove.objects.count()} moves (built in {time.perf_counter() - t0:.0f} s)",
        file=sys.stderr,
    )
    dash, queries = [], 0
    base = []
    # Interleaved rounds: both pages see the same machine noise.
    for _ in range(3):
        times, queries = measure(client, url, ROUNDS // 3)
        dash += times
        times, _q = measure(client, baseline_url, ROUNDS // 3)
        base += times
    result = {
        "bench": "dashboard",
        "p50_ms": round(median(dash), 1),
        "p95_ms": round(percentile(dash, 95), 1),
        "queries": queries,
        "queries_at_tenth_size": tenth_queries,
        "baseline_p50_ms": round(median(base), 1),
        "baseline_p95_ms": round(percentile(base, 95), 1),
        "ratio_p95": round(percentile(dash, 95) / percentile(base, 95), 2),
        "deals": Deal.objects.count(),
        "moves": DealMove.objects.count(),
        "achievements": Achievement.objects.count(),
    }
    print(
        f"dashboard: median {result['p50_ms']} ms, p95 {result['p95_ms']} ms,"
        f" {queries} queries ({tenth_queries} at a tenth of the data) | baseline"
        f" (same rows, no aggregation): median {result['baseline_p50_ms']} ms,"
        f" p95 {result['baseline_p95_ms']} ms | ratio (p95) {result['ratio_p95']}"
    )
    print(json.dumps(result))
    clear()
    return 0 if queries == tenth_queries else 1


if __name__ == "__main__":
    sys.exit(main())
