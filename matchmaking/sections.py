"""Matchmaking's section of an achievement's page: the way to ask for a
meeting, where a session takes requests about it."""

from accounts import permissions
from achievements.extensions import detail_section

from .rules import team_orgs
from .selectors import not_approved_reason, sessions_for_request


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
