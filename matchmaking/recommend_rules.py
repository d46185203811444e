"""Permission rules of the recommender, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule
from achievements.selectors import achievement_is_published_to


@rule("recommendation.dismiss")
def _dismiss(user: Any, achievement: Any) -> bool:
    """Members of an investor or demand-side organization, about an achievement
    they see as published (the visibility rule)."""
    return bool(
        permissions.organization_ids(user, role=Role.INVESTOR)
    ) and achievement_is_published_to(user=user, achievement=achievement)
