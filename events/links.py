"""Where an online participant watches a roadshow: the live room, a page of
an app later in the flow (livestream), which registers its address here —
events/ names no later app.  Tickets, confirmation emails and calendar
entries link there, never to the raw stream (an ``.m3u8`` address plays in
no browser on its own)."""

from collections.abc import Callable

from .models import Roadshow

_watch: list[Callable[[Roadshow], str]] = []


def watch_page_register(func: Callable[[Roadshow], str]) -> Callable[[Roadshow], str]:
    _watch[:] = [func]
    return func


def watch_path(*, roadshow: Roadshow) -> str:
    """The live room's path (the roadshow's own page if no room is
    registered)."""
    return _watch[0](roadshow) if _watch else roadshow.get_absolute_url()
