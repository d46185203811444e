"""A participant's matchmaking: the hub (requests both ways, the meetings,
feedback), the slots they block, the printable day, and the table staff's
phone page."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.permissions import user_can

from .. import services
from ..enums import DeclineReason, MeetingStatus, RequestStatus
from ..forms import BlockForm, MarkForm
from ..models import BlockedSlot, MatchSession, MatchSlot, Meeting
from ..rules import asked_side, sides_of, team_orgs
from ..selectors import (
    achievement_titles,
    busy_slots,
    feedback_of_team,
    meetings_of,
    registered_orgs,
    requests_of,
)


@login_required
def hub(request):
    """我的对接: what waits for an answer, what was asked, the meetings."""
    user = request.user
    requests = list(requests_of(user=user).order_by("-created_at")[:200])
    titles = achievement_titles(user=user, requests=requests)
    incoming, outgoing = [], []
    for req in requests:
        asked = asked_side(req) in sides_of(user, req)
        (incoming if asked else outgoing).append((req, titles[req.pk]))
    meetings = list(meetings_of(user=user))
    meeting_titles = achievement_titles(
        user=user, requests=[m.request for m in meetings]
    )
    teams = team_orgs(user)
    feedback = feedback_of_team(org_ids=teams) if teams else {}
    labels = dict(DeclineReason.choices)
    sessions = {m.session for m in meetings} | {r.session for r in requests}
    return render(
        request,
        "matchmaking/hub.html",
        {
            "waiting": [
                (r, t) for r, t in incoming if r.status == RequestStatus.PENDING
            ],
            "incoming": incoming,
            "outgoing": outgoing,
            "meetings": [(m, meeting_titles[m.request_id]) for m in meetings],
            "feedback": sorted(
                ((labels.get(k, k), n) for k, n in feedback.items()),
                key=lambda item: -item[1],
            ),
            "sessions": sorted(sessions, key=lambda s: s.starts_at),
        },
    )


def _participant_session(request, pk: int) -> MatchSession:
    """A session the user takes part in: registered, presenting, or on a
    side of one of its requests (organizers too)."""
    session = get_object_or_404(MatchSession.objects.select_related("roadshow"), pk=pk)
    user = request.user
    if permissions.is_organizer(user):
        return session
    mine = permissions.organization_ids(user)
    from ..selectors import presenting_orgs

    involved = (
        bool(mine & registered_orgs(session=session))
        or bool(mine & set(presenting_orgs(session=session)))
        or session.requests.filter(requester=user).exists()
    )
    if not involved:
        raise Http404
    return session


@login_required
def availability(request, pk: int):
    session = _participant_session(request, pk)
    user = request.user
    slots = list(session.slots.order_by("start"))
    blocked = set(
        BlockedSlot.objects.filter(user=user, slot__session=session).values_list(
            "slot_id", flat=True
        )
    )
    drafts = Meeting.objects.filter(session=session, published_at__isnull=True)
    busy = busy_slots(
        session=session,
        user_ids=[user.pk],
        slots=slots,
        ignore_meetings=list(drafts.values_list("pk", flat=True)),
    )[user.pk]
    meetings = {
        m.slot_id: m
        for m in Meeting.objects.filter(
            seats__user=user,
            session=session,
            status__in=MeetingStatus.active_states,
            published_at__isnull=False,
        ).select_related("place")
    }
    rows = []
    for slot in slots:
        if slot.pk in meetings:
            state = "meeting"
        elif slot.pk in blocked:
            state = "blocked"
        elif slot.pk in busy:
            state = "pitch"
        else:
            state = "free"
        rows.append((slot, state, meetings.get(slot.pk)))
    return render(
        request, "matchmaking/availability.html", {"session": session, "rows": rows}
    )


@login_required
@require_POST
def slot_block(request, pk: int, slot_pk: int):
    session = _participant_session(request, pk)
    slot = get_object_or_404(MatchSlot, pk=slot_pk, session=session)
    form = BlockForm(request.POST)
    form.is_valid()
    try:
        services.slot_block(
            user=request.user,
            slot=slot,
            blocked=form.cleaned_data.get("blocked", False),
        )
    except services.MatchError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已更新您的空闲时段。"))
    return redirect("matchmaking:availability", pk=session.pk)


@login_required
def print_day(request, pk: int):
    """The participant's meetings in one session, on one A4 page."""
    session = _participant_session(request, pk)
    meetings = [m for m in meetings_of(user=request.user) if m.session_id == session.pk]
    titles = achievement_titles(
        user=request.user, requests=[m.request for m in meetings]
    )
    return render(
        request,
        "matchmaking/print.html",
        {
            "session": session,
            "meetings": [(m, titles[m.request_id]) for m in meetings],
        },
    )


def _staff_session(request, pk: int) -> MatchSession:
    session = get_object_or_404(MatchSession.objects.select_related("roadshow"), pk=pk)
    if not user_can(request.user, "roadshow.checkin", session.roadshow):
        raise PermissionDenied
    return session


@login_required
def staff(request, pk: int):
    """Table staff's phone page: the published meetings, slot by slot."""
    session = _staff_session(request, pk)
    meetings = (
        Meeting.objects.filter(session=session, published_at__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .select_related(
            "slot",
            "place",
            "request__team_org",
            "request__investor_org",
            "request__achievement",
        )
        .order_by("slot__start", "place__name", "seat")
    )
    meetings = list(
        meetings.prefetch_related("request__attendees", "request__requester")
    )
    titles = achievement_titles(
        user=request.user, requests=[m.request for m in meetings]
    )
    now = timezone.now()
    by_slot = defaultdict(list)
    for meeting in meetings:
        meeting.title = titles[meeting.request_id]
        meeting.people = [meeting.request.requester, *meeting.request.attendees.all()]
        by_slot[meeting.slot].append(meeting)
    return render(
        request,
        "matchmaking/staff.html",
        {
            "session": session,
            "by_slot": [(slot, ms, slot.start <= now) for slot, ms in by_slot.items()],
        },
    )


@login_required
@require_POST
def meeting_mark(request, pk: int):
    meeting = get_object_or_404(
        Meeting.objects.select_related("session__roadshow"), pk=pk
    )
    if not user_can(request.user, "meeting.mark", meeting):
        raise PermissionDenied
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择“已举行”或“未到场”。"))
    else:
        try:
            services.meeting_mark(
                meeting_id=pk, by=request.user, status=form.cleaned_data["status"]
            )
        except services.MatchError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已标记。"))
    return redirect("matchmaking:staff", pk=meeting.session_id)
