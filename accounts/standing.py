"""Where an investor's application stands, told to the person waiting: the
banner on every page, the workspace's card and the refusal page read it
here.  What approval unlocks is decided elsewhere (``permissions``); this
module only says who is still waiting, for what, and how long a review
usually takes."""

import datetime as dt
import math
import statistics
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from . import permissions
from .enums import InvestorStatus
from .models import Organization

# A review time is quoted from the platform's own record once it has this
# many decisions in the window; before that, the organizers' stated target.
TYPICAL_MIN_DECISIONS = 5
TYPICAL_WINDOW_DAYS = 180


@dataclass(frozen=True)
class Waiting:
    organization_id: int
    organization: str
    # "pending": the organization awaits the organizers' review;
    # "rejected": it was turned down (``reason``);
    # "colleague": the organization is approved, this member not yet.
    state: str
    reason: str = ""
    since: dt.datetime | None = None


def waiting(user: Any) -> list[Waiting]:
    """The user's investor memberships that do not yet count as approved —
    from the memberships cached for every request, so a page asks the
    database only for someone who is actually waiting."""
    open_ones = {
        org: (status, ok)
        for org, status, ok in permissions.investor_memberships(user)
        if not (status == InvestorStatus.APPROVED and ok)
    }
    if not open_ones:
        return []
    found = []
    for org in Organization.objects.filter(pk__in=open_ones).order_by("name"):
        status, ok = open_ones[org.pk]
        if status == InvestorStatus.REJECTED:
            found.append(
                Waiting(org.pk, org.name, "rejected", org.investor_reject_reason)
            )
        elif status == InvestorStatus.APPROVED:
            found.append(Waiting(org.pk, org.name, "colleague"))
        else:
            found.append(Waiting(org.pk, org.name, "pending", since=org.created_at))
    return found


def typical_review_days(now: dt.datetime | None = None) -> tuple[int, bool]:
    """(days, measured): the median time from application to decision over
    the last 180 days, rounded up — measured once there are enough
    decisions; else the organizers' stated target
    (``INVESTOR_REVIEW_TARGET_DAYS``)."""
    now = now or timezone.now()
    decided = Organization.objects.filter(
        investor_decided_at__gte=now - dt.timedelta(days=TYPICAL_WINDOW_DAYS),
        investor_status__in=(InvestorStatus.APPROVED, InvestorStatus.REJECTED),
    ).values_list("created_at", "investor_decided_at")[:500]
    spans = [
        (decided_at - created).total_seconds() / 86400
        for created, decided_at in decided
        if decided_at >= created
    ]
    if len(spans) >= TYPICAL_MIN_DECISIONS:
        return max(1, math.ceil(statistics.median(spans))), True
    return settings.INVESTOR_REVIEW_TARGET_DAYS, False
