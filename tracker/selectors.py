"""Who sees which deals: organizers all; an achievement's team, the
counterparty and the handling agency their own; the public none (it sees
disclosures and published cases only)."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts import permissions
from achievements.selectors import (
    achievements_public,
    achievements_published_to,
)

from .enums import DealPath, DisclosureReview, ObjectionStatus, Stage
from .models import Deal

NEUTRAL_TITLE = gettext_lazy("保密成果")


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


def deals_with_open_objections() -> QuerySet[Deal]:
    """Deals whose disclosure has an objection nobody has decided yet."""
    return Deal.objects.filter(objections__status=ObjectionStatus.OPEN).distinct()


def deals_needing_attention(qs: QuerySet[Deal], *, now=None) -> QuerySet[Deal]:
    return qs.filter(needs_attention_q(now=now)).distinct()


# Public disclosure 公示: what the public sees of a deal's achievement goes
# through the library's visibility rule, applied to the anonymous public.


def _public_achievements() -> QuerySet:
    return achievements_public().values("pk")


def disclosures_published() -> QuerySet[Deal]:
    """Deals whose disclosure the public may see: published, and either on
    an achievement published to everyone or with what it shows cleared by a
    reviewer."""
    return Deal.objects.filter(disclosure_published_at__isnull=False).filter(
        Q(achievement__in=_public_achievements())
        | Q(disclosure_review__in=DisclosureReview.shown())
    )


def disclosures_awaiting_review() -> QuerySet[Deal]:
    """Disclosures of achievements the public may not see, waiting for a
    reviewer: those just moved to disclosure, and published ones whose
    achievement is no longer public (hidden until cleared)."""
    return (
        Deal.objects.filter(
            Q(stage=Stage.DISCLOSURE, disclosure_review=DisclosureReview.PENDING)
            | Q(disclosure_published_at__isnull=False)
        )
        .exclude(achievement__in=_public_achievements())
        .exclude(disclosure_review__in=DisclosureReview.shown())
    )


def achievement_is_public(*, achievement: Any) -> bool:
    """Whether the anonymous public sees this achievement as published."""
    return bool(achievements_published_to(user=AnonymousUser(), ids=[achievement.pk]))


@dataclass(frozen=True)
class PublicDisclosure:
    """A deal as its public disclosure shows it."""

    deal: Deal
    title: str
    summary: str
    confidential: bool


def public_disclosures(deals) -> list[PublicDisclosure]:
    """The deals (from ``disclosures_published``) with the title and
    description the public may read: the library's for an achievement
    published to everyone, else the cleared disclosure text or the neutral
    label; never the library's text of an achievement the public may not
    see."""
    deals = list(deals)
    public = achievements_published_to(
        user=AnonymousUser(), ids={d.achievement_id for d in deals}
    )
    shown = []
    for deal in deals:
        if deal.achievement_id in public:
            title, summary, confidential = deal.achievement.title, "", False
        elif deal.disclosure_review == DisclosureReview.CLEARED:
            title, summary = deal.disclosure_title, deal.disclosure_summary
            confidential = True
        elif deal.disclosure_review == DisclosureReview.NEUTRAL:
            title, summary, confidential = str(NEUTRAL_TITLE), "", True
        else:
            continue
        shown.append(PublicDisclosure(deal, title, summary, confidential))
    return shown


def landed_public() -> QuerySet[Deal]:
    """Landed deals the public may know of (their disclosure is public):
    what typical cases are written from, most recently landed first."""
    return (
        disclosures_published()
        .filter(stage=Stage.LANDED)
        .select_related("achievement", "achievement__owner", "counterparty")
        .order_by("-stage_entered_at", "-pk")
    )


AUCTION_OPEN_STAGES = (Stage.LISTING, Stage.BIDDING)


def auctions_open_to(*, user: Any) -> list[Deal]:
    """Auctions (拍卖/竞价) listed and not yet closed whose achievement is
    published to this user (the visibility rule): where outside bidders
    register and bid."""
    if not (user is not None and user.is_authenticated):
        return []
    today = timezone.localdate()
    open_now = list(
        Deal.objects.filter(
            path=DealPath.AUCTION,
            stage__in=AUCTION_OPEN_STAGES,
            listing_date__isnull=False,
            listing_ends__gte=today,
        )
        .select_related("achievement", "achievement__owner", "agency")
        .order_by("listing_ends", "pk")
    )
    shown = achievements_published_to(
        user=user, ids={deal.achievement_id for deal in open_now}
    )
    return [deal for deal in open_now if deal.achievement_id in shown]


@dataclass(frozen=True)
class ShownBid:
    amount: Any
    placed_at: dt.datetime
    label: str
    name: str  # the bidder's name, for who may see it; else ""
    own: bool
    winner: bool
    on_behalf: bool
    placed_by: Any
    bid_id: int


def bids_shown_to(*, user: Any, deal: Deal, names: bool) -> list[ShownBid]:
    """The deal's bids as this user sees them: amounts and times for all;
    who bid as 竞买人 1, 2, 3… (the auction's registration numbers, else the
    order of each bidder's first bid), with names only when ``names``
    (tracker.rules.sees_bidder_names) — a bidder sees its own marked."""
    bids = list(deal.bids.select_related("bidder", "placed_by"))
    numbers = dict(deal.auction_bidders.values_list("organization_id", "number"))
    for bid in bids:
        if bid.bidder_id not in numbers:
            numbers[bid.bidder_id] = max(numbers.values(), default=0) + 1
    own = permissions.organization_ids(user)
    return [
        ShownBid(
            amount=bid.amount,
            placed_at=bid.placed_at,
            label=gettext("竞买人 %(number)s") % {"number": numbers[bid.bidder_id]},
            name=bid.bidder.name if names else "",
            own=bid.bidder_id in own,
            winner=bid.winner,
            on_behalf=bid.on_behalf,
            placed_by=bid.placed_by if names else None,
            bid_id=bid.pk,
        )
        for bid in bids
    ]
