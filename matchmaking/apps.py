from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("供需对接")

    def ready(self) -> None:
        # Register the rules, the workspace panels, the achievement page's
        # section, the personal feed's meetings, the scheduling job and the
        # digest's switch.
        from . import (  # noqa: F401
            calendars,
            jobs,
            notices,
            rules,
            sections,
            workspace,
            workspace_recommend,
        )
