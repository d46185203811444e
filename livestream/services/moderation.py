"""What moderators do: one function per action on a question (approve,
approve as edited, dismiss, pin, unpin, mark answered or not), deleting a chat
message, muting or removing a user, the room's settings; and the organizers'
naming of moderators and judges, and the scoring criteria; messages to the
presenting team."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User
from accounts.services import user_by_login
from events.models import Slot

from .. import broadcast
from ..enums import Audience, QuestionStatus, SanctionKind
from ..errors import LiveError
from ..limits import CRITERIA, CRITERION_MAX, NOTE_MAX, QUESTION_MAX
from ..models import ChatMessage, PitchScore, Question, Room, RoomEvent, Sanction
from ..selectors import current_slot_end, current_slot_id, room_by_id
from ..wire import display_name, question_data
from .base import collapse, emit, page_changed, require, throttle

# ---------------------------------------------------------------- questions


def _moderated_room(user: Any, room_id: int) -> Room:
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    throttle("moderate", user)
    return room


def _locked_question(room: Room, question_id: int) -> Question:
    """The room's question, locked until the transaction ends."""
    question = (
        Question.objects.select_for_update()
        .select_related("author")
        .filter(pk=question_id, room=room)
        .first()
    )
    if question is None:
        raise LiveError("not_found", _("问题不存在或不在这个直播间。"))
    return question


def _save(room: Room, question: Question) -> None:
    question.save(update_fields=["status", "text", "original_text", "answered_at"])
    if room.publish_answered:
        transaction.on_commit(lambda: page_changed(room.roadshow_id))


def _tell(room: Room, question: Question, *, was_shown: bool) -> None:
    """The question's new state: to everyone once it is (or was) shown, else
    (still pending, or dismissed unseen) to the moderators only."""
    public, private = question_data(question)
    if question.status == QuestionStatus.APPROVED or was_shown:
        emit(room, "question", public, private=private)
    else:
        emit(room, "question", public, private=private, audience=Audience.MODERATORS)


def question_approve(*, user: Any, room_id: int, question_id: int) -> Question:
    """Show a question to everyone."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        was_shown = question.status == QuestionStatus.APPROVED
        question.status = QuestionStatus.APPROVED
        _save(room, question)
        _tell(room, question, was_shown=was_shown)
    return question


def question_approve_edited(
    *, user: Any, room_id: int, question_id: int, text: str
) -> Question:
    """Show a question to everyone in the moderator's words; the asker's own
    words are kept for the moderators."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        was_shown = question.status == QuestionStatus.APPROVED
        words = collapse(text)
        if not words or len(words) > QUESTION_MAX:
            raise LiveError(
                "invalid",
                _("问题不能为空，最多 %(max)s 个字。") % {"max": QUESTION_MAX},
            )
        if words != question.text:
            question.original_text = question.original_text or question.text
            question.text = words
        question.status = QuestionStatus.APPROVED
        _save(room, question)
        _tell(room, question, was_shown=was_shown)
    return question


def question_dismiss(*, user: Any, room_id: int, question_id: int) -> Question:
    """Hide a question (the asker is not told); unpinned if it was pinned."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        was_shown = question.status == QuestionStatus.APPROVED
        question.status = QuestionStatus.DISMISSED
        _save(room, question)
        if Room.objects.filter(pk=room.pk, pinned=question.pk).update(pinned=None):
            emit(room, "pin", {"id": None})
        _tell(room, question, was_shown=was_shown)
    return question


def question_pin(*, user: Any, room_id: int, question_id: int) -> Question:
    """Mark a shown question "now answering" (in place of any other)."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        if question.status != QuestionStatus.APPROVED:
            raise LiveError("invalid", _("只能置顶已展示的问题。"))
        Room.objects.filter(pk=room.pk).update(pinned=question.pk)
        emit(room, "pin", {"id": question.pk})
    return question


def question_unpin(*, user: Any, room_id: int, question_id: int) -> Question:
    """Stop showing the question as "now answering" (if it still is)."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        pinned = Room.objects.filter(pk=room.pk).values_list("pinned", flat=True)
        if pinned.get() != question.pk:
            return question
        Room.objects.filter(pk=room.pk).update(pinned=None)
        emit(room, "pin", {"id": None})
    return question


def question_mark_answered(*, user: Any, room_id: int, question_id: int) -> Question:
    """Answered (first time only): listed on the roadshow's page if the room
    publishes its answered questions."""
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        was_shown = question.status == QuestionStatus.APPROVED
        question.answered_at = question.answered_at or timezone.now()
        _save(room, question)
        _tell(room, question, was_shown=was_shown)
    return question


def question_mark_unanswered(*, user: Any, room_id: int, question_id: int) -> Question:
    room = _moderated_room(user, room_id)
    with transaction.atomic():
        question = _locked_question(room, question_id)
        was_shown = question.status == QuestionStatus.APPROVED
        question.answered_at = None
        _save(room, question)
        _tell(room, question, was_shown=was_shown)
    return question


# ---------------------------------------------------------------- chat and people


def chat_delete(*, user: Any, room_id: int, message_id: int) -> None:
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    with transaction.atomic():
        updated = ChatMessage.objects.filter(
            pk=message_id, room=room, deleted_at__isnull=True
        ).update(deleted_at=timezone.now(), deleted_by=user)
        if updated:
            emit(room, "chat_delete", {"id": message_id})


def sanction(
    *, user: Any, room_id: int, target_id: int, kind: str, active: bool
) -> None:
    """Mute a user (they can still watch) or remove them from the room (their
    connections close and they cannot come back), or lift either."""
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
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
            emit(
                room,
                "sanction",
                {
                    "user": target.pk,
                    "name": display_name(target),
                    "kind": kind,
                    "active": active,
                },
                audience=Audience.MODERATORS,
                user_id=target.pk,
            )


# ---------------------------------------------------------------- the room


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
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    with transaction.atomic():
        locked = (
            Room.objects.select_for_update().select_related("roadshow").get(pk=room.pk)
        )
        if premoderation is not None:
            locked.premoderation = premoderation
        if publish_answered is not None:
            if publish_answered != locked.publish_answered:
                transaction.on_commit(lambda: page_changed(locked.roadshow_id))
            locked.publish_answered = publish_answered
        if current_slot != "":
            if (
                current_slot is not None
                and not Slot.objects.filter(
                    pk=current_slot, roadshow_id=locked.roadshow_id
                ).exists()
            ):
                raise LiveError("bad_slot", _("这个路演项目不属于本场路演。"))
            if current_slot != locked.current_slot_id:
                locked.current_since = timezone.now() if current_slot else None
            locked.current_slot_id = current_slot
        locked.save(
            update_fields=[
                "premoderation",
                "current_slot",
                "current_since",
                "publish_answered",
            ]
        )
        emit(locked, "room", _room_data(locked))
    return locked


def _room_data(room: Room) -> dict:
    return {
        "status": room.roadshow.status,
        "premoderation": room.premoderation,
        "current_slot": current_slot_id(room),
        "current_end": _iso(current_slot_end(room)),
        "publish_answered": room.publish_answered,
    }


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def room_announce(*, roadshow_id: int) -> None:
    """The roadshow changed (it went live, closed, was cancelled…): tell the
    room, whose viewers may now ask, or not."""
    room = (
        Room.objects.select_related("roadshow").filter(roadshow_id=roadshow_id).first()
    )
    if room is None:
        return
    with transaction.atomic():
        emit(room, "room", _room_data(room))


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


# ---------------------------------------------------------------- the team on stage


def presenter_note(*, user: Any, room_id: int, text: str) -> RoomEvent:
    """A moderator's message to the presenting team ("还剩两分钟"): shown on
    the presenter view and to the moderators, never to the audience."""
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    words = collapse(text)
    if not words:
        raise LiveError("invalid", _("消息不能为空。"))
    if len(words) > NOTE_MAX:
        raise LiveError("invalid", _("消息最多 %(max)s 个字。") % {"max": NOTE_MAX})
    throttle("note", user)
    with transaction.atomic():
        return emit(
            room,
            "presenter_note",
            {
                "text": words,
                "by": display_name(user),
                "created": timezone.now().isoformat(),
            },
            audience=Audience.PRESENTERS,
        )


# ---------------------------------------------------------------- judges, criteria


def judge_add(*, room: Room, login: str) -> User:
    """Name a judge (who scores the pitches) by username or email."""
    user = user_by_login(login)
    if user is None:
        raise LiveError("not_found", _("没有这个用户名或邮箱的账户。"))
    room.judges.add(user)
    return user


def judge_remove(*, room: Room, user_id) -> None:
    try:
        room.judges.remove(int(user_id))
    except (TypeError, ValueError) as exc:
        raise LiveError("not_found", _("用户不存在。")) from exc


def criteria_set(*, room: Room, criteria: list[str]) -> list[str]:
    """The criteria the room's pitches are scored on (fixed once anybody has
    scored: the marks given must keep their meaning)."""
    cleaned = [collapse(c) for c in criteria]
    cleaned = [c for c in cleaned if c]
    low, high = CRITERIA
    if not low <= len(cleaned) <= high:
        raise LiveError(
            "invalid",
            _("评分维度应有 %(low)s 到 %(high)s 项。") % {"low": low, "high": high},
        )
    if any(len(c) > CRITERION_MAX for c in cleaned):
        raise LiveError(
            "invalid", _("每项评分维度最多 %(max)s 个字。") % {"max": CRITERION_MAX}
        )
    if len(set(cleaned)) != len(cleaned):
        raise LiveError("invalid", _("评分维度不能重复。"))
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if cleaned == list(locked.score_criteria):
            return cleaned
        if PitchScore.objects.filter(slot__roadshow_id=locked.roadshow_id).exists():
            raise LiveError("scored", _("已经有人评分，不能再修改评分维度。"))
        locked.score_criteria = cleaned
        locked.save(update_fields=["score_criteria"])
        emit(locked, "criteria", {"criteria": cleaned})
    room.score_criteria = cleaned
    return cleaned
