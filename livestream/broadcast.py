"""The one way a room event leaves the process that wrote it: one channel-layer
message to the room's group, whose members are one hub per worker process
(not one channel per viewer).  Called after the transaction commits.

Notices that who may watch changed take the same way: to one room's group
(the roadshow changed), or to every hub of every worker (an account, an
organization or a session changed, wherever its viewers are)."""

import hashlib
import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

log = logging.getLogger(__name__)

# Every hub of every worker process is a member (rooms live at once are few).
ACCESS_GROUP = "live_access"


def group_of(room_id: int) -> str:
    return f"live_room_{int(room_id)}"


def publish(room_id: int, wire: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": "live.event", "event": wire}
    for attempt in (1, 2):
        try:
            async_to_sync(layer.group_send)(group_of(room_id), message)
            return
        except Exception:
            # A restarted Redis closed the pooled connection: the second try
            # takes a fresh one.  Past that the event is logged all the
            # same, and every hub catches up from the database.
            if attempt == 2:
                log.exception(
                    "live room %s: broadcast of #%s failed", room_id, wire["seq"]
                )


def session_tag(session_key: str | None) -> str | None:
    """What a notice says about a session: never its key (a credential), a
    digest of it that only the sockets opened with that session recognise."""
    if not session_key:
        return None
    return hashlib.sha256(f"live-session:{session_key}".encode()).hexdigest()[:32]


def access_changed(
    *,
    room_id: int | None = None,
    user_ids: Iterable[int] = (),
    session_keys: Iterable[str] = (),
) -> None:
    """Tell the hubs to judge viewers afresh: these users' viewers (in one
    room with ``room_id``, else wherever they are), everyone in the room when
    only ``room_id`` is given, and the sockets of these ended sessions (which
    close at once).  Call it after the change commits."""
    layer = get_channel_layer()
    if layer is None:
        return
    notice = {
        "type": "live.access",
        "room": room_id,
        "users": sorted({int(pk) for pk in user_ids}),
        "sessions": sorted(filter(None, map(session_tag, session_keys))),
    }
    if not (notice["room"] or notice["users"] or notice["sessions"]):
        return
    group = group_of(room_id) if room_id else ACCESS_GROUP
    try:
        async_to_sync(layer.group_send)(group, notice)
    except Exception:
        log.exception("live rooms: access notice %s failed", notice)
