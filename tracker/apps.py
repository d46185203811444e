from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("跟踪服务")

    def ready(self) -> None:
        # Register the rules, the workspace's panels, the notifications and
        # the deals' export job.
        from . import jobs, notices, rules, workspace  # noqa: F401
