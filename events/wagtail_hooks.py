"""The roadshows in the Wagtail admin: the records' viewset, the organizers'
pages (events.admin_views) and the planner's menu item."""

from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.admin_menu import OrganizerMenuItem, OrganizersOnly

from . import admin_views
from .forms import ROADSHOW_FORM_FIELDS, RoadshowAdminForm
from .models import RegionPair, Roadshow


class RoadshowViewSet(ModelViewSet):
    model = Roadshow
    icon = "date"
    menu_label = gettext_lazy("路演")
    menu_order = 190
    add_to_admin_menu = True
    edit_view_class = admin_views.RoadshowEditView
    index_view_class = admin_views.RoadshowIndexView
    list_display = ["title", "kind", "start", "status", "lead_host"]
    list_filter = ["status", "kind", "plan"]
    search_fields = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ROADSHOW_FORM_FIELDS],
        base_form_class=RoadshowAdminForm,
    )


@hooks.register("register_admin_viewset")
def register_roadshow_viewset():
    return RoadshowViewSet("roadshow")


# The cross-region pairs 结对 (seeds/004 四) are the organizers' data.
register_permission_policy(RegionPair, OrganizersOnly(RegionPair))


class RegionPairViewSet(ModelViewSet):
    model = RegionPair
    icon = "link"
    menu_label = gettext_lazy("结对")
    menu_order = 235
    add_to_admin_menu = True
    list_display = ["__str__", "note"]
    copy_view_enabled = False
    inspect_view_enabled = False
    form_fields = ["province_a", "zone_a", "province_b", "zone_b", "note"]


@hooks.register("register_admin_viewset")
def register_region_pair_viewset():
    return RegionPairViewSet("region_pair", url_prefix="roadshows/pairs")


@hooks.register("register_admin_urls")
def register_roadshow_urls():
    one = "roadshows/<int:pk>/"
    slot = one + "slots/<int:slot_pk>/"
    return [
        path("roadshows/plan/", admin_views.plan_view, name="events_plan"),
        path(
            "roadshows/plan/<int:year>/",
            admin_views.plan_year_view,
            name="events_plan_year",
        ),
        path(one + "manage/", admin_views.manage_view, name="events_manage"),
        path(
            one + "transition/",
            admin_views.transition_view,
            name="events_transition",
        ),
        path(one + "slots/add/", admin_views.slot_add_view, name="events_slot_add"),
        path(
            one + "slots/choices/",
            admin_views.pitch_choices_view,
            name="events_pitch_choices",
        ),
        path(
            slot + "up/",
            admin_views.slot_move_view,
            {"step": -1},
            name="events_slot_up",
        ),
        path(
            slot + "down/",
            admin_views.slot_move_view,
            {"step": 1},
            name="events_slot_down",
        ),
        path(slot + "remove/", admin_views.slot_remove_view, name="events_slot_remove"),
        path(
            slot + "remind/",
            admin_views.materials_remind_view,
            name="events_materials_remind",
        ),
        path(
            one + "door-staff/add/",
            admin_views.door_staff_add_view,
            name="events_door_staff_add",
        ),
        path(
            one + "door-staff/<int:user_pk>/remove/",
            admin_views.door_staff_remove_view,
            name="events_door_staff_remove",
        ),
    ]


@hooks.register("register_admin_menu_item")
def plan_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("年度路演计划"),
        reverse("events_plan"),
        icon_name="calendar",
        order=191,
    )


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
