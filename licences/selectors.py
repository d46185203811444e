"""Who sees which open-licence declarations.  A declaration is listed only
once a reviewer cleared it, and only to whom its achievement is published
(the library's visibility rule): one of an achievement restricted to
approved investors is theirs alone; one whose achievement was withheld
since is nobody's.  Until cleared, only the owner's team, organizers and
reviewers see it."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.enums import Role
from achievements.selectors import achievements_published_visible_to
from tracker.enums import Stage

from .enums import DeclarationStatus
from .models import Declaration, LicenceNotice


def declarations_listed_to(*, user: Any) -> QuerySet[Declaration]:
    """Cleared declarations (withdrawn ones too: callers narrow them) whose
    achievement is published to this user."""
    return Declaration.objects.filter(
        status__in=(DeclarationStatus.CLEARED, DeclarationStatus.WITHDRAWN),
        cleared_at__isnull=False,
        achievement__in=achievements_published_visible_to(user=user).values("pk"),
    )


def declarations_visible_to(*, user: Any) -> QuerySet[Declaration]:
    """What a user may open at all: the listed ones; for the owner's team
    its own in every state; for organizers and reviewers everything."""
    if permissions.is_organizer(user) or permissions.is_reviewer(user):
        return Declaration.objects.all()
    listed = Q(pk__in=declarations_listed_to(user=user).values("pk"))
    teams = permissions.organization_ids(user, role=Role.TEAM)
    if teams:
        listed |= Q(achievement__owner_id__in=teams)
    return Declaration.objects.filter(listed)


def declaration_is_listed_to(*, user: Any, declaration: Declaration) -> bool:
    return declarations_listed_to(user=user).filter(pk=declaration.pk).exists()


def declarations_public() -> QuerySet[Declaration]:
    """What the anonymous public sees listed (the calendar feed's)."""
    return declarations_listed_to(user=AnonymousUser())


@dataclass(frozen=True)
class ListFilters:
    field: str = ""
    province: str = ""
    fee_mode: str = ""
    institution: int | None = None
    # Withdrawn and expired ones too (marked as such).
    all: bool = False


def open_licences(
    *, user: Any, filters: ListFilters, today: dt.date | None = None
) -> QuerySet[Declaration]:
    """The list /open-licences/ shows: by default the declarations in force
    or about to be (cleared, not withdrawn, period not over), the newest
    first."""
    today = today or timezone.localdate()
    rows = declarations_listed_to(user=user)
    if not filters.all:
        rows = rows.filter(status=DeclarationStatus.CLEARED, ends__gte=today)
    if filters.field:
        rows = rows.filter(achievement__field__code=filters.field)
    if filters.province:
        rows = rows.filter(
            achievement__provinces_index__contains=f",{filters.province},"
        )
    if filters.fee_mode:
        rows = rows.filter(fee_mode=filters.fee_mode)
    if filters.institution is not None:
        rows = rows.filter(achievement__owner_id=filters.institution)
    return rows.select_related(
        "achievement", "achievement__owner", "achievement__field"
    ).order_by("-cleared_at", "-id")


def declarations_awaiting_review(*, user: Any) -> QuerySet[Declaration]:
    """The reviewer's queue, the longest waiting first: never their own
    organizations' declarations."""
    if not permissions.is_reviewer(user):
        return Declaration.objects.none()
    return (
        Declaration.objects.filter(status=DeclarationStatus.SUBMITTED)
        .exclude(achievement__owner_id__in=permissions.organization_ids(user))
        .select_related("achievement", "achievement__owner")
        .order_by("submitted_at", "id")
    )


def declarations_of_team(*, user: Any) -> QuerySet[Declaration]:
    teams = permissions.organization_ids(user, role=Role.TEAM)
    return (
        Declaration.objects.filter(achievement__owner_id__in=teams)
        .select_related("achievement", "achievement__owner")
        .order_by("-updated_at", "-id")
    )


def open_notice(*, declaration: Declaration, organization_id: int):
    """The organization's notice on this declaration whose deal is still
    being followed, if any."""
    return (
        LicenceNotice.objects.filter(
            declaration=declaration,
            organization_id=organization_id,
            deal__stage__in=Stage.open(),
        )
        .select_related("deal")
        .first()
    )
