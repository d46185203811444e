"""Who sees which deals: organizers all; an achievement's team, the
counterparty and the handling agency their own; the public none (it sees
disclosures and published cases only)."""

from typing import Any

from django.db.models import Q, QuerySet

from accounts import permissions

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
