"""Recommendations both ways (R7): achievements that fit an investor's mandate,
and the investors, roadshows and demands that fit a team's achievement.

The demands a team's achievement answers are scored by the library
(``achievements.matching``: one scoring of demands and achievements, 0–100,
used by the demand's page too).  For mandates, one scoring function, read in
the database: hard filters first (the one
visibility rule, not the viewer's own, not dismissed, TRL inside the range,
the field among those declared or followed in live rooms), then a weighted sum
of what fits, ordered by score then recency.  Only the rows shown are turned
into reasons, in words, in Python.

Weights (points; a recommendation needs ``MIN_SCORE``):

- field declared in the profile: 30
- field followed in live rooms (asked or upvoted there): 15
- a target region among the profile's regions: 20
- TRL inside the profile's range: 10 (a hard filter too, so always there)
- a transfer mode the profile accepts: 15
- asking price within the ticket range: 15

The order is the score, less 10 for a field of an achievement the user
marked "不感兴趣" (that changes the rank, not what fits), then recency.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import InvestorStatus, Role
from accounts.models import Membership, Organization
from achievements.enums import Publication, TransferMode
from achievements.matching import DemandMatch, demands_matching
from achievements.models import Achievement, InvestorProfile, Province
from achievements.selectors import achievements_published_visible_to
from events.enums import RoadshowStatus
from events.models import Registration, Roadshow
from events.selectors import roadshows_public
from livestream.models import Question

from .models import DismissedRecommendation

W_FIELD = 30
W_LIVE_FIELD = 15
W_REGION = 20
W_TRL = 10
W_MODE = 15
W_PRICE = 15
# Ranking only: a field of an achievement marked "不感兴趣".
W_DISMISSED_FIELD = -10
# Field and TRL alone make a fit; without a declared field, two more must.
MIN_SCORE = 40

REASON_SEPARATOR = " · "


class _Reasons:
    """What fits, in words, joined for display."""

    reasons: list[str]

    @property
    def reason_text(self) -> str:
        return REASON_SEPARATOR.join(self.reasons)


@dataclass
class Recommendation(_Reasons):
    achievement: Achievement
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class InvestorFit(_Reasons):
    organization: Organization
    score: int
    reasons: list[str] = field(default_factory=list)
    roadshows: list[Roadshow] = field(default_factory=list)


@dataclass
class TeamRecommendations:
    investors: list[InvestorFit]
    demands: list[DemandMatch]


# ---------------------------------------------------------------------------
# The investor's side


def profile_of(*, user: Any) -> InvestorProfile | None:
    """The mandate a user acts on: the profile of their investor or
    demand-side organization (the first, when they act for several).  Whether
    restricted achievements show depends on the visibility rule alone."""
    orgs = permissions.organization_ids(user, role=Role.INVESTOR)
    if not orgs:
        return None
    return (
        InvestorProfile.objects.filter(organization_id__in=orgs)
        .order_by("organization_id")
        .first()
    )


@dataclass
class Mandate:
    """A profile with its lists read out, and the live-room signal."""

    profile: InvestorProfile
    fields: set[int]
    live_fields: set[int]
    regions: dict[int, str]  # province id → code
    dismissed_fields: set[int] = field(default_factory=set)

    @property
    def trl_min(self) -> int:
        return self.profile.trl_min

    @property
    def trl_max(self) -> int:
        return self.profile.trl_max


def mandate_of(*, user: Any) -> Mandate | None:
    """The user's mandate in two queries: the profile, then its fields, its
    regions and the fields of achievements the user asked about or upvoted
    in live rooms (the question's achievement, or its pitch's) and of those
    the user marked "不感兴趣", as one union."""
    profile = profile_of(user=user)
    if profile is None:
        return None
    blank = Value("", output_field=CharField())
    fields = InvestorProfile.industries.through.objects.filter(
        investorprofile_id=profile.pk
    ).values_list(Value("field", output_field=CharField()), "industryfield_id", blank)
    fields = fields.order_by()
    regions = InvestorProfile.provinces.through.objects.filter(
        investorprofile_id=profile.pk
    ).values_list(
        Value("region", output_field=CharField()), "province_id", "province__code"
    )
    live = (
        Question.objects.filter(Q(author=user) | Q(vote_set__user=user))
        .annotate(
            live_field=Coalesce("achievement__field_id", "slot__achievement__field_id")
        )
        .filter(live_field__isnull=False)
        .values_list(Value("live", output_field=CharField()), "live_field", blank)
        .order_by()
    )
    dismissed = (
        DismissedRecommendation.objects.filter(user=user)
        .values_list(
            Value("dismissed", output_field=CharField()), "achievement__field_id", blank
        )
        .order_by()
    )
    mandate = Mandate(profile=profile, fields=set(), live_fields=set(), regions={})
    for kind, pk, code in fields.union(regions, live, dismissed, all=True):
        if kind == "field":
            mandate.fields.add(pk)
        elif kind == "region":
            mandate.regions[pk] = code
        elif kind == "live":
            mandate.live_fields.add(pk)
        else:
            mandate.dismissed_fields.add(pk)
    return mandate


def _price_fits(profile: InvestorProfile) -> Q | None:
    """The asking price range meets the ticket range (None: no ticket named)."""
    if profile.ticket_min is None and profile.ticket_max is None:
        return None
    fits = Q(price_min__isnull=False)
    if profile.ticket_max is not None:
        fits &= Q(price_min__lte=profile.ticket_max)
    if profile.ticket_min is not None:
        fits &= Q(price_top__gte=profile.ticket_min)
    return fits


def _any_of(column: str, codes) -> Q | None:
    """One of these codes in a denormalised ",a,b," column."""
    found = None
    for code in sorted(codes):
        q = Q(**{f"{column}__contains": f",{code},"})
        found = q if found is None else found | q
    return found


def _points(condition: Q | None, weight: int) -> Case | Value:
    if condition is None:
        return Value(0)
    return Case(When(condition, then=Value(weight)), default=Value(0))


def scored_achievements(*, user: Any, mandate: Mandate) -> QuerySet[Achievement]:
    """The candidate set for this user and mandate, each row annotated with
    its points (``score`` and one column per criterion), not yet ordered.
    The hard filters (publication, field, TRL) use the index on them."""
    profile = mandate.profile
    modes = [m for m in profile.transfer_modes or [] if m in TransferMode.values]
    candidates = (
        achievements_published_visible_to(user=user)
        .exclude(owner_id__in=permissions.organization_ids(user))
        .exclude(
            pk__in=DismissedRecommendation.objects.filter(user=user).values(
                "achievement_id"
            )
        )
        .filter(trl__gte=profile.trl_min, trl__lte=profile.trl_max)
    )
    if mandate.fields:
        # A declared field list is a hard filter (widened by the live rooms).
        candidates = candidates.filter(
            field_id__in=sorted(mandate.fields | mandate.live_fields)
        )
    declared = Q(field_id__in=sorted(mandate.fields)) if mandate.fields else None
    followed = (
        Q(field_id__in=sorted(mandate.live_fields)) if mandate.live_fields else None
    )
    return (
        candidates.annotate(price_top=Coalesce("price_max", "price_min"))
        .annotate(
            p_field=_points(declared, W_FIELD),
            p_live=_points(followed, W_LIVE_FIELD),
            p_region=_points(
                _any_of("provinces_index", mandate.regions.values()), W_REGION
            ),
            p_trl=Value(W_TRL),
            p_mode=_points(_any_of("modes_index", modes), W_MODE),
            p_price=_points(_price_fits(profile), W_PRICE),
        )
        .annotate(
            score=F("p_field")
            + F("p_live")
            + F("p_region")
            + F("p_trl")
            + F("p_mode")
            + F("p_price")
        )
        .filter(score__gte=MIN_SCORE)
        # The order: fields the user said no to sink among what fits (they
        # change the rank, not what fits).
        .annotate(
            rank=F("score")
            + _points(
                Q(field_id__in=sorted(mandate.dismissed_fields))
                if mandate.dismissed_fields
                else None,
                W_DISMISSED_FIELD,
            )
        )
    )


def recommendations_for(*, user: Any, limit: int = 20) -> list[Recommendation]:
    """The achievements that fit the user's mandate best, with the reasons."""
    mandate = mandate_of(user=user)
    if mandate is None:
        return []
    rows = list(
        scored_achievements(user=user, mandate=mandate)
        .select_related("field")
        .order_by("-rank", F("published_at").desc(nulls_last=True), "-id")[:limit]
    )
    if not rows:
        return []
    return _with_reasons(rows, mandate)


def _with_reasons(rows: list[Achievement], mandate: Mandate) -> list[Recommendation]:
    profile = mandate.profile
    codes = set(mandate.regions.values())
    names = {}
    if any(a.p_region for a in rows):
        names = {p.code: p.local_name for p in Province.objects.filter(code__in=codes)}
    # Each wording looked up once per call, not once per row.
    said = {
        "field": _("领域：%(field)s"),
        "live": _("您在直播间关注过该领域"),
        "region": _("拟转化地区含%(regions)s"),
        "trl": _("TRL %(trl)d 在 %(low)d–%(high)d 内"),
        "price": _("意向价格 %(price)s 万元在投资规模内"),
        "and": _("、"),
    }
    labels = {value: str(label) for value, label in TransferMode.choices}
    accepted = set(profile.transfer_modes or [])
    result = []
    for a in rows:
        reasons = []
        if a.p_field or a.p_live:
            reasons.append(said["field"] % {"field": a.field.local_name})
        if a.p_live:
            reasons.append(said["live"])
        if a.p_region:
            matched = sorted(c for c in a.provinces_index.split(",") if c in codes)
            reasons.append(
                said["region"]
                % {"regions": said["and"].join(names[c] for c in matched)}
            )
        reasons.append(
            said["trl"]
            % {"trl": a.trl, "low": profile.trl_min, "high": profile.trl_max}
        )
        if a.p_mode:
            reasons.append(
                said["and"].join(labels[m] for m in a.transfer_modes if m in accepted)
            )
        if a.p_price:
            reasons.append(
                said["price"] % {"price": _price_text(a.price_min, a.price_max)}
            )
        result.append(Recommendation(achievement=a, score=a.score, reasons=reasons))
    return result


def _price_text(low: Decimal | None, high: Decimal | None) -> str:
    def fmt(value: Decimal) -> str:
        return f"{value.normalize():f}"

    if low is not None and high is not None and high != low:
        return f"{fmt(low)}–{fmt(high)}"
    return fmt(low if low is not None else high)


def fits_for(*, user: Any, achievement_ids) -> set[int]:
    """Of these achievements, those recommended to this user (the "fits you"
    mark): the same filters and threshold — the mandate's two queries, then
    one."""
    ids = [i for i in achievement_ids if i is not None]
    if not ids or not user.is_authenticated:
        return set()
    mandate = mandate_of(user=user)
    if mandate is None:
        return set()
    return set(
        scored_achievements(user=user, mandate=mandate)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


# ---------------------------------------------------------------------------
# The team's side


def investors_for(*, achievement: Achievement, limit: int = 10) -> list[InvestorFit]:
    """Approved investor and demand-side organizations whose mandate fits this
    achievement, best first, with the reasons and the upcoming roadshows where
    someone of theirs is registered.  Only for a published achievement: those
    organizations see it through the visibility rule (approved investors see
    public and restricted versions)."""
    if achievement.publication == Publication.NONE:
        return []
    provinces = list(achievement.target_provinces.all())
    province_ids = [p.pk for p in provinces]
    industries = InvestorProfile.industries.through.objects.filter(
        investorprofile_id=OuterRef("pk")
    )
    declared = Exists(industries.filter(industryfield_id=achievement.field_id))
    regions = Exists(
        InvestorProfile.provinces.through.objects.filter(
            investorprofile_id=OuterRef("pk"), province_id__in=province_ids
        )
    )
    modes = Q()
    for mode in achievement.transfer_modes or []:
        # The JSON text holds each mode quoted: '"licence"' is not "open_licence".
        modes |= Q(transfer_modes__icontains=f'"{mode}"')
    price = _ticket_fits(achievement)
    own = achievement.owner_id
    profiles = (
        InvestorProfile.objects.filter(
            organization__investor_status=InvestorStatus.APPROVED,
            trl_min__lte=achievement.trl,
            trl_max__gte=achievement.trl,
        )
        .exclude(organization_id=own)
        .filter(Q(declared) | ~Exists(industries))
        .annotate(
            p_field=_points(Q(declared), W_FIELD),
            p_region=_points(Q(regions), W_REGION) if province_ids else Value(0),
            p_mode=_points(modes, W_MODE) if modes else Value(0),
            p_price=_points(price, W_PRICE),
        )
        .annotate(
            score=F("p_field")
            + F("p_region")
            + Value(W_TRL)
            + F("p_mode")
            # Price points only where the achievement names a price.
            + F("p_price")
        )
        .filter(score__gte=MIN_SCORE)
        .select_related("organization")
        .order_by("-score", "organization__name", "pk")[:limit]
    )
    profiles = list(profiles)
    if not profiles:
        return []
    wanted_regions = {}
    for profile_id, province_id in InvestorProfile.provinces.through.objects.filter(
        investorprofile_id__in=[p.pk for p in profiles], province_id__in=province_ids
    ).values_list("investorprofile_id", "province_id"):
        wanted_regions.setdefault(profile_id, set()).add(province_id)
    roadshows = upcoming_roadshows_of(
        organization_ids=[p.organization_id for p in profiles]
    )
    labels = dict(TransferMode.choices)
    result = []
    for p in profiles:
        reasons = []
        if p.p_field:
            reasons.append(
                _("领域：%(field)s") % {"field": achievement.field.local_name}
            )
        if p.p_region:
            names = [
                x.local_name for x in provinces if x.pk in wanted_regions.get(p.pk, ())
            ]
            reasons.append(
                _("关注地区含%(regions)s") % {"regions": _("、").join(names)}
            )
        reasons.append(
            _("TRL %(trl)d 在 %(low)d–%(high)d 内")
            % {"trl": achievement.trl, "low": p.trl_min, "high": p.trl_max}
        )
        if p.p_mode:
            accepted = set(p.transfer_modes or [])
            reasons.append(
                _("、").join(
                    str(labels[m]) for m in achievement.transfer_modes if m in accepted
                )
            )
        if p.p_price:
            reasons.append(_("意向价格在其投资规模内"))
        result.append(
            InvestorFit(
                organization=p.organization,
                score=p.score,
                reasons=reasons,
                roadshows=roadshows.get(p.organization_id, []),
            )
        )
    return result


def _ticket_fits(achievement: Achievement) -> Q | None:
    low = achievement.price_min
    high = achievement.price_max if achievement.price_max is not None else low
    if low is None:
        return None
    fits = Q(ticket_min__isnull=False) | Q(ticket_max__isnull=False)
    fits &= Q(ticket_max__isnull=True) | Q(ticket_max__gte=low)
    fits &= Q(ticket_min__isnull=True) | Q(ticket_min__lte=high)
    return fits


def upcoming_roadshows_of(
    *, organization_ids: list[int], now: dt.datetime | None = None
) -> dict[int, list[Roadshow]]:
    """Organization → the public roadshows still to come (or under way) where
    one of its members holds an active registration."""
    now = now or timezone.now()
    members = Membership.objects.filter(organization_id__in=organization_ids)
    registered = (
        Registration.objects.active()
        .filter(
            user_id__in=members.values("user_id"),
            roadshow__in=roadshows_public()
            .exclude(status__in=RoadshowStatus.ended_states)
            .filter(end__gte=now),
        )
        .select_related("roadshow")
        .order_by("roadshow__start", "roadshow_id")
    )
    users: dict[int, set[int]] = {}
    for user_id, org_id in members.values_list("user_id", "organization_id"):
        users.setdefault(user_id, set()).add(org_id)
    result: dict[int, list[Roadshow]] = {}
    for registration in registered:
        for org_id in users.get(registration.user_id, ()):
            shows = result.setdefault(org_id, [])
            if registration.roadshow not in shows:
                shows.append(registration.roadshow)
    return result


def demands_for(*, achievement: Achievement, limit: int = 10) -> list[DemandMatch]:
    """Open published demands the achievement answers, best first: the
    library's demand scoring (0–100, with reasons), read from the
    achievement's side.  Only for a published achievement."""
    if achievement.publication == Publication.NONE:
        return []
    return demands_matching(achievements=[achievement], limit=limit)[achievement.pk]


def team_recommendations(
    *, user: Any, achievements_limit: int = 10, limit: int = 5
) -> list[tuple[Achievement, TeamRecommendations]]:
    """For each published achievement of the user's teams: the fitting
    investors (with their roadshows) and demands."""
    orgs = permissions.organization_ids(user, role=Role.TEAM)
    if not orgs:
        return []
    own = (
        Achievement.objects.filter(owner_id__in=orgs)
        .exclude(publication=Publication.NONE)
        .select_related("field")
        .prefetch_related("target_provinces")
        .order_by("-published_at", "-id")[:achievements_limit]
    )
    own = list(own)
    # The demands are read and prepared once for all the achievements.
    demands = demands_matching(achievements=own, limit=limit)
    return [
        (
            a,
            TeamRecommendations(
                investors=investors_for(achievement=a, limit=limit),
                demands=demands.get(a.pk, []),
            ),
        )
        for a in own
    ]
