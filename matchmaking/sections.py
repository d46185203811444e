"""Matchmaking's sections: on an achievement's page the way to ask for a
meeting, where a session takes requests about it; on a demand's page
"我们可以对接" and the responses."""

from accounts import permissions
from accounts.permissions import user_can
from achievements.extensions import demand_section, detail_section
from achievements.matching import demand_fit, open_demands
from achievements.models import Achievement

from .forms import DemandRespondForm, DemandResponseDeclineForm
from .rules import team_orgs
from .selectors import (
    demand_responses_shown,
    not_approved_reason,
    sessions_for_request,
    team_achievements_for_response,
)

# The team's achievements offered for "我们可以对接", newest first.
RESPONSE_CHOICES = 50


@detail_section(order=20)
def meeting_request_section(request, achievement):
    user = request.user
    own = achievement.owner_id in team_orgs(user)
    investor = bool(permissions.approved_investor_orgs(user) - {achievement.owner_id})
    sessions = sessions_for_request(achievement=achievement)
    if not sessions:
        return None
    return "matchmaking/includes/achievement_section.html", {
        "sessions": sessions,
        "own": own,
        "investor": investor and not own,
        "signed_in": user.is_authenticated,
        "why_not": "" if (own or investor) else not_approved_reason(user),
    }


@demand_section(order=10)
def demand_response_section(request, demand):
    """ "我们可以对接" for a team member (the team's published achievements,
    best fit first, with their score); the responses so far for the
    demand's own people (and the team's own for a team)."""
    user = request.user
    if not user.is_authenticated:
        return None
    responses = list(demand_responses_shown(demand=demand, user=user))
    choices = []
    if (
        user_can(user, "demand.respond", demand)
        and demand.organization_id not in permissions.organization_ids(user)
        and open_demands().filter(pk=demand.pk).exists()
    ):
        answered = {r.achievement_id for r in responses}
        choices = sorted(
            (
                (a, demand_fit(demand=demand, achievement=a).score)
                for a in team_achievements_for_response(user=user)[:RESPONSE_CHOICES]
                if a.pk not in answered
            ),
            key=lambda pair: -pair[1],
        )
    if not responses and not choices:
        return None
    return "matchmaking/includes/demand_section.html", {
        "demand": demand,
        "responses": responses,
        "choices": choices,
        "form": DemandRespondForm(achievements=Achievement.objects.none()),
        "answers": user_can(user, "demand.edit", demand),
        "decline_form": DemandResponseDeclineForm(),
    }
