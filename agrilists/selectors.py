"""Reads of the 进园入县 lists."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Q, QuerySet, When

from accounts import permissions
from achievements.enums import DemandStatus
from achievements.matching import (
    MAX_FIELD_CANDIDATES,
    MAX_TEXT_CANDIDATES,
    demand_matches,
)
from achievements.models import Demand, Place
from achievements.selectors import achievements_public

from .enums import ListScope, ListStatus
from .models import AgriList, AgriListEntry
from .snapshot import shown, snapshot_of

# The classified ones: a list is made on the agricultural vocabularies.
CLASSIFIED_Q = (
    Q(agri_tech_field__isnull=False)
    | Q(agri_industry__isnull=False)
    | Q(agri_scenario__isnull=False)
)


def lists_published() -> QuerySet[AgriList]:
    """Newest first; of one date, the national list before the local ones."""
    national_first = Case(When(scope=ListScope.NATIONAL, then=0), default=1)
    return (
        AgriList.objects.filter(status=ListStatus.PUBLISHED)
        .select_related("province")
        .order_by("-issued_on", national_first, "province__code", "-id")
    )


def list_candidates(*, agri_list: AgriList, filters: dict[str, str]) -> QuerySet:
    """The achievements an organizer may put on a list: cleared for everyone
    (public) and classified on the agricultural vocabularies, not yet on it.
    ``filters`` are term codes by column (``agri_tech_field`` …) and ``q``."""
    qs = achievements_public().filter(CLASSIFIED_Q)
    for column in ("agri_tech_field", "agri_industry", "agri_scenario"):
        if filters.get(column):
            qs = qs.filter(**{f"{column}__code": filters[column]})
    if filters.get("q"):
        qs = qs.filter(title__icontains=filters["q"])
    on_list = agri_list.entries.values("achievement_id")
    return (
        qs.exclude(pk__in=on_list)
        .select_related(
            "owner", "field", "agri_tech_field", "agri_industry", "agri_scenario"
        )
        .order_by("agri_tech_field__sort_order", "-published_at", "-id")
    )


def list_rows(*, agri_list: AgriList) -> list[dict[str, Any]]:
    """What the list shows, in order: the frozen snapshots once published; for
    a draft (the organizers' preview) the achievements as they are now."""
    entries = list(
        agri_list.entries.select_related(
            "achievement__owner",
            "achievement__field",
            "achievement__agri_tech_field",
            "achievement__agri_industry",
            "achievement__agri_scenario",
        ).prefetch_related("achievement__target_provinces")
    )
    rows = []
    for number, entry in enumerate(entries, start=1):
        if agri_list.is_frozen:
            data = entry.snapshot
        elif entry.achievement is not None:
            data = snapshot_of(entry.achievement)
        else:
            continue
        rows.append({"number": number, "entry": entry, **shown(data)})
    return rows


def linkable_ids(*, rows: list[dict[str, Any]]) -> set[int]:
    """Of a list's rows, the achievements whose live page is still public."""
    ids = [row["id"] for row in rows]
    return set(achievements_public().filter(pk__in=ids).values_list("pk", flat=True))


def places_of(*, user: Any) -> QuerySet[Place]:
    if not getattr(user, "is_authenticated", False):
        return Place.objects.none()
    if permissions.is_organizer(user):
        return Place.objects.select_related("province", "organization")
    return Place.objects.filter(
        organization_id__in=permissions.organization_ids(user)
    ).select_related("province", "organization")


def lists_for_place(*, place: Place) -> QuerySet[AgriList]:
    """A place's lists: every national list and its province's local ones."""
    return lists_published().filter(
        Q(scope=ListScope.NATIONAL) | Q(scope=ListScope.LOCAL, province=place.province)
    )


@dataclass
class Fit:
    row: dict[str, Any]
    demands: list[tuple[Demand, list[str]]] = field(default_factory=list)


@dataclass
class PlaceFits:
    place: Place
    demands: list[Demand]
    lists: list[tuple[AgriList, list[Fit]]]


def place_fits(*, place: Place, user: Any) -> PlaceFits:
    """The achievements of a place's lists that fit its demands, by list,
    with the demands each fits and why (the library's demand matching)."""
    demands = list(
        Demand.objects.filter(place=place)
        .exclude(status=DemandStatus.CLOSED)
        .select_related("field", "province")
    )
    fitting: dict[int, list[tuple[Demand, list[str]]]] = {}
    for demand in demands:
        # Every achievement that fits, not only the best few: the lists'
        # entries are then picked from them.
        limit = MAX_TEXT_CANDIDATES + MAX_FIELD_CANDIDATES
        for match in demand_matches(demand=demand, user=user, limit=limit):
            fitting.setdefault(match.achievement.pk, []).append((demand, match.reasons))
    lists = []
    for agri_list in lists_for_place(place=place):
        fits = [
            Fit(row=row, demands=fitting[row["id"]])
            for row in list_rows(agri_list=agri_list)
            if row["id"] in fitting
        ]
        lists.append((agri_list, fits))
    return PlaceFits(place=place, demands=demands, lists=lists)


def entries_of(*, agri_list: AgriList) -> QuerySet[AgriListEntry]:
    return agri_list.entries.select_related("achievement")
