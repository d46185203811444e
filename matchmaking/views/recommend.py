"""Recommendations: the full list, "不感兴趣" and its undo, the weekly digest
choice.  One action = one form + one service call + one URL."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from achievements.models import Achievement
from achievements.selectors import (
    achievement_is_published_to,
    achievements_published_visible_to,
)

from ..models import DismissedRecommendation
from ..recommend import profile_of, recommendations_for
from ..recommend_forms import DigestPreferenceForm
from ..recommend_services import (
    digest_preference_set,
    digest_wanted,
    recommendation_dismiss,
    recommendation_restore,
)
from ..selectors import achievements_bookable

FULL_LIST = 100


def _back(request):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:workspace")


def _published_achievement(request, pk: int) -> Achievement:
    """The achievement, if the user sees it as published; 404 otherwise (the
    same answer as for one that does not exist)."""
    achievement = get_object_or_404(Achievement, pk=pk)
    if not achievement_is_published_to(user=request.user, achievement=achievement):
        raise Http404
    return achievement


@login_required
@require_GET
def recommendations(request):
    user = request.user
    # Only those the user still sees: a mark outlives a withdrawal.
    dismissed = achievements_published_visible_to(user=user).filter(
        pk__in=DismissedRecommendation.objects.filter(user=user).values(
            "achievement_id"
        )
    )[:FULL_LIST]
    found = recommendations_for(user=user, limit=FULL_LIST)
    return render(
        request,
        "matchmaking/recommendations.html",
        {
            "has_profile": profile_of(user=user) is not None,
            "recommendations": found,
            "bookable": achievements_bookable(ids=[r.achievement.pk for r in found]),
            "dismissed": list(dismissed),
            "approved": permissions.is_approved_investor(user),
            "digest_form": DigestPreferenceForm(
                initial={"weekly_digest": digest_wanted(user=user)}
            ),
            "here": reverse("matchmaking:recommendations"),
        },
    )


@login_required
@require_POST
def recommendation_dismiss_view(request, pk: int):
    achievement = _published_achievement(request, pk)
    recommendation_dismiss(user=request.user, achievement=achievement)
    messages.success(
        request,
        _("已标记“%(title)s”为不感兴趣，不会再推荐。") % {"title": achievement.title},
    )
    return _back(request)


@login_required
@require_POST
def recommendation_restore_view(request, pk: int):
    achievement = _published_achievement(request, pk)
    recommendation_restore(user=request.user, achievement=achievement)
    messages.success(
        request, _("已恢复推荐“%(title)s”。") % {"title": achievement.title}
    )
    return _back(request)


@login_required
@require_POST
def digest_preference(request):
    form = DigestPreferenceForm(request.POST)
    if not form.is_valid():  # a lone checkbox: never invalid, but say so if it is
        messages.error(request, _("设置未保存。"))
        return _back(request)
    wanted = digest_preference_set(
        user=request.user, weekly_digest=form.cleaned_data["weekly_digest"]
    )
    messages.success(
        request,
        _("已订阅每周推荐邮件。") if wanted else _("已退订每周推荐邮件。"),
    )
    return _back(request)


urlpatterns = [
    path("matchmaking/recommendations/", recommendations, name="recommendations"),
    path(
        "matchmaking/recommendations/<int:pk>/dismiss/",
        recommendation_dismiss_view,
        name="recommendation_dismiss",
    ),
    path(
        "matchmaking/recommendations/<int:pk>/restore/",
        recommendation_restore_view,
        name="recommendation_restore",
    ),
    path("matchmaking/digest/", digest_preference, name="digest_preference"),
]
