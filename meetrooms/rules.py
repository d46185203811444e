"""Who may enter a meeting's room, registered in accounts.permissions: the
meeting's named attendees of both sides (while they still speak for their
organization) and organizers."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule
from matchmaking.rules import asked_side, sides_of


def party_side(user: Any, meeting: Any) -> str | None:
    """The side this user attends the meeting for ("team", "investor"), or
    None: not named for it, or no longer a member of that side's
    organization (an investor's organization must still be approved)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    request = meeting.request
    asked = asked_side(request)
    if user.pk == request.requester_id:
        side = "investor" if asked == "team" else "team"
    elif request.attendees.filter(pk=user.pk).exists():
        side = asked
    else:
        return None
    return side if side in sides_of(user, request) else None


def room_side(user: Any, meeting: Any) -> str | None:
    """What the user is in the room: a side, "organizer", or None (refused).
    A draft of the schedule has no room for its parties yet."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if meeting.published_at is not None:
        side = party_side(user, meeting)
        if side is not None:
            return side
    if permissions.is_organizer(user):
        return "organizer"
    return None


@rule("meeting.room")
def _room(user: Any, meeting: Any) -> bool:
    return room_side(user, meeting) is not None
