"""The wiring's admin: the outgoing emails (mailing), shown to organizers —
a message that could not be sent after every retry is listed with its
error."""

from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.admin_menu import OrganizersOnly
from mailing.models import Email

# Organizers read the outgoing mail; nobody adds, edits or deletes it.
register_permission_policy(Email, OrganizersOnly(Email, actions={"view"}))


class EmailViewSet(ModelViewSet):
    model = Email
    icon = "mail"
    menu_label = gettext_lazy("邮件")
    menu_order = 900
    add_to_admin_menu = True
    list_display = ["subject", "to", "status", "attempts", "created_at", "last_error"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    inspect_view_enabled = True
    # Not the body: it may carry a personal link (setting a password, an
    # invitation) that is its recipient's alone.
    inspect_view_fields = [
        "to",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_try_at",
        "sent_at",
    ]
    copy_view_enabled = False
    form_fields = []


@hooks.register("register_admin_viewset")
def register_email_viewset():
    return EmailViewSet("email", url_prefix="mailing/email")
