"""What the meeting rooms read: who may enter and as what, whether the room
is still writable, a person's first state, the events missed, who is in,
the next meeting, and the organizers' board."""

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from accounts import permissions
from accounts.models import User
from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import MatchSlot, Meeting, MeetingRequest
from matchmaking.selectors import achievement_titles, meetings_of
from matchmaking.video import provider_of

from . import limits
from .models import (
    MeetingRoom,
    RoomDocument,
    RoomEvent,
    RoomMessage,
    RoomNote,
    RoomVisit,
)
from .rules import named_sides, room_side, side_in
from .wire import document_data, message_data

SIDES = ("team", "investor")


@dataclass(frozen=True)
class Access:
    meeting: Meeting
    side: str  # "team", "investor" or "organizer"

    @property
    def is_organizer(self) -> bool:
        return self.side == "organizer"


def meeting_of(meeting_id: int) -> Meeting | None:
    return (
        Meeting.objects.select_related(
            "slot",
            "place",
            "session__roadshow",
            "request__achievement",
            "request__team_org",
            "request__investor_org",
        )
        .filter(pk=meeting_id)
        .order_by()
        .first()
    )


def access(*, user: Any, meeting_id: int) -> Access | None:
    """How the user is in the room, judged now; None for anyone who may not
    enter — whether or not the meeting exists, the answer is the same."""
    meeting = meeting_of(meeting_id)
    if meeting is None:
        return None
    if user is not None and user.is_authenticated:
        # A socket's user lives for the whole connection: read it afresh.
        permissions.forget(user)
        try:
            user.refresh_from_db(fields=["is_active", "is_superuser"])
        except type(user).DoesNotExist:
            return None
    side = room_side(user, meeting)
    return None if side is None else Access(meeting, side)


@dataclass(frozen=True)
class Seat:
    """Who acts in which room, judged now from one lean row: what every
    frame's service asks before it writes."""

    meeting_id: int
    room_id: int | None
    side: str
    closed: str | None


@functools.cache
def _seat_sql(vendor: str) -> str:
    """The statement behind ``seat_now``, written out once: every frame of
    every room runs it, and building it through the ORM cost more than
    running it."""
    q = connection.ops.quote_name
    attendees = MeetingRequest.attendees.through._meta
    table = {
        model: q(model._meta.db_table)
        for model in (Meeting, MatchSlot, MeetingRequest, MeetingRoom, User)
    }
    return (
        "SELECT u.is_active, u.is_superuser, m.published_at IS NOT NULL, "
        f"m.status = %s OR q.status <> %s, s.{q('end')} <= %s, r.id, "
        f"EXISTS (SELECT 1 FROM {q(attendees.db_table)} a "
        "WHERE a.meetingrequest_id = m.request_id AND a.user_id = u.id), "
        "q.requester_id, q.direction, q.team_org_id, q.investor_org_id "
        f"FROM {table[Meeting]} m "
        f"JOIN {table[MatchSlot]} s ON s.id = m.slot_id "
        f"JOIN {table[MeetingRequest]} q ON q.id = m.request_id "
        f"JOIN {table[User]} u ON u.id = %s "
        f"LEFT JOIN {table[MeetingRoom]} r ON r.meeting_id = m.id "
        "WHERE m.id = %s"
    )


def seat_now(*, user: Any, meeting_id: int) -> Seat | None:
    """The user's seat in the meeting's room now (None: refused, whether or
    not the meeting exists): one row of the meeting with the account's
    standing, and the memberships (from the shared cache)."""
    if user is None or not user.is_authenticated:
        return None
    permissions.forget(user)
    ended_by = timezone.now() - dt.timedelta(minutes=limits.grace_minutes())
    with connection.cursor() as cursor:
        cursor.execute(
            _seat_sql(connection.vendor),
            [
                MeetingStatus.CANCELLED,
                RequestStatus.ACCEPTED,
                connection.ops.adapt_datetimefield_value(ended_by),
                user.pk,
                meeting_id,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    (active, superuser, published, cancelled, ended, room_id, attending) = row[:7]
    requester_id, direction, team_org_id, investor_org_id = row[7:]
    user.is_active, user.is_superuser = bool(active), bool(superuser)
    side = side_in(
        user,
        published=bool(published),
        requester_id=requester_id,
        attending=bool(attending),
        direction=direction,
        team_org_id=team_org_id,
        investor_org_id=investor_org_id,
    )
    if side is None:
        return None
    return Seat(
        meeting_id=meeting_id,
        room_id=room_id,
        side=side,
        closed=_closed(cancelled=bool(cancelled), ended=bool(ended)),
    )


def room_for(meeting: Meeting) -> MeetingRoom:
    room, _created = MeetingRoom.objects.get_or_create(meeting=meeting)
    return room


def closes_at(meeting: Meeting) -> dt.datetime:
    return meeting.slot.end + dt.timedelta(minutes=limits.grace_minutes())


def _closed(*, cancelled: bool, ended: bool) -> str | None:
    if cancelled:
        return "cancelled"
    return "ended" if ended else None


def closed_reason(meeting: Meeting, now: dt.datetime | None = None) -> str | None:
    """Why the room is read-only ("cancelled", "ended"), or None: open."""
    return _closed(
        cancelled=meeting.status == MeetingStatus.CANCELLED
        or meeting.request.status != RequestStatus.ACCEPTED,
        ended=(now or timezone.now()) >= closes_at(meeting),
    )


def video_of(room: MeetingRoom, meeting: Meeting) -> dict:
    url = room.video_url or meeting.place.video_url
    return {
        "url": url,
        "provider": provider_of(url) if url else None,
        "default": bool(url) and not room.video_url,
    }


def state_of(meeting: Meeting) -> dict:
    now = timezone.now()
    return {
        "starts": meeting.slot.start.isoformat(),
        "ends": meeting.slot.end.isoformat(),
        "closes": closes_at(meeting).isoformat(),
        "now": now.isoformat(),
        "closed": closed_reason(meeting, now),
    }


def next_meeting(*, user: Any, meeting: Meeting) -> dict | None:
    """The user's next published meeting after this one, with its room."""
    following = (
        meetings_of(user=user)
        .filter(session_id=meeting.session_id, slot__start__gte=meeting.slot.end)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(pk=meeting.pk)
        .first()
    )
    if following is None:
        return None
    title = achievement_titles(user=user, requests=[following.request])
    return {
        "id": following.pk,
        "starts": following.slot.start.isoformat(),
        "title": title[following.request_id],
        "place": following.place.name,
        "url": reverse("meetrooms:room", args=[following.pk]),
    }


def present(room_id: int) -> list[dict]:
    """Who is in the room now: one entry per person, with their side."""
    fresh = timezone.now() - dt.timedelta(seconds=limits.presence_fresh_seconds())
    rows = (
        RoomVisit.objects.filter(
            room_id=room_id, left_at__isnull=True, seen_at__gte=fresh
        )
        .select_related("user")
        .order_by("entered_at")
    )
    people: dict[int, dict] = {}
    for visit in rows:
        people.setdefault(
            visit.user_id,
            {
                "user": visit.user_id,
                "name": visit.user.name or visit.user.username,
                "side": visit.side,
            },
        )
    return list(people.values())


def presence_frame(room_id: int) -> dict:
    people = present(room_id)
    sides = {side: any(p["side"] == side for p in people) for side in SIDES}
    return {"v": 1, "t": "presence", "people": people, "sides": sides}


def last_seq(room_id: int) -> int:
    return (
        MeetingRoom.objects.filter(pk=room_id).values_list("seq", flat=True).first()
        or 0
    )


def events_between(room_id: int, after: int, upto: int) -> list[dict]:
    """The room's events after ``after`` up to ``upto``, as sent."""
    from .wire import event_wire

    return [
        event_wire(event)
        for event in RoomEvent.objects.filter(
            room_id=room_id, seq__gt=after, seq__lte=upto
        ).order_by("seq")
    ]


def _header(access: Access, room: MeetingRoom, user: Any) -> dict:
    """Read after the room's sequence number: a link changed since the room
    was first read is shown, not lost between the two."""
    meeting = access.meeting
    room.refresh_from_db(fields=["video_url"])
    presence = presence_frame(room.pk)
    return {
        "presence": {"people": presence["people"], "sides": presence["sides"]},
        "meeting": meeting.pk,
        "me": {"user": user.pk, "side": access.side},
        "state": state_of(meeting),
        "video": video_of(room, meeting),
        "next": next_meeting(user=user, meeting=meeting),
    }


def snapshot(*, access: Access, room: MeetingRoom, user: Any) -> dict:
    """A person's first state: the room as it is, up to its sequence."""
    seq = last_seq(room.pk)
    messages = list(
        RoomMessage.objects.filter(room=room)
        .select_related("author")
        .order_by("-created_at", "-id")[: limits.SNAPSHOT_MESSAGES]
    )
    documents = RoomDocument.objects.filter(
        room=room, removed_at__isnull=True
    ).select_related("uploaded_by")
    note = RoomNote.objects.filter(room=room, user=user).values_list("text", flat=True)
    return {
        "t": "snapshot",
        "seq": seq,
        **_header(access, room, user),
        "messages": [message_data(m) for m in reversed(messages)],
        "documents": [document_data(d, room.meeting_id) for d in documents],
        "note": note.first() or "",
    }


def missed(*, access: Access, room: MeetingRoom, user: Any, last: int) -> dict:
    """What a reconnecting page missed since ``last`` (a number this room
    gave; anything else gets a fresh snapshot)."""
    seq = last_seq(room.pk)
    if last < 0 or last > seq or seq - last > limits.SNAPSHOT_MESSAGES:
        return snapshot(access=access, room=room, user=user)
    return {
        "t": "events",
        "seq": seq,
        "resumed": True,
        **_header(access, room, user),
        "events": events_between(room.pk, last, seq),
    }


def sides_of_meeting(meeting: Meeting) -> dict[int, str]:
    """user id → side, for the meeting's named people (``rules.named_sides``)."""
    return named_sides(meeting.request)


def board(*, session: Any, slot: Any | None) -> list[dict]:
    """The organizers' live board: the session's published meetings (in one
    slot, or all), each with who of each side is in its room now, whether
    each side has entered at all, and its state."""
    meetings = (
        Meeting.objects.filter(session=session, published_at__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related("slot", "place", "request__achievement", "request__team_org")
        .select_related("request__investor_org", "request__requester")
        .prefetch_related("request__attendees")
        .order_by("slot__start", "place__kind", "place_id", "seat")
    )
    if slot is not None:
        meetings = meetings.filter(slot=slot)
    meetings = list(meetings)
    rooms = dict(
        MeetingRoom.objects.filter(meeting__in=meetings).values_list("meeting_id", "pk")
    )
    fresh = timezone.now() - dt.timedelta(seconds=limits.presence_fresh_seconds())
    now_in: dict[int, set[str]] = {}
    for room_id, side in RoomVisit.objects.filter(
        room_id__in=rooms.values(), left_at__isnull=True, seen_at__gte=fresh
    ).values_list("room_id", "side"):
        now_in.setdefault(room_id, set()).add(side)
    ever: dict[int, dict[str, dt.datetime]] = {}
    for row in (
        RoomVisit.objects.filter(room_id__in=rooms.values())
        .values("room_id", "side")
        .annotate(first=Min("entered_at"))
    ):
        ever.setdefault(row["room_id"], {})[row["side"]] = row["first"]
    now = timezone.now()
    rows = []
    for meeting in meetings:
        room_id = rooms.get(meeting.pk)
        inside = now_in.get(room_id, set())
        entered = ever.get(room_id, {})
        request = meeting.request
        people = {"team": [], "investor": []}
        for pk, side in sides_of_meeting(meeting).items():
            person = (
                request.requester
                if pk == request.requester_id
                else next(u for u in request.attendees.all() if u.pk == pk)
            )
            people[side].append(person.name or person.username)
        started = now >= meeting.slot.start
        over = now >= meeting.slot.end
        both = all(side in inside for side in SIDES)
        one = any(side in inside for side in SIDES) and not both
        missing = [side for side in SIDES if side not in entered]
        if both:
            state = "both"
        elif one:
            state = "one"
        elif started and not over and missing:
            state = "waiting"
        else:
            state = "empty"
        rows.append(
            {
                "meeting": meeting,
                "inside": inside,
                "team_in": "team" in inside,
                "investor_in": "investor" in inside,
                "team_entered": entered.get("team"),
                "investor_entered": entered.get("investor"),
                "people": people,
                "phones": {
                    "team": request.team_org.contact_phone,
                    "investor": request.investor_org.contact_phone,
                },
                "state": state,
                "no_show": started
                and bool(missing)
                and (now - meeting.slot.start).total_seconds() > 600,
                "missing": missing,
                "started": started,
                "over": over,
            }
        )
    return rows


def board_slot(session: Any, slot_id: str | None) -> Any | None:
    """The slot the board shows: the one asked for, else the one on now,
    else the next, else None (all)."""
    slots = session.slots.order_by("start")
    if slot_id and slot_id.isdigit():
        return slots.filter(pk=slot_id).first()
    if slot_id == "all":
        return None
    now = timezone.now()
    return slots.filter(end__gt=now).first()


def state_frame(*, access: Access) -> dict:
    """What a page is told when its meeting changed (moved, cancelled)."""
    room = room_for(access.meeting)
    return {
        "v": 1,
        "t": "state",
        "state": state_of(access.meeting),
        "video": video_of(room, access.meeting),
    }
