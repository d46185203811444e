"""Permission rules for open licences, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule
from achievements.selectors import achievement_was_published


def _team_of(user: Any, achievement: Any) -> bool:
    return achievement.owner_id in permissions.organization_ids(user, role=Role.TEAM)


@rule("licence.declare")
def _declare(user: Any, achievement: Any) -> bool:
    """Organizers, and the team of the achievement's owner, once review has
    published the achievement (services refuse the rest with a message)."""
    if not (user is not None and user.is_authenticated):
        return False
    return (permissions.is_organizer(user) or _team_of(user, achievement)) and (
        achievement_was_published(achievement=achievement)
    )


@rule("licence.manage")
def _manage(user: Any, declaration: Any) -> bool:
    """Change a declaration still in review, or withdraw one: organizers and
    the owner's team."""
    if not (user is not None and user.is_authenticated):
        return False
    return permissions.is_organizer(user) or _team_of(user, declaration.achievement)


@rule("licence.review")
def _review(user: Any, declaration: Any) -> bool:
    """Reviewers, never on their own organizations' declarations."""
    return permissions.is_reviewer(user) and (
        declaration.achievement.owner_id not in permissions.organization_ids(user)
    )


def licensee_orgs(user: Any, declaration: Any) -> set[int]:
    """The organizations the user may take this licence for: those it acts
    for as an approved investor or enterprise, its owner excepted."""
    return permissions.approved_investor_orgs(user) - {declaration.achievement.owner_id}


@rule("licence.take")
def _take(user: Any, declaration: Any) -> bool:
    """An approved demand-side organization's member who sees the
    declaration listed (whether it is still in force is the service's)."""
    if not (user is not None and user.is_authenticated):
        return False
    from .selectors import declaration_is_listed_to

    return bool(licensee_orgs(user, declaration)) and declaration_is_listed_to(
        user=user, declaration=declaration
    )
