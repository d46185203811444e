"""The live room's limits: how long a question or a chat message may be, and
how often each user may act (counted in the shared cache — Redis at scale — so
every worker counts against the same budget).  The frame schema and the
services both read the text limits from here."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import ratelimit

# Characters of a question or a chat message as stored: once every run of
# whitespace is one space.  The room page's input fields say the same.
QUESTION_MAX = 500
CHAT_MAX = 300

# A moderator's message to the presenting team; a poll's question and options.
NOTE_MAX = 120
POLL_QUESTION_MAX = 200
POLL_OPTION_MAX = 80
POLL_OPTIONS = (2, 6)
# A room's scoring criteria: how many, and how long each.
CRITERIA = (1, 10)
CRITERION_MAX = 40

# Characters a frame's text field may carry before that (a pasted text's
# extra whitespace); a longer field makes the frame malformed.  Beyond the
# text limit above, these only bound what the server reads.
QUESTION_FRAME_MAX = 2000
CHAT_FRAME_MAX = 1000
NOTE_FRAME_MAX = 500

# action → (how many, per seconds); LIVE_RATE_LIMITS in settings overrides.
DEFAULTS = {
    "ask": (5, 60),
    "vote": (60, 60),
    "chat": (10, 30),
    "moderate": (600, 60),
    "note": (20, 60),
    "poll": (30, 60),
    "score": (60, 60),
}


def limit_of(action: str) -> tuple[int, int]:
    return getattr(settings, "LIVE_RATE_LIMITS", {}).get(action, DEFAULTS[action])


def allow(action: str, user_id: int) -> bool:
    """Count one ``action`` by the user; False once the window's budget is spent."""
    count, window = limit_of(action)
    return ratelimit.allow(f"live-{action}", user_id, limit=count, window=window)


def too_often(count: int, window: int) -> str:
    """What a user past a budget is told (the live room and the meeting
    rooms alike)."""
    return _("操作太频繁：每 %(window)s 秒最多 %(count)s 次，请稍后再试。") % {
        "window": window,
        "count": count,
    }
