"""Reads about people that several apps need."""

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from . import permissions
from .enums import DELEGATING_KINDS, Role
from .models import Delegation, Organization, User


def team_emails(*, organization_id: int) -> list[str]:
    """The addresses of an organization's active team members, sorted."""
    return sorted(
        set(
            User.objects.filter(
                memberships__organization_id=organization_id,
                memberships__role=Role.TEAM,
                is_active=True,
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )


def delegating_institutions(*, user) -> QuerySet[Organization]:
    """The institutions for which this user may delegate a technology
    manager: every university and institute for an organizer; else those the
    user is a team member of (never those delegated to them)."""
    institutions = Organization.objects.filter(kind__in=DELEGATING_KINDS)
    if not permissions.is_organizer(user):
        institutions = institutions.filter(
            pk__in=permissions.own_organization_ids(user, role=Role.TEAM)
        )
    return institutions.order_by("name")


def delegations_granted(*, institutions) -> QuerySet[Delegation]:
    """The delegations of these institutions, live ones first."""
    return (
        Delegation.objects.filter(institution__in=institutions)
        .select_related("office", "manager", "institution", "granted_by", "revoked_by")
        .order_by("revoked_at", "-since", "-pk")
    )


def delegations_held(*, user) -> QuerySet[Delegation]:
    """The user's own delegations as a technology manager (代理机构), live
    ones first."""
    return (
        Delegation.objects.filter(manager=user)
        .select_related("office", "institution", "granted_by", "revoked_by")
        .order_by("revoked_at", "-since", "-pk")
    )


def managers_acting_for(*, organization_id: int) -> QuerySet[User]:
    """The technology managers acting for an institution today (an active
    delegation, the manager still in the office) — the same people
    ``permissions.organization_ids`` lets act for it."""
    today = timezone.localdate()
    active = (
        Delegation.objects.filter(
            institution_id=organization_id,
            revoked_at__isnull=True,
            since__lte=today,
        )
        .filter(Q(until__isnull=True) | Q(until__gte=today))
        .filter(office__memberships__user=F("manager"))
    )
    return User.objects.filter(is_active=True, pk__in=active.values("manager_id"))


def team_members(*, organization_id: int) -> list[User]:
    """An organization's active team members (whom its achievements'
    news concerns)."""
    return list(
        User.objects.filter(
            memberships__organization_id=organization_id,
            memberships__role=Role.TEAM,
            is_active=True,
        )
        .distinct()
        .order_by("pk")
    )


def members_of_organizations(*, organization_ids: set[int]) -> list[User]:
    """The active members, in any role, of these organizations."""
    return list(
        User.objects.filter(
            memberships__organization_id__in=organization_ids, is_active=True
        )
        .distinct()
        .order_by("pk")
    )
