from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetroomsConfig(AppConfig):
    name = "meetrooms"
    verbose_name = _("洽谈会议室")

    def ready(self) -> None:
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from matchmaking.models import Meeting, MeetingRequest, MeetingSeat

        from . import receivers, rules  # noqa: F401  (rules: permission rules)

        # A meeting moved, cancelled, published, marked; its people changed:
        # whoever is in its room is judged again at once.
        post_save.connect(
            receivers.on_meeting_saved, sender=Meeting, dispatch_uid="meet-meeting"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.on_seat_changed,
                sender=MeetingSeat,
                dispatch_uid=f"meet-seat-{signal is post_save}",
            )
        m2m_changed.connect(
            receivers.on_attendees_changed,
            sender=MeetingRequest.attendees.through,
            dispatch_uid="meet-attendees",
        )
