"""Sections other apps add to an achievement's page (the library knows none of
them: roadshows register theirs)."""

from accounts.workspace import Sections

_sections = Sections()
# detail_section(order)(func(request, achievement) -> (template, context) | None)
detail_section = _sections.register
detail_sections = _sections.shown
