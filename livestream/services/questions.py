"""A viewer's questions: ask one, vote for one."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from events.models import Slot

from ..enums import Audience, QuestionStatus
from ..errors import LiveError
from ..limits import QUESTION_MAX
from ..models import Question, Room, Vote
from ..selectors import current_slot_id, room_by_id
from ..wire import question_data
from .base import collapse, emit, require, throttle


def _slot_for(room: Room, slot_id: int | None) -> Slot | None:
    if slot_id is None:
        current = current_slot_id(room)
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
    """Ask a question about the pitch ``slot_id`` (default: the one presenting
    now).  Shown at once, or to the moderators first when the room
    pre-moderates; a retried send (same ``client_id``) is stored once."""
    room = room_by_id(room_id)
    require(user, "live.participate", room)
    text = collapse(text)
    if not text:
        raise LiveError("invalid", _("问题不能为空。"))
    if len(text) > QUESTION_MAX:
        raise LiveError("invalid", _("问题最多 %(max)s 个字。") % {"max": QUESTION_MAX})
    existing = Question.objects.filter(
        room=room, author_id=user.pk, client_id=client_id
    ).first()
    if existing is not None:  # a retried send: stored once
        return existing
    throttle("ask", user)
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
                emit(
                    room,
                    "question",
                    public,
                    private=private,
                    audience=Audience.MODERATORS,
                    user_id=user.pk,
                )
            else:
                emit(room, "question", public, private=private)
    except IntegrityError:  # the same client id raced in on another worker
        return Question.objects.get(room=room, author_id=user.pk, client_id=client_id)
    return question


def vote(*, user: Any, room_id: int, question_id: int, on: bool) -> int:
    """Upvote (``on``) or take the vote back; returns the question's count."""
    room = room_by_id(room_id)
    require(user, "live.participate", room)
    throttle("vote", user)
    with transaction.atomic():
        question = (
            Question.objects.select_for_update()
            .filter(pk=question_id, room=room, status=QuestionStatus.APPROVED)
            .first()
        )
        if question is None:
            raise LiveError("not_found", _("问题不存在或不在这个直播间。"))
        if on and question.author_id == user.pk:
            raise LiveError("own_question", _("不能为自己的问题投票。"))
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
        emit(room, "votes", {"id": question.pk, "votes": question.votes})
    return question.votes
