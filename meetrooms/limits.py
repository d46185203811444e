"""A meeting room's limits: text lengths, the frame size, and how often one
user may act (counted in the shared cache, so every worker counts against
the same budget).  ``MEET_RATE_LIMITS`` in settings overrides the rates."""

from django.conf import settings

from accounts import ratelimit

CHAT_MAX = 1000  # characters of a chat message, once whitespace is collapsed
NOTE_MAX = 10_000  # characters of one person's notes
MAX_FRAME_CHARS = 24_000
# How many of the latest chat messages a fresh page is sent.
SNAPSHOT_MESSAGES = 500
# Documents one room may hold (withdrawn ones do not count).
MAX_DOCUMENTS = 30

DEFAULTS = {
    "chat": (20, 30),
    "video": (10, 60),
    "note": (60, 60),
    "document": (10, 600),
}


def limit_of(action: str) -> tuple[int, int]:
    return getattr(settings, "MEET_RATE_LIMITS", {}).get(action, DEFAULTS[action])


def allow(action: str, user_id: int) -> bool:
    count, window = limit_of(action)
    return ratelimit.allow(f"meet-{action}", user_id, limit=count, window=window)


def grace_minutes() -> int:
    """How long after its slot a room stays writable."""
    return int(getattr(settings, "MEET_ROOM_GRACE_MINUTES", 15))


def presence_fresh_seconds() -> int:
    """A connection not heard from for this long no longer counts as in."""
    return int(getattr(settings, "MEET_PRESENCE_FRESH_SECONDS", 75))
