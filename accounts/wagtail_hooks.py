"""Registers the organizers' account pages (accounts/admin_views.py) in the
Wagtail admin."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks

from . import admin_views
from .admin_menu import OrganizerMenuItem


@hooks.register("register_admin_urls")
def register_urls():
    return [
        path("approvals/", admin_views.approval_queue, name="accounts_approvals"),
        path(
            "approvals/members/",
            admin_views.member_decision,
            name="accounts_member_decision",
        ),
        path(
            "approvals/auto/",
            admin_views.colleagues_auto_approved,
            name="accounts_colleagues_auto_approved",
        ),
        path("roles/", admin_views.roles, name="accounts_roles"),
        path("roles/grant/", admin_views.role_grant, name="accounts_role_grant"),
        path("roles/revoke/", admin_views.role_revoke, name="accounts_role_revoke"),
    ]


@hooks.register("register_admin_menu_item")
def approvals_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("注册审核"),
        reverse("accounts_approvals"),
        icon_name="user",
        order=215,
    )


@hooks.register("register_admin_menu_item")
def roles_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("角色授予"),
        reverse("accounts_roles"),
        icon_name="group",
        order=216,
    )


@hooks.register("after_edit_user")
def record_who_deactivated(request, user):
    """The deactivation itself is recorded by User.save; here, by whom."""
    if not user.is_active and user.deactivated_by_id is None:
        user.deactivated_by = request.user
        user.save(update_fields=["deactivated_by"])
