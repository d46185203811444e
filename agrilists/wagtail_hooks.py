"""The organizers' way into the lists from the admin's menu."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from accounts.admin_menu import OrganizerMenuItem


@hooks.register("register_admin_menu_item")
def lists_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("进园入县清单"),
        reverse("agrilists:manage"),
        icon_name="list-ol",
        order=207,
    )
