"""The one way a meeting room's changes leave the process that wrote them:
one channel-layer message to the room's group (its few connections, in any
worker), sent after the transaction commits.  A lost message costs nothing:
each connection fills a gap in the sequence from the database."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def group_of(room_id: int) -> str:
    return f"meet_room_{int(room_id)}"


def _send(room_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group_of(room_id), message)
    except Exception:  # logged; connections catch up from the database
        log.exception("meeting room %s: %s failed", room_id, message["type"])


def publish(room_id: int, wire: dict) -> None:
    _send(room_id, {"type": "meet.event", "event": wire})


def presence_changed(room_id: int) -> None:
    _send(room_id, {"type": "meet.presence"})


def access_changed(room_id: int) -> None:
    """The meeting changed (moved, cancelled, its people): everyone in its
    room is judged again."""
    _send(room_id, {"type": "meet.access"})
