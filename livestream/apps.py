from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = _("直播互动")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (register permission rules)
