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
