from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgrilistsConfig(AppConfig):
    name = "agrilists"
    verbose_name = _("进园入县清单")

    def ready(self) -> None:
        from . import rules, workspace  # noqa: F401  (register rules and panels)
