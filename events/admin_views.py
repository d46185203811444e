"""The organizers' roadshow pages in the Wagtail admin: one roadshow's page
(status, programme, door staff, materials) with one small view per action on
it, and the yearly planner.  wagtail_hooks registers them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST
from wagtail import hooks
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.views.generic import EditView, IndexView
from wagtail.admin.widgets.button import HeaderButton

from accounts.enums import OrganizationKind
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import IndustryField

from . import selectors, services
from .enums import RegionKind, RoadshowKind, SlotKind
from .forms import (
    ROADSHOW_FORM_FIELDS,
    DoorStaffForm,
    FieldTurnFormSet,
    PlanForm,
    RegionTurnFormSet,
    SlotForm,
    SwapForm,
    TransitionForm,
)
from .forms import (
    agencies as specialized_agencies,
)
from .materials import materials_due, materials_missing, materials_remind
from .models import Roadshow, Slot, YearPlan

TRANSITION_LABELS = {
    "schedule": gettext_lazy("确定排期"),
    "publish": gettext_lazy("发布"),
    "unpublish": gettext_lazy("撤回发布"),
    "go_live": gettext_lazy("开始直播"),
    "close": gettext_lazy("结束"),
    "archive": gettext_lazy("归档"),
    "cancel": gettext_lazy("取消路演"),
}


def _extra_buttons(roadshow: Roadshow) -> list[tuple[str, str, str]]:
    """(label, url, icon) of pages that apps after this one add next to a
    roadshow's (the Wagtail hook ``register_roadshow_admin_buttons``)."""
    return [
        button
        for hook in hooks.get_hooks("register_roadshow_admin_buttons")
        for button in hook(roadshow)
    ]


class RoadshowEditView(EditView):
    """Edits go through roadshow_update: SEQUENCE, history and the CMS page.
    The page says when the roadshow falls on a holiday or a weekend worked
    for one (调休上班), and so does the message after saving a new date."""

    template_name = "events/admin/roadshow_edit.html"

    def get_header_buttons(self):
        # The programme, status, door staff and materials are one click from
        # the roadshow's details, not only from the list's menu; apps after
        # events add theirs (register_roadshow_admin_buttons).
        return [
            HeaderButton(
                _("议程与状态"),
                url=reverse("events_manage", args=[self.object.pk]),
                icon_name="list-ol",
                priority=5,
            ),
            *(
                HeaderButton(label, url=url, icon_name=icon, priority=6)
                for label, url, icon in _extra_buttons(self.object)
            ),
            *super().get_header_buttons(),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["day_warnings"] = selectors.roadshow_day_warnings(roadshow=self.object)
        return context

    def save_instance(self):
        data = {
            key: self.form.cleaned_data[key]
            for key in ROADSHOW_FORM_FIELDS
            if key in self.form.cleaned_data
        }
        try:
            roadshow = services.roadshow_update(
                roadshow=self.object, data=data, by=self.request.user
            )
        except services.RoadshowError as exc:
            messages.error(self.request, str(exc))
            return self.object
        for warning in selectors.roadshow_day_warnings(roadshow=roadshow):
            messages.warning(self.request, warning.message)
        return roadshow


class RoadshowIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        return [
            ListingMenuItem(
                _("议程与状态"),
                url=reverse("events_manage", args=[instance.pk]),
                icon_name="list-ol",
                priority=5,
            ),
            *(
                ListingMenuItem(label, url=url, icon_name=icon, priority=6)
                for label, url, icon in _extra_buttons(instance)
            ),
            *super().get_list_more_buttons(instance),
        ]


def _organizer(request) -> None:
    if not user_can(request.user, "roadshow.plan"):
        raise PermissionDenied


def _roadshow(request, pk: int) -> Roadshow:
    _organizer(request)
    return get_object_or_404(Roadshow, pk=pk)


def _slot(roadshow: Roadshow, slot_pk: int) -> Slot:
    return get_object_or_404(Slot, pk=slot_pk, roadshow=roadshow)


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def _manage_page(request, roadshow: Roadshow, *, slot_form: SlotForm, status: int):
    actions = [
        (action, TRANSITION_LABELS[action])
        for action, (allowed, _to) in services.TRANSITIONS.items()
        if roadshow.status in allowed
    ]
    return render(
        request,
        "events/admin/manage.html",
        {
            "roadshow": roadshow,
            "timeline": services.programme_timeline(roadshow=roadshow),
            "door_staff": roadshow.door_staff.order_by("name", "username"),
            "problems": services.programme_problems(roadshow=roadshow),
            "day_warnings": selectors.roadshow_day_warnings(roadshow=roadshow),
            "actions": actions,
            "slot_form": slot_form,
            "history": roadshow.events.select_related("actor"),
            "missing": materials_missing(roadshow=roadshow),
            "pitches": roadshow.slots.filter(kind=SlotKind.PITCH).count(),
            "materials_due": materials_due(roadshow=roadshow),
            "counts": selectors.checkin_counts(roadshow=roadshow),
            "not_checked_in": roadshow.registrations.tickets()
            .filter(checked_in_at__isnull=True)
            .select_related("user")[:500],
            "ended": roadshow.end < timezone.now(),
            "page": getattr(roadshow, "page", None),
            "header_title": roadshow.title,
        },
        status=status,
    )


@require_GET
def manage_view(request, pk: int):
    """One roadshow's status moves, programme, door staff and materials; each
    of its forms posts to the action's own view below."""
    roadshow = _roadshow(request, pk)
    return _manage_page(request, roadshow, slot_form=SlotForm(), status=200)


@require_POST
def transition_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("events_manage", pk=pk)
    if form.cleaned_data["action"] == "publish" and not request.POST.get("confirmed"):
        # Publishing makes it public: first what is missing, then confirm.
        checks = selectors.publish_preflight(roadshow=roadshow)
        return render(
            request,
            "events/admin/publish_preflight.html",
            {
                "roadshow": roadshow,
                "checks": checks,
                "all_ok": all(check.ok for check in checks),
                "header_title": roadshow.title,
            },
        )
    try:
        services.roadshow_transition(
            roadshow=roadshow,
            action=form.cleaned_data["action"],
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except services.RoadshowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("路演状态已更新。"))
    return redirect("events_manage", pk=pk)


@require_GET
def pitch_choices_view(request, pk: int):
    """JSON for the programme's pitch chooser: ``?q=`` → matching achievements
    that may be pitched here."""
    roadshow = _roadshow(request, pk)
    return JsonResponse(
        {
            "results": selectors.pitch_choices(
                roadshow=roadshow, text=request.GET.get("q", "")
            )
        }
    )


@require_POST
def slot_add_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = SlotForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, roadshow, slot_form=form, status=400)
    data = form.cleaned_data
    try:
        services.slot_add(
            roadshow=roadshow,
            kind=data["kind"],
            duration_minutes=data["duration_minutes"],
            achievement=data["achievement"],
            title=data["title"],
            presenters=data["presenters"],
        )
    except services.RoadshowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("议程已添加。"))
    return redirect("events_manage", pk=pk)


@require_POST
def slot_move_view(request, pk: int, slot_pk: int, step: int):
    """One place earlier (step -1) or later (step 1) in the programme."""
    slot = _slot(_roadshow(request, pk), slot_pk)
    services.slot_move(slot=slot, position=slot.position + step)
    return redirect("events_manage", pk=pk)


@require_POST
def slot_remove_view(request, pk: int, slot_pk: int):
    services.slot_remove(slot=_slot(_roadshow(request, pk), slot_pk))
    return redirect("events_manage", pk=pk)


@require_POST
def materials_remind_view(request, pk: int, slot_pk: int):
    slot = _slot(_roadshow(request, pk), slot_pk)
    if not materials_due(roadshow=slot.roadshow):
        messages.warning(
            request, _("路演已开始、已结束或已取消，不再提醒提交路演材料。")
        )
        return redirect("events_manage", pk=pk)
    sent = materials_remind(slot=slot, by=request.user)
    if sent:
        messages.success(request, _("已提醒 %(n)d 位团队成员。") % {"n": sent})
    else:
        messages.warning(request, _("该团队没有可接收邮件的成员。"))
    return redirect("events_manage", pk=pk)


@require_POST
def door_staff_add_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = DoorStaffForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("events_manage", pk=pk)
    added = form.cleaned_data["login"]
    services.door_staff_add(roadshow=roadshow, user=added)
    messages.success(
        request,
        _("已添加签到工作人员：%(name)s") % {"name": added.name or added.username},
    )
    return redirect("events_manage", pk=pk)


@require_POST
def door_staff_remove_view(request, pk: int, user_pk: int):
    roadshow = _roadshow(request, pk)
    staff = get_object_or_404(roadshow.door_staff, pk=user_pk)
    services.door_staff_remove(roadshow=roadshow, user=staff)
    return redirect("events_manage", pk=pk)


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


def _rotas(fields_fs, regions_fs):
    """The formsets' rows as the planner's typed turns."""
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
    return field_rota, region_rota


def plan_view(request):
    """Make a year's plan: pick the rotas, block dates, generate."""
    _organizer(request)
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
            field_rota, region_rota = _rotas(fields_fs, regions_fs)
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
            "calendar_unknown": selectors.calendar_unknown_warning(year=year),
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
