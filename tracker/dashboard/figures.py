"""The programme's progress against its targets (R9): every figure is one
aggregate query over the period, so the dashboard costs the same number of
queries whatever the size of the data."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from achievements.enums import MacroRegion
from achievements.models import IndustryField, Province
from achievements.selectors import credit_code_province
from events.enums import Level, RoadshowStatus
from events.models import RegionPair, Slot
from events.selectors import period_is_year, roadshows_held
from matchmaking.models import MatchSession
from matchmaking.selectors import figures_of_sessions

from ..enums import Stage
from ..models import Deal, DealMove, TargetPeriod

HELD = RoadshowStatus.held_states
# seeds/004 四: achievements of the east and the south (东部、南部) landing in
# the northeast and the west (东北、西部).  The south of the central region:
# its provinces south of the Qinling–Huaihe line (安徽、江西、湖北、湖南); the
# south-western provinces are western, destinations, not sources.
SOUTHERN_CENTRAL = ("34", "36", "42", "43")
NORTHWEST = {MacroRegion.NORTHEAST, MacroRegion.WEST}


def east_or_south_q(prefix: str) -> Q:
    """A province (at ``prefix``) of the east or the south (seeds/004 四)."""
    return Q(**{f"{prefix}__macro_region": MacroRegion.EAST}) | Q(
        **{f"{prefix}__code__in": SOUTHERN_CENTRAL}
    )


def northeast_or_west_q(prefix: str) -> Q:
    return Q(**{f"{prefix}__macro_region__in": NORTHWEST})


# The deals behind each cross-region figure (from the achievement's province
# to the landing province): the dashboard counts them, the deal list filters
# on them (?cross=…).
CROSS_Q = {
    "to_northwest": east_or_south_q("origin_province")
    & northeast_or_west_q("province"),
    "from_northwest": northeast_or_west_q("origin_province")
    & east_or_south_q("province"),
    "northwest_local": northeast_or_west_q("origin_province")
    & Q(origin_province__macro_region=F("province__macro_region")),
}
FUNNEL = Stage.path()


@dataclass
class Period:
    name: str
    starts: dt.date
    ends: dt.date
    target: TargetPeriod | None = None

    @property
    def yearly(self) -> bool:
        """One calendar year (a yearly target, 1+1 a month: 24 roadshows)
        rather than a programme period (2022–2025: 80)."""
        return period_is_year(self.starts, self.ends)


@dataclass
class Figures:
    period: Period
    roadshows: dict = field(default_factory=dict)
    roadshows_by_month: list = field(default_factory=list)
    promoted: dict = field(default_factory=dict)
    promoted_by_field: list = field(default_factory=list)
    funnel: list = field(default_factory=list)
    current_stages: dict = field(default_factory=dict)
    # Deals created in the period by path: path → (all, signed, landed).
    by_path: dict = field(default_factory=dict)
    landed: dict = field(default_factory=dict)
    landed_by_field: list = field(default_factory=list)
    landed_by_province: list = field(default_factory=list)
    landed_by_month: list = field(default_factory=list)
    amounts: dict = field(default_factory=dict)
    amounts_by_roadshow: list = field(default_factory=list)
    amounts_by_month: list = field(default_factory=list)
    by_field: list = field(default_factory=list)
    by_province: list = field(default_factory=list)
    cross: dict = field(default_factory=dict)
    matrix: list = field(default_factory=list)
    matchmaking: list = field(default_factory=list)
    # Per pairing 结对: (pair, deals registered in the period, signed, landed).
    pairs: list = field(default_factory=list)


def with_sides(deals):
    """Deals with the provinces of their two sides: the achievement's
    (the deal's 成果所在省份, else its institution's by the credit code) and
    the counterparty's (its credit code's, else the deal's landing province)."""
    return deals.annotate(
        origin_code=Coalesce(
            F("origin_province__code"),
            credit_code_province("achievement__owner__credit_code"),
        ),
        counter_code=Coalesce(
            NullIf(credit_code_province("counterparty__credit_code"), Value("")),
            F("province__code"),
        ),
    )


def pair_q(pair: RegionPair) -> Q:
    """A deal (annotated by ``with_sides``) between the pair's provinces,
    either way (a zone's side counts its province: institutions are known by
    province, not by zone)."""
    a, b = pair.province_a.code, pair.province_b.code
    return Q(origin_code=a, counter_code=b) | Q(origin_code=b, counter_code=a)


def periods() -> list[TargetPeriod]:
    return list(TargetPeriod.objects.all())


def current_target(
    targets: list[TargetPeriod] | None = None, *, today: dt.date | None = None
) -> TargetPeriod | None:
    """The period the programme is in: the one that includes today, else the
    first in order (the dashboard opens on it; the home page's target is its)."""
    targets = periods() if targets is None else targets
    today = today or timezone.localdate()
    return next(
        (t for t in targets if t.starts <= today <= t.ends),
        targets[0] if targets else None,
    )


def period_for(target: TargetPeriod | None, *, today: dt.date | None = None) -> Period:
    if target is not None:
        return Period(target.name, target.starts, target.ends, target)
    today = today or timezone.localdate()
    return Period(
        str(today.year), dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    )


def _in(prefix: str, period: Period) -> Q:
    return Q(**{f"{prefix}__gte": period.starts, f"{prefix}__lte": period.ends})


def _months(period: Period) -> list[dt.date]:
    months, day = [], period.starts.replace(day=1)
    while day <= period.ends:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def compute(period: Period) -> Figures:
    figures = Figures(period=period)
    local = timezone.get_current_timezone()

    # Roadshows held (1 query): by month, kind and level.
    held = roadshows_held(starts=period.starts, ends=period.ends).annotate(
        month=TruncMonth("start", tzinfo=local)
    )
    per_month: dict[dt.date, dict[str, int]] = {}
    totals = {"national": 0, "local": 0, "field": 0, "region": 0}
    for row in held.values("month", "kind", "level").annotate(n=Count("id")):
        month = _as_date(row["month"])
        bucket = per_month.setdefault(month, {"field": 0, "region": 0, "local": 0})
        if row["level"] == Level.LOCAL:
            bucket["local"] += row["n"]
            totals["local"] += row["n"]
        else:
            bucket[row["kind"]] += row["n"]
            totals["national"] += row["n"]
            totals[row["kind"]] += row["n"]
    figures.roadshows = totals
    figures.roadshows_by_month = [
        (m, per_month.get(m, {"field": 0, "region": 0, "local": 0}))
        for m in _months(period)
    ]

    # Achievements promoted: pitched in a roadshow held in the period (2 queries).
    pitched = Slot.objects.filter(
        kind="pitch",
        achievement__isnull=False,
        roadshow__in=roadshows_held(starts=period.starts, ends=period.ends),
    )
    figures.promoted = pitched.aggregate(
        national=Count(
            "achievement",
            distinct=True,
            filter=Q(roadshow__level=Level.NATIONAL),
        ),
        total=Count("achievement", distinct=True),
    )
    fields = {x.pk: x for x in IndustryField.objects.all()}
    figures.promoted_by_field = sorted(
        (
            (fields.get(row["achievement__field"]), row["n"])
            for row in pitched.values("achievement__field").annotate(
                n=Count("achievement", distinct=True)
            )
        ),
        key=lambda item: -item[1],
    )

    # The funnel: deals that reached each stage (1 query), and where they
    # are now (1 query); deals created in the period.
    deals = Deal.objects.filter(_in("created_at__date", period))
    reached = dict(
        DealMove.objects.filter(deal__in=deals)
        .values("to_stage")
        .annotate(n=Count("deal", distinct=True))
        .values_list("to_stage", "n")
    )
    figures.funnel = [(Stage(s), reached.get(s, 0)) for s in FUNNEL]
    figures.current_stages = dict(
        deals.values("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    # By path (1 query): registered, signed (a contract), landed.
    figures.by_path = {
        row["path"]: (row["n"], row["signed"], row["landed"])
        for row in deals.values("path").annotate(
            n=Count("id"),
            signed=Count("id", filter=Q(contract_date__isnull=False)),
            landed=Count("id", filter=Q(stage=Stage.LANDED)),
        )
    }

    # Landed in the period (4 queries): totals, by field, province, month.
    landed = Deal.objects.filter(
        _in("stage_entered_at__date", period), stage=Stage.LANDED
    )
    figures.landed = landed.aggregate(
        achievements=Count("achievement", distinct=True), deals=Count("id")
    )
    figures.landed_by_field = sorted(
        (
            (fields.get(row["achievement__field"]), row["n"])
            for row in landed.values("achievement__field").annotate(
                n=Count("achievement", distinct=True)
            )
        ),
        key=lambda item: -item[1],
    )
    provinces = {p.pk: p for p in Province.objects.all()}
    figures.landed_by_province = sorted(
        (
            (provinces.get(row["province"]), row["n"])
            for row in landed.values("province").annotate(
                n=Count("achievement", distinct=True)
            )
        ),
        key=lambda item: -item[1],
    )
    by_month = {
        _as_date(row["month"]): row["n"]
        for row in landed.annotate(month=TruncMonth("stage_entered_at", tzinfo=local))
        .values("month")
        .annotate(n=Count("achievement", distinct=True))
    }
    figures.landed_by_month = [(m, by_month.get(m, 0)) for m in _months(period)]

    # Amounts signed in the period and settled on them (2 queries).
    signed = Deal.objects.filter(_in("contract_date", period)).exclude(
        stage=Stage.ABANDONED
    )
    figures.amounts = signed.aggregate(
        deals=Count("id"), agreed=Sum("agreed_amount"), settled=Sum("settled_amount")
    )
    figures.amounts = {
        k: v or (0 if k == "deals" else Decimal(0)) for k, v in figures.amounts.items()
    }
    figures.amounts_by_roadshow = list(
        signed.filter(roadshow__isnull=False)
        .values("roadshow", "roadshow__title")
        .annotate(n=Count("id"), agreed=Sum("agreed_amount"))
        .order_by("-agreed", "roadshow")[:10]
    )

    # Amounts by month, field and province (3 queries).
    money = {
        "n": Count("id"),
        "agreed": Sum("agreed_amount"),
        "settled": Sum("settled_amount"),
    }
    per_month = {
        _as_date(row["month"]): row
        for row in signed.annotate(month=TruncMonth("contract_date"))
        .values("month")
        .annotate(**money)
    }
    figures.amounts_by_month = [
        (m, per_month.get(m, {"n": 0, "agreed": None, "settled": None}))
        for m in _months(period)
    ]
    amounts_field = {
        row["achievement__field"]: row
        for row in signed.values("achievement__field").annotate(**money)
    }
    amounts_province = {
        row["province"]: row for row in signed.values("province").annotate(**money)
    }
    promoted_field = {x.pk if x else None: n for x, n in figures.promoted_by_field}
    landed_field = {x.pk if x else None: n for x, n in figures.landed_by_field}
    figures.by_field = [
        {
            "field": x,
            "promoted": promoted_field.get(x.pk, 0),
            "landed": landed_field.get(x.pk, 0),
            "signed": amounts_field.get(x.pk, {}).get("n", 0),
            "agreed": amounts_field.get(x.pk, {}).get("agreed") or Decimal(0),
            "settled": amounts_field.get(x.pk, {}).get("settled") or Decimal(0),
        }
        for x in sorted(fields.values(), key=lambda x: x.sort_order)
    ]
    landed_province = {p.pk if p else None: n for p, n in figures.landed_by_province}
    figures.by_province = sorted(
        (
            {
                "province": provinces.get(pk),
                "landed": landed_province.get(pk, 0),
                "signed": amounts_province.get(pk, {}).get("n", 0),
                "agreed": amounts_province.get(pk, {}).get("agreed") or Decimal(0),
            }
            for pk in set(landed_province) | set(amounts_province)
        ),
        key=lambda row: (-row["landed"], -row["agreed"]),
    )

    # Cross-region transfers among landed deals (1 query).
    matrix: dict[tuple[str, str], int] = {}
    for row in landed.values(
        "origin_province__macro_region", "province__macro_region"
    ).annotate(n=Count("achievement", distinct=True)):
        origin = row["origin_province__macro_region"] or ""
        dest = row["province__macro_region"] or ""
        matrix[(origin, dest)] = row["n"]
    regions = list(MacroRegion)
    figures.matrix = [
        (
            origin,
            [(dest, matrix.get((origin.value, dest.value), 0)) for dest in regions],
        )
        for origin in regions
    ]
    # seeds/004 四 (1 query): east and south to the northeast and west, and
    # back; the northeast's and west's own achievements landing at home.
    figures.cross = landed.aggregate(
        **{
            key: Count("achievement", distinct=True, filter=q)
            for key, q in CROSS_Q.items()
        },
        unknown=Count(
            "achievement",
            distinct=True,
            filter=Q(origin_province__isnull=True) | Q(province__isnull=True),
        ),
    )
    figures.matchmaking = _matchmaking(period)
    figures.pairs = _pairs(deals)
    return figures


def _pairs(deals) -> list[tuple]:
    """The deals within each pairing (1 query for the pairs, 1 for every
    pair's counts)."""
    pairs = list(
        RegionPair.objects.select_related(
            "province_a", "province_b", "zone_a", "zone_b"
        )
    )
    if not pairs:
        return []
    counts = with_sides(deals).aggregate(
        **{
            f"{kind}_{pair.pk}": Count("id", filter=pair_q(pair) & extra)
            for pair in pairs
            for kind, extra in (
                ("all", Q()),
                ("signed", Q(contract_date__isnull=False)),
                ("landed", Q(stage=Stage.LANDED)),
            )
        }
    )
    return [
        (
            pair,
            counts[f"all_{pair.pk}"],
            counts[f"signed_{pair.pk}"],
            counts[f"landed_{pair.pk}"],
        )
        for pair in pairs
    ]


def _matchmaking(period: Period) -> list[dict]:
    """Per matchmaking session in the period, the figures its own page shows
    (matchmaking.selectors.figures_of_sessions: five grouped queries)."""
    sessions = list(
        MatchSession.objects.filter(_in("starts_at__date", period))
        .select_related("roadshow")
        .order_by("starts_at")
    )
    figures = figures_of_sessions(session_ids=[s.pk for s in sessions])
    return [{"session": s, **figures[s.pk]} for s in sessions]


def _as_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


# What each target row counts, said plainly (the target periods' own field
# names are the admin's, for the target itself).
ROW_LABELS = {
    "roadshows": _("已举办的国家级路演（场）"),
    "promoted_national": _("国家级路演推广的成果（项）"),
    "promoted_total": _("路演推广的成果，含地方路演（项）"),
    "landed": _("落地转化的成果（项）"),
    "cross_region": _("东部、南部成果落地东北、西部（项）"),
    "local_northwest": _("东北、西部成果本地区转化（项）"),
}


def targets_rows(figures: Figures) -> list[dict]:
    """Each target beside its figure: what the dashboard, its export, the
    public summary and the API show, computed once."""
    target = figures.period.target
    rows = [
        ("roadshows", figures.roadshows["national"]),
        ("promoted_national", figures.promoted["national"]),
        ("promoted_total", figures.promoted["total"]),
        ("landed", figures.landed["achievements"]),
        ("cross_region", figures.cross["to_northwest"]),
        ("local_northwest", figures.cross["northwest_local"]),
    ]
    out = []
    for key, value in rows:
        goal = getattr(target, key, None) if target is not None else None
        out.append(
            {
                "key": key,
                "label": ROW_LABELS[key],
                "value": value,
                "target": goal,
                "percent": min(100, round(100 * value / goal)) if goal else None,
            }
        )
    return out
