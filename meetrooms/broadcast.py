"""The one way a meeting room's changes leave the process that wrote them:
one channel-layer message to the room's group (its few connections, in any
worker), sent after the transaction commits.  A lost message costs nothing:
each connection fills a gap in the sequence from the database.

A change made by a socket's frame is not sent from the worker thread that
wrote it (a hop back to the event loop, the thread waiting): it waits in
the frame's outbox, which the socket sends from its event loop as soon as
the service returns (``sending``)."""

import contextlib
import contextvars
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

_outbox: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "meet_outbox", default=None
)


def group_of(room_id: int) -> str:
    return f"meet_room_{int(room_id)}"


def _send(room_id: int, message: dict) -> None:
    box = _outbox.get()
    if box is not None:
        box.append((room_id, message))
        return
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_of(room_id), message)
    except Exception:  # logged; connections catch up from the database
        log.exception("meeting room %s: %s failed", room_id, message["type"])


@contextlib.asynccontextmanager
async def sending(layer):
    """Within: what the services publish is kept (the context reaches the
    worker threads they run in); on leaving, sent through ``layer`` — also
    when the action failed after its transaction committed."""
    box: list = []
    token = _outbox.set(box)
    try:
        yield
    finally:
        _outbox.reset(token)
        for room_id, message in box:
            try:
                await layer.group_send(group_of(room_id), message)
            except Exception:  # as above: the gap is filled from the log
                log.exception("meeting room %s: %s failed", room_id, message["type"])


def publish(room_id: int, wire: dict) -> None:
    _send(room_id, {"type": "meet.event", "event": wire})


def presence_changed(room_id: int) -> None:
    _send(room_id, {"type": "meet.presence"})


def access_changed(room_id: int) -> None:
    """The meeting changed (moved, cancelled, its people): everyone in its
    room is judged again."""
    _send(room_id, {"type": "meet.access"})
