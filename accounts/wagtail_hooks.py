"""Registers the organizers' account pages (accounts/admin_views.py) in the
Wagtail admin, and the admin's home page: the organizers' inbox."""

from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from wagtail import hooks
from wagtail.admin.ui.components import Component

from . import admin_views, permissions
from .admin_menu import OrganizerMenuItem
from .enums import InvestorStatus, Role
from .models import Membership, Organization
from .workspace import InboxItem, inbox_for, inbox_item


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
        path("delegations/", admin_views.delegations, name="accounts_delegations"),
        path(
            "delegations/grant/",
            admin_views.delegation_grant,
            name="accounts_delegation_grant",
        ),
        path(
            "delegations/revoke/",
            admin_views.delegation_revoke,
            name="accounts_delegation_revoke",
        ),
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


@hooks.register("register_admin_menu_item")
def delegations_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("技术经理人"),
        reverse("accounts_delegations"),
        icon_name="link",
        order=217,
    )


@hooks.register("after_edit_user")
def record_who_deactivated(request, user):
    """The deactivation itself is recorded by User.save; here, by whom."""
    if not user.is_active and user.deactivated_by_id is None:
        user.deactivated_by = request.user
        user.save(update_fields=["deactivated_by"])


class InboxPanel(Component):
    """The organizers' home in the admin: what waits for them, each a count
    that leads to its list (the lines come from every app: inbox_item)."""

    name = "inbox"
    order = 10
    template_name = "accounts/admin/inbox_panel.html"

    def __init__(self, request):
        self.items = inbox_for(request)

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["items"] = self.items
        context["waiting"] = sum(item.count for item in self.items)
        return context


@hooks.register("construct_homepage_panels")
def inbox_panel(request, panels):
    if permissions.is_organizer(request.user):
        panels.insert(0, InboxPanel(request))


@inbox_item(order=20)
def investors_waiting(request):
    pending = Organization.objects.filter(investor_status=InvestorStatus.PENDING)
    colleagues = Membership.objects.filter(
        role=Role.INVESTOR,
        approved=False,
        organization__investor_status=InvestorStatus.APPROVED,
    )
    names = list(pending.order_by("created_at").values_list("name", flat=True)[:3])
    return InboxItem(
        label=gettext("待审核的投资方"),
        count=pending.count() + colleagues.count(),
        url=reverse("accounts_approvals"),
        hint=gettext("机构注册申请与投资方同事"),
        entries=tuple((name, reverse("accounts_approvals")) for name in names),
    )
