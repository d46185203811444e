from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = _("直播互动")

    def ready(self) -> None:
        from events.signals import roadshow_changed

        from . import rules  # noqa: F401  (register permission rules)
        from .receivers import on_roadshow_changed

        roadshow_changed.connect(on_roadshow_changed, dispatch_uid="livestream-room")
