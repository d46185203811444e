"""Letting a crowd into a live room.  Each viewer's access, and the first
state of the room they are sent, is read on the process's one database
thread; when a thousand viewers come back at once (after an overload, a
network blip, a redeploy) a thousand reads queued there, one after the
other, for a minute.  Here the viewers who arrive while such a read is in
flight wait for the next one, which serves all of them:

- their access: ``selectors.accesses`` reads the room once for all of
  them and judges each person once, the whole signed-out public once;
- the signed-out public's snapshot of the room (the same for all of them, in
  one language): read once and sent as one text.

Each viewer is served by a read that started after they arrived — never by
an older one — so what they are allowed and shown is exactly what it was
when each viewer was read alone.  A read that fails (the database away)
fails for every viewer waiting on it: their pages reconnect with backoff."""

import asyncio
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Any

from channels.db import database_sync_to_async
from django.contrib.auth.models import AnonymousUser
from django.utils import translation

from . import selectors
from .wire import dumps


class _Batch:
    """The callers waiting for one read."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self.lock = threading.Lock()  # the read closes it on the database thread
        self.closed = False
        self.task: asyncio.Future | None = None

    def join(self, item: Any) -> int | None:
        """The item's place in the read, or None once it has started."""
        with self.lock:
            if self.closed:
                return None
            self.items.append(item)
            return len(self.items) - 1

    def close(self) -> list[Any]:
        with self.lock:
            self.closed = True
            return list(self.items)


class Gathered:
    """``read(key, items) -> one result per item`` (or None for all), run on
    the database thread for every caller of ``key`` that arrived before the
    read started."""

    def __init__(self, read: Callable[[Any, list[Any]], list[Any] | None]) -> None:
        self.read = read
        self._waiting: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict] = (
            weakref.WeakKeyDictionary()
        )

    async def __call__(self, key: Hashable, item: Any = None) -> Any:
        waiting = self._waiting.setdefault(asyncio.get_running_loop(), {})
        batch = waiting.get(key)
        place = batch.join(item) if batch is not None else None
        if place is None:
            batch = waiting[key] = _Batch()
            place = batch.join(item)
            batch.task = asyncio.ensure_future(self._run(waiting, key, batch))
        found = await asyncio.shield(batch.task)
        return found[place] if found is not None else None

    async def _run(self, waiting: dict, key: Hashable, batch: _Batch):
        try:
            return await database_sync_to_async(lambda: self.read(key, batch.close()))()
        finally:
            if waiting.get(key) is batch:
                del waiting[key]


def _accesses(key: tuple[int, bool], users: list[Any]) -> list | None:
    roadshow_id, presenter = key
    return selectors.accesses(roadshow_id=roadshow_id, users=users, presenter=presenter)


def _public_snapshots(key: tuple[int, str], waiting: list[Any]) -> list:
    """The room as the signed-out public sees it: (its text, its sequence
    number), once for all who wait."""
    room_id, language = key
    with translation.override(language):
        first = selectors.snapshot(user=AnonymousUser(), room_id=room_id)
    shared = (dumps({"v": 1, **first}), first["seq"])
    return [shared] * len(waiting)


_access = Gathered(_accesses)
_public_snapshot = Gathered(_public_snapshots)


async def access(
    *, user: Any, roadshow_id: int, presenter: bool = False
) -> selectors.Access | None:
    """What ``user`` may do in the roadshow's room (``selectors.access``),
    read together with whoever else is arriving."""
    return await _access((roadshow_id, presenter), user)


async def public_snapshot(*, room_id: int, language: str) -> tuple[str, int]:
    """The room's first state for a signed-out viewer, as a frame's text and
    its sequence number, read together with whoever else is arriving (a
    LiveError, e.g. the room closed to the public, reaches every one)."""
    return await _public_snapshot((room_id, language))
