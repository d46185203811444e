"""Sections other apps add to an achievement's page and to a demand's page
(the library knows none of them: roadshows and matchmaking register theirs)."""

from accounts.workspace import Sections

_sections = Sections()
# detail_section(order)(func(request, achievement) -> (template, context) | None)
detail_section = _sections.register
detail_sections = _sections.shown

_demand_sections = Sections()
# demand_section(order)(func(request, demand) -> (template, context) | None)
demand_section = _demand_sections.register
demand_sections = _demand_sections.shown
