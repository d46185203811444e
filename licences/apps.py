from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LicencesConfig(AppConfig):
    name = "licences"
    verbose_name = _("开放许可")

    def ready(self) -> None:
        from . import export_jobs, rules, workspace  # noqa: F401  (register rules and panels)
