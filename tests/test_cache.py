"""The shared cache while Redis is away (roadshow/cache.py): throttles keep
counting in the process, everything else misses, and an invalidation made
meanwhile reaches Redis once it answers again."""

import signal
import time

import pytest

from bench.faults import ThrowawayRedis
from roadshow.cache import ResilientRedisCache


def _cache(url: str) -> ResilientRedisCache:
    return ResilientRedisCache(
        url, {"OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}
    )


def test_an_unreachable_redis_misses_and_throttles_count_locally():
    cache = _cache("redis://127.0.0.1:1/0")  # nobody listens there
    assert cache.get("perm:memberships:version") is None
    assert cache.get("page:/", "fallback") == "fallback"
    cache.set("page:/", "<html>")
    assert cache.get("page:/") is None  # nothing served from this process
    assert cache.add("rate:ask:7:1", 0) is True
    assert [cache.incr("rate:ask:7:1") for _ in range(3)] == [1, 2, 3]
    with pytest.raises(ValueError):
        cache.incr("perm:memberships:version")


def test_an_invalidation_made_while_redis_stalls_reaches_it_afterwards():
    try:
        redis = ThrowawayRedis()
    except FileNotFoundError:
        pytest.skip("redis-server is not installed")
    with redis:
        cache = _cache(redis.url)
        cache.set("perm:memberships:v2:7:1", [(1, "team", "", True)], None)
        cache.set("perm:memberships:version", 1, None)
        redis.process.send_signal(signal.SIGSTOP)  # a stall: its data stays
        try:
            started = time.monotonic()
            cache.delete("perm:memberships:v2:7:1")  # times out: kept
            with pytest.raises(ValueError):
                cache.incr("perm:memberships:version")
            assert time.monotonic() - started < 5
        finally:
            redis.process.send_signal(signal.SIGCONT)
        # The first call that reaches Redis replays both, in order.
        assert cache.get("perm:memberships:version") == 2
        assert cache.get("perm:memberships:v2:7:1") is None
