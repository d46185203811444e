"""The one rate-limit counter, the one client address, and the login delay.

Counters are fixed windows in the shared cache (Redis at scale), so every
worker counts against the same budget."""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
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


def client_address(request) -> str | None:
    """The client's address, as far as we can trust it: every throttle that
    keys on an address (axes' lockout, the objection limit) asks here.

    With ``TRUSTED_PROXY_COUNT`` = n proxies in front of the platform, each
    appending the address it was reached from to X-Forwarded-For, the client
    is the n-th entry from the right: the entries left of it are whatever the
    client sent, so never the left-most. With 0 (the default, no proxy),
    REMOTE_ADDR. A request that did not pass all n proxies, or a malformed
    entry, falls back to REMOTE_ADDR; None when there is no address at all.
    """
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if len(hops) < count:
        return remote
    return _address(hops[-count]) or remote


def _address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


# The login delay: after LOGIN_DELAY_AFTER failed passwords for one username
# (from anywhere), each further try must wait a delay that doubles up to
# LOGIN_DELAY_MAX; a try during the delay is answered without checking the
# password and does not count. The owner gets in once the delay is over, and
# no one can lock an account out for long. Brute force from one address is
# axes' per-address lockout.


def _login_key(login: str) -> str:
    digest = hashlib.sha256(login.strip().casefold().encode()).hexdigest()[:32]
    return f"login:{digest}"


def _login_delay(failures: int) -> int:
    steps = failures - settings.LOGIN_DELAY_AFTER
    return min(
        settings.LOGIN_DELAY_BASE * 2 ** min(steps, 30), settings.LOGIN_DELAY_MAX
    )


def login_wait(login: str) -> int:
    """0 when a password may be checked for ``login`` now (the try is claimed:
    tries that arrive meanwhile wait), else the seconds to wait."""
    key = _login_key(login)
    failures = cache.get(f"{key}:failures", 0)
    if failures < settings.LOGIN_DELAY_AFTER:
        return 0
    delay = _login_delay(failures)
    if cache.add(f"{key}:gate", time.time() + delay, timeout=delay):
        return 0
    until = cache.get(f"{key}:gate")
    return max(1, math.ceil(until - time.time())) if until else 1


def login_failed(login: str) -> None:
    """A password checked for ``login`` was wrong."""
    key = _login_key(login)
    memory = settings.LOGIN_FAILURE_MEMORY
    try:
        failures = cache.incr(f"{key}:failures")
    except ValueError:
        cache.add(f"{key}:failures", 0, timeout=memory)
        failures = cache.incr(f"{key}:failures")
    cache.touch(f"{key}:failures", memory)
    if failures >= settings.LOGIN_DELAY_AFTER:
        delay = _login_delay(failures)
        cache.set(f"{key}:gate", time.time() + delay, timeout=delay)


def login_succeeded(login: str) -> None:
    key = _login_key(login)
    cache.delete_many([f"{key}:failures", f"{key}:gate"])
