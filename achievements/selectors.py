"""Reads of the library.  The visibility rule (R2) lives here, once."""

import hashlib
from collections import Counter
from dataclasses import dataclass
from itertools import compress
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr

from accounts import permissions
from accounts.enums import Role
from accounts.models import Organization

from .enums import (
    DemandStatus,
    Publication,
    ReviewStatus,
    TransferMode,
    programme_label,
)
from .models import Achievement, Demand, IndustryField, Province, ReviewEvent
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


def achievements_published_to(*, user: Any, ids) -> set[int]:
    """Of these achievements, the ids the user sees as published (one query)."""
    return set(
        achievements_visible_to(user=user)
        .exclude(publication=Publication.NONE)
        .filter(pk__in=list(ids))
        .values_list("pk", flat=True)
    )


def achievements_published_visible_to(*, user: Any) -> QuerySet[Achievement]:
    """The published versions this user may see (drafts of their own left out):
    what showcases list — the home page, sitemaps, disclosures."""
    return achievements_visible_to(user=user).exclude(publication=Publication.NONE)


def achievements_public() -> QuerySet[Achievement]:
    """What anybody at all may see: the visibility rule for the anonymous public."""
    return achievements_published_visible_to(user=AnonymousUser())


def achievement_is_public(*, achievement: Achievement) -> bool:
    return achievement_is_published_to(user=AnonymousUser(), achievement=achievement)


def achievement_was_published(*, achievement: Achievement) -> bool:
    """Whether review ever let this achievement be shown beyond its owners
    (to everyone or to approved investors)."""
    return achievement.publication != Publication.NONE


def achievement_audience(*, achievement: Achievement) -> str | None:
    """Who the published version is for: "public", "investors" (approved
    investors only) or None (not published)."""
    return {
        Publication.PUBLIC: "public",
        Publication.RESTRICTED: "investors",
    }.get(achievement.publication)


def achievement_is_published_to(*, user: Any, achievement: Achievement) -> bool:
    """Whether the user sees this achievement as published (not as a draft):
    the visibility rule, applied to a published version."""
    return achievement.publication != Publication.NONE and achievement_is_visible(
        user=user, achievement=achievement
    )


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    field: str = ""
    # A readiness range, both ends included; either end may be open.
    trl_min: int | None = None
    trl_max: int | None = None
    province: str = ""
    mode: str = ""
    programme: str = ""
    # The agricultural vocabularies' term codes.
    agri_tech: str = ""
    agri_industry: str = ""
    agri_scenario: str = ""
    sort: str = "newest"

    def agri_codes(self) -> dict[str, str]:
        """The agricultural filters in force, by the achievement's column."""
        return {
            column: getattr(self, facet)
            for facet, column in AGRI_FACETS.items()
            if getattr(self, facet)
        }


def trl_in_range(filters: CatalogueFilters, level: int) -> bool:
    return (filters.trl_min is None or level >= filters.trl_min) and (
        filters.trl_max is None or level <= filters.trl_max
    )


SORTS = {
    "newest": ("-published_at", "-id"),
    "trl": ("-trl", "-id"),
    "title": ("title", "id"),
}


# The agricultural facets: the filter's name → the achievement's column.
AGRI_FACETS = {
    "agri_tech": "agri_tech_field",
    "agri_industry": "agri_industry",
    "agri_scenario": "agri_scenario",
}
FACETS = ("field", "trl", "province", "mode", "programme", *AGRI_FACETS)


def catalogue_filter(
    *, user: Any, filters: CatalogueFilters, skip: str = ""
) -> QuerySet[Achievement]:
    """Visible achievements narrowed by the catalogue's filters.

    ``skip`` leaves one facet's own filter out, for counting that facet.
    """
    qs = achievements_visible_to(user=user)
    if filters.field and skip != "field":
        qs = qs.filter(field__code=filters.field)
    if filters.trl_min is not None and skip != "trl":
        qs = qs.filter(trl__gte=filters.trl_min)
    if filters.trl_max is not None and skip != "trl":
        qs = qs.filter(trl__lte=filters.trl_max)
    if filters.province and skip != "province":
        qs = qs.filter(provinces_index__contains=f",{filters.province},")
    if filters.mode and skip != "mode":
        qs = qs.filter(modes_index__contains=f",{filters.mode},")
    if filters.programme and skip != "programme":
        qs = qs.filter(source_programme=filters.programme)
    for facet, column in AGRI_FACETS.items():
        if getattr(filters, facet) and skip != facet:
            qs = qs.filter(**{f"{column}__code": getattr(filters, facet)})
    if filters.q:
        qs = filter_by_text(qs, filters.q, table=Achievement._meta.db_table)
    return qs


def catalogue_search(*, user: Any, filters: CatalogueFilters) -> QuerySet[Achievement]:
    qs = catalogue_filter(user=user, filters=filters)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["newest"])).select_related(
        "field", "owner", *AGRI_FACETS.values()
    )


@dataclass
class FacetCounts:
    total: int
    facets: dict[str, list[dict]]


def _library_version() -> str:
    """Changes whenever any achievement is added, changed or removed."""
    stamp = Achievement.objects.aggregate(latest=Max("updated_at"), n=Count("id"))
    latest = stamp["latest"].isoformat() if stamp["latest"] else "-"
    return f"{latest}/{stamp['n']}"


def _audience(user: Any) -> str | None:
    """Users who see exactly the same achievements share cached counts."""
    if permissions.is_organizer(user) or permissions.is_reviewer(user):
        return None
    if permissions.organization_ids(user, role=Role.TEAM):
        return None
    return "investor" if permissions.is_approved_investor(user) else "public"


def catalogue_counts(*, user: Any, filters: CatalogueFilters) -> FacetCounts:
    """The result count and every facet's counts.

    Without a text search, the counts for the public and for approved
    investors are cached under the library's version, so any change to any
    achievement makes them stale at once.
    """
    fields = list(IndustryField.objects.all())
    audience = _audience(user)
    if filters.q or audience is None:
        total, counters = _count_rows(user=user, filters=filters, fields=fields)
    else:
        key = (
            "catalogue-counts:"
            + hashlib.sha256(
                repr(
                    (
                        audience,
                        filters.field,
                        filters.trl_min,
                        filters.trl_max,
                        filters.province,
                        filters.mode,
                        filters.programme,
                        filters.agri_tech,
                        filters.agri_industry,
                        filters.agri_scenario,
                        _library_version(),
                    )
                ).encode()
            ).hexdigest()
        )
        cached = cache.get(key)
        if cached is None:
            cached = _count_rows(user=user, filters=filters, fields=fields)
            cache.set(key, cached, timeout=600)
        total, counters = cached
    return FacetCounts(total=total, facets=_facet_lists(counters, fields))


def _count_rows(*, user: Any, filters: CatalogueFilters, fields: list) -> tuple:
    """One pass over the rows: one query fetches the facet columns of the
    visible rows matching the text search; each facet is then counted over the
    rows that pass every *other* filter, so choosing a value never hides its
    siblings."""
    base = achievements_visible_to(user=user)
    if filters.q:
        base = filter_by_text(base, filters.q, table=Achievement._meta.db_table)
    field_ids = {f.code: f.pk for f in fields}
    facet_rows = base.values_list(
        "field_id",
        "trl",
        "provinces_index",
        "modes_index",
        "source_programme",
        *(f"{column}_id" for column in AGRI_FACETS.values()),
    )
    # The cursor directly: Django's per-row iteration would cost more than the
    # query itself on a 20,000-row library.
    sql, params = facet_rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    columns = (
        dict(zip(FACETS, zip(*rows, strict=True), strict=True))
        if rows
        else dict.fromkeys(FACETS, ())
    )
    # One boolean mask per active filter.
    masks: dict[str, list[bool]] = {}
    if filters.field:
        want = field_ids.get(filters.field, -1)
        masks["field"] = [v == want for v in columns["field"]]
    if filters.trl_min is not None or filters.trl_max is not None:
        masks["trl"] = [trl_in_range(filters, v) for v in columns["trl"]]
    if filters.province:
        want = f",{filters.province},"
        masks["province"] = [want in v for v in columns["province"]]
    if filters.mode:
        want = f",{filters.mode},"
        masks["mode"] = [want in v for v in columns["mode"]]
    if filters.programme:
        masks["programme"] = [v == filters.programme for v in columns["programme"]]
    terms = agri_terms()
    for facet in AGRI_FACETS:
        code = getattr(filters, facet)
        if code:
            want = next((t.pk for t in terms[facet] if t.code == code), -1)
            masks[facet] = [v == want for v in columns[facet]]

    def passing(column, *, except_name: str | None):
        others = [m for name, m in masks.items() if name != except_name]
        if not others:
            return column
        combined = (
            others[0] if len(others) == 1 else map(all, zip(*others, strict=True))
        )
        return compress(column, combined)

    def split(values):
        return (code for v in values if len(v) > 2 for code in v[1:-1].split(","))

    counters = {
        "field": Counter(passing(columns["field"], except_name="field")),
        "trl": Counter(passing(columns["trl"], except_name="trl")),
        "province": Counter(
            split(passing(columns["province"], except_name="province"))
        ),
        "mode": Counter(split(passing(columns["mode"], except_name="mode"))),
        "programme": Counter(
            v for v in passing(columns["programme"], except_name="programme") if v
        ),
    }
    for facet in AGRI_FACETS:
        counters[facet] = Counter(
            v for v in passing(columns[facet], except_name=facet) if v
        )
    total = sum(1 for _ in passing(range(len(rows)), except_name=None))
    return total, counters


def agri_terms() -> dict[str, list]:
    """Every term of the agricultural vocabularies, by facet (inactive ones
    too: old achievements keep them and may be filtered on them)."""
    return {
        facet: list(Achievement._meta.get_field(column).related_model.objects.all())
        for facet, column in AGRI_FACETS.items()
    }


def _facet_lists(counters: dict[str, Counter], fields: list) -> dict[str, list[dict]]:
    agri = {
        facet: [
            {"value": t.code, "label": t.local_name, "count": counters[facet][t.pk]}
            for t in terms
            if counters[facet][t.pk]
        ]
        for facet, terms in agri_terms().items()
    }
    return agri | {
        "field": [
            {"value": f.code, "label": f.local_name, "count": counters["field"][f.pk]}
            for f in fields
            if counters["field"][f.pk]
        ],
        "trl": [
            {
                "value": str(level),
                "label": f"TRL {level}",
                "count": counters["trl"][level],
            }
            for level in range(1, 10)
            if counters["trl"][level]
        ],
        "province": [
            {
                "value": p.code,
                "label": p.local_name,
                "count": counters["province"][p.code],
            }
            for p in Province.objects.all()
            if counters["province"][p.code]
        ],
        "mode": [
            {"value": value, "label": str(label), "count": counters["mode"][value]}
            for value, label in TransferMode.choices
            if counters["mode"][value]
        ],
        "programme": [
            {"value": name, "label": programme_label(name), "count": n}
            for name, n in sorted(
                counters["programme"].items(), key=lambda i: (-i[1], i[0])
            )
        ],
    }


def achievements_of_user(*, user: Any) -> QuerySet[Achievement]:
    """The achievements a team member works on (their organizations' own)."""
    orgs = permissions.organization_ids(user, role=Role.TEAM)
    return Achievement.objects.filter(owner_id__in=orgs).select_related(
        "field", "owner"
    )


# The team's list, "by status": what needs the team first (returned, then
# drafts and withheld ones it may resubmit), then what waits on review, then
# what is published.
_TEAM_STATUS_ORDER = [
    ReviewStatus.RETURNED,
    ReviewStatus.DRAFT,
    ReviewStatus.WITHHELD,
    ReviewStatus.SUBMITTED,
    ReviewStatus.UNDER_REVIEW,
    ReviewStatus.RESTRICTED,
    ReviewStatus.CLEARED,
]
TEAM_SORTS = ("updated", "title", "status")


def _latest_comment(to_status: str) -> Subquery:
    return Subquery(
        ReviewEvent.objects.filter(achievement=OuterRef("pk"), to_status=to_status)
        .order_by("-created_at", "-id")
        .values("comment")[:1]
    )


def team_achievements(
    *, user: Any, status: str = "", sort: str = "updated"
) -> QuerySet[Achievement]:
    """The team's own achievements for its list: filtered on one review
    state, sorted by last change (newest first), title or status; each
    carries ``return_reason``, the reviewer's latest reason for a return."""
    rows = achievements_of_user(user=user).annotate(
        return_reason=_latest_comment(ReviewStatus.RETURNED)
    )
    if status:
        rows = rows.filter(status=status)
    if sort == "title":
        return rows.order_by("title", "id")
    if sort == "status":
        rank = Case(
            *(
                When(status=value, then=Value(i))
                for i, value in enumerate(_TEAM_STATUS_ORDER)
            ),
            output_field=IntegerField(),
        )
        return rows.annotate(status_rank=rank).order_by(
            "status_rank", "-updated_at", "-id"
        )
    return rows.order_by("-updated_at", "-id")


REVIEW_QUEUE_STATES = (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW)


def review_queue(
    *,
    user: Any,
    field: str = "",
    status: str = "",
    newest_first: bool = False,
) -> QuerySet[Achievement]:
    """What waits for this reviewer's decision, the longest waiting first
    (or the newest first).  Each carries ``waiting_since``: when it was last
    submitted (by the team, or by an edit of a published version)."""
    if not permissions.is_reviewer(user):
        return Achievement.objects.none()
    submitted_at = Subquery(
        ReviewEvent.objects.filter(
            achievement=OuterRef("pk"), to_status=ReviewStatus.SUBMITTED
        )
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    rows = (
        Achievement.objects.filter(status__in=REVIEW_QUEUE_STATES)
        # A reviewer never reviews their own organizations' achievements.
        .exclude(owner_id__in=permissions.organization_ids(user))
        .select_related("field", "owner")
        .annotate(waiting_since=Coalesce(submitted_at, "updated_at"))
    )
    if field:
        rows = rows.filter(field__code=field)
    if status in REVIEW_QUEUE_STATES:
        rows = rows.filter(status=status)
    if newest_first:
        return rows.order_by("-waiting_since", "-id")
    return rows.order_by("waiting_since", "id")


def review_queue_next(*, user: Any, after: Achievement) -> Achievement | None:
    """The item a reviewer goes to once they decided on ``after``: the one
    waiting longest among the rest of their queue."""
    return review_queue(user=user).exclude(pk=after.pk).first()


def return_reason(*, achievement: Achievement) -> ReviewEvent | None:
    """While an achievement is returned: the reviewer's event that returned
    it (its comment says what to change)."""
    if achievement.status != ReviewStatus.RETURNED:
        return None
    return (
        achievement.review_events.filter(to_status=ReviewStatus.RETURNED)
        .select_related("actor")
        .order_by("-created_at", "-id")
        .first()
    )


@dataclass(frozen=True)
class HistoryRow:
    event: ReviewEvent
    created: bool  # the first line: the achievement was created in this state


def review_history(*, achievement: Achievement) -> list[HistoryRow]:
    """The review history as people read it: the first line is the
    creation; any later line that changed no state (none is written today,
    older data may hold some) is left out.  Stored history is never
    rewritten."""
    events = list(
        achievement.review_events.select_related("actor").order_by("created_at", "id")
    )
    # The creation is the first line written, whatever its timestamp says.
    first = min((event.pk for event in events), default=None)
    return [
        HistoryRow(event=event, created=event.pk == first)
        for event in events
        if event.pk == first or event.from_status != event.to_status
    ]


def attachments_visible_to(*, user: Any, achievement: Achievement) -> QuerySet:
    """The files of an achievement this user may download: everything for
    those who see its history (team, organizers, reviewers), only the files a
    reviewer cleared for everybody else.  The achievement itself must be
    visible to the user (the caller checks it with the visibility rule)."""
    from .models import Attachment

    files = Attachment.objects.filter(achievement=achievement)
    if permissions.user_can(user, "achievement.history", achievement):
        return files
    return files.filter(cleared_at__isnull=False)


def demands_visible_to(*, user: Any) -> QuerySet[Demand]:
    if permissions.is_organizer(user):
        return Demand.objects.all()
    rule = Q(status=DemandStatus.PUBLISHED)
    orgs = permissions.organization_ids(user)
    if orgs:
        rule |= Q(organization_id__in=orgs)
    return Demand.objects.filter(rule)


# ---------------------------------------------------------------------------
# Where an organization is: the province of its unified social credit code
# (characters 3–4: the registering authority's province), the one rule that
# deals, the cross-region pairs and the pairs' invitations all read.


def province_code_of(organization: Any) -> str:
    """An organization's province code from its credit code; "" when it has
    none (or not a well-formed one)."""
    code = (getattr(organization, "credit_code", "") or "").strip().upper()
    if len(code) != 18 or not code[2:4].isdigit():
        return ""
    return code[2:4]


def province_of_organization(organization: Any) -> Province | None:
    code = province_code_of(organization)
    return Province.objects.filter(code=code).first() if code else None


def credit_code_province(path: str) -> Case:
    """The same rule as an SQL expression over the credit code at ``path``
    (``"credit_code"``, ``"counterparty__credit_code"``…): the province code,
    or "" when the code is not 18 characters long."""
    return Case(
        When(
            **{f"{path}__regex": r"^.{2}[0-9]{2}.{14}$"},
            then=Substr(path, 3, 2),
        ),
        default=Value(""),
        output_field=CharField(),
    )


def organizations_in_provinces(*, codes) -> QuerySet[Organization]:
    """Organizations registered in any of these provinces (by the rule)."""
    return Organization.objects.annotate(
        province_code=credit_code_province("credit_code")
    ).filter(province_code__in=list(codes))
