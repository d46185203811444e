"""Reads of a live room: who may do what there, the snapshot a viewer starts
from, the events they missed, the answered questions a roadshow's page shows,
and how many watch.

The functions are synchronous (consumers and hubs call them through
``database_sync_to_async``) and judge the user as they are now: a
connection's user object lives as long as the connection.
"""

import datetime as dt
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from achievements.selectors import achievements_published_to
from events.enums import SlotKind
from events.models import Roadshow, Slot
from events.services import programme_timeline

from . import rules
from .enums import Audience, QuestionStatus
from .errors import LiveError
from .models import (
    ChatMessage,
    PitchScore,
    Poll,
    PollVote,
    PresenceSlice,
    Question,
    Room,
    RoomEvent,
    Vote,
)
from .wire import (
    chat_data,
    display_name,
    event_wire,
    for_viewer,
    poll_data,
    question_data,
)

CHAT_BACKLOG = 100
NOTES_BACKLOG = 20
POLLS_BACKLOG = 10


def resume_limit() -> int:
    return getattr(settings, "LIVE_RESUME_LIMIT", 1000)


# ---------------------------------------------------------------- rooms


def room_of(roadshow: Roadshow) -> Room:
    """The roadshow's room, created on first use."""
    room, _created = Room.objects.get_or_create(roadshow=roadshow)
    return room


def room_by_id(room_id: int) -> Room:
    """The room with its roadshow, loaded afresh (rules cache what they read
    on the room object: one object per action)."""
    try:
        return Room.objects.select_related("roadshow").get(pk=room_id)
    except Room.DoesNotExist as exc:
        raise LiveError("not_found", _("直播间不存在。")) from exc


def user_afresh(user: Any) -> Any:
    """Forget the memberships cached on a long-lived user object (a WebSocket's
    user lives for the whole connection)."""
    permissions.forget(user)
    return user


def last_seq(room_id: int) -> int:
    return Room.objects.filter(pk=room_id).values_list("seq", flat=True).get()


def _times(room: Room, timeline=None) -> list[tuple[int, str, Any, Any]]:
    """(pitch, kind, start, end) of each slot, by the programme's clock."""
    if timeline is not None:
        return [(t.slot.pk, t.slot.kind, t.start, t.end) for t in timeline]
    at, slots = room.roadshow.start, []
    for pk, kind, minutes in Slot.objects.filter(
        roadshow_id=room.roadshow_id
    ).values_list("pk", "kind", "duration_minutes"):  # in programme order
        end = at + dt.timedelta(minutes=minutes)
        slots.append((pk, kind, at, end))
        at = end
    return slots


def current_slot_id(room: Room, timeline=None, now=None) -> int | None:
    """Now presenting: the moderators' choice, else the programme's clock
    (the pitch whose time it is, by the same timing as programme_timeline)."""
    if room.current_slot_id:
        return room.current_slot_id
    now = now or timezone.now()
    for pk, kind, start, end in _times(room, timeline):
        if start <= now < end and kind == SlotKind.PITCH:
            return pk
    return None


def current_slot_end(room: Room, timeline=None, now=None):
    """When the pitch on now should end: its length after the moderators put
    it on (a roadshow running late keeps each pitch its time), else its end
    by the programme's clock; None when no pitch is on."""
    slot_id = current_slot_id(room, timeline, now)
    if slot_id is None:
        return None
    for pk, _kind, start, end in _times(room, timeline):
        if pk == slot_id:
            if room.current_slot_id and room.current_since:
                return room.current_since + (end - start)
            return end
    return None


# ---------------------------------------------------------------- access


@dataclass(frozen=True)
class Access:
    room_id: int
    can_view: bool
    is_moderator: bool
    can_participate: bool
    can_present: bool = False
    # The room's sequence number when judged (what a viewer coming back
    # must be brought up to at least).
    seq: int = 0


def _access_of(user: Any, room: Room, *, presenter: bool = True) -> Access:
    """``presenter``: judge the presenter view too (which reads the pitch on
    now: a viewer opening the room page does not need it)."""
    return Access(
        room_id=room.pk,
        can_view=permissions.user_can(user, "live.view", room),
        is_moderator=permissions.user_can(user, "live.moderate", room),
        can_participate=permissions.user_can(user, "live.participate", room),
        can_present=presenter and permissions.user_can(user, "live.present", room),
        seq=room.seq,
    )


def access(*, user: Any, roadshow_id: int, presenter: bool = False) -> Access | None:
    """The room of a roadshow and what the user may do there (with
    ``presenter``, also whether they may open the presenter view); None if
    there is no such roadshow.  The room is created on first use."""
    found = accesses(roadshow_id=roadshow_id, users=[user], presenter=presenter)
    return found[0] if found is not None else None


def accesses(
    *, roadshow_id: int, users: list[Any], presenter: bool = False
) -> list[Access] | None:
    """``access`` for many users at once (a crowd coming into the room
    together): the roadshow and the room read once, moderators and
    sanctions primed for all, each person judged once and the signed-out
    public once for all of them; None if there is no such roadshow."""
    roadshow = Roadshow.objects.filter(pk=roadshow_id).first()
    if roadshow is None:
        return None
    room = room_of(roadshow)
    room.roadshow = roadshow
    signed_in = list({u.pk for u in users if u.is_authenticated})
    if len(signed_in) > 1:
        rules.prime(room, signed_in)
    # Judged once per person (the signed-out public: once for all of them).
    judged: dict[int | None, Access] = {}
    for user in users:
        key = user.pk if user.is_authenticated else None
        if key not in judged:
            judged[key] = _access_of(user_afresh(user), room, presenter=presenter)
    return [judged[u.pk if u.is_authenticated else None] for u in users]


def viewers_access(
    *, room_id: int, user_ids: list[int | None]
) -> dict[int | None, Access]:
    """What each of these connected viewers (``None``: anonymous) may do now,
    judged afresh: each account read again (a deactivated or deleted one gets
    no answer: it may do nothing), with its memberships and the roadshow as
    they are now."""
    room = Room.objects.select_related("roadshow").filter(pk=room_id).first()
    if room is None:
        return {}
    signed_in = [pk for pk in user_ids if pk is not None]
    users: dict[int | None, Any] = {
        user.pk: user for user in User.objects.filter(pk__in=signed_in, is_active=True)
    }
    users[None] = AnonymousUser()
    rules.prime(room, [pk for pk in users if pk is not None])
    return {pk: _access_of(users[pk], room) for pk in user_ids if pk in users}


def sessions_signed_out(*, sessions: list[tuple[int, str]]) -> set[str]:
    """Of these (user id, session key) pairs of open sockets, the keys of the
    sessions that no longer sign their user in: ended, or signed with a
    password the account no longer has (a reset or an organizer's new
    password ends every other session — their sockets too — while the
    session that changed it was signed again and stays)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = {
        user.pk: user
        for user in User.objects.filter(pk__in={pk for pk, _key in sessions})
    }
    out = set()
    for user_id, key in sessions:
        user = users.get(user_id)
        signed = store(session_key=key).get(HASH_SESSION_KEY)
        if (
            user is None
            or signed is None
            or not constant_time_compare(signed, user.get_session_auth_hash())
        ):
            out.add(key)
    return out


def is_moderator(*, user: Any, room_id: int) -> bool:
    room = room_by_id(room_id)
    return permissions.user_can(user_afresh(user), "live.moderate", room)


def presenters_still(*, room_id: int, users: list[Any]) -> list[bool]:
    """Whether each of these presenter views' users may still present (the
    pitch on now is their organization's): judged afresh, the pitch on now
    read once for them all."""
    room = room_by_id(room_id)
    return [
        permissions.user_can(user_afresh(user), "live.present", room) for user in users
    ]


def _viewable(user: Any, room_id: int) -> Room:
    room = room_by_id(room_id)
    if not permissions.user_can(user_afresh(user), "live.view", room):
        raise LiveError("forbidden", _("你无权进入这个直播间。"))
    return room


# ---------------------------------------------------------------- what a viewer sees


def _presenting(user: Any, room: Room, presenter: bool) -> bool:
    """A presenter view's user must (still) be allowed one."""
    if presenter and not permissions.user_can(user, "live.present", room):
        raise LiveError("not_presenting", _("现在不是你们团队的路演时间。"))
    return presenter


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def snapshot(*, user: Any, room_id: int, presenter: bool = False) -> dict:
    """Everything a viewer needs to draw the room, with the sequence number it
    is current to (a presenter view: also the moderators' messages to the
    team)."""
    room = _viewable(user, room_id)
    presenter = _presenting(user, room, presenter)
    moderator = permissions.user_can(user, "live.moderate", room)
    user_id = user.pk if user.is_authenticated else None
    with transaction.atomic():
        seq = last_seq(room.pk)
        room.refresh_from_db(
            fields=["premoderation", "current_slot", "current_since", "pinned"]
        )
        timeline = programme_timeline(roadshow=room.roadshow)
        shown = achievements_published_to(
            user=user,
            ids=[t.slot.achievement_id for t in timeline if t.slot.achievement_id],
        )
        questions = Question.objects.filter(room=room).select_related("author")
        if not moderator:
            mine = Q(author_id=user_id) if user_id else Q(pk__in=[])
            questions = questions.filter(Q(status=QuestionStatus.APPROVED) | mine)
        else:
            questions = questions.exclude(status=QuestionStatus.DISMISSED)
        question_list = []
        for question in questions:
            public, private = question_data(question)
            if moderator:
                public.update(private)
            elif question.status == QuestionStatus.DISMISSED:
                public["status"] = QuestionStatus.PENDING  # the asker is not told
            question_list.append(public)
        chat = list(
            ChatMessage.objects.filter(room=room, deleted_at__isnull=True)
            .select_related("author")
            .order_by("-created_at", "-id")[:CHAT_BACKLOG]
        )
        chat_list = []
        for message in reversed(chat):
            public, private = chat_data(message)
            chat_list.append({**public, **private} if moderator else public)
        voted = (
            list(
                Vote.objects.filter(question__room=room, user_id=user_id).values_list(
                    "question_id", flat=True
                )
            )
            if user_id
            else []
        )
        # The user's own questions (not votable by them); an anonymous
        # question's author stays hidden from everyone else.
        mine = (
            list(
                Question.objects.filter(room=room, author_id=user_id).values_list(
                    "pk", flat=True
                )
            )
            if user_id
            else []
        )
        polls, my_answers = _polls(room, user_id)
        notes = (
            [
                {**event.data, "seq": event.seq}
                for event in reversed(
                    RoomEvent.objects.filter(
                        room=room,
                        kind="presenter_note",
                        audience=Audience.PRESENTERS,
                    ).order_by("-seq")[:NOTES_BACKLOG]
                )
            ]
            if moderator or presenter
            else []
        )
        my_scores = _my_scores(room, user_id)
    sanctions = (
        [
            {"user": s.user_id, "name": display_name(s.user), "kind": s.kind}
            for s in room.sanctions.select_related("user").order_by("created_at")
        ]
        if moderator
        else []
    )
    teams = permissions.organization_ids(user)
    programme = []
    for item in timeline:
        slot = item.slot
        visible = slot.achievement_id in shown
        programme.append(
            {
                "id": slot.pk,
                "kind": slot.kind,
                "title": (
                    slot.achievement.title
                    if visible
                    else slot.title or slot.get_kind_display()
                ),
                "achievement": slot.achievement_id if visible else None,
                "team": slot.team.name if slot.team_id and visible else "",
                "presenters": slot.presenters if visible else "",
                # The user's own organization's pitch (not theirs to score).
                "own": bool(slot.team_id and slot.team_id in teams),
                "start": item.start.isoformat(),
                "end": item.end.isoformat(),
            }
        )
    roadshow = room.roadshow
    return {
        "t": "snapshot",
        "seq": seq,
        "room": {
            "id": room.pk,
            "roadshow": roadshow.pk,
            "title": roadshow.title,
            "status": roadshow.status,
            "premoderation": room.premoderation,
            "current_slot": current_slot_id(room, timeline),
            "current_end": _iso(current_slot_end(room, timeline)),
            "pinned": room.pinned_id,
            "criteria": list(room.score_criteria),
        },
        "programme": programme,
        "questions": question_list,
        "chat": chat_list,
        "voted": voted,
        "mine": mine,
        "sanctions": sanctions,
        "polls": polls,
        "poll_answers": my_answers,
        "notes": notes,
        "scores": my_scores,
        "me": {
            "id": user_id,
            "name": display_name(user) if user_id else "",
            "moderator": moderator,
            "presenter": presenter,
            "can_participate": permissions.user_can(user, "live.participate", room),
            "can_score": permissions.user_can(user, "live.score", room),
        },
    }


def poll_results(poll: Poll) -> tuple[dict[int, int], int]:
    """(how many chose each option, how many answered) of one poll."""
    counts: dict[int, int] = {}
    voters = set()
    for option_id, voter in PollVote.objects.filter(poll=poll).values_list(
        "option_id", "user_id"
    ):
        counts[option_id] = counts.get(option_id, 0) + 1
        voters.add(voter)
    return counts, len(voters)


def _polls(room: Room, user_id: int | None) -> tuple[list[dict], dict[str, list]]:
    """The room's latest polls with their results, and the user's answers."""
    polls = list(
        Poll.objects.filter(room=room)
        .prefetch_related("options")
        .order_by("-created_at", "-id")[:POLLS_BACKLOG]
    )
    counts: dict[int, dict[int, int]] = {poll.pk: {} for poll in polls}
    voters: dict[int, set[int]] = {poll.pk: set() for poll in polls}
    for poll_id, option_id, voter in PollVote.objects.filter(
        poll__in=polls
    ).values_list("poll_id", "option_id", "user_id"):
        counts[poll_id][option_id] = counts[poll_id].get(option_id, 0) + 1
        voters[poll_id].add(voter)
    shown = [
        poll_data(poll, counts[poll.pk], len(voters[poll.pk]))
        for poll in reversed(polls)
    ]
    answers: dict[str, list] = {}
    if user_id:
        for poll_id, option_id in PollVote.objects.filter(
            poll__in=polls, user_id=user_id
        ).values_list("poll_id", "option_id"):
            answers.setdefault(str(poll_id), []).append(option_id)
    return shown, answers


def _my_scores(room: Room, user_id: int | None) -> dict[str, dict[str, int]]:
    """The user's own scores in the room: pitch → criterion → value."""
    if not user_id:
        return {}
    mine: dict[str, dict[str, int]] = {}
    for slot_id, criterion, value in PitchScore.objects.filter(
        slot__roadshow_id=room.roadshow_id, user_id=user_id
    ).values_list("slot_id", "criterion", "value"):
        mine.setdefault(str(slot_id), {})[criterion] = value
    return mine


def missed(*, user: Any, room_id: int, last: int, presenter: bool = False) -> dict:
    """What the viewer missed since ``last``, in order — or a fresh snapshot if
    ``last`` is not a number this room gave, or too much has happened since."""
    room = _viewable(user, room_id)
    presenter = _presenting(user, room, presenter)
    seq = last_seq(room.pk)
    if last < 0 or last > seq or seq - last > resume_limit():
        return snapshot(user=user, room_id=room_id, presenter=presenter)
    moderator = permissions.user_can(user, "live.moderate", room)
    user_id = user.pk if user.is_authenticated else None
    events = []
    for event in RoomEvent.objects.filter(room=room, seq__gt=last, seq__lte=seq):
        shown = for_viewer(
            event_wire(event),
            user_id=user_id,
            moderator=moderator,
            presenter=presenter,
        )
        if shown is not None:
            events.append(shown)
    return {"t": "events", "seq": seq, "events": events}


def events_between(room_id: int, after: int, upto: int) -> list[dict]:
    """The logged events after ``after`` up to ``upto`` (for hubs that saw a gap)."""
    return [
        event_wire(event)
        for event in RoomEvent.objects.filter(
            room_id=room_id, seq__gt=after, seq__lte=upto
        )
    ]


# ---------------------------------------------------------------- elsewhere


def answered_questions(*, roadshow: Roadshow) -> list[Question]:
    """The answered questions a roadshow's page shows, if its room publishes them."""
    room = Room.objects.filter(roadshow=roadshow, publish_answered=True).first()
    if room is None:
        return []
    return list(
        Question.objects.filter(
            room=room, status=QuestionStatus.APPROVED, answered_at__isnull=False
        )
        .select_related("author", "slot__achievement")
        .order_by("slot__position", "-votes", "answered_at")
    )


def presence_total(room_id: int, *, fresh_seconds: float) -> int:
    """How many watch the room: the counts its workers reported lately."""
    since = timezone.now() - dt.timedelta(seconds=fresh_seconds)
    counts = PresenceSlice.objects.filter(room_id=room_id, updated_at__gte=since)
    return sum(counts.values_list("count", flat=True))


# ---------------------------------------------------------------- pitch scores


def slot_label(slot: Slot, shown: set[int]) -> str:
    """A pitch as the room's programme names it to a user who sees the
    achievements ``shown``."""
    if slot.achievement_id in shown:
        return slot.achievement.title
    return slot.title or slot.get_kind_display()


@dataclass(frozen=True)
class PitchResult:
    slot: Slot
    label: str
    scorers: int
    # (criterion, average or None, how many marked it), in the room's order.
    criteria: list[tuple[str, float | None, int]]
    average: float | None


def pitch_results(*, room: Room, user: Any, team_ids: set[int] | None = None):
    """Each pitch's averages and counts per criterion (never who gave
    which); only the pitches of ``team_ids`` when given."""
    slots = Slot.objects.filter(
        roadshow_id=room.roadshow_id, kind=SlotKind.PITCH
    ).select_related("achievement")
    if team_ids is not None:
        slots = slots.filter(team_id__in=team_ids)
    slots = list(slots.order_by("position", "id"))
    shown = achievements_published_to(
        user=user, ids=[s.achievement_id for s in slots if s.achievement_id]
    )
    criteria = list(room.score_criteria)
    marks: dict[int, dict[str, list[int]]] = {}
    scorers: dict[int, set[int]] = {}
    for slot_id, user_id, criterion, value in PitchScore.objects.filter(
        slot__in=slots, criterion__in=criteria
    ).values_list("slot_id", "user_id", "criterion", "value"):
        marks.setdefault(slot_id, {}).setdefault(criterion, []).append(value)
        scorers.setdefault(slot_id, set()).add(user_id)
    results = []
    for slot in slots:
        rows = []
        for criterion in criteria:
            values = marks.get(slot.pk, {}).get(criterion, [])
            rows.append(
                (criterion, sum(values) / len(values) if values else None, len(values))
            )
        averages = [avg for _c, avg, _n in rows if avg is not None]
        results.append(
            PitchResult(
                slot=slot,
                label=slot_label(slot, shown),
                scorers=len(scorers.get(slot.pk, ())),
                criteria=rows,
                average=sum(averages) / len(averages) if averages else None,
            )
        )
    return results


def pitch_score_sheets(*, room: Room) -> list[tuple[Slot, User, dict[str, int], Any]]:
    """Every scorer's marks per pitch (for organizers): (pitch, scorer,
    criterion → mark, last changed), in programme order."""
    sheets: dict[tuple[int, int], tuple[Slot, User, dict[str, int], Any]] = {}
    for score in (
        PitchScore.objects.filter(slot__roadshow_id=room.roadshow_id)
        .select_related("slot__achievement", "user")
        .order_by("slot__position", "slot_id", "user_id", "id")
    ):
        key = (score.slot_id, score.user_id)
        if key not in sheets:
            sheets[key] = (score.slot, score.user, {}, score.updated_at)
        slot, scorer, marks, when = sheets[key]
        marks[score.criterion] = score.value
        if score.updated_at > when:
            sheets[key] = (slot, scorer, marks, score.updated_at)
    return list(sheets.values())
