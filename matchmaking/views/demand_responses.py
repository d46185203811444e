""" "我们可以对接" from a demand's page or the team's recommendations, and the
demand side's "不合适".  One action = one form + one service call + one URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import user_can
from achievements.models import Demand

from ..enums import DemandResponseStatus
from ..forms import DemandRespondForm, DemandResponseDeclineForm, form_errors
from ..models import DemandResponse
from ..selectors import team_achievements_for_response
from ..services import MatchError
from ..services.demand_responses import demand_respond, demand_response_decline


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def demand_respond_view(request, pk: int):
    demand = get_object_or_404(
        Demand.objects.select_related("organization", "field", "province"), pk=pk
    )
    if not user_can(request.user, "demand.view", demand):
        raise Http404
    form = DemandRespondForm(
        request.POST,
        achievements=team_achievements_for_response(user=request.user),
    )
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(request, demand)
    try:
        response = demand_respond(
            by=request.user,
            demand=demand,
            achievement=form.cleaned_data["achievement"],
            message=form.cleaned_data["message"],
        )
    except MatchError as error:
        messages.error(request, str(error))
        return _back(request, demand)
    if response.status == DemandResponseStatus.MEETING:
        messages.success(
            request,
            _("已响应该需求，并在对接会中向需求方发出约见请求。"),
        )
        return redirect("matchmaking:request", response.meeting_request_id)
    messages.success(request, _("已响应该需求，需求方会收到通知。"))
    return _back(request, demand)


@login_required
@require_POST
def demand_response_decline_view(request, pk: int):
    response = get_object_or_404(
        DemandResponse.objects.select_related("demand", "achievement"), pk=pk
    )
    if not user_can(request.user, "demand_response.answer", response):
        raise Http404
    form = DemandResponseDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return _back(request, response.demand)
    try:
        demand_response_decline(
            by=request.user, response=response, note=form.cleaned_data["note"]
        )
    except MatchError as error:
        messages.error(request, str(error))
        return _back(request, response.demand)
    messages.success(request, _("已告知成果团队该成果不合适。"))
    return _back(request, response.demand)


urlpatterns = [
    path(
        "matchmaking/demands/<int:pk>/respond/",
        demand_respond_view,
        name="demand_respond",
    ),
    path(
        "matchmaking/demand-responses/<int:pk>/decline/",
        demand_response_decline_view,
        name="demand_response_decline",
    ),
]
