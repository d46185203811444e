"""The workspace is made of panels that each app registers (so accounts, the
lowest app, imports none of them)."""

from collections.abc import Callable
from typing import Any

Panel = Callable[[Any], tuple[str, dict] | None]
_PANELS: list[tuple[int, Panel]] = []


def panel(order: int) -> Callable[[Panel], Panel]:
    def register(func: Panel) -> Panel:
        _PANELS.append((order, func))
        _PANELS.sort(key=lambda item: item[0])
        return func

    return register


def panels_for(request) -> list[tuple[str, dict]]:
    shown = []
    for _order, func in _PANELS:
        result = func(request)
        if result is not None:
            shown.append(result)
    return shown
