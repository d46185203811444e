from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "matchmaking"
    verbose_name = _("供需对接")

    def ready(self) -> None:
        from . import (  # noqa: F401  (register rules and panels)
            recommend_rules,
            rules,
            workspace,
            workspace_recommend,
        )
