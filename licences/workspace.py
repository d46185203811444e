"""Open licences in other apps' pages: the team's panel (its declarations
and the way to declare), the reviewers' queue, the organizers' inbox line,
and the section on an achievement's page."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import user_can
from accounts.workspace import InboxItem, inbox_item, panel
from achievements.extensions import detail_section

from .enums import DeclarationStatus
from .models import Declaration
from .selectors import (
    declarations_awaiting_review,
    declarations_listed_to,
    declarations_of_team,
)

PANEL_ROWS = 5


@panel(order=22)
def team_licences_panel(request):
    """Teams: their declarations, those returned first, and 声明开放许可."""
    if not permissions.organization_ids(request.user, role=Role.TEAM):
        return None
    mine = declarations_of_team(user=request.user)
    return "licences/includes/panel_team.html", {
        "count": mine.count(),
        "returned": mine.filter(status=DeclarationStatus.RETURNED).count(),
        "latest": list(mine[:PANEL_ROWS]),
        "today": timezone.localdate(),
    }


@panel(order=13)
def licence_review_panel(request):
    """Reviewers: declarations waiting for confidentiality review."""
    if not permissions.is_reviewer(request.user):
        return None
    waiting = declarations_awaiting_review(user=request.user)
    count = waiting.count()
    if not count:
        return None
    now = timezone.now()
    return "licences/includes/panel_review.html", {
        "count": count,
        "first": [
            (d, max((now - d.submitted_at).days, 0)) for d in waiting[:PANEL_ROWS]
        ],
    }


@inbox_item(order=15)
def declarations_waiting(request):
    waiting = Declaration.objects.filter(status=DeclarationStatus.SUBMITTED).order_by(
        "submitted_at", "id"
    )
    return InboxItem(
        label=gettext("待审查的开放许可声明"),
        count=waiting.count(),
        url=reverse("licences:manage") + "?status=" + DeclarationStatus.SUBMITTED,
        hint=gettext("保密审查：公开或退回"),
        entries=tuple(
            (
                f"{d.patent_number} {d.patent_title}",
                reverse("licences:detail", args=[d.pk]),
            )
            for d in waiting[:3]
        ),
    )


@detail_section(order=18)
def achievement_open_licences(request, achievement):
    """On an achievement's page: its open licences the reader sees listed,
    and for its team the way to declare one."""
    today = timezone.localdate()
    listed = list(
        declarations_listed_to(user=request.user)
        .filter(achievement=achievement, status=DeclarationStatus.CLEARED)
        .filter(ends__gte=today)
        .order_by("patent_number")
    )
    may_declare = user_can(request.user, "licence.declare", achievement)
    if not listed and not may_declare:
        return None
    return "licences/includes/achievement_section.html", {
        "declarations": listed,
        "may_declare": may_declare,
        "achievement": achievement,
        "today": today,
    }
