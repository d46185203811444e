"""The matchmaking panel of the workspace: what waits for an answer, the
next meetings, and the way to the hub."""

from django.utils import timezone

from accounts import permissions
from accounts.workspace import panel

from .enums import MeetingStatus, RequestStatus
from .models import MatchSession
from .rules import asked_side, sides_of
from .selectors import achievement_titles, meetings_of, requests_of


@panel(order=25)
def matchmaking_panel(request):
    user = request.user
    # Table staff: the door staff of a roadshow with a session not over.
    staffed = (
        list(
            MatchSession.objects.filter(
                roadshow__door_staff=user, ends_at__gte=timezone.now()
            ).select_related("roadshow")
        )
        if user.is_authenticated
        else []
    )
    if not (
        permissions.approved_investor_orgs(user)
        or permissions.organization_ids(user, role="team")
    ):
        if staffed:
            return "matchmaking/includes/panel.html", {"staffed": staffed}
        return None
    pending = [
        r
        for r in requests_of(user=user).filter(status=RequestStatus.PENDING)[:50]
        if asked_side(r) in sides_of(user, r)
    ]
    upcoming = list(
        meetings_of(user=user).filter(
            slot__end__gte=timezone.now(), status__in=MeetingStatus.active_states
        )[:10]
    )
    titles = achievement_titles(
        user=user, requests=pending + [m.request for m in upcoming]
    )
    return "matchmaking/includes/panel.html", {
        "staffed": staffed,
        "waiting": [(r, titles[r.pk]) for r in pending],
        "upcoming": [(m, titles[m.request_id]) for m in upcoming],
    }
