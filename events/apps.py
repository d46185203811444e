from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("路演")

    def ready(self) -> None:
        from . import export_jobs, rules, workspace  # noqa: F401  (register rules and panels)
