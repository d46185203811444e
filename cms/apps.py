from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("门户网站")

    def ready(self) -> None:
        from events.signals import roadshow_changed

        from .receivers import on_roadshow_changed

        roadshow_changed.connect(on_roadshow_changed, dispatch_uid="cms-roadshow-page")

        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import page_published, page_unpublished

        from achievements.models import Achievement
        from events.models import PitchMaterial, Slot
        from tracker.models import Deal

        from .cache import content_changed

        # Any of these changes what a public page shows: cached pages go stale
        # (a deal: the landed projects on /cases/ and the home page).
        for signal in (page_published, page_unpublished):
            signal.connect(content_changed, dispatch_uid=f"cms-cache-{signal}")
        for model in (Achievement, Slot, PitchMaterial, Deal):
            for signal in (post_save, post_delete):
                signal.connect(
                    content_changed,
                    sender=model,
                    dispatch_uid=f"cms-cache-{model.__name__}-{id(signal)}",
                )
        roadshow_changed.connect(content_changed, dispatch_uid="cms-cache-roadshow")
        # The answered questions a roadshow's page shows (the live room).
        from livestream.signals import room_page_changed

        room_page_changed.connect(content_changed, dispatch_uid="cms-cache-room")

        # The tracker drafts typical cases; the pages are written here.
        from tracker.cases import case_writer_register

        from .cases import CmsCaseWriter

        case_writer_register(CmsCaseWriter())
