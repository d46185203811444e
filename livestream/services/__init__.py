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
    moderator_add,
    moderator_remove,
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
from .presence import presence_report
from .questions import ask, vote

__all__ = [
    "LiveError",
    "ask",
    "chat_delete",
    "chat_send",
    "moderator_add",
    "moderator_remove",
    "presence_report",
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
