"""The organizers' roadshow workplace in the Wagtail admin: records, programme,
status moves and the yearly planner."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from accounts.admin_menu import OrganizerMenuItem
from accounts.permissions import user_can
from achievements.models import IndustryField

from . import selectors, services
from .enums import RoadshowKind
from .forms import (
    ROADSHOW_FORM_FIELDS,
    FieldTurnFormSet,
    PlanForm,
    RegionTurnFormSet,
    RoadshowAdminForm,
    SlotForm,
    SwapForm,
    TransitionForm,
)
from .forms import (
    agencies as specialized_agencies,
)
from .materials import materials_missing, materials_remind
from .models import Roadshow, Slot, YearPlan
from .ticket_views import checkin_counts

TRANSITION_LABELS = {
    "schedule": gettext_lazy("确定排期"),
    "publish": gettext_lazy("发布"),
    "unpublish": gettext_lazy("撤回发布"),
    "go_live": gettext_lazy("开始直播"),
    "close": gettext_lazy("结束"),
    "archive": gettext_lazy("归档"),
    "cancel": gettext_lazy("取消路演"),
}


class RoadshowEditView(EditView):
    """Edits go through roadshow_update: SEQUENCE, history and the CMS page."""

    def save_instance(self):
        data = {
            key: self.form.cleaned_data[key]
            for key in ROADSHOW_FORM_FIELDS
            if key in self.form.cleaned_data
        }
        try:
            return services.roadshow_update(
                roadshow=self.object, data=data, by=self.request.user
            )
        except services.RoadshowError as exc:
            messages.error(self.request, str(exc))
            return self.object


class RoadshowIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [
            ListingMenuItem(
                _("议程与状态"),
                url=reverse("events_manage", args=[instance.pk]),
                icon_name="list-ol",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class RoadshowViewSet(ModelViewSet):
    model = Roadshow
    icon = "date"
    menu_label = gettext_lazy("路演")
    menu_order = 190
    add_to_admin_menu = True
    edit_view_class = RoadshowEditView
    index_view_class = RoadshowIndexView
    list_display = ["title", "kind", "start", "status", "lead_host"]
    list_filter = ["status", "kind", "plan"]
    search_fields = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [FieldPanel(name) for name in ROADSHOW_FORM_FIELDS],
        base_form_class=RoadshowAdminForm,
    )


def _organizer(request) -> None:
    if not user_can(request.user, "roadshow.plan"):
        raise PermissionDenied


def manage_view(request, pk: int):
    """One roadshow's status moves and programme."""
    _organizer(request)
    roadshow = get_object_or_404(Roadshow, pk=pk)
    slot_form = SlotForm()
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "transition":
                form = TransitionForm(request.POST)
                if form.is_valid():
                    services.roadshow_transition(
                        roadshow=roadshow,
                        action=form.cleaned_data["action"],
                        by=request.user,
                        note=form.cleaned_data["note"],
                    )
                    messages.success(request, _("路演状态已更新。"))
            elif op == "add_slot":
                slot_form = SlotForm(request.POST)
                if slot_form.is_valid():
                    data = slot_form.cleaned_data
                    services.slot_add(
                        roadshow=roadshow,
                        kind=data["kind"],
                        duration_minutes=data["duration_minutes"],
                        achievement=data["achievement"],
                        title=data["title"],
                        presenters=data["presenters"],
                    )
                    messages.success(request, _("议程已添加。"))
                    return redirect("events_manage", pk=pk)
            elif op == "remind":
                slot = get_object_or_404(
                    Slot, pk=request.POST.get("slot"), roadshow=roadshow
                )
                sent = materials_remind(slot=slot, by=request.user)
                if sent:
                    messages.success(
                        request, _("已提醒 %(n)d 位团队成员。") % {"n": sent}
                    )
                else:
                    messages.warning(request, _("该团队没有可接收邮件的成员。"))
            elif op == "staff_add":
                added = services.door_staff_add(
                    roadshow=roadshow, login=request.POST.get("login", "")
                )
                messages.success(
                    request,
                    _("已添加签到工作人员：%(name)s")
                    % {"name": added.name or added.username},
                )
            elif op == "staff_remove":
                services.door_staff_remove(
                    roadshow=roadshow, user_id=request.POST.get("user")
                )
            elif op in {"move_up", "move_down", "remove"}:
                slot = get_object_or_404(
                    Slot, pk=request.POST.get("slot"), roadshow=roadshow
                )
                if op == "remove":
                    services.slot_remove(slot=slot)
                else:
                    services.slot_move(
                        slot=slot,
                        position=slot.position + (-1 if op == "move_up" else 1),
                    )
        except services.RoadshowError as exc:
            messages.error(request, str(exc))
        if op != "add_slot" or not slot_form.errors:
            return redirect("events_manage", pk=pk)
    roadshow.refresh_from_db()
    actions = [
        (action, TRANSITION_LABELS[action])
        for action, (allowed, _to) in services.TRANSITIONS.items()
        if roadshow.status in allowed
    ]
    page = getattr(roadshow, "page", None)
    return render(
        request,
        "events/admin/manage.html",
        {
            "roadshow": roadshow,
            "timeline": services.programme_timeline(roadshow=roadshow),
            "door_staff": roadshow.door_staff.order_by("name", "username"),
            "problems": services.programme_problems(roadshow=roadshow),
            "actions": actions,
            "slot_form": slot_form,
            "history": roadshow.events.select_related("actor"),
            "missing": materials_missing(roadshow=roadshow),
            "counts": checkin_counts(roadshow),
            "not_checked_in": roadshow.registrations.tickets()
            .filter(checked_in_at__isnull=True)
            .select_related("user")[:500],
            "ended": roadshow.end < timezone.now(),
            "page": page,
            "header_title": roadshow.title,
        },
        status=400 if slot_form.errors else 200,
    )


def _rota_initial(year: int):
    """Last year's rota where there is one, else every field and five regions."""
    previous = YearPlan.objects.filter(year__lt=year).order_by("-year").first()
    fields = list(IndustryField.objects.all())
    if previous is not None:
        order = {
            e["field"]: (i + 1, e["host"]) for i, e in enumerate(previous.field_rota)
        }
        field_rows = [
            {
                "include": f.pk in order,
                "field": f.pk,
                "host": order.get(f.pk, (0, None))[1],
                "order": order.get(f.pk, (len(fields) + i + 1, None))[0],
            }
            for i, f in enumerate(fields)
        ]
        region_rows = [
            {
                "province": e["ref"] if e["kind"] == "province" else None,
                "zone": e["ref"] if e["kind"] != "province" else None,
                "host": e["host"],
            }
            for e in previous.region_rota
        ]
    else:
        # No earlier plan: the specialized agencies take the fields in turn,
        # a starting point the organizer adjusts.
        agencies = list(specialized_agencies())
        field_rows = [
            {
                "include": True,
                "field": f.pk,
                "order": i + 1,
                "host": agencies[i % len(agencies)].pk if agencies else None,
            }
            for i, f in enumerate(fields)
        ]
        region_rows = []
    region_rows += [{} for _i in range(max(3, 8 - len(region_rows)))]
    return field_rows, region_rows


def plan_view(request):
    """Make a year's plan: pick the rotas, block dates, generate."""
    _organizer(request)
    from django.utils import timezone

    from .enums import RegionKind

    default_year = timezone.localdate().year + 1
    year = (
        int(request.GET.get("year", default_year))
        if str(request.GET.get("year", default_year)).isdigit()
        else default_year
    )
    field_rows, region_rows = _rota_initial(year)
    if request.method == "POST":
        form = PlanForm(request.POST)
        fields_fs = FieldTurnFormSet(request.POST, prefix="f")
        regions_fs = RegionTurnFormSet(request.POST, prefix="r")
        if form.is_valid() and fields_fs.is_valid() and regions_fs.is_valid():
            field_rota = [
                services.FieldTurn(field=row["field"], host=row["host"])
                for row in sorted(
                    (r for r in fields_fs.cleaned_data if r.get("include")),
                    key=lambda r: r["order"],
                )
            ]
            region_rota = []
            for row in regions_fs.cleaned_data:
                if row.get("province"):
                    region_rota.append(
                        services.RegionTurn(
                            kind=RegionKind.PROVINCE,
                            province=row["province"],
                            zone=None,
                            host=row["host"],
                        )
                    )
                elif row.get("zone"):
                    kind = (
                        RegionKind.HI_TECH_ZONE
                        if row["zone"].kind == "hi_tech_zone"
                        else RegionKind.AGRI_ZONE
                    )
                    region_rota.append(
                        services.RegionTurn(
                            kind=kind, province=None, zone=row["zone"], host=row["host"]
                        )
                    )
            try:
                services.year_plan_create(
                    year=form.cleaned_data["year"],
                    field_rota=field_rota,
                    region_rota=region_rota,
                    blocked=form.cleaned_data["blocked_dates"],
                    lead_host=form.cleaned_data["lead_host"],
                    by=request.user,
                )
            except services.RoadshowError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("已生成 %(year)d 年的路演计划（草案）。")
                    % {"year": form.cleaned_data["year"]},
                )
                return redirect(
                    reverse("events_plan_year", args=[form.cleaned_data["year"]])
                )
    else:
        from accounts.enums import OrganizationKind
        from accounts.models import Organization

        torch = Organization.objects.filter(kind=OrganizationKind.TORCH_CENTRE).first()
        form = PlanForm(initial={"year": year, "lead_host": torch})
        fields_fs = FieldTurnFormSet(initial=field_rows, prefix="f")
        regions_fs = RegionTurnFormSet(initial=region_rows, prefix="r")
    field_names = {f.pk: f for f in IndustryField.objects.all()}
    return render(
        request,
        "events/admin/plan.html",
        {
            "form": form,
            "fields_fs": fields_fs,
            "regions_fs": regions_fs,
            "field_names": field_names,
            "progress": selectors.programme_progress(),
            "plans": YearPlan.objects.all(),
            "header_title": _("年度路演计划"),
        },
    )


def plan_year_view(request, year: int):
    """A year's roadshows with the plan's warnings; swap two roadshows' dates."""
    _organizer(request)
    if request.method == "POST":
        form = SwapForm(request.POST)
        if form.is_valid():
            try:
                services.roadshows_swap_dates(
                    first=form.cleaned_data["first"],
                    second=form.cleaned_data["second"],
                    by=request.user,
                )
                messages.success(request, _("已对调两场路演的日期。"))
            except services.RoadshowError as exc:
                messages.error(request, str(exc))
        return redirect("events_plan_year", year=year)
    roadshows = list(
        Roadshow.objects.filter(start__year=year)
        .select_related("field", "province", "zone", "lead_host")
        .order_by("start")
    )
    return render(
        request,
        "events/admin/plan_year.html",
        {
            "year": year,
            "plan": YearPlan.objects.filter(year=year).first(),
            "roadshows": roadshows,
            "warnings": selectors.plan_warnings(year=year),
            "progress": selectors.programme_progress(),
            "kinds": dict(RoadshowKind.choices),
            "header_title": _("%(year)d 年路演计划") % {"year": year},
        },
    )


@hooks.register("register_admin_viewset")
def register_roadshow_viewset():
    return RoadshowViewSet("roadshow")


@hooks.register("register_admin_urls")
def register_roadshow_urls():
    return [
        path("roadshows/plan/", plan_view, name="events_plan"),
        path("roadshows/plan/<int:year>/", plan_year_view, name="events_plan_year"),
        path("roadshows/<int:pk>/manage/", manage_view, name="events_manage"),
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
    from django.templatetags.static import static
    from django.utils.html import format_html

    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
