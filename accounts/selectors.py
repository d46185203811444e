"""Reads about people that several apps need."""

from django.db.models import QuerySet

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
