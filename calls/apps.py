from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "calls"
    verbose_name = _("路演征集")

    def ready(self) -> None:
        from . import export_jobs, rules, workspace  # noqa: F401  (register rules and panels)
