"""The one way a room event leaves the process that wrote it: one channel-layer
message to the room's group, whose members are one hub per worker process
(not one channel per viewer).  Called after the transaction commits."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


def group_of(room_id: int) -> str:
    return f"live_room_{int(room_id)}"


def publish(room_id: int, wire: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(
            group_of(room_id), {"type": "live.event", "event": wire}
        )
    except Exception:  # the event is logged; hubs catch up from the database
        log.exception("live room %s: broadcast of #%s failed", room_id, wire["seq"])
