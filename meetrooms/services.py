"""The writes of a meeting room, one function per action: each judges who
acts now (not when they connected), counts the action against the user's
rate limit, writes, and logs the change as the room's next event —
broadcast once the transaction commits."""

import datetime as dt
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from livestream.limits import too_often
from matchmaking.models import Meeting
from matchmaking.services.base import MatchError
from matchmaking.video import provider_of, video_link
from uploads import UploadRefused, check_attachment

from . import broadcast, limits
from .errors import MeetError
from .models import (
    MeetingRoom,
    RoomDocument,
    RoomEvent,
    RoomMessage,
    RoomNote,
    RoomVisit,
)
from .selectors import Access, Seat, access, room_for, seat_now
from .wire import display_name, document_data, event_wire, message_data


def enter(*, user: Any, meeting_id: int) -> tuple[Access, MeetingRoom]:
    """The user's access and the room (for a page's first state), or
    MeetError: the same refusal for a meeting that does not exist and one
    the user is not part of."""
    found = access(user=user, meeting_id=meeting_id)
    if found is None:
        raise MeetError("forbidden", _("你无权进入这个会议室。"))
    return found, room_for(found.meeting)


def _seat(user: Any, meeting_id: int, *, writing: bool = True) -> Seat:
    """The one permission check of every frame, judged now: who the user is
    in the room (and, for ``writing``, that the room is still open)."""
    seat = seat_now(user=user, meeting_id=meeting_id)
    if seat is None:
        raise MeetError("forbidden", _("你无权进入这个会议室。"))
    if writing and seat.closed == "cancelled":
        raise MeetError("closed", _("会面已取消，会议室只能查看。"))
    if writing and seat.closed == "ended":
        raise MeetError("closed", _("会面已结束，会议室只能查看。"))
    return seat


def _room_id(seat: Seat) -> int:
    if seat.room_id is not None:
        return seat.room_id
    room, _created = MeetingRoom.objects.get_or_create(meeting_id=seat.meeting_id)
    return room.pk


def _throttle(action: str, user: Any) -> None:
    if not limits.allow(action, user.pk):
        raise MeetError("rate_limited", too_often(*limits.limit_of(action)))


def _insert(model: Any, values: dict, *, unless: tuple[str, ...] = ()) -> int | None:
    """Write one row in one statement and return its id — the chat's path,
    where building the ORM's INSERT cost more than running it.  With
    ``unless`` (the columns of a unique constraint), a row that would repeat
    them is not written: None."""
    q = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in values]
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    sql = (
        f"INSERT INTO {q(model._meta.db_table)} "
        f"({', '.join(q(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    if unless:
        columns = (model._meta.get_field(name).column for name in unless)
        sql += f" ON CONFLICT ({', '.join(q(c) for c in columns)}) DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} RETURNING {q(model._meta.pk.column)}", params)
        row = cursor.fetchone()
    return None if row is None else row[0]


def emit(room_id: int, kind: str, data: dict) -> RoomEvent:
    """Give the change the room's next sequence number and log it; broadcast
    once the surrounding transaction commits (the counter's row stays locked
    until then: numbers are given in commit order, without holes)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {connection.ops.quote_name(MeetingRoom._meta.db_table)} "
            "SET seq = seq + 1 WHERE id = %s RETURNING seq",
            [room_id],
        )
        seq = cursor.fetchone()[0]
    values = {
        "room_id": room_id,
        "seq": seq,
        "kind": kind,
        "data": data,
        "created_at": timezone.now(),
    }
    event = RoomEvent(id=_insert(RoomEvent, values), **values)
    wire = event_wire(event)
    transaction.on_commit(lambda: broadcast.publish(room_id, wire))
    return event


def tidy(text: str) -> str:
    """Each line's runs of whitespace one space; no empty lines at the ends,
    at most one empty line between paragraphs."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    return "\n".join(kept).strip()


def chat_send(*, user: Any, meeting_id: int, text: str, client_id: str) -> RoomMessage:
    """Say something in the room; a retried send (same ``client_id``) is
    stored once."""
    seat = _seat(user, meeting_id)
    room_id = _room_id(seat)
    text = tidy(text)
    if not text:
        raise MeetError("invalid", _("消息不能为空。"))
    if len(text) > limits.CHAT_MAX:
        raise MeetError(
            "invalid", _("消息最多 %(max)s 个字。") % {"max": limits.CHAT_MAX}
        )
    if not limits.allow("chat", user.pk):
        stored = _message_sent(room_id, user, client_id)
        if stored is not None:  # a retry of a message already stored
            return stored
        raise MeetError("rate_limited", too_often(*limits.limit_of("chat")))
    values = {
        "room_id": room_id,
        "author_id": user.pk,
        "side": seat.side,
        "text": text,
        "client_id": client_id,
        "created_at": timezone.now(),
    }
    with transaction.atomic():
        pk = _insert(RoomMessage, values, unless=("room", "author", "client_id"))
        if pk is not None:
            message = RoomMessage(id=pk, **values)
            message.author = user
            emit(room_id, "chat", message_data(message))
            return message
    return _message_sent(room_id, user, client_id)  # a retry: stored once


def _message_sent(room_id: int, user: Any, client_id: str) -> RoomMessage | None:
    return RoomMessage.objects.filter(
        room_id=room_id, author_id=user.pk, client_id=client_id
    ).first()


def video_set(*, user: Any, meeting_id: int, url: str) -> dict:
    """Either side (or an organizer) pastes the call's link; empty goes back
    to the place's standing link."""
    seat = _seat(user, meeting_id)
    try:
        url = video_link(url)
    except MatchError as error:
        raise MeetError("invalid", str(error)) from None
    _throttle("video", user)
    with transaction.atomic():
        room = MeetingRoom.objects.select_for_update().get(pk=_room_id(seat))
        room.video_url = url
        room.save(update_fields=["video_url"])
        standing = Meeting.objects.filter(pk=seat.meeting_id).values_list(
            "place__video_url", flat=True
        )
        shown = url or standing.first() or ""
        data = {
            "url": shown,
            "provider": provider_of(shown) if shown else None,
            "default": bool(shown) and not url,
            "by": display_name(user),
        }
        emit(room.pk, "video", data)
    return data


def note_save(*, user: Any, meeting_id: int, text: str) -> RoomNote:
    """The user's own notes on the meeting (kept writable after the room
    closes: notes are often written up afterwards)."""
    seat = _seat(user, meeting_id, writing=False)
    text = text.strip()
    if len(text) > limits.NOTE_MAX:
        raise MeetError(
            "invalid", _("笔记最多 %(max)s 个字。") % {"max": limits.NOTE_MAX}
        )
    _throttle("note", user)
    note, _created = RoomNote.objects.update_or_create(
        room_id=_room_id(seat), user=user, defaults={"text": text}
    )
    return note


def document_add(*, user: Any, meeting_id: int, upload: Any) -> RoomDocument:
    """Share a file into the room: a PDF or an image, checked by its content
    (as a deal's documents are)."""
    seat = _seat(user, meeting_id)
    _throttle("document", user)
    try:
        checked = check_attachment(upload)
    except UploadRefused as error:
        raise MeetError("invalid", str(error)) from None
    with transaction.atomic():
        room = MeetingRoom.objects.select_for_update().get(pk=_room_id(seat))
        shared = RoomDocument.objects.filter(room=room, removed_at__isnull=True)
        if shared.count() >= limits.MAX_DOCUMENTS:
            raise MeetError(
                "invalid",
                _("一个会议室最多共享 %(n)d 个文件。") % {"n": limits.MAX_DOCUMENTS},
            )
        document = RoomDocument.objects.create(
            room=room,
            file=checked.content,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=user,
            side=seat.side,
        )
        emit(room.pk, "document", document_data(document, seat.meeting_id))
    return document


def document_remove(*, user: Any, meeting_id: int, document_id: int) -> None:
    """Whoever shared a file (or an organizer) withdraws it."""
    seat = _seat(user, meeting_id)
    with transaction.atomic():
        document = (
            RoomDocument.objects.select_for_update()
            .filter(room_id=_room_id(seat), pk=document_id, removed_at__isnull=True)
            .first()
        )
        if document is None:
            raise MeetError("not_found", _("找不到该文件。"))
        if document.uploaded_by_id != user.pk and seat.side != "organizer":
            raise MeetError("forbidden", _("只有共享者本人可以撤回该文件。"))
        stored = document.file
        document.removed_at = timezone.now()
        document.file = ""  # the record stays (the room's log names it)
        document.save(update_fields=["removed_at", "file"])
        emit(document.room_id, "document_removed", {"id": document.pk})
        # Withdrawn means gone: the content leaves the storage once the
        # withdrawal is committed (a rollback keeps both).
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


# ---------------------------------------------------------------- presence


def visit_enter(*, room_id: int, user: Any, side: str, channel: str) -> None:
    now = timezone.now()
    RoomVisit.objects.create(
        room_id=room_id,
        user=user,
        side=side,
        channel=channel[:120],
        entered_at=now,
        seen_at=now,
    )
    transaction.on_commit(lambda: broadcast.presence_changed(room_id))


def visit_touch(*, room_id: int, channel: str) -> bool:
    """The connection is alive; True when it had gone stale (and counts
    again: others are told)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=limits.presence_fresh_seconds())
    visits = RoomVisit.objects.filter(room_id=room_id, channel=channel, left_at=None)
    revived = visits.filter(seen_at__lt=stale).exists()
    visits.update(seen_at=now)
    if revived:
        transaction.on_commit(lambda: broadcast.presence_changed(room_id))
    return revived


def visit_leave(*, room_id: int, channel: str) -> None:
    RoomVisit.objects.filter(room_id=room_id, channel=channel, left_at=None).update(
        left_at=timezone.now()
    )
    transaction.on_commit(lambda: broadcast.presence_changed(room_id))
