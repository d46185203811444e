"""The library's panels of the workspace, and its line of the organizers' inbox."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import InboxItem, inbox_item, panel

from . import selectors
from .enums import ReviewStatus
from .models import Achievement

# The workspace's panels stay short: the first few, and a link to the list.
PANEL_ROWS = 5


@panel(order=10)
def review_panel(request):
    if not permissions.is_reviewer(request.user):
        return None
    queue = selectors.review_queue(user=request.user)
    now = timezone.now()
    return "achievements/includes/panel_review.html", {
        "count": queue.count(),
        "first": [
            (achievement, max((now - achievement.waiting_since).days, 0))
            for achievement in queue[:PANEL_ROWS]
        ],
    }


@panel(order=20)
def team_panel(request):
    if not permissions.organization_ids(request.user, role=Role.TEAM):
        return None
    mine = selectors.team_achievements(user=request.user)
    return "achievements/includes/panel_team.html", {
        "count": mine.count(),
        "returned": mine.filter(status=ReviewStatus.RETURNED).count(),
        "latest": list(mine[:PANEL_ROWS]),
    }


@panel(order=40)
def demands_panel(request):
    orgs = permissions.organization_ids(request.user)
    demands = (
        selectors.demands_visible_to(user=request.user)
        .filter(organization_id__in=orgs)
        .select_related("organization")[:50]
    )
    if not demands:
        return None
    return "achievements/includes/panel_demands.html", {"my_demands": demands}


@panel(order=5)
def investor_panel(request):
    orgs = permissions.organization_ids(request.user, role=Role.INVESTOR)
    if not orgs:
        return None
    from .models import InvestorProfile

    return "achievements/includes/panel_investor.html", {
        "has_profile": InvestorProfile.objects.filter(organization_id__in=orgs).exists()
    }


@inbox_item(order=10)
def achievements_waiting(request):
    """Submitted achievements not yet decided, the longest waiting first."""
    waiting = Achievement.objects.filter(
        status__in=selectors.REVIEW_QUEUE_STATES
    ).order_by("updated_at", "id")
    now = timezone.now()
    entries = []
    for achievement in waiting[:3]:
        days = (now - achievement.updated_at).days
        text = (
            ngettext(
                "%(title)s · 已等 %(days)d 天", "%(title)s · 已等 %(days)d 天", days
            )
            if days
            else gettext("%(title)s · 今天提交")
        )
        entries.append(
            (
                text % {"title": achievement.title, "days": days},
                reverse("achievement:inspect", args=[achievement.pk]),
            )
        )
    return InboxItem(
        label=gettext("待审查的成果"),
        count=waiting.count(),
        url=reverse("achievement:index")
        + "?"
        + "&".join(f"status={state}" for state in selectors.REVIEW_QUEUE_STATES),
        hint=gettext("保密审查：公开、限定公开或退回"),
        entries=tuple(entries),
    )
