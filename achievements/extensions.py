"""Sections other apps add to an achievement's page (the library knows none of
them: roadshows register theirs)."""

from collections.abc import Callable
from typing import Any

Section = Callable[[Any, Any], tuple[str, dict] | None]
_SECTIONS: list[tuple[int, Section]] = []


def detail_section(order: int) -> Callable[[Section], Section]:
    def register(func: Section) -> Section:
        _SECTIONS.append((order, func))
        _SECTIONS.sort(key=lambda item: item[0])
        return func

    return register


def detail_sections(request, achievement) -> list[tuple[str, dict]]:
    shown = []
    for _order, func in _SECTIONS:
        result = func(request, achievement)
        if result is not None:
            shown.append(result)
    return shown
