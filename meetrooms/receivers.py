"""What the meeting rooms hear from matchmaking, which does not know them: a
meeting saved (moved, cancelled, published, marked) or its people changed.
Whoever is in its room is judged again once the change commits (someone no
longer a party is disconnected at once)."""

from django.db import transaction

from . import broadcast
from .models import MeetingRoom


def _judge_room_of(meeting_ids) -> None:
    meeting_ids = [pk for pk in meeting_ids if pk]
    if not meeting_ids:
        return

    def notify():
        rooms = MeetingRoom.objects.filter(meeting_id__in=meeting_ids)
        for room_id in rooms.values_list("pk", flat=True):
            broadcast.access_changed(room_id)

    transaction.on_commit(notify)


def on_meeting_saved(sender, instance, created: bool = False, **kwargs) -> None:
    if not created:
        _judge_room_of([instance.pk])


def on_seat_changed(sender, instance, **kwargs) -> None:
    _judge_room_of([instance.meeting_id])


def on_attendees_changed(sender, instance, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        meeting_id = getattr(getattr(instance, "meeting", None), "pk", None)
        _judge_room_of([meeting_id])
