from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AchievementsConfig(AppConfig):
    name = "achievements"
    verbose_name = _("成果库")

    def ready(self) -> None:
        # Register the rules, the workspace's panels, the notifications and
        # the background jobs (imports, exports).
        from . import export_jobs, import_jobs, notices, rules, workspace  # noqa: F401
