"""The library's panels of the workspace."""

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import panel

from . import selectors


@panel(order=10)
def review_panel(request):
    if not permissions.is_reviewer(request.user):
        return None
    return "achievements/includes/panel_review.html", {
        "review_queue": selectors.review_queue(user=request.user)[:100]
    }


@panel(order=20)
def team_panel(request):
    if not permissions.organization_ids(request.user, role=Role.TEAM):
        return None
    return "achievements/includes/panel_team.html", {
        "my_achievements": selectors.achievements_of_user(user=request.user).order_by(
            "-updated_at"
        )[:100]
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
