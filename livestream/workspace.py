"""The live rooms' panel of the workspace: for a presenting team, its
presenter view while its roadshow is live, and its pitches' scores once the
roadshow has ended."""

from accounts import permissions
from accounts.workspace import panel
from events.enums import RoadshowStatus
from events.models import Roadshow


@panel(order=31)
def live_rooms_panel(request):
    teams = permissions.organization_ids(request.user)
    if not teams:
        return None
    roadshows = list(
        Roadshow.objects.filter(
            slots__team_id__in=teams,
            slots__kind="pitch",
            status__in=RoadshowStatus.held_states,
        )
        .distinct()
        .order_by("-start")[:20]
    )
    if not roadshows:
        return None
    return "livestream/includes/panel_live.html", {"roadshows": roadshows}
