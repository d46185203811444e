"""Reads of the library.  The visibility rule (R2) lives here, once."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from accounts import permissions
from accounts.enums import Role

from .enums import DemandStatus, Publication, TransferMode
from .models import Achievement, Demand, IndustryField, Province
from .search import filter_by_text


def achievement_visibility_q(*, user: Any) -> Q:
    """THE visibility rule: which achievements this user may see at all.

    Organizers and reviewers see everything; the owner's team sees its own;
    approved investors see public and restricted published versions; everyone
    else sees public ones only.
    """
    if permissions.is_organizer(user) or permissions.is_reviewer(user):
        return Q()
    rule = Q(publication=Publication.PUBLIC)
    if permissions.is_approved_investor(user):
        rule |= Q(publication=Publication.RESTRICTED)
    team_orgs = permissions.organization_ids(user, role=Role.TEAM)
    if team_orgs:
        rule |= Q(owner_id__in=team_orgs)
    return rule


def achievements_visible_to(*, user: Any) -> QuerySet[Achievement]:
    return Achievement.objects.filter(achievement_visibility_q(user=user))


def achievement_is_visible(*, user: Any, achievement: Achievement) -> bool:
    return achievements_visible_to(user=user).filter(pk=achievement.pk).exists()


def achievement_is_published_to(*, user: Any, achievement: Achievement) -> bool:
    """Whether the user sees this achievement as published (not as a draft)."""
    if achievement.publication == Publication.PUBLIC:
        return True
    return achievement.publication == Publication.RESTRICTED and (
        permissions.is_approved_investor(user)
        or permissions.is_organizer(user)
        or permissions.is_reviewer(user)
    )


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    field: str = ""
    trl: int | None = None
    province: str = ""
    mode: str = ""
    programme: str = ""
    sort: str = "newest"


SORTS = {
    "newest": ("-published_at", "-id"),
    "trl": ("-trl", "-id"),
    "title": ("title", "id"),
}


def catalogue_filter(
    *, user: Any, filters: CatalogueFilters, skip: str = ""
) -> QuerySet[Achievement]:
    """Visible achievements narrowed by the catalogue's filters.

    ``skip`` leaves one facet's own filter out, for counting that facet.
    """
    qs = achievements_visible_to(user=user)
    if filters.field and skip != "field":
        qs = qs.filter(field__code=filters.field)
    if filters.trl and skip != "trl":
        qs = qs.filter(trl=filters.trl)
    if filters.province and skip != "province":
        qs = qs.filter(target_provinces__code=filters.province)
    if filters.mode and skip != "mode":
        qs = qs.filter(modes_index__contains=f",{filters.mode},")
    if filters.programme and skip != "programme":
        qs = qs.filter(source_programme=filters.programme)
    if filters.q:
        qs = filter_by_text(qs, filters.q, table=Achievement._meta.db_table)
    return qs


def catalogue_search(*, user: Any, filters: CatalogueFilters) -> QuerySet[Achievement]:
    qs = catalogue_filter(user=user, filters=filters)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["newest"])).select_related(
        "field", "owner"
    )


def catalogue_facets(*, user: Any, filters: CatalogueFilters) -> dict[str, list[dict]]:
    """Counts per facet value, each facet counted without its own filter."""
    facets: dict[str, list[dict]] = {}

    rows = (
        catalogue_filter(user=user, filters=filters, skip="field")
        .values("field__code")
        .annotate(n=Count("id"))
    )
    counts = {r["field__code"]: r["n"] for r in rows}
    facets["field"] = [
        {"value": f.code, "label": f.name, "count": counts.get(f.code, 0)}
        for f in IndustryField.objects.all()
        if counts.get(f.code)
    ]

    rows = (
        catalogue_filter(user=user, filters=filters, skip="trl")
        .values("trl")
        .annotate(n=Count("id"))
    )
    counts = {r["trl"]: r["n"] for r in rows}
    facets["trl"] = [
        {"value": str(level), "label": f"TRL {level}", "count": counts[level]}
        for level in range(1, 10)
        if counts.get(level)
    ]

    rows = (
        catalogue_filter(user=user, filters=filters, skip="province")
        .filter(target_provinces__isnull=False)
        .values("target_provinces__code")
        .annotate(n=Count("id"))
    )
    counts = {r["target_provinces__code"]: r["n"] for r in rows}
    facets["province"] = [
        {"value": p.code, "label": p.name, "count": counts[p.code]}
        for p in Province.objects.all()
        if counts.get(p.code)
    ]

    base = catalogue_filter(user=user, filters=filters, skip="mode")
    rows = base.values("modes_index").annotate(n=Count("id"))
    mode_counts: dict[str, int] = {}
    for r in rows:
        for mode in r["modes_index"].strip(",").split(","):
            if mode:
                mode_counts[mode] = mode_counts.get(mode, 0) + r["n"]
    facets["mode"] = [
        {"value": value, "label": str(label), "count": mode_counts[value]}
        for value, label in TransferMode.choices
        if mode_counts.get(value)
    ]

    rows = (
        catalogue_filter(user=user, filters=filters, skip="programme")
        .exclude(source_programme="")
        .values("source_programme")
        .annotate(n=Count("id"))
        .order_by("-n", "source_programme")
    )
    facets["programme"] = [
        {
            "value": r["source_programme"],
            "label": r["source_programme"],
            "count": r["n"],
        }
        for r in rows
    ]
    return facets


def achievements_of_user(*, user: Any) -> QuerySet[Achievement]:
    """The achievements a team member works on (their organizations' own)."""
    orgs = permissions.organization_ids(user, role=Role.TEAM)
    return Achievement.objects.filter(owner_id__in=orgs).select_related(
        "field", "owner"
    )


def review_queue(*, user: Any) -> QuerySet[Achievement]:
    from .enums import ReviewStatus

    if not permissions.is_reviewer(user):
        return Achievement.objects.none()
    return (
        Achievement.objects.filter(
            status__in=[ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW]
        )
        .select_related("field", "owner")
        .order_by("updated_at", "id")
    )


def demands_visible_to(*, user: Any) -> QuerySet[Demand]:
    if permissions.is_organizer(user):
        return Demand.objects.all()
    rule = Q(status=DemandStatus.PUBLISHED)
    orgs = permissions.organization_ids(user)
    if orgs:
        rule |= Q(organization_id__in=orgs)
    return Demand.objects.filter(rule)
