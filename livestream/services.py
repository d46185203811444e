"""What happens in a live room.  Every change is written first — the row and a
``RoomEvent`` with the room's next sequence number, in one transaction — and
broadcast after commit through :func:`livestream.broadcast.publish`.

The functions are synchronous (consumers call them through
``database_sync_to_async``) and check permissions on every call: a frame is
judged by who sends it now, not by what they could do when they connected.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from accounts.services import user_by_login
from achievements.selectors import achievements_published_to
from events.enums import SlotKind
from events.models import Roadshow, Slot
from events.services import programme_timeline
from events.signals import roadshow_changed

from . import broadcast, limits, rules
from .enums import Audience, QuestionStatus, SanctionKind
from .models import (
    ChatMessage,
    PresenceSlice,
    Question,
    Room,
    RoomEvent,
    Sanction,
    Vote,
)

QUESTION_MAX = 500
CHAT_MAX = 300
CHAT_BACKLOG = 100


class LiveError(Exception):
    """A refused action: ``code`` for programs, ``message`` for people."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def resume_limit() -> int:
    return getattr(settings, "LIVE_RESUME_LIMIT", 1000)


# ---------------------------------------------------------------- rooms


def room_of(roadshow: Roadshow) -> Room:
    room, _created = Room.objects.get_or_create(roadshow=roadshow)
    return room


def _room(room_id: int) -> Room:
    try:
        return Room.objects.select_related("roadshow").get(pk=room_id)
    except Room.DoesNotExist as exc:
        raise LiveError("not_found", _("直播间不存在。")) from exc


def _fresh(user: Any) -> Any:
    """Forget the memberships cached on a long-lived user object (a WebSocket's
    user lives for the whole connection)."""
    permissions.forget(user)
    return user


@dataclass(frozen=True)
class Access:
    room_id: int
    can_view: bool
    is_moderator: bool
    can_participate: bool


def access(*, user: Any, roadshow_id: int) -> Access | None:
    """The room of a roadshow and what the user may do there; None if there is
    no such roadshow.  The room is created on first use."""
    roadshow = Roadshow.objects.filter(pk=roadshow_id).first()
    if roadshow is None:
        return None
    room = room_of(roadshow)
    room.roadshow = roadshow
    _fresh(user)
    return Access(
        room_id=room.pk,
        can_view=permissions.user_can(user, "live.view", room),
        is_moderator=permissions.user_can(user, "live.moderate", room),
        can_participate=permissions.user_can(user, "live.participate", room),
    )


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
    verdicts = {}
    for pk in user_ids:
        user = users.get(pk)
        if user is None:
            continue
        verdicts[pk] = Access(
            room_id=room.pk,
            can_view=permissions.user_can(user, "live.view", room),
            is_moderator=permissions.user_can(user, "live.moderate", room),
            can_participate=permissions.user_can(user, "live.participate", room),
        )
    return verdicts


def _require(user: Any, action: str, room: Room) -> None:
    _fresh(user)
    if permissions.user_can(user, action, room):
        return
    if action == "live.moderate":
        raise LiveError("forbidden", _("只有主持人可以这样做。"))
    if not (user is not None and user.is_authenticated):
        raise LiveError("login_required", _("请先登录再提问、点赞或发言。"))
    if room.sanctions.filter(user_id=user.pk, kind=SanctionKind.MUTE).exists():
        raise LiveError("muted", _("你已被主持人禁言。"))
    if not permissions.user_can(user, "live.view", room):
        raise LiveError("forbidden", _("你无权进入这个直播间。"))
    raise LiveError("closed", _("路演不在直播中，暂不能提问或发言。"))


def _throttle(action: str, user: Any) -> None:
    if not limits.allow(action, user.pk):
        count, window = limits.limit_of(action)
        raise LiveError(
            "rate_limited",
            _("操作太频繁：每 %(window)s 秒最多 %(count)s 次，请稍后再试。")
            % {"window": window, "count": count},
        )


def _emit(
    room: Room,
    kind: str,
    data: dict,
    *,
    private: dict | None = None,
    audience: str = Audience.ALL,
    user_id: int | None = None,
) -> RoomEvent:
    """Give the change the room's next sequence number and log it; broadcast
    once the surrounding transaction commits.  The counter's row stays locked
    until then, so numbers are given in commit order, without holes."""
    with connection.cursor() as cursor:  # one statement (PostgreSQL and SQLite)
        cursor.execute(
            f"UPDATE {Room._meta.db_table} SET seq = seq + 1 WHERE id = %s RETURNING seq",
            [room.pk],
        )
        seq = cursor.fetchone()[0]
    event = RoomEvent.objects.create(
        room_id=room.pk,
        seq=seq,
        kind=kind,
        audience=audience,
        user_id=user_id,
        data=data,
        private=private or {},
    )
    wire = event_wire(event)
    transaction.on_commit(lambda: broadcast.publish(room.pk, wire))
    return event


def _page_changed(roadshow_id: int) -> None:
    """The roadshow's public page shows the answered questions: refresh it."""
    roadshow_changed.send(sender=Room, roadshow_id=roadshow_id)


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


def event_wire(event: RoomEvent) -> dict:
    """An event as the hubs pass it on (before filtering for each viewer)."""
    return {
        "seq": event.seq,
        "kind": event.kind,
        "aud": event.audience,
        "user": event.user_id,
        "data": event.data,
        "private": event.private,
    }


def for_viewer(wire: dict, *, user_id: int | None, moderator: bool) -> dict | None:
    """The event as this viewer receives it, or None if it is not for them."""
    if wire["aud"] != Audience.ALL and not moderator:
        if user_id is None or wire["user"] != user_id:
            return None
    data = {**wire["data"], **wire["private"]} if moderator else wire["data"]
    return {"seq": wire["seq"], "kind": wire["kind"], "data": data}


# ---------------------------------------------------------------- serializing


def _name(user: User) -> str:
    return user.name or user.username


def question_data(question: Question) -> tuple[dict, dict]:
    """(what everyone may see, what moderators see in addition)."""
    public = {
        "id": question.pk,
        "text": question.text,
        "author": None if question.anonymous else _name(question.author),
        "anonymous": question.anonymous,
        "slot": question.slot_id,
        "achievement": question.achievement_id,
        "status": question.status,
        "votes": question.votes,
        "answered": question.answered_at is not None,
        "created": question.created_at.isoformat(),
        "cid": question.client_id,
    }
    private = {
        "author": _name(question.author),
        "author_id": question.author_id,
        "original_text": question.original_text,
    }
    return public, private


def chat_data(message: ChatMessage) -> tuple[dict, dict]:
    return (
        {
            "id": message.pk,
            "text": message.text,
            "author": _name(message.author),
            "created": message.created_at.isoformat(),
            "cid": message.client_id,
        },
        {"author_id": message.author_id},
    )


def _current_slot_id(room: Room, timeline=None, now=None) -> int | None:
    """Now presenting: the moderators' choice, else the programme's clock
    (the pitch whose time it is, by the same timing as programme_timeline)."""
    if room.current_slot_id:
        return room.current_slot_id
    now = now or timezone.now()
    if timeline is not None:
        slots = [(t.slot.pk, t.slot.kind, t.start, t.end) for t in timeline]
    else:
        at, slots = room.roadshow.start, []
        for pk, kind, minutes in Slot.objects.filter(
            roadshow_id=room.roadshow_id
        ).values_list("pk", "kind", "duration_minutes"):  # in programme order
            end = at + dt.timedelta(minutes=minutes)
            slots.append((pk, kind, at, end))
            at = end
    for pk, kind, start, end in slots:
        if start <= now < end and kind == SlotKind.PITCH:
            return pk
    return None


def snapshot(*, user: Any, room_id: int) -> dict:
    """Everything a viewer needs to draw the room, with the sequence number it
    is current to."""
    room = _room(room_id)
    _fresh(user)
    if not permissions.user_can(user, "live.view", room):
        raise LiveError("forbidden", _("你无权进入这个直播间。"))
    moderator = permissions.user_can(user, "live.moderate", room)
    user_id = user.pk if user.is_authenticated else None
    with transaction.atomic():
        seq = Room.objects.filter(pk=room.pk).values_list("seq", flat=True).get()
        room.refresh_from_db(fields=["premoderation", "current_slot", "pinned"])
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
    sanctions = (
        [
            {"user": s.user_id, "name": _name(s.user), "kind": s.kind}
            for s in room.sanctions.select_related("user").order_by("created_at")
        ]
        if moderator
        else []
    )
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
            "current_slot": _current_slot_id(room, timeline),
            "pinned": room.pinned_id,
        },
        "programme": programme,
        "questions": question_list,
        "chat": chat_list,
        "voted": voted,
        "sanctions": sanctions,
        "me": {
            "id": user_id,
            "name": _name(user) if user_id else "",
            "moderator": moderator,
            "can_participate": permissions.user_can(user, "live.participate", room),
        },
    }


def missed(*, user: Any, room_id: int, last: int) -> dict:
    """What the viewer missed since ``last``, in order — or a fresh snapshot if
    ``last`` is not a number this room gave, or too much has happened since."""
    room = _room(room_id)
    _fresh(user)
    if not permissions.user_can(user, "live.view", room):
        raise LiveError("forbidden", _("你无权进入这个直播间。"))
    seq = Room.objects.filter(pk=room.pk).values_list("seq", flat=True).get()
    if last < 0 or last > seq or seq - last > resume_limit():
        return snapshot(user=user, room_id=room_id)
    moderator = permissions.user_can(user, "live.moderate", room)
    user_id = user.pk if user.is_authenticated else None
    events = []
    for event in RoomEvent.objects.filter(room=room, seq__gt=last, seq__lte=seq):
        shown = for_viewer(event_wire(event), user_id=user_id, moderator=moderator)
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


def last_seq(room_id: int) -> int:
    return Room.objects.filter(pk=room_id).values_list("seq", flat=True).get()


# ---------------------------------------------------------------- audience


def _slot_for(room: Room, slot_id: int | None) -> Slot | None:
    if slot_id is None:
        current = _current_slot_id(room)
        return Slot.objects.filter(pk=current).first() if current else None
    slot = Slot.objects.filter(pk=slot_id, roadshow_id=room.roadshow_id).first()
    if slot is None:
        raise LiveError("bad_slot", _("这个路演项目不属于本场路演。"))
    return slot


def ask(
    *,
    user: Any,
    room_id: int,
    text: str,
    client_id: str,
    anonymous: bool = False,
    slot_id: int | None = None,
) -> Question:
    room = _room(room_id)
    _require(user, "live.participate", room)
    text = " ".join(text.split())
    if not text:
        raise LiveError("invalid", _("问题不能为空。"))
    if len(text) > QUESTION_MAX:
        raise LiveError("invalid", _("问题最多 %(max)s 个字。") % {"max": QUESTION_MAX})
    existing = Question.objects.filter(
        room=room, author_id=user.pk, client_id=client_id
    ).first()
    if existing is not None:  # a retried send: stored once
        return existing
    _throttle("ask", user)
    slot = _slot_for(room, slot_id)
    try:
        premoderated = room.premoderation  # as loaded for this action
        with transaction.atomic():
            question = Question.objects.create(
                room=room,
                slot=slot,
                achievement_id=slot.achievement_id if slot else None,
                author=user,
                anonymous=anonymous,
                text=text,
                client_id=client_id,
                status=(
                    QuestionStatus.PENDING if premoderated else QuestionStatus.APPROVED
                ),
            )
            public, private = question_data(question)
            if premoderated:
                _emit(
                    room,
                    "question",
                    public,
                    private=private,
                    audience=Audience.MODERATORS,
                    user_id=user.pk,
                )
            else:
                _emit(room, "question", public, private=private)
    except IntegrityError:  # the same client id raced in on another worker
        return Question.objects.get(room=room, author_id=user.pk, client_id=client_id)
    return question


def vote(*, user: Any, room_id: int, question_id: int, on: bool) -> int:
    """Upvote (``on``) or take the vote back; returns the question's count."""
    room = _room(room_id)
    _require(user, "live.participate", room)
    _throttle("vote", user)
    with transaction.atomic():
        question = (
            Question.objects.select_for_update()
            .filter(pk=question_id, room=room, status=QuestionStatus.APPROVED)
            .first()
        )
        if question is None:
            raise LiveError("not_found", _("问题不存在或不在这个直播间。"))
        if on:
            try:
                with transaction.atomic():
                    Vote.objects.create(question=question, user=user)
            except IntegrityError:
                return question.votes  # already voted: nothing changes
            question.votes += 1
        else:
            deleted, _rows = Vote.objects.filter(question=question, user=user).delete()
            if not deleted:
                return question.votes
            question.votes -= 1
        Question.objects.filter(pk=question.pk).update(votes=question.votes)
        _emit(room, "votes", {"id": question.pk, "votes": question.votes})
    return question.votes


def chat(*, user: Any, room_id: int, text: str, client_id: str) -> ChatMessage:
    room = _room(room_id)
    _require(user, "live.participate", room)
    text = " ".join(text.split())
    if not text:
        raise LiveError("invalid", _("消息不能为空。"))
    if len(text) > CHAT_MAX:
        raise LiveError("invalid", _("消息最多 %(max)s 个字。") % {"max": CHAT_MAX})
    existing = ChatMessage.objects.filter(
        room=room, author_id=user.pk, client_id=client_id
    ).first()
    if existing is not None:
        return existing
    _throttle("chat", user)
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                room=room, author=user, text=text, client_id=client_id
            )
            public, private = chat_data(message)
            _emit(room, "chat", public, private=private)
    except IntegrityError:
        return ChatMessage.objects.get(
            room=room, author_id=user.pk, client_id=client_id
        )
    return message


# ---------------------------------------------------------------- moderation

MODERATION_ACTIONS = ("approve", "dismiss", "pin", "unpin", "answered", "unanswered")


def moderate(
    *, user: Any, room_id: int, action: str, question_id: int, text: str | None = None
) -> Question:
    """Approve (optionally with edited words), dismiss, pin "now answering",
    unpin, or mark (un)answered one question."""
    room = _room(room_id)
    _require(user, "live.moderate", room)
    if action not in MODERATION_ACTIONS:
        raise LiveError("invalid", _("未知的操作。"))
    _throttle("moderate", user)
    with transaction.atomic():
        question = (
            Question.objects.select_for_update()
            .select_related("author")
            .filter(pk=question_id, room=room)
            .first()
        )
        if question is None:
            raise LiveError("not_found", _("问题不存在或不在这个直播间。"))
        was_shown = question.status == QuestionStatus.APPROVED
        if action == "approve":
            if text is not None:
                words = " ".join(text.split())
                if not words or len(words) > QUESTION_MAX:
                    raise LiveError(
                        "invalid",
                        _("问题不能为空，最多 %(max)s 个字。") % {"max": QUESTION_MAX},
                    )
                if words != question.text:
                    question.original_text = question.original_text or question.text
                    question.text = words
            question.status = QuestionStatus.APPROVED
        elif action == "dismiss":
            question.status = QuestionStatus.DISMISSED
        elif action in ("pin", "unpin"):
            if action == "pin" and question.status != QuestionStatus.APPROVED:
                raise LiveError("invalid", _("只能置顶已展示的问题。"))
            pinned = question.pk if action == "pin" else None
            current = Room.objects.filter(pk=room.pk).values_list("pinned", flat=True)
            if action == "unpin" and current.get() != question.pk:
                return question
            Room.objects.filter(pk=room.pk).update(pinned=pinned)
            _emit(room, "pin", {"id": pinned})
            return question
        elif action == "answered":
            question.answered_at = question.answered_at or timezone.now()
        elif action == "unanswered":
            question.answered_at = None
        question.save(update_fields=["status", "text", "original_text", "answered_at"])
        if room.publish_answered:
            transaction.on_commit(lambda: _page_changed(room.roadshow_id))
        if action == "dismiss" and Room.objects.filter(
            pk=room.pk, pinned=question.pk
        ).update(pinned=None):
            _emit(room, "pin", {"id": None})
        public, private = question_data(question)
        if question.status == QuestionStatus.APPROVED or was_shown:
            _emit(room, "question", public, private=private)
        else:  # still pending, or dismissed unseen: moderators only
            _emit(
                room, "question", public, private=private, audience=Audience.MODERATORS
            )
    return question


def chat_delete(*, user: Any, room_id: int, message_id: int) -> None:
    room = _room(room_id)
    _require(user, "live.moderate", room)
    with transaction.atomic():
        updated = ChatMessage.objects.filter(
            pk=message_id, room=room, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), deleted_by=user)
        if updated:
            _emit(room, "chat_delete", {"id": message_id})


def sanction(
    *, user: Any, room_id: int, target_id: int, kind: str, active: bool
) -> None:
    """Mute a user (they can still watch) or remove them from the room (their
    connections close and they cannot come back), or lift either."""
    room = _room(room_id)
    _require(user, "live.moderate", room)
    if kind not in SanctionKind.values:
        raise LiveError("invalid", _("未知的操作。"))
    target = User.objects.filter(pk=target_id).first()
    if target is None:
        raise LiveError("not_found", _("用户不存在。"))
    if target.pk == user.pk or permissions.user_can(target, "live.moderate", room):
        raise LiveError("invalid", _("不能对主持人这样做。"))
    with transaction.atomic():
        if active:
            _row, created = Sanction.objects.get_or_create(
                room=room, user=target, kind=kind, defaults={"by": user}
            )
            changed = created
        else:
            changed = bool(
                Sanction.objects.filter(room=room, user=target, kind=kind).delete()[0]
            )
        if changed:
            _emit(
                room,
                "sanction",
                {
                    "user": target.pk,
                    "name": _name(target),
                    "kind": kind,
                    "active": active,
                },
                audience=Audience.MODERATORS,
                user_id=target.pk,
            )


def room_update(
    *,
    user: Any,
    room_id: int,
    premoderation: bool | None = None,
    current_slot: int | None | str = "",
    publish_answered: bool | None = None,
) -> Room:
    """Switch pre-moderation; set "now presenting" (None: follow the clock);
    publish the answered questions on the roadshow's page, or stop."""
    room = _room(room_id)
    _require(user, "live.moderate", room)
    with transaction.atomic():
        locked = (
            Room.objects.select_for_update().select_related("roadshow").get(pk=room.pk)
        )
        if premoderation is not None:
            locked.premoderation = premoderation
        if publish_answered is not None:
            if publish_answered != locked.publish_answered:
                transaction.on_commit(lambda: _page_changed(locked.roadshow_id))
            locked.publish_answered = publish_answered
        if current_slot != "":
            if (
                current_slot is not None
                and not Slot.objects.filter(
                    pk=current_slot, roadshow_id=locked.roadshow_id
                ).exists()
            ):
                raise LiveError("bad_slot", _("这个路演项目不属于本场路演。"))
            locked.current_slot_id = current_slot
        locked.save(update_fields=["premoderation", "current_slot", "publish_answered"])
        _emit(locked, "room", _room_data(locked))
    return locked


def _room_data(room: Room) -> dict:
    return {
        "status": room.roadshow.status,
        "premoderation": room.premoderation,
        "current_slot": _current_slot_id(room),
        "publish_answered": room.publish_answered,
    }


def room_announce(*, roadshow_id: int) -> None:
    """The roadshow changed (it went live, closed, was cancelled…): tell the
    room, whose viewers may now ask, or not."""
    room = (
        Room.objects.select_related("roadshow").filter(roadshow_id=roadshow_id).first()
    )
    if room is None:
        return
    with transaction.atomic():
        _emit(room, "room", _room_data(room))


def is_moderator(*, user: Any, room_id: int) -> bool:
    room = _room(room_id)
    _fresh(user)
    return permissions.user_can(user, "live.moderate", room)


def presence_total(room_id: int, *, fresh_seconds: float) -> int:
    since = timezone.now() - dt.timedelta(seconds=fresh_seconds)
    counts = PresenceSlice.objects.filter(room_id=room_id, updated_at__gte=since)
    return sum(counts.values_list("count", flat=True))


def presence_report(
    room_id: int, worker: str, count: int, *, fresh_seconds: float
) -> int:
    """Record this worker's connections in the room; return the room's total."""
    PresenceSlice.objects.update_or_create(
        room_id=room_id,
        worker=worker,
        defaults={"count": count, "updated_at": timezone.now()},
    )
    return presence_total(room_id, fresh_seconds=fresh_seconds)


def moderator_add(*, room: Room, login: str) -> User:
    """Name a moderator by username or email."""
    user = user_by_login(login)
    if user is None:
        raise LiveError("not_found", _("没有这个用户名或邮箱的账户。"))
    room.moderators.add(user)
    return user


def moderator_remove(*, room: Room, user_id) -> None:
    try:
        user_id = int(user_id)
        room.moderators.remove(user_id)
    except (TypeError, ValueError) as exc:
        raise LiveError("not_found", _("用户不存在。")) from exc
    # Their open sockets are judged again now, not at the next upkeep.
    transaction.on_commit(
        lambda: broadcast.access_changed(room_id=room.pk, user_ids=[user_id])
    )
