"""Who sees which deals: organizers all; an achievement's team, the
counterparty and the handling agency their own; the public none (it sees
disclosures and published cases only)."""

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts import permissions

from .enums import ObjectionStatus, Stage
from .models import Deal


def deal_parties_q(*, user: Any) -> Q:
    orgs = permissions.organization_ids(user)
    return (
        Q(achievement__owner_id__in=orgs)
        | Q(counterparty_id__in=orgs)
        | Q(agency_id__in=orgs)
    )


def deals_visible_to(*, user: Any) -> QuerySet[Deal]:
    if permissions.is_organizer(user):
        return Deal.objects.all()
    if not (user is not None and user.is_authenticated):
        return Deal.objects.none()
    return Deal.objects.filter(deal_parties_q(user=user))


def needs_attention_q(*, now: dt.datetime | None = None) -> Q:
    """Open deals that have not moved (no move, note or payment) for longer
    than their stage allows (settings.TRACKER_STALE_DAYS), and deals on
    disclosure with an objection waiting."""
    now = now or timezone.now()
    stale = Q(pk__in=[])
    for stage, days in settings.TRACKER_STALE_DAYS.items():
        stale |= Q(stage=stage, updated_at__lt=now - dt.timedelta(days=days))
    waiting = Q(stage=Stage.DISCLOSURE, objections__status=ObjectionStatus.OPEN)
    return stale | waiting


def deals_needing_attention(qs: QuerySet[Deal], *, now=None) -> QuerySet[Deal]:
    return qs.filter(needs_attention_q(now=now)).distinct()
