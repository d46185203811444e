"""Reads about people that several apps need."""

from .enums import Role
from .models import User


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
