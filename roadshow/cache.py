"""The shared cache that degrades instead of failing: when Redis is down or
restarting, every cache call falls back to this process's own memory, so
pages still render (a cache miss), sessions are read from the database
(``cached_db``), and rate limits keep counting — per worker, until Redis is
back — instead of every request failing with a ``ConnectionError``.

Only a lost connection falls back; any other error is raised as usual."""

import functools
import logging
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

LOST = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)

# The calls every other cache method is built on.
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


class ResilientRedisCache(RedisCache):
    # One warning per outage and per process, not one per request.
    WARN_EVERY = 30.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache(
            f"resilient-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)}
        )
        self._warned = 0.0

    def _lost(self, name: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned > self.WARN_EVERY:
            self._warned = now
            log.warning(
                "cache: Redis unreachable (%s: %s); this process's memory "
                "stands in until it is back",
                name,
                error,
            )


def _resilient(name: str):
    shared = getattr(RedisCache, name)
    local = getattr(LocMemCache, name)

    @functools.wraps(shared)
    def call(self, *args, **kwargs):
        try:
            return shared(self, *args, **kwargs)
        except LOST as error:
            self._lost(name, error)
            return local(self._fallback, *args, **kwargs)

    return call


for _name in WRAPPED:
    setattr(ResilientRedisCache, _name, _resilient(_name))
