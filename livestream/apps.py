from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = _("直播互动")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_out
        from django.db.models.signals import post_delete, post_save

        from accounts.models import Delegation, Membership, Organization
        from events.signals import roadshow_changed

        # rules: the permission rules; workspace: the presenting team's panel.
        from . import export_jobs, receivers, rules, workspace  # noqa: F401

        roadshow_changed.connect(
            receivers.on_roadshow_changed, dispatch_uid="livestream-room"
        )
        # Rights that change under a viewer's open socket (see RoomHub.recheck).
        for signal in (post_save, post_delete):
            signal.connect(
                receivers.on_membership_changed,
                sender=Membership,
                dispatch_uid=f"livestream-membership-{signal is post_save}",
            )
            signal.connect(
                receivers.on_delegation_changed,
                sender=Delegation,
                dispatch_uid=f"livestream-delegation-{signal is post_save}",
            )
            signal.connect(
                receivers.on_organization_changed,
                sender=Organization,
                dispatch_uid=f"livestream-organization-{signal is post_save}",
            )
            signal.connect(
                receivers.on_user_changed,
                sender=get_user_model(),
                dispatch_uid=f"livestream-user-{signal is post_save}",
            )
        user_logged_out.connect(receivers.on_logged_out, dispatch_uid="livestream-out")

        # Tickets, emails and calendars send online participants to the room.
        from events.links import watch_page_register

        from .stream import room_path

        watch_page_register(room_path)
