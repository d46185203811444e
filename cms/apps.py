from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("门户网站")

    def ready(self) -> None:
        from events.signals import roadshow_changed

        from .receivers import on_roadshow_changed

        roadshow_changed.connect(on_roadshow_changed, dispatch_uid="cms-roadshow-page")
