"""What every write in a live room does: judge who acts (now, not when they
connected), count the action against their rate limit, and log the change as
the room's next event — broadcast once the transaction commits."""

from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from accounts import permissions
from events.enums import RoadshowStatus

from .. import broadcast, limits, rules
from ..enums import Audience
from ..errors import LiveError
from ..models import Room, RoomEvent
from ..selectors import user_afresh
from ..signals import room_page_changed
from ..wire import event_wire


def require(user: Any, action: str, room: Room) -> None:
    """Refuse, saying why, unless the user may do ``action`` in the room now."""
    user_afresh(user)
    if permissions.user_can(user, action, room):
        return
    if action == "live.moderate":
        raise LiveError("forbidden", _("只有主持人可以这样做。"))
    if not (user is not None and user.is_authenticated):
        raise LiveError("login_required", _("请先登录再提问、点赞或发言。"))
    if rules.is_muted(user, room):
        raise LiveError("muted", _("你已被主持人禁言。"))
    if not permissions.user_can(user, "live.view", room):
        raise LiveError("forbidden", _("你无权进入这个直播间。"))
    if action == "live.score" and room.roadshow.status == RoadshowStatus.LIVE:
        raise LiveError("forbidden", _("只有已审核的投资方和本场评委可以评分。"))
    raise LiveError("closed", _("路演不在直播中，暂不能提问或发言。"))


def throttle(action: str, user: Any) -> None:
    """Count one ``action`` (see :mod:`livestream.limits`); refuse past the budget."""
    if not limits.allow(action, user.pk):
        raise LiveError("rate_limited", limits.too_often(*limits.limit_of(action)))


def emit(
    room: Room,
    kind: str,
    data: dict,
    *,
    private: dict | None = None,
    audience: str = Audience.ALL,
    user_id: int | None = None,
) -> RoomEvent:
    """Give the change the room's next sequence number and log it; broadcast
    once the surrounding transaction commits.  The counter's row stays locked
    until then, so numbers are given in commit order, without holes."""
    with connection.cursor() as cursor:  # one statement (PostgreSQL and SQLite)
        cursor.execute(
            f"UPDATE {Room._meta.db_table} SET seq = seq + 1 WHERE id = %s RETURNING seq",
            [room.pk],
        )
        seq = cursor.fetchone()[0]
    event = RoomEvent.objects.create(
        room_id=room.pk,
        seq=seq,
        kind=kind,
        audience=audience,
        user_id=user_id,
        data=data,
        private=private or {},
    )
    wire = event_wire(event)
    transaction.on_commit(lambda: broadcast.publish(room.pk, wire))
    return event


def page_changed(roadshow_id: int) -> None:
    """The roadshow's public page shows the answered questions: refresh it."""
    room_page_changed.send(sender=Room, roadshow_id=roadshow_id)


def collapse(text: str) -> str:
    """The words as stored: every run of whitespace one space, none at the ends."""
    return " ".join(text.split())
