"""The shared cache that degrades instead of failing while Redis is down or
restarting.

- Rate-limit counters (keys starting with one of ``LOCAL_PREFIXES``) count in
  this process's memory meanwhile: throttles keep working, per worker.
- Everything else misses: a read returns the default (pages render from the
  database, sessions are read from the database — ``cached_db``), a write is
  dropped.  Nothing cached is served from a process's own memory, so no
  worker keeps using what another worker has invalidated.
- An invalidation that could not reach Redis (a ``delete``, a version bumped
  with ``incr``) is kept and replayed by this process on its first call that
  reaches Redis again: a Redis that comes back with its data (or a timeout
  that was only a timeout) never serves what was invalidated meanwhile.

Only a lost connection degrades; any other error is raised as usual."""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

LOST = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

# The rate limits' and the login delay's counters (accounts.ratelimit).
LOCAL_PREFIXES = ("rate:", "login:")


class ResilientRedisCache(RedisCache):
    # One warning per outage and per process, not one per request.
    WARN_EVERY = 30.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(
            f"resilient-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._warned = 0.0
        self._pending: list[tuple[str, tuple, dict]] = []
        self._pending_lock = threading.Lock()

    def _lost(self, name: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned > self.WARN_EVERY:
            self._warned = now
            log.warning(
                "cache: Redis unreachable (%s: %s); degraded until it is back",
                name,
                error,
            )

    def _replay(self) -> None:
        """Invalidations made while Redis was away, in order, once."""
        with self._pending_lock:
            pending, self._pending = self._pending, []
        for index, (name, args, kwargs) in enumerate(pending):
            try:
                getattr(RedisCache, name)(self, *args, **kwargs)
            except ValueError:  # incr of a key Redis no longer has: gone anyway
                pass
            except LOST:
                with self._pending_lock:
                    self._pending[:0] = pending[index:]
                raise

    def _keep(self, name: str, args: tuple, kwargs: dict) -> None:
        with self._pending_lock:
            self._pending.append((name, args, kwargs))


def _is_local(key) -> bool:
    return isinstance(key, str) and key.startswith(LOCAL_PREFIXES)


def _degraded(self, name: str, args: tuple, kwargs: dict):
    """What a call does while Redis is away."""
    key = args[0] if args else kwargs.get("key")
    if name in ("get", "add", "set", "touch", "incr", "has_key", "delete"):
        if _is_local(key):
            return getattr(LocMemCache, name)(self._local, *args, **kwargs)
    if name == "get":
        return kwargs.get("default", args[1] if len(args) > 1 else None)
    if name == "get_many":
        return {}
    if name in ("has_key", "add", "touch"):
        return False
    if name == "set":
        return None
    if name == "set_many":
        return list(args[0] if args else kwargs.get("data", {}))
    if name in ("delete", "delete_many", "incr"):
        self._keep(name, args, kwargs)
        if name == "incr":
            raise ValueError("Redis is unreachable: the bump is kept for later")
        return False
    if name == "clear":
        self._keep(name, args, kwargs)
        return None
    raise AssertionError(name)


WRAPPED = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


def _resilient(name: str):
    shared = getattr(RedisCache, name)

    def call(self, *args, **kwargs):
        try:
            if self._pending:
                self._replay()
            return shared(self, *args, **kwargs)
        except LOST as error:
            self._lost(name, error)
            return _degraded(self, name, args, kwargs)

    call.__name__ = name
    call.__doc__ = shared.__doc__
    return call


for _name in WRAPPED:
    setattr(ResilientRedisCache, _name, _resilient(_name))
