"""A meeting room's wire format (version 1, as the live room's): how a
logged event travels and how a message or a document looks on the wire.
No database access here beyond the rows given."""

from django.urls import reverse

from livestream.wire import display_name, dumps  # noqa: F401  (one JSON form)

from .models import RoomDocument, RoomEvent, RoomMessage


def event_wire(event: RoomEvent) -> dict:
    return {"seq": event.seq, "kind": event.kind, "data": event.data}


def message_data(message: RoomMessage) -> dict:
    return {
        "id": message.pk,
        "text": message.text,
        "author": display_name(message.author),
        "author_id": message.author_id,
        "side": message.side,
        "created": message.created_at.isoformat(),
        "cid": message.client_id,
    }


def document_data(document: RoomDocument, meeting_id: int) -> dict:
    by = document.uploaded_by
    return {
        "id": document.pk,
        "name": document.original_name,
        "size": document.size,
        "type": document.content_type,
        "by": display_name(by) if by is not None else "",
        "by_id": document.uploaded_by_id,
        "side": document.side,
        "created": document.created_at.isoformat(),
        "url": reverse("meetrooms:document", args=[meeting_id, document.pk]),
    }
