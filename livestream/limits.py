"""Per-user rate limits for live-room actions, counted in the shared cache
(Redis at scale), so every worker counts against the same budget."""

from django.conf import settings

from accounts import ratelimit

# action → (how many, per seconds); LIVE_RATE_LIMITS in settings overrides.
DEFAULTS = {
    "ask": (5, 60),
    "vote": (60, 60),
    "chat": (10, 30),
    "moderate": (600, 60),
}


def limit_of(action: str) -> tuple[int, int]:
    return getattr(settings, "LIVE_RATE_LIMITS", {}).get(action, DEFAULTS[action])


def allow(action: str, user_id: int) -> bool:
    """Count one ``action`` by the user; False once the window's budget is spent."""
    count, window = limit_of(action)
    return ratelimit.allow(f"live-{action}", user_id, limit=count, window=window)
