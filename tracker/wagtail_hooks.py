"""The tracker in the organizers' admin: the target periods (data, R9) and
menu entries for the deal list and the dashboard."""

from django.urls import reverse
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.admin_menu import OrganizerMenuItem, OrganizersOnly

from .models import TargetPeriod

register_permission_policy(TargetPeriod, OrganizersOnly(TargetPeriod))


class TargetPeriodViewSet(ModelViewSet):
    model = TargetPeriod
    icon = "pick"
    menu_label = gettext_lazy("目标")
    menu_order = 230
    add_to_admin_menu = True
    list_display = ["name", "starts", "ends", "roadshows", "landed"]
    copy_view_enabled = False
    form_fields = [
        "name",
        "starts",
        "ends",
        "roadshows",
        "promoted_national",
        "promoted_total",
        "landed",
        "cross_region",
        "local_northwest",
    ]


@hooks.register("register_admin_viewset")
def register_target_viewset():
    return TargetPeriodViewSet("targetperiod", url_prefix="tracker/targetperiod")


@hooks.register("register_admin_menu_item")
def deals_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("成果转化项目"),
        reverse("tracker:deals"),
        icon_name="list-ul",
        order=210,
    )


@hooks.register("register_admin_menu_item")
def dashboard_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("目标进展"),
        reverse("tracker:dashboard"),
        icon_name="table",
        order=220,
    )
