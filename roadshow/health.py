"""Two questions a balancer and an operator ask each worker.

``/healthz`` — is this process alive and answering?  It reads nothing: every
worker shares the same database and Redis, so when either is away they all
degrade alike (the 503 page, roadshow/cache.py, the hubs' database check),
and a balancer that took them all out would turn a degraded platform into a
dead one — and hide the worker's own 503 page behind its own.  The balancer
checks this.

``/readyz`` — should this worker receive traffic?  The database, the shared
cache and the channel layer answer, every migration is applied, and the
worker is not being drained for a redeploy (``DRAIN_FILE`` exists).  A
rolling restart waits for it before moving on; monitoring reads it."""

import asyncio
import os
import uuid

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

# Once every migration is applied it stays so for this process's code.
_migrated = False


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _layer_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    token = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


def _channel_layer() -> None:
    async_to_sync(_layer_round_trip)()


def _cache() -> None:
    # The shared cache falls back to memory when Redis is lost; ask Redis.
    client = getattr(cache, "_cache", None)
    if client is not None and hasattr(client, "get_client"):
        client.get_client(write=True).ping()


def _migrations() -> None:
    global _migrated
    if _migrated:
        return
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise RuntimeError(f"{len(pending)} migrations not applied")
    _migrated = True


def _not_draining() -> None:
    drain = getattr(settings, "DRAIN_FILE", "")
    if drain and os.path.exists(drain):
        raise RuntimeError("draining")


def _report(checks: dict) -> JsonResponse:
    results = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:  # noqa: BLE001 — any failure is reported
            results[name] = f"error: {exc.__class__.__name__}"
            if isinstance(exc, RuntimeError):
                results[name] = f"error: {exc}"
    healthy = all(v == "ok" for v in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )


@never_cache
@require_GET
def healthz(request):
    return _report({})


@never_cache
@require_GET
def readyz(request):
    return _report(
        {
            "database": _database,
            "cache": _cache,
            "channel_layer": _channel_layer,
            "migrations": _migrations,
            "draining": _not_draining,
        }
    )
