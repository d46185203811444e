"""Permission rules for matchmaking, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule


def team_orgs(user: Any) -> set[int]:
    return permissions.organization_ids(user, role=Role.TEAM)


def sides_of(user: Any, request: Any) -> set[str]:
    """The sides of a request the user acts for ("team", "investor"): both,
    for someone who belongs to both organizations."""
    sides = set()
    if request.team_org_id in team_orgs(user):
        sides.add("team")
    if request.investor_org_id in permissions.approved_investor_orgs(user):
        sides.add("investor")
    return sides


def asked_side(request: Any) -> str:
    return "team" if request.direction == "to_team" else "investor"


def side_of(user: Any, request: Any) -> str | None:
    """The side the user speaks for on a request: the side asked, where the
    user belongs to both; None for neither."""
    sides = sides_of(user, request)
    if asked_side(request) in sides:
        return asked_side(request)
    return next(iter(sides), None)


@rule("match.manage")
def _manage(user: Any, session: Any) -> bool:
    return permissions.is_organizer(user)


@rule("match.request_view")
def _request_view(user: Any, request: Any) -> bool:
    return permissions.is_organizer(user) or bool(sides_of(user, request))


@rule("match.respond")
def _respond(user: Any, request: Any) -> bool:
    """The side that was asked (organizers act on anyone's behalf: recorded)."""
    if permissions.is_organizer(user):
        return True
    return asked_side(request) in sides_of(user, request)


@rule("match.cancel")
def _cancel(user: Any, request: Any) -> bool:
    """The requester's side withdraws a request still waiting (the other side
    declines it); either side calls an accepted meeting off; organizers too."""
    if permissions.is_organizer(user):
        return True
    sides = sides_of(user, request)
    if request.status == "pending":
        asking = "investor" if asked_side(request) == "team" else "team"
        return asking in sides
    return bool(sides)


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


@rule("demand.respond")
def _demand_respond(user: Any, demand: Any) -> bool:
    """Team members answer a demand they may see with their own achievements
    (the service checks the achievement, the pair and the quota)."""
    return bool(team_orgs(user)) and permissions.user_can(user, "demand.view", demand)


@rule("demand_response.answer")
def _demand_response_answer(user: Any, response: Any) -> bool:
    """The demand's own organization (organizers on its behalf)."""
    return permissions.is_organizer(user) or response.demand.organization_id in (
        permissions.organization_ids(user)
    )
