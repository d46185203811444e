"""Who may enter a meeting's room, registered in accounts.permissions: the
meeting's named attendees of both sides (while they still speak for their
organization) and organizers.  ``side_in`` is the one decision; the page
reads it from a meeting, each frame from one lean row (``selectors.seat_now``)."""

from types import SimpleNamespace
from typing import Any

from accounts import permissions
from accounts.permissions import rule
from matchmaking.rules import asked_side, sides_of


def named_side(request: Any, *, is_requester: bool, attending: bool) -> str | None:
    """The side a person is named for on a meeting: the requester speaks for
    the side that asked, the attendees for the side asked; None: neither."""
    asked = asked_side(request)
    if is_requester:
        return "investor" if asked == "team" else "team"
    return asked if attending else None


def named_sides(request: Any) -> dict[int, str]:
    """user id → side, for every person named on the meeting's request."""
    sides = {
        pk: named_side(request, is_requester=False, attending=True)
        for pk in request.attendees.values_list("pk", flat=True)
    }
    sides[request.requester_id] = named_side(
        request, is_requester=True, attending=False
    )
    return sides


def side_in(
    user: Any,
    *,
    published: bool,
    requester_id: int,
    attending: bool,
    direction: str,
    team_org_id: int,
    investor_org_id: int,
) -> str | None:
    """What the user is in the room: "team" or "investor" (named for that
    side, and still a member of its organization — an investor's still
    approved), "organizer", or None (refused).  A draft of the schedule has
    no room for its parties yet."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    request = SimpleNamespace(
        direction=direction, team_org_id=team_org_id, investor_org_id=investor_org_id
    )
    side = (
        named_side(request, is_requester=user.pk == requester_id, attending=attending)
        if published
        else None
    )
    if side is not None and side in sides_of(user, request):
        return side
    if permissions.is_organizer(user):
        return "organizer"
    return None


def room_side(user: Any, meeting: Any) -> str | None:
    request = meeting.request
    return side_in(
        user,
        published=meeting.published_at is not None,
        requester_id=request.requester_id,
        attending=user is not None
        and user.is_authenticated
        and request.attendees.filter(pk=user.pk).exists(),
        direction=request.direction,
        team_org_id=request.team_org_id,
        investor_org_id=request.investor_org_id,
    )


@rule("meeting.room")
def _room(user: Any, meeting: Any) -> bool:
    return room_side(user, meeting) is not None
