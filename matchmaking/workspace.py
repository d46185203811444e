"""The matchmaking panel of the workspace: what waits for an answer, the
next meetings, and the way to the hub; and the requests about to lapse, in
the organizers' inbox."""

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from accounts import permissions
from accounts.workspace import InboxItem, inbox_item, panel

from .enums import MeetingStatus, RequestStatus
from .models import MatchSession, MeetingRequest
from .rules import asked_side, sides_of
from .selectors import achievement_titles, meetings_of, requests_of

# The organizers' inbox counts the unanswered requests lapsing this soon.
EXPIRING_HOURS = 48


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


@inbox_item(order=50)
def requests_expiring(request):
    """Requests still unanswered that lapse within two days: organizers can
    remind the side asked, or answer for it."""
    now = timezone.now()
    soon = MeetingRequest.objects.filter(
        status=RequestStatus.PENDING,
        expires_at__gt=now,
        expires_at__lte=now + dt.timedelta(hours=EXPIRING_HOURS),
    )
    by_session = (
        soon.values("session_id", "session__roadshow__title")
        .annotate(n=Count("pk"))
        .order_by("session_id")
    )
    return InboxItem(
        label=gettext("即将过期的对接请求"),
        count=soon.count(),
        url=reverse("matchmaking_index"),
        hint=gettext("48 小时内到期、对方尚未回复"),
        entries=tuple(
            (
                ngettext("%(title)s · %(n)d 个", "%(title)s · %(n)d 个", row["n"])
                % {"title": row["session__roadshow__title"], "n": row["n"]},
                reverse("matchmaking_session", args=[row["session_id"]]),
            )
            for row in by_session[:5]
        ),
    )
