"""Permission rules for matchmaking, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule


def team_orgs(user: Any) -> set[int]:
    return permissions.organization_ids(user, role=Role.TEAM)


def side_of(user: Any, request: Any) -> str | None:
    """Which side of a request the user is on ("team", "investor"), if any."""
    if request.team_org_id in team_orgs(user):
        return "team"
    if request.investor_org_id in permissions.approved_investor_orgs(user):
        return "investor"
    return None


@rule("match.manage")
def _manage(user: Any, session: Any) -> bool:
    return permissions.is_organizer(user)


@rule("match.request_view")
def _request_view(user: Any, request: Any) -> bool:
    return permissions.is_organizer(user) or side_of(user, request) is not None


@rule("match.respond")
def _respond(user: Any, request: Any) -> bool:
    """The side that was asked (organizers act on anyone's behalf: recorded)."""
    if permissions.is_organizer(user):
        return True
    side = side_of(user, request)
    asked = "team" if request.direction == "to_team" else "investor"
    return side == asked


@rule("match.cancel")
def _cancel(user: Any, request: Any) -> bool:
    """The requester's side withdraws a request still waiting (the other side
    declines it); either side calls an accepted meeting off; organizers too."""
    if permissions.is_organizer(user):
        return True
    side = side_of(user, request)
    if request.status == "pending":
        asking = "investor" if request.direction == "to_team" else "team"
        return side == asking
    return side is not None


@rule("meeting.mark")
def _mark(user: Any, meeting: Any) -> bool:
    """Table staff: organizers and the roadshow's door staff."""
    return permissions.user_can(user, "roadshow.checkin", meeting.session.roadshow)


@rule("meeting.outcome")
def _outcome(user: Any, meeting: Any) -> bool:
    return side_of(user, meeting.request) is not None


@rule("recommendation.dismiss")
def _dismiss(user: Any, achievement: Any) -> bool:
    """Members of an investor or demand-side organization, about an
    achievement they see as published (the visibility rule)."""
    from achievements.selectors import achievement_is_published_to

    return bool(
        permissions.organization_ids(user, role=Role.INVESTOR)
    ) and achievement_is_published_to(user=user, achievement=achievement)
