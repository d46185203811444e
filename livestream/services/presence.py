"""How many watch: each worker process reports its own viewers of a room."""

from django.utils import timezone

from ..models import PresenceSlice
from ..selectors import presence_total


def presence_report(
    room_id: int, worker: str, count: int, *, fresh_seconds: float
) -> int:
    """Record this worker's connections in the room; return the room's total."""
    PresenceSlice.objects.update_or_create(
        room_id=room_id,
        worker=worker,
        defaults={"count": count, "updated_at": timezone.now()},
    )
    return presence_total(room_id, fresh_seconds=fresh_seconds)
