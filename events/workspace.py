"""The roadshows' panel of the workspace, and their line of the organizers'
inbox."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import InboxItem, inbox_item, panel
from achievements.extensions import detail_section

from .calendars import personal_token
from .enums import Attendance, RoadshowStatus
from .forms import MaterialReviewForm
from .materials import (
    current_materials_of,
    materials_awaiting_review,
    materials_due,
    materials_missing,
)
from .models import Registration, Roadshow, Slot
from .registrations import attendance_options


@panel(order=11)
def material_review_panel(request):
    """Reviewers: pitch materials waiting, beside the achievements' queue."""
    if not permissions.is_reviewer(request.user):
        return None
    files, links = materials_awaiting_review(user=request.user)
    return "events/includes/panel_material_review.html", {
        "files": files,
        "links": links,
        "form": MaterialReviewForm(),
    }


@panel(order=30)
def roadshows_panel(request):
    user = request.user
    team_orgs = permissions.organization_ids(user, role=Role.TEAM)
    slots = (
        Slot.objects.filter(team_id__in=team_orgs, kind="pitch")
        .exclude(
            roadshow__status__in=[RoadshowStatus.CANCELLED, RoadshowStatus.ARCHIVED]
        )
        .select_related("roadshow", "achievement")
        .order_by("roadshow__start", "position")
    )
    slots = list(slots)
    materials = current_materials_of(slots=slots)
    # Missing materials are flagged only for roadshows still to come.
    rows = [
        (slot, materials.get(slot.pk, {}), materials_due(roadshow=slot.roadshow))
        for slot in slots
    ]
    registrations = (
        Registration.objects.active()
        .filter(user=user)
        .select_related("roadshow")
        .order_by("-roadshow__start")[:50]
    )
    doors = (
        user.door_roadshows.exclude(status__in=RoadshowStatus.ended_states).order_by(
            "start"
        )
        if user.is_authenticated
        else []
    )
    return "events/includes/panel_roadshows.html", {
        "doors": doors,
        "slots": rows,
        "registrations": registrations,
        "feed_url": request.build_absolute_uri(
            f"/calendar/u/{personal_token(user)}.ics"
        ),
    }


@detail_section(order=10)
def roadshow_record(request, achievement):
    """常态化线上展示: the roadshows this achievement was pitched in stay listed."""
    from .selectors import roadshows_of_achievement

    roadshows = list(roadshows_of_achievement(achievement_id=achievement.pk))
    if not roadshows:
        return None
    return "events/includes/achievement_roadshows.html", {"roadshows": roadshows}


@inbox_item(order=30)
def roadshows_needing_work(request):
    """This month's roadshows still to be held that lack pitch materials, or
    a stream although they are watched online."""
    today = timezone.localdate()
    first = today.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    coming = Roadshow.objects.filter(
        start__date__gte=first,
        start__date__lt=following,
        status__in=RoadshowStatus.planned_states | {RoadshowStatus.LIVE},
    ).order_by("start")
    # A list in a sentence: "、" in Chinese, ", " in English.
    separator = pgettext("list separator", "、")
    entries = []
    for roadshow in coming:
        lacking = []
        missing = len(materials_missing(roadshow=roadshow))
        if missing:
            lacking.append(
                ngettext("%(n)d 个项目缺材料", "%(n)d 个项目缺材料", missing)
                % {"n": missing}
            )
        if not roadshow.stream_url and Attendance.ONLINE in attendance_options(
            roadshow
        ):
            lacking.append(gettext("未设直播地址"))
        if lacking:
            entries.append(
                (
                    f"{roadshow.title} · {separator.join(lacking)}",
                    reverse("events_manage", args=[roadshow.pk]),
                )
            )
    return InboxItem(
        label=gettext("本月待完善的路演"),
        count=len(entries),
        url=reverse("events_plan"),
        hint=gettext("缺路演材料，或线上参加却没有直播地址"),
        entries=tuple(entries[:5]),
    )
