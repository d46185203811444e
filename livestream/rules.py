"""Permission rules for live rooms, registered in accounts.permissions.

``obj`` is the ``Room`` (with its roadshow loaded).  What the presenting
team may do depends on the pitch on now: ``room.presenting_team_id`` when the
caller has set it (``livestream.selectors.with_presenting_team``), else read
here.
"""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule
from events.enums import RoadshowStatus
from events.services import roadshow_is_public

from .enums import SanctionKind


def _is_moderator(user: Any, room: Any) -> bool:
    """Organizers, and the room's named moderators (read once per loaded room
    object, as the sanctions are: the view, moderate and participate rules of
    one action all ask)."""
    if permissions.is_organizer(user):
        return True
    if not (user is not None and user.is_authenticated):
        return False
    cache = room.__dict__.setdefault("_moderator_of", {})
    if user.pk not in cache:
        cache[user.pk] = room.moderators.filter(pk=user.pk).exists()
    return cache[user.pk]


def _sanctioned(user: Any, room: Any, kind: str) -> bool:
    """Whether the user is muted or removed here.  The user's sanctions are read
    once per loaded room object (a room is loaded afresh for every action)."""
    if not (user is not None and user.is_authenticated):
        return False
    cache = room.__dict__.setdefault("_sanctions_of", {})
    if user.pk not in cache:
        cache[user.pk] = set(
            room.sanctions.filter(user_id=user.pk).values_list("kind", flat=True)
        )
    return kind in cache[user.pk]


def is_muted(user: Any, room: Any) -> bool:
    """Muted here: they may watch, not ask, vote or chat."""
    return _sanctioned(user, room, SanctionKind.MUTE)


def prime(room: Any, user_ids: list[int]) -> None:
    """Read whether each of many users moderates or is sanctioned in the room
    in two queries, for a re-check of a whole room's viewers at once."""
    moderators = set(
        room.moderators.filter(pk__in=user_ids).values_list("pk", flat=True)
    )
    sanctions: dict[int, set[str]] = {pk: set() for pk in user_ids}
    for user_id, kind in room.sanctions.filter(user_id__in=user_ids).values_list(
        "user_id", "kind"
    ):
        sanctions[user_id].add(kind)
    room.__dict__.setdefault("_moderator_of", {}).update(
        {pk: pk in moderators for pk in user_ids}
    )
    room.__dict__.setdefault("_sanctions_of", {}).update(sanctions)


@rule("live.moderate")
def _moderate(user: Any, room: Any) -> bool:
    return _is_moderator(user, room)


@rule("live.export_contacts")
def _export_contacts(user: Any, room: Any) -> bool:
    """The askers' organizations and emails in the questions export: for
    organizers (named moderators export only what the room shows them)."""
    return permissions.is_organizer(user)


@rule("live.view")
def _view(user: Any, room: Any) -> bool:
    """Watch and read: a public roadshow's room; one limited to approved
    investors only for them, its presenting teams and the moderators."""
    if _is_moderator(user, room):
        return True
    roadshow = room.roadshow
    if not roadshow_is_public(roadshow):
        return False
    if roadshow.status == RoadshowStatus.CANCELLED:
        return False
    if _sanctioned(user, room, SanctionKind.REMOVE):
        return False
    if not roadshow.investors_only:
        return True
    if permissions.is_approved_investor(user):
        return True
    teams = permissions.organization_ids(user, role=Role.TEAM)
    return bool(teams) and roadshow.slots.filter(team_id__in=teams).exists()


def _live_to(user: Any, room: Any) -> bool:
    """Signed in, the roadshow live, and able to view the room: what taking
    part in any way needs first."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if room.roadshow.status != RoadshowStatus.LIVE:
        return False
    return _view(user, room)


@rule("live.participate")
def _participate(user: Any, room: Any) -> bool:
    """Ask, vote and chat: signed in, able to view, the roadshow live, not muted."""
    return _live_to(user, room) and not is_muted(user, room)


def _presenting_team_id(room: Any) -> int | None:
    """The organization whose pitch is on now (the moderators' choice, else the
    programme's clock), read once per loaded room object."""
    if "presenting_team_id" not in room.__dict__:
        from events.models import Slot

        from .selectors import current_slot_id

        slot_id = current_slot_id(room)
        room.presenting_team_id = (
            Slot.objects.filter(pk=slot_id).values_list("team_id", flat=True).first()
            if slot_id
            else None
        )
    return room.presenting_team_id


@rule("live.present")
def _present(user: Any, room: Any) -> bool:
    """The presenter view (the team's questions, the moderators' private
    messages): moderators; and members of the organization whose pitch is on
    now, while the roadshow is live."""
    if _is_moderator(user, room):
        return True
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    if room.roadshow.status != RoadshowStatus.LIVE:
        return False
    team = _presenting_team_id(room)
    if team is None or team not in permissions.organization_ids(user):
        return False
    return _view(user, room)


@rule("live.score")
def _score(user: Any, room: Any) -> bool:
    """Score pitches, while the roadshow is live: approved investors and the
    room's judges (a pitch of one's own organization is refused by the
    service, which knows the pitch)."""
    if not _live_to(user, room):
        return False
    if permissions.is_approved_investor(user):
        return True
    cache = room.__dict__.setdefault("_judge_of", {})
    if user.pk not in cache:
        cache[user.pk] = room.judges.filter(pk=user.pk).exists()
    return cache[user.pk]


def _pitches_here(user: Any, room: Any) -> bool:
    """A member of an organization with a pitch in this roadshow."""
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    teams = permissions.organization_ids(user)
    return bool(teams) and room.roadshow.slots.filter(team_id__in=teams).exists()


@rule("live.presenter_page")
def _presenter_page(user: Any, room: Any) -> bool:
    """The presenter page itself: moderators; and the presenting teams of
    this roadshow, who open it before their pitch and wait (its socket is
    ``live.present``'s to allow), and see their scores there afterwards."""
    if _is_moderator(user, room):
        return True
    if room.roadshow.status == RoadshowStatus.CANCELLED:
        return False
    return _pitches_here(user, room) and _view(user, room)


@rule("live.team_results")
def _team_results(user: Any, room: Any) -> bool:
    """A team's own pitches' scores (averages and counts, never who gave
    which), once the roadshow has ended: members of an organization that
    pitched in it."""
    if room.roadshow.status not in (RoadshowStatus.CLOSED, RoadshowStatus.ARCHIVED):
        return False
    return _pitches_here(user, room)


@rule("live.scores")
def _scores(user: Any, room: Any) -> bool:
    """Every score with its scorer, and their export: organizers."""
    return permissions.is_organizer(user)
