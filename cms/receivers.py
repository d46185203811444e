from .sync import roadshow_page_sync


def on_roadshow_changed(sender, roadshow_id: int, **kwargs) -> None:
    roadshow_page_sync(roadshow_id=roadshow_id)
