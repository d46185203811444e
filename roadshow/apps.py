from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadshowConfig(AppConfig):
    """The project's wiring: the one place allowed to import every app, so it
    joins what the apps may not join themselves (imports flow accounts →
    achievements → events → livestream → matchmaking → meetrooms → tracker →
    cms)."""

    name = "roadshow"
    verbose_name = _("科技成果路演平台")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from cms.cache import content_changed
        from events.selectors import programme_target_source
        from tracker.models import TargetPeriod

        from .targets import current_roadshow_target

        programme_target_source(current_roadshow_target)
        # The public pages show the target: a changed target makes them stale.
        for signal in (post_save, post_delete):
            signal.connect(
                content_changed,
                sender=TargetPeriod,
                dispatch_uid=f"roadshow-target-{id(signal)}",
            )
        from .observability import register_collectors

        register_collectors()
