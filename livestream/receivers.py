from .models import Room
from .services import room_announce


def on_roadshow_changed(sender, roadshow_id: int, **kwargs) -> None:
    if sender is Room:  # the room itself asked the page to refresh
        return
    room_announce(roadshow_id=roadshow_id)
