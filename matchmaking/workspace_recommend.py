"""The recommender's panels of the workspace: achievements that fit an
investor's mandate; investors, roadshows and demands that fit a team's
achievements."""

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import panel

from .models import DemandResponse
from .recommend import profile_of, recommendations_for, team_recommendations
from .recommend_forms import DigestPreferenceForm
from .recommend_services import digest_wanted
from .selectors import achievements_bookable, demand_responses_waiting

PANEL_LIMIT = 10


@panel(order=6)
def recommendations_panel(request):
    user = request.user
    if not permissions.organization_ids(user, role=Role.INVESTOR):
        return None
    profile = profile_of(user=user)
    recommendations = (
        recommendations_for(user=user, limit=PANEL_LIMIT) if profile else []
    )
    return "matchmaking/includes/panel_recommendations.html", {
        "has_profile": profile is not None,
        "approved": permissions.is_approved_investor(user),
        "recommendations": recommendations,
        "bookable": achievements_bookable(
            ids=[r.achievement.pk for r in recommendations]
        ),
        "digest_form": DigestPreferenceForm(
            initial={"weekly_digest": digest_wanted(user=user)}
        ),
    }


@panel(order=21)
def team_fits_panel(request):
    rows = team_recommendations(user=request.user)
    if not rows:
        return None
    # "我们可以对接" once per demand and achievement: those done are marked.
    answered = set(
        DemandResponse.objects.filter(
            achievement__in=[a for a, _fits in rows]
        ).values_list("achievement_id", "demand_id")
    )
    for achievement, fits in rows:
        for fit in fits.demands:
            fit.answered = (achievement.pk, fit.demand.pk) in answered
    # The achievements something fits, in full; the others in one line.
    return "matchmaking/includes/panel_team_fits.html", {
        "rows": [(a, f) for a, f in rows if f.investors or f.demands],
        "quiet": [a for a, f in rows if not (f.investors or f.demands)],
    }


@panel(order=7)
def demand_responses_panel(request):
    """For the demand side: teams' "我们可以对接" still waiting for a look."""
    waiting = list(demand_responses_waiting(user=request.user)[:PANEL_LIMIT])
    if not waiting:
        return None
    return "matchmaking/includes/panel_demand_responses.html", {"waiting": waiting}
