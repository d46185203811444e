"""Permission rules of calls for pitches, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule
from achievements.selectors import achievement_is_visible


def _acts_for(user: Any, organization_id: int) -> bool:
    """A team member (or technology manager) of the organization."""
    return organization_id in permissions.organization_ids(user, role=Role.TEAM)


def is_named_reviewer(user: Any, call: Any) -> bool:
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return call.reviewers.filter(pk=user.pk).exists()


def conflict_of_interest(user: Any, application: Any) -> bool:
    """The reviewer belongs to the applying institution (or to the
    achievement's owner): never shown the application, never scoring it."""
    own = permissions.organization_ids(user)
    return application.organization_id in own or application.achievement.owner_id in (
        own
    )


@rule("call.manage")
def _manage(user: Any, call: Any) -> bool:
    return permissions.is_organizer(user)


@rule("call.apply")
def _apply(user: Any, achievement: Any) -> bool:
    """Only with an achievement of an organization the user acts for."""
    return achievement is not None and _acts_for(user, achievement.owner_id)


@rule("application.edit")
def _edit(user: Any, application: Any) -> bool:
    return _acts_for(user, application.organization_id)


@rule("call.review")
def _review(user: Any, call: Any) -> bool:
    return is_named_reviewer(user, call)


@rule("application.score")
def _score(user: Any, application: Any) -> bool:
    """A named reviewer of the call, not of the applying institution, who may
    see the achievement (the library's visibility rule)."""
    return (
        is_named_reviewer(user, application.call)
        and not conflict_of_interest(user, application)
        and achievement_is_visible(user=user, achievement=application.achievement)
    )


@rule("application.view")
def _view(user: Any, application: Any) -> bool:
    """The application and its deck: the team, organizers, and the reviewers
    who may score it."""
    return (
        permissions.is_organizer(user)
        or _edit(user, application)
        or _score(user, application)
    )
