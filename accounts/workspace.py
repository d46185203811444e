"""Pages made of sections that other apps register, in order (so a lower app
imports none of the apps above it): the workspace's panels and the lines of
the organizers' inbox live here; the achievement page's sections use the
same registry (achievements/extensions.py)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Section = Callable[..., tuple[str, dict] | None]


class Sections:
    """An ordered registry of section functions: each returns (template,
    context) to show itself, or None to stay away."""

    def __init__(self) -> None:
        self._items: list[tuple[int, Section]] = []

    def register(self, order: int) -> Callable[[Section], Section]:
        def add(func: Section) -> Section:
            self._items.append((order, func))
            self._items.sort(key=lambda item: item[0])
            return func

        return add

    def shown(self, *args: Any) -> list[tuple[str, dict]]:
        results = (func(*args) for _order, func in self._items)
        return [result for result in results if result is not None]


_panels = Sections()
# A panel of the workspace: panel(order)(func(request) -> (template, context)).
panel = _panels.register
panels_for = _panels.shown


@dataclass(frozen=True)
class InboxItem:
    """One line of the organizers' inbox: how many things wait, and where
    their list is; ``entries`` name the first few (text, address)."""

    label: str
    count: int
    url: str
    hint: str = ""
    entries: tuple[tuple[str, str], ...] = field(default_factory=tuple)


_inbox = Sections()
# A line of the organizers' inbox (the admin's home page):
# inbox_item(order)(func(request) -> InboxItem | None).
inbox_item = _inbox.register
inbox_for = _inbox.shown
