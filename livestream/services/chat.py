"""A viewer's chat messages (a moderator deletes one in
``livestream.services.moderation``)."""

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..errors import LiveError
from ..limits import CHAT_MAX
from ..models import ChatMessage
from ..selectors import room_by_id
from ..wire import chat_data
from .base import collapse, emit, require, throttle


def chat_send(*, user: Any, room_id: int, text: str, client_id: str) -> ChatMessage:
    """Say something in the room's chat; a retried send (same ``client_id``)
    is stored once."""
    room = room_by_id(room_id)
    require(user, "live.participate", room)
    text = collapse(text)
    if not text:
        raise LiveError("invalid", _("消息不能为空。"))
    if len(text) > CHAT_MAX:
        raise LiveError("invalid", _("消息最多 %(max)s 个字。") % {"max": CHAT_MAX})
    existing = ChatMessage.objects.filter(
        room=room, author_id=user.pk, client_id=client_id
    ).first()
    if existing is not None:
        return existing
    throttle("chat", user)
    try:
        with transaction.atomic():
            message = ChatMessage.objects.create(
                room=room, author=user, text=text, client_id=client_id
            )
            public, private = chat_data(message)
            emit(room, "chat", public, private=private)
    except IntegrityError:
        return ChatMessage.objects.get(
            room=room, author_id=user.pk, client_id=client_id
        )
    return message
