"""Polls: a moderator puts a question to the room, signed-in viewers answer
(one answer each, changeable until the poll closes), the moderator closes it.
Results travel as counts, coalesced by the hubs like question votes."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import PollStatus
from ..errors import LiveError
from ..limits import POLL_OPTION_MAX, POLL_OPTIONS, POLL_QUESTION_MAX
from ..models import Poll, PollOption, PollVote, Room
from ..selectors import poll_results, room_by_id
from ..wire import poll_data
from .base import collapse, emit, require, throttle


def _locked_poll(room: Room, poll_id: int) -> Poll:
    poll = Poll.objects.select_for_update().filter(pk=poll_id, room=room).first()
    if poll is None:
        raise LiveError("not_found", _("投票不存在或不在这个直播间。"))
    return poll


def poll_open(
    *, user: Any, room_id: int, question: str, options: list[str], multiple: bool
) -> Poll:
    """Put a question with 2–6 options to the room."""
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    question = collapse(question)
    if not question or len(question) > POLL_QUESTION_MAX:
        raise LiveError(
            "invalid",
            _("投票问题不能为空，最多 %(max)s 个字。") % {"max": POLL_QUESTION_MAX},
        )
    texts = [collapse(o) for o in options]
    texts = [t for t in texts if t]
    low, high = POLL_OPTIONS
    if not low <= len(texts) <= high:
        raise LiveError(
            "invalid",
            _("投票应有 %(low)s 到 %(high)s 个选项。") % {"low": low, "high": high},
        )
    if any(len(t) > POLL_OPTION_MAX for t in texts):
        raise LiveError(
            "invalid", _("每个选项最多 %(max)s 个字。") % {"max": POLL_OPTION_MAX}
        )
    if len(set(texts)) != len(texts):
        raise LiveError("invalid", _("选项不能重复。"))
    throttle("moderate", user)
    with transaction.atomic():
        poll = Poll.objects.create(
            room=room, question=question, multiple=multiple, created_by=user
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=n, text=text)
            for n, text in enumerate(texts, 1)
        )
        emit(room, "poll", poll_data(poll, {}, 0))
    return poll


def poll_answer(*, user: Any, room_id: int, poll_id: int, options: list[int]) -> Poll:
    """Answer a poll (or change one's answer) while it is open: one option
    on a single-choice poll, one or more on a multiple-choice one."""
    room = room_by_id(room_id)
    require(user, "live.participate", room)
    throttle("poll", user)
    chosen = set(options)
    with transaction.atomic():
        poll = _locked_poll(room, poll_id)
        if poll.status != PollStatus.OPEN:
            raise LiveError("closed", _("投票已结束。"))
        valid = set(poll.options.values_list("pk", flat=True))
        if not chosen or not chosen <= valid:
            raise LiveError("invalid", _("请选择这个投票的选项。"))
        if len(chosen) != len(options):
            raise LiveError("invalid", _("同一个选项只能选一次。"))
        if not poll.multiple and len(chosen) != 1:
            raise LiveError("invalid", _("这是单选投票，只能选一项。"))
        mine = PollVote.objects.filter(poll=poll, user=user)
        if set(mine.values_list("option_id", flat=True)) == chosen:
            return poll  # the same answer again: nothing changes
        mine.delete()
        try:
            with transaction.atomic():
                PollVote.objects.bulk_create(
                    PollVote(poll=poll, option_id=o, user=user, multiple=poll.multiple)
                    for o in sorted(chosen)
                )
        except IntegrityError as exc:  # only under a concurrent answer, refused
            raise LiveError("invalid", _("这是单选投票，只能选一项。")) from exc
        _tell_results(room, poll)
    return poll


def poll_close(*, user: Any, room_id: int, poll_id: int) -> Poll:
    """Stop taking answers; the results stay on show."""
    room = room_by_id(room_id)
    require(user, "live.moderate", room)
    throttle("moderate", user)
    with transaction.atomic():
        poll = _locked_poll(room, poll_id)
        if poll.status == PollStatus.CLOSED:
            return poll
        poll.status = PollStatus.CLOSED
        poll.closed_at = timezone.now()
        poll.save(update_fields=["status", "closed_at"])
        counts, voters = poll_results(poll)
        emit(room, "poll", poll_data(poll, counts, voters))
    return poll


def _tell_results(room: Room, poll: Poll) -> None:
    counts, voters = poll_results(poll)
    emit(
        room,
        "poll_votes",
        {
            "id": poll.pk,
            "counts": {str(k): v for k, v in counts.items()},
            "voters": voters,
        },
    )
