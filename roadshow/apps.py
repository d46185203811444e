from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadshowConfig(AppConfig):
    """The project's wiring: the one place allowed to import every app, so it
    joins what the apps may not join themselves (imports flow accounts →
    achievements → events → livestream → tracker → cms)."""

    name = "roadshow"
    verbose_name = _("科技成果路演平台")

    def ready(self) -> None:
        from events.selectors import programme_target_source

        from .targets import current_roadshow_target

        programme_target_source(current_roadshow_target)
