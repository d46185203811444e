"""Letting a crowd into a live room.  A viewer's access is read on the
process's one database thread; when a thousand viewers come back at once
(after an overload, a network blip, a redeploy) a thousand reads queued
there, one after the other, for seconds.  Here the viewers who arrive while
the room's access is being read wait for the next read, which judges all of
them at once (``selectors.accesses``: a few queries, one verdict per person
and one for the whole signed-out public).

Each viewer is judged by a read that started after they arrived — never by
an older verdict — so a change of rights is seen exactly as when each
viewer was read alone."""

import asyncio
import threading
import weakref
from typing import Any

from channels.db import database_sync_to_async

from . import selectors


class _Batch:
    """The viewers waiting for one read of a room's access."""

    def __init__(self) -> None:
        self.users: list[Any] = []
        self.lock = threading.Lock()  # the read closes it on the database thread
        self.closed = False
        self.task: asyncio.Future | None = None

    def join(self, user: Any) -> int | None:
        """The user's place in the read, or None once it has started."""
        with self.lock:
            if self.closed:
                return None
            self.users.append(user)
            return len(self.users) - 1

    def read(self, roadshow_id: int, presenter: bool) -> list | None:
        with self.lock:
            self.closed = True
            users = list(self.users)
        return selectors.accesses(
            roadshow_id=roadshow_id, users=users, presenter=presenter
        )


_waiting: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict]" = (
    weakref.WeakKeyDictionary()
)


async def access(
    *, user: Any, roadshow_id: int, presenter: bool = False
) -> selectors.Access | None:
    """What ``user`` may do in the roadshow's room (``selectors.access``),
    read together with whoever else is arriving."""
    loop = asyncio.get_running_loop()
    waiting = _waiting.setdefault(loop, {})
    key = (roadshow_id, presenter)
    batch = waiting.get(key)
    place = batch.join(user) if batch is not None else None
    if place is None:
        batch = waiting[key] = _Batch()
        place = batch.join(user)
        batch.task = asyncio.ensure_future(_read(waiting, key, batch))
    found = await asyncio.shield(batch.task)
    return found[place] if found is not None else None


async def _read(waiting: dict, key: tuple, batch: _Batch) -> list | None:
    try:
        return await database_sync_to_async(batch.read)(*key)
    finally:
        if waiting.get(key) is batch:
            del waiting[key]
