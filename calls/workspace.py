"""The calls' panel of the workspace: a team's applications and the open
calls; a named reviewer's calls to score."""

from accounts import permissions
from accounts.enums import Role
from accounts.workspace import panel

from .selectors import applications_of_user, calls_open, calls_reviewed_by


@panel(order=25)
def calls_panel(request):
    user = request.user
    is_team = bool(permissions.organization_ids(user, role=Role.TEAM))
    reviewing = list(calls_reviewed_by(user=user))
    if not is_team and not reviewing:
        return None
    return "calls/includes/panel_calls.html", {
        "is_team": is_team,
        "applications": list(applications_of_user(user=user)[:20]) if is_team else [],
        "open_calls": list(calls_open()[:5]) if is_team else [],
        "reviewing": reviewing,
    }
