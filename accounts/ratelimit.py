"""The one rate-limit counter: fixed windows counted in the shared cache (Redis
at scale), so every worker counts against the same budget."""

import time

from django.core.cache import cache


def allow(scope: str, who: object, *, limit: int, window: int) -> bool:
    """Count one action of ``who`` in ``scope``; False once this window's
    ``limit`` is spent."""
    key = f"rate:{scope}:{who}:{int(time.time() // window)}"
    try:
        count = cache.incr(key)
    except ValueError:  # the window's first action (or its key just expired)
        cache.add(key, 0, timeout=window * 2)
        count = cache.incr(key)
    return count <= limit
