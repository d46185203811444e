"""What changes in a live room.  Every change is written first — the row and a
``RoomEvent`` with the room's next sequence number, in one transaction — and
broadcast after commit through :func:`livestream.broadcast.publish`.

The functions are synchronous (consumers call them through
``database_sync_to_async``) and check permissions on every call: a frame is
judged by who sends it now, not by what they could do when they connected.

- ``questions``: ask, vote
- ``chat``: chat_send
- ``moderation``: one function per moderator action on a question, chat
  deletion, sanctions, the room's settings, naming moderators
- ``polls``: poll_open, poll_answer, poll_close
- ``scores``: pitch_score
- ``presence``: a worker's count of viewers
- ``base``: what every write shares (permission, rate limit, the event log)

Reads live in :mod:`livestream.selectors`, the wire format in
:mod:`livestream.wire`.  ``room_of`` and ``LiveError`` are re-exported here
for callers that change a room.
"""

from ..errors import LiveError
from ..selectors import room_of
from .chat import chat_send
from .moderation import (
    chat_delete,
    criteria_set,
    judge_add,
    judge_remove,
    moderator_add,
    moderator_remove,
    presenter_note,
    question_approve,
    question_approve_edited,
    question_dismiss,
    question_mark_answered,
    question_mark_unanswered,
    question_pin,
    question_unpin,
    room_announce,
    room_update,
    sanction,
)
from .polls import poll_answer, poll_close, poll_open
from .presence import presence_report
from .questions import ask, vote
from .scores import pitch_score

__all__ = [
    "LiveError",
    "ask",
    "chat_delete",
    "chat_send",
    "criteria_set",
    "judge_add",
    "judge_remove",
    "moderator_add",
    "moderator_remove",
    "pitch_score",
    "poll_answer",
    "poll_close",
    "poll_open",
    "presence_report",
    "presenter_note",
    "question_approve",
    "question_approve_edited",
    "question_dismiss",
    "question_mark_answered",
    "question_mark_unanswered",
    "question_pin",
    "question_unpin",
    "room_announce",
    "room_of",
    "room_update",
    "sanction",
    "vote",
]
