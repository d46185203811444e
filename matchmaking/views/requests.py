"""Meeting requests: ask (from an achievement, a pitch, a recommendation),
and the page of one request with its answers, one address per action."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.enums import InvestorStatus
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import Achievement
from achievements.selectors import achievements_published_visible_to

from .. import services
from ..enums import Direction, MeetingStatus, Outcome, RequestStatus
from ..forms import (
    AcceptForm,
    CancelForm,
    DeclineForm,
    OutcomeForm,
    RequestForm,
    form_errors,
    outcome_context,
)
from ..models import Meeting, MeetingRequest
from ..rules import asked_side, side_of, team_orgs
from ..selectors import (
    achievement_titles,
    not_approved_reason,
    registered_orgs,
    sessions_for_request,
)
from ..services.base import members_of


def _achievement_for(request, pk: str) -> tuple[Achievement, str]:
    """The achievement asked about, and the direction: the team's own
    achievement (asking an investor), or one the user may see published."""
    if not pk.isdigit():
        raise Http404
    own = Achievement.objects.filter(
        pk=pk, owner_id__in=team_orgs(request.user)
    ).first()
    if own is not None:
        return own, Direction.TO_INVESTOR
    achievement = (
        achievements_published_visible_to(user=request.user).filter(pk=pk).first()
    )
    if achievement is None:
        raise Http404
    return achievement, Direction.TO_TEAM


@login_required
def request_new(request):
    """Ask for a meeting about an achievement: choose the session (the
    roadshows where both sides will be), then the message and slots."""
    achievement, direction = _achievement_for(
        request, request.GET.get("achievement", "")
    )
    user = request.user
    if direction == Direction.TO_TEAM:
        investor_orgs = sorted(permissions.approved_investor_orgs(user))
        if not investor_orgs:
            return render(
                request,
                "matchmaking/request_refused.html",
                {"achievement": achievement, "error": not_approved_reason(user)},
                status=403,
            )
        investor_org = Organization.objects.get(pk=investor_orgs[0])
    else:
        investor_id = request.GET.get("investor", "")
        investor_org = (
            Organization.objects.filter(
                pk=investor_id, investor_status=InvestorStatus.APPROVED
            ).first()
            if investor_id.isdigit()
            else None
        )
    sessions = sessions_for_request(achievement=achievement)
    chosen = None
    session_id = request.GET.get("session", "")
    if session_id.isdigit():
        chosen = next((s for s in sessions if str(s.pk) == session_id), None)
        if chosen is None:
            raise Http404
    elif len(sessions) == 1:
        chosen = sessions[0]
    context: dict[str, Any] = {
        "achievement": achievement,
        "direction": direction,
        "investor_org": investor_org,
        "sessions": sessions,
        "session": chosen,
    }
    if chosen is None:
        return render(request, "matchmaking/request_choose.html", context)
    if direction == Direction.TO_INVESTOR and investor_org is None:
        # The team picks an approved organization registered for the roadshow.
        registered = registered_orgs(session=chosen)
        orgs = Organization.objects.filter(
            pk__in=registered, investor_status=InvestorStatus.APPROVED
        ).order_by("name")
        open_requests = _open_requests(chosen, achievement)
        context["investors"] = [(org, open_requests.get(org.pk)) for org in orgs]
        return render(request, "matchmaking/request_choose.html", context)
    existing = _open_requests(chosen, achievement).get(investor_org.pk)
    if existing is not None:
        # Nothing to ask: the pair already has a request or a meeting here.
        messages.info(
            request,
            _("双方已就该成果约定会面。")
            if existing.status == RequestStatus.ACCEPTED
            else _("双方已有一个待回复的约见请求。"),
        )
        return redirect("matchmaking:request", pk=existing.pk)
    kinds = set(chosen.places.values_list("kind", flat=True))
    form = RequestForm(request.POST or None, session=chosen, kinds=kinds)
    error = None
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise services.MatchError(form_errors(form))
            data = form.cleaned_data
            created = services.request_create(
                by=user,
                session=chosen,
                achievement=achievement,
                investor_org=investor_org,
                direction=direction,
                message=data["message"],
                priority=data["priority"],
                preferred_slots=data["preferred_slots"],
                place_kind=data["place_kind"],
            )
        except services.MatchError as exc:
            error = str(exc)
        else:
            messages.success(request, _("约见请求已发出，对方回复后会通知您。"))
            return redirect("matchmaking:request", pk=created.pk)
    context.update(form=form, error=error)
    return render(
        request, "matchmaking/request_new.html", context, status=400 if error else 200
    )


def _open_requests(session, achievement) -> dict:
    """Investor organization → the open request about this achievement."""
    return {
        r.investor_org_id: r
        for r in MeetingRequest.objects.filter(
            session=session,
            achievement=achievement,
            status__in=RequestStatus.open_states,
        )
    }


def _request_or_404(request, pk: int) -> MeetingRequest:
    found = (
        MeetingRequest.objects.select_related(
            "session__roadshow", "achievement", "team_org", "investor_org", "requester"
        )
        .filter(pk=pk)
        .first()
    )
    # Someone else's request does not exist for this user.
    if found is None or not user_can(request.user, "match.request_view", found):
        raise Http404
    return found


def request_page(request, found: MeetingRequest, *, error: str = "", status=200):
    user = request.user
    meeting = (
        Meeting.objects.filter(request=found).select_related("slot", "place").first()
    )
    is_organizer = permissions.is_organizer(user)
    if meeting is not None and meeting.published_at is None and not is_organizer:
        meeting = None  # a draft of the schedule: organizers only
    side = side_of(user, found)
    responder_side = asked_side(found)
    can_respond = (
        found.status == RequestStatus.PENDING
        and found.expires_at > timezone.now()
        and user_can(user, "match.respond", found)
    )
    context = {
        "req": found,
        "title": achievement_titles(user=user, requests=[found])[found.pk],
        "side": side,
        "meeting": meeting,
        "events": found.events.select_related("actor"),
        "error": error,
        "can_respond": can_respond,
        "can_cancel": found.status in RequestStatus.open_states
        and user_can(user, "match.cancel", found),
        "is_organizer": is_organizer,
        "now": timezone.now(),
        # The meeting's private room (its own rule: the named attendees).
        "can_enter_room": meeting is not None
        and meeting.status != MeetingStatus.CANCELLED
        and user_can(user, "meeting.room", meeting),
    }
    if can_respond:
        members = members_of(found.responder_org.pk, side=responder_side)
        context["accept_form"] = AcceptForm(
            members=members, default=user.pk if side == responder_side else None
        )
        context["decline_form"] = DeclineForm(side=responder_side)
    context.update(outcome_context(user=user, meeting=meeting, side=side))
    if meeting is not None:
        context["other_outcomes"] = list(meeting.outcomes.all()) if is_organizer else []
    return render(request, "matchmaking/request.html", context, status=status)


@login_required
def request_detail(request, pk: int):
    return request_page(request, _request_or_404(request, pk))


def _perform(request, pk: int, form, write: Callable[[dict], str]):
    found = _request_or_404(request, pk)
    if not form.is_valid():
        return request_page(request, found, error=form_errors(form), status=400)
    try:
        done = write(form.cleaned_data)
    except services.MatchError as exc:
        found.refresh_from_db()
        return request_page(request, found, error=str(exc), status=409)
    messages.success(request, done)
    return redirect("matchmaking:request", pk=pk)


@login_required
@require_POST
def request_accept(request, pk: int):
    found = _request_or_404(request, pk)
    responder_side = asked_side(found)
    form = AcceptForm(
        request.POST, members=members_of(found.responder_org.pk, side=responder_side)
    )

    def write(data):
        services.request_accept(
            request_id=pk,
            by=request.user,
            attendee_ids=data["attendees"],
            accept_priority=data["accept_priority"],
        )
        return _("已接受约见。")

    return _perform(request, pk, form, write)


@login_required
@require_POST
def request_decline(request, pk: int):
    def write(data):
        services.request_decline(
            request_id=pk, by=request.user, reason=data["reason"], note=data["note"]
        )
        return _("已婉拒，对方会收到您选择的原因。")

    found = _request_or_404(request, pk)
    side = asked_side(found)
    return _perform(request, pk, DeclineForm(request.POST, side=side), write)


@login_required
@require_POST
def request_cancel(request, pk: int):
    def write(data):
        before = MeetingRequest.objects.filter(pk=pk).values_list("status", flat=True)
        waiting = before.first() == RequestStatus.PENDING
        services.request_cancel(request_id=pk, by=request.user, note=data["note"])
        return _("已撤回。") if waiting else _("会面已取消。")

    return _perform(request, pk, CancelForm(request.POST), write)


@login_required
@require_POST
def outcome_record(request, pk: int):
    """pk: the meeting's."""
    meeting = get_object_or_404(Meeting, pk=pk)

    def write(data):
        services.outcome_record(
            meeting_id=pk,
            by=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            note=data["note"],
        )
        if data["outcome"] == Outcome.CONTINUE:
            return _("已记录：继续洽谈。可点击“登记意向”在跟踪服务中跟进。")
        return _("已记录会面结果。")

    response = _perform(request, meeting.request_id, OutcomeForm(request.POST), write)
    # Recorded elsewhere (the meeting's room): back there.
    back = request.POST.get("next", "")
    if (
        response.status_code == 302
        and url_has_allowed_host_and_scheme(back, allowed_hosts=None)
        and back.startswith("/")
    ):
        return redirect(back)
    return response
