"""The writes of matchmaking: sessions and their places (``sessions``),
requests both ways (``requests``), the scheduling run and hand edits of the
schedule (``scheduling``), meetings on the day and their outcomes
(``meetings``).  Every function checks its own permission."""

from .base import MatchError
from .meetings import meeting_cancel, meeting_mark, outcome_record
from .requests import (
    request_accept,
    request_cancel,
    request_create,
    request_decline,
    requests_expire,
)
from .scheduling import (
    meeting_move,
    schedule_publish,
    schedule_run,
    schedule_start,
    schedule_subject,
)
from .sessions import (
    place_add,
    place_remove,
    place_video_set,
    session_create,
    session_update,
    slot_block,
)

__all__ = [
    "MatchError",
    "meeting_cancel",
    "meeting_mark",
    "meeting_move",
    "outcome_record",
    "place_add",
    "place_video_set",
    "place_remove",
    "request_accept",
    "request_cancel",
    "request_create",
    "request_decline",
    "requests_expire",
    "schedule_publish",
    "schedule_run",
    "schedule_start",
    "schedule_subject",
    "session_create",
    "session_update",
    "slot_block",
]
