"""Workspace recommendations (#14, R7) on PostgreSQL.

2,000 investor and demand-side organizations (four in five approved, the rest
pending), each with one member and a mandate, over a library of 20,000
achievements with a mix of publications (public, restricted to approved
investors, never published or withheld): the median and p95 of
``recommendations_for`` (the panel's 20) for a sample of members, beside a
baseline in the same run — the same members' 20 newest visible achievements,
unscored.  Every recommended achievement is checked against the visibility
rule (``achievements_published_visible_to``) and against the publication
each member may see, written out here independently: ``recommend_hidden``
must be 0.
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
N_INVESTORS = 2_000
APPROVED_SHARE = 0.8
N_TEAMS = 400
SAMPLE = 300
WARM_UP = 30
LIMIT = 20
TAG = "BENCH-RECO"
MODES = ["assignment", "licence", "open_licence", "equity", "joint_development"]
# (status, publication, share): what review left the library in.
STATES = [
    ("cleared", "public", 0.55),
    ("restricted", "restricted", 0.2),
    ("withheld", "none", 0.1),
    ("draft", "none", 0.1),
    ("submitted", "none", 0.05),
]


def _state(rng: random.Random) -> tuple[str, str]:
    x = rng.random()
    for status, publication, share in STATES:
        if x < share:
            return status, publication
        x -= share
    return STATES[0][:2]


def seed(rng: random.Random) -> None:
    """Create what is missing, once (bulk writes: the data, not the services,
    is measured)."""
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.enums import InvestorStatus, OrganizationKind, Role
    from accounts.models import Membership, Organization, User
    from achievements.models import (
        Achievement,
        IndustryField,
        InvestorProfile,
        Province,
    )
    from matchmaking.models import DismissedRecommendation

    fields = list(IndustryField.objects.values_list("pk", flat=True))
    provinces = dict(Province.objects.values_list("pk", "code"))
    province_ids = list(provinces)
    now = timezone.now()

    teams = list(
        Organization.objects.filter(name__startswith=f"{TAG}-团队").values_list(
            "pk", flat=True
        )
    )
    if len(teams) < N_TEAMS:
        Organization.objects.bulk_create(
            [
                Organization(name=f"{TAG}-团队{i}", kind=OrganizationKind.UNIVERSITY)
                for i in range(len(teams), N_TEAMS)
            ]
        )
        teams = list(
            Organization.objects.filter(name__startswith=f"{TAG}-团队").values_list(
                "pk", flat=True
            )
        )

    have = Achievement.objects.filter(title__startswith=TAG).count()
    if have < N_ACHIEVEMENTS:
        started = time.perf_counter()
        rows, regions = [], []
        for i in range(have, N_ACHIEVEMENTS):
            status, publication = _state(rng)
            modes = rng.sample(MODES, rng.randint(1, 3))
            where = rng.sample(province_ids, rng.randint(1, 3))
            price = (
                Decimal(rng.choice([50, 100, 200, 300, 500, 800, 1000, 2000, 5000]))
                if rng.random() < 0.7
                else None
            )
            rows.append(
                Achievement(
                    title=f"{TAG}-成果{i}",
                    summary="推荐基准用成果。",
                    owner_id=rng.choice(teams),
                    field_id=rng.choice(fields),
                    trl=rng.randint(1, 9),
                    transfer_modes=modes,
                    modes_index="," + ",".join(modes) + ",",
                    provinces_index=","
                    + ",".join(sorted(provinces[p] for p in where))
                    + ",",
                    price_min=price,
                    price_max=price * 2
                    if price is not None and rng.random() < 0.5
                    else price,
                    status=status,
                    publication=publication,
                    published_at=(
                        now - dt.timedelta(days=rng.randint(0, 730))
                        if publication != "none"
                        else None
                    ),
                )
            )
            regions.append(where)
        made = Achievement.objects.bulk_create(rows, batch_size=2000)
        through = Achievement.target_provinces.through
        through.objects.bulk_create(
            [
                through(achievement_id=a.pk, province_id=p)
                for a, where in zip(made, regions, strict=True)
                for p in where
            ],
            batch_size=5000,
        )
        print(
            f"seeded {len(made)} achievements in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )

    have = Organization.objects.filter(name__startswith=f"{TAG}-投资方").count()
    if have < N_INVESTORS:
        started = time.perf_counter()
        password = make_password("bench-reco")
        orgs = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"{TAG}-投资方{i}",
                    kind=OrganizationKind.MARKET_FUND,
                    investor_status=(
                        InvestorStatus.APPROVED
                        if rng.random() < APPROVED_SHARE
                        else InvestorStatus.PENDING
                    ),
                )
                for i in range(have, N_INVESTORS)
            ]
        )
        users = User.objects.bulk_create(
            [
                User(
                    username=f"bench-reco-{org.pk}",
                    password=password,
                    name="基准投资人",
                    email=f"bench-reco-{org.pk}@example.com",
                )
                for org in orgs
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, organization=org, role=Role.INVESTOR)
                for user, org in zip(users, orgs, strict=True)
            ]
        )
        profiles = []
        for org in orgs:
            low = rng.randint(1, 7)
            ticket = rng.choice([None, (100, 1000), (500, 5000), (50, 500)])
            profiles.append(
                InvestorProfile(
                    organization=org,
                    trl_min=low,
                    trl_max=rng.randint(low, 9),
                    transfer_modes=rng.sample(MODES, rng.randint(0, 3)),
                    ticket_min=Decimal(ticket[0]) if ticket else None,
                    ticket_max=Decimal(ticket[1]) if ticket else None,
                )
            )
        profiles = InvestorProfile.objects.bulk_create(profiles)
        industries = InvestorProfile.industries.through
        industries.objects.bulk_create(
            [
                industries(investorprofile_id=p.pk, industryfield_id=f)
                for p in profiles
                for f in rng.sample(fields, rng.randint(1, 3))
            ]
        )
        regions = InvestorProfile.provinces.through
        regions.objects.bulk_create(
            [
                regions(investorprofile_id=p.pk, province_id=x)
                for p in profiles
                for x in rng.sample(province_ids, rng.randint(0, 4))
            ]
        )
        # A few "不感兴趣" marks each, among the published.
        published = list(
            Achievement.objects.filter(title__startswith=TAG)
            .exclude(publication="none")
            .values_list("pk", flat=True)
        )
        DismissedRecommendation.objects.bulk_create(
            [
                DismissedRecommendation(user=user, achievement_id=a)
                for user in users
                for a in rng.sample(published, 3)
            ]
        )
        print(
            f"seeded {len(orgs)} investors in {time.perf_counter() - started:.1f}s",
            file=sys.stderr,
        )


def recommend_figures() -> dict:
    """Seed if needed, measure, check; the figures the final JSON carries."""
    django_setup("postgresql")
    from django.db import connection

    from accounts.enums import InvestorStatus
    from accounts.models import User
    from achievements.models import Achievement
    from achievements.selectors import achievements_published_visible_to
    from matchmaking.recommend import recommendations_for

    rng = random.Random(2026)
    seed(rng)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    members = list(
        User.objects.filter(username__startswith="bench-reco-")
        .values_list("pk", "memberships__organization__investor_status")
        .order_by("pk")
    )
    sample = rng.sample(members, SAMPLE)

    def fresh(pk: int) -> User:
        # Each call as a new request would see it: no memberships cached on
        # the object (the shared cache may hold them, as in production).
        return User.objects.get(pk=pk)

    for pk, _status in sample[:WARM_UP]:
        recommendations_for(user=fresh(pk), limit=LIMIT)
        list(achievements_published_visible_to(user=fresh(pk))[:LIMIT])

    times, baseline, counts = [], [], []
    hidden = 0
    for pk, status in sample:
        user = fresh(pk)
        t0 = time.perf_counter()
        recommendations = recommendations_for(user=user, limit=LIMIT)
        times.append((time.perf_counter() - t0) * 1000)
        user = fresh(pk)
        t0 = time.perf_counter()
        list(
            achievements_published_visible_to(user=user)
            .select_related("field")
            .order_by("-published_at", "-id")[:LIMIT]
        )
        baseline.append((time.perf_counter() - t0) * 1000)

        ids = {r.achievement.pk for r in recommendations}
        counts.append(len(ids))
        by_rule = set(
            achievements_published_visible_to(user=fresh(pk))
            .filter(pk__in=ids)
            .values_list("pk", flat=True)
        )
        # Written out independently: approved members see public and
        # restricted published versions, pending ones public only; nobody
        # is recommended their own organization's (they own none here).
        allowed = (
            ["public", "restricted"]
            if status == InvestorStatus.APPROVED
            else ["public"]
        )
        by_hand = set(
            Achievement.objects.filter(pk__in=ids, publication__in=allowed).values_list(
                "pk", flat=True
            )
        )
        hidden += len(ids - by_rule) + len(ids - by_hand)

    return {
        "recommend_p95_ms": round(percentile(times, 95), 2),
        "recommend_median_ms": round(median(times), 2),
        "baseline_p95_ms": round(percentile(baseline, 95), 2),
        "baseline_median_ms": round(median(baseline), 2),
        "recommend_hidden": hidden,
        "library": Achievement.objects.count(),
        "investors": len(members),
        "sampled": len(sample),
        "mean_recommended": round(sum(counts) / len(counts), 1),
        "empty_lists": sum(1 for c in counts if c == 0),
    }


def main() -> int:
    figures = recommend_figures()
    print(
        f"recommendations_for ({LIMIT}) over {figures['library']} achievements,"
        f" {figures['investors']} investors, {figures['sampled']} sampled:"
        f" median {figures['recommend_median_ms']} ms,"
        f" p95 {figures['recommend_p95_ms']} ms | baseline (newest {LIMIT} visible,"
        f" unscored) median {figures['baseline_median_ms']} ms,"
        f" p95 {figures['baseline_p95_ms']} ms | ratio (p95)"
        f" {figures['recommend_p95_ms'] / figures['baseline_p95_ms']:.2f}"
        f" | mean recommended {figures['mean_recommended']},"
        f" empty {figures['empty_lists']} | hidden {figures['recommend_hidden']}"
    )
    print(
        json.dumps(
            {
                "bench": "matchmaking_recommend",
                "db": "postgresql",
                "recommend_p95_ms": figures["recommend_p95_ms"],
                "recommend_hidden": figures["recommend_hidden"],
                "baseline_p95_ms": figures["baseline_p95_ms"],
                "ratio": round(
                    figures["recommend_p95_ms"] / figures["baseline_p95_ms"], 2
                ),
            }
        )
    )
    return 0 if figures["recommend_hidden"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
