"""The organizers' matchmaking pages in the Wagtail admin: the sessions,
one session's settings, tables and rooms, the scheduling run, the draft
schedule with hand moves, what could not be placed, and the figures.  Each
form posts to its own view; every write is one service call."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import user_can
from events.enums import RoadshowStatus
from events.models import Roadshow
from jobs.selectors import job_latest

from . import services
from .enums import MeetingStatus, RequestStatus, Unplaced
from .forms import (
    MoveForm,
    PlaceForm,
    RunForm,
    SessionCreateForm,
    SessionForm,
    form_errors,
)
from .models import MatchSession, Meeting, MeetingRequest
from .selectors import session_figures
from .services.sessions import SETTINGS


def _organizer(request) -> None:
    if not user_can(request.user, "roadshow.plan"):
        raise PermissionDenied


def _session(request, pk: int) -> MatchSession:
    _organizer(request)
    return get_object_or_404(MatchSession.objects.select_related("roadshow"), pk=pk)


@require_GET
def index_view(request):
    _organizer(request)
    sessions = MatchSession.objects.select_related("roadshow").order_by("-starts_at")
    without = (
        Roadshow.objects.filter(match_session__isnull=True, end__gte=timezone.now())
        .exclude(status__in=[RoadshowStatus.CANCELLED, RoadshowStatus.ARCHIVED])
        .order_by("start")[:100]
    )
    return render(
        request,
        "matchmaking/admin/index.html",
        {"sessions": sessions, "without": without, "header_title": _("供需对接")},
    )


def session_create_view(request, roadshow_pk: int):
    _organizer(request)
    roadshow = get_object_or_404(Roadshow, pk=roadshow_pk)
    if hasattr(roadshow, "match_session"):
        return redirect("matchmaking_session", pk=roadshow.match_session.pk)
    initial = {"starts_at": roadshow.start, "ends_at": roadshow.end}
    form = SessionCreateForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            session = services.session_create(
                roadshow=roadshow,
                by=request.user,
                tables=data.pop("tables"),
                table_capacity=data.pop("table_capacity"),
                online_rooms=data.pop("online_rooms"),
                **{k: v for k, v in data.items() if k in SETTINGS},
            )
        except services.MatchError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("对接会已创建。"))
            return redirect("matchmaking_session", pk=session.pk)
    return render(
        request,
        "matchmaking/admin/create.html",
        {
            "roadshow": roadshow,
            "form": form,
            "header_title": _("新建对接会：%(title)s") % {"title": roadshow.title},
        },
        status=400 if form.errors else 200,
    )


def _shown_job(session: MatchSession):
    """The run under way, or the last one's outcome for half an hour."""
    job = job_latest(subject=services.schedule_subject(session.pk))
    recent = timezone.now() - dt.timedelta(minutes=30)
    if job is None or (job.finished and (job.finished_at or job.created_at) < recent):
        return None
    return job


def _page(request, session: MatchSession, *, settings_form=None, status=200):
    meetings = list(
        Meeting.objects.filter(session=session)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related(
            "slot",
            "place",
            "request__achievement",
            "request__team_org",
            "request__investor_org",
        )
        .order_by("slot__start", "place__name", "seat")
    )
    unplaced = list(
        MeetingRequest.objects.filter(session=session, status=RequestStatus.ACCEPTED)
        .exclude(unplaced_reason="")
        .select_related("achievement", "team_org", "investor_org")
    )
    for request_ in unplaced:
        request_.reason_label = Unplaced(request_.unplaced_reason).label
    requests = (
        MeetingRequest.objects.filter(session=session)
        .select_related("achievement", "team_org", "investor_org")
        .order_by("-created_at")[:300]
    )
    return render(
        request,
        "matchmaking/admin/session.html",
        {
            "session": session,
            "settings_form": settings_form
            or SessionForm(initial={k: getattr(session, k) for k in SETTINGS}),
            "place_form": PlaceForm(),
            "run_form": RunForm(),
            "places": session.places.all(),
            "slots": session.slots.order_by("start"),
            "meetings": meetings,
            "drafts": sum(1 for m in meetings if m.published_at is None),
            "unplaced": unplaced,
            "requests": requests,
            "figures": session_figures(session=session),
            "job": _shown_job(session),
            "header_title": _("对接会：%(title)s") % {"title": session.roadshow.title},
        },
        status=status,
    )


@require_GET
def session_view(request, pk: int):
    return _page(request, _session(request, pk))


@require_POST
def settings_view(request, pk: int):
    session = _session(request, pk)
    form = SessionForm(request.POST)
    if not form.is_valid():
        return _page(request, session, settings_form=form, status=400)
    try:
        services.session_update(session_id=pk, by=request.user, **form.cleaned_data)
    except services.MatchError as exc:
        form.add_error(None, str(exc))
        session.refresh_from_db()
        return _page(request, session, settings_form=form, status=409)
    messages.success(request, _("对接会设置已保存。"))
    return redirect("matchmaking_session", pk=pk)


@require_POST
def place_add_view(request, pk: int):
    _session(request, pk)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("matchmaking_session", pk=pk)
    try:
        services.place_add(session_id=pk, by=request.user, **form.cleaned_data)
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已添加。"))
    return redirect("matchmaking_session", pk=pk)


@require_POST
def place_remove_view(request, pk: int, place_pk: int):
    _session(request, pk)
    try:
        services.place_remove(place_id=place_pk, session_id=pk, by=request.user)
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已删除。"))
    return redirect("matchmaking_session", pk=pk)


@require_POST
def place_video_view(request, pk: int, place_pk: int):
    """An online room's standing video link (empty clears it)."""
    _session(request, pk)
    try:
        services.place_video_set(
            place_id=place_pk,
            session_id=pk,
            by=request.user,
            url=request.POST.get("video_url", ""),
        )
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("视频会议链接已保存。"))
    return redirect("matchmaking_session", pk=pk)


@require_POST
def run_view(request, pk: int):
    """编排: queue a run (drafts until published); the page follows it."""
    _session(request, pk)
    form = RunForm(request.POST)
    form.is_valid()
    try:
        services.schedule_start(
            session_id=pk,
            by=request.user,
            replan=form.cleaned_data.get("replan", False),
        )
    except services.MatchError as exc:
        messages.error(request, str(exc))
    return redirect("matchmaking_session", pk=pk)


@require_POST
def publish_view(request, pk: int):
    _session(request, pk)
    try:
        count = services.schedule_publish(session_id=pk, by=request.user)
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("日程已发布，%(n)d 场会面已通知双方。") % {"n": count}
        )
    return redirect("matchmaking_session", pk=pk)


@require_POST
def move_view(request, pk: int, meeting_pk: int):
    _session(request, pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择时段和洽谈桌/洽谈室。"))
        return redirect("matchmaking_session", pk=pk)
    if not Meeting.objects.filter(pk=meeting_pk, session_id=pk).exists():
        messages.error(request, _("找不到该会面。"))
        return redirect("matchmaking_session", pk=pk)
    try:
        services.meeting_move(
            meeting_id=meeting_pk,
            by=request.user,
            slot_id=form.cleaned_data["slot"],
            place_id=form.cleaned_data["place"],
            swap=form.cleaned_data["swap"],
        )
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("会面已调整。"))
    return redirect("matchmaking_session", pk=pk)
