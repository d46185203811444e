"""An auction's listing (拍卖/竞价) as bidders from outside the deal see it:
the open auctions they may see, the listing with its bids (who bid shown as
竞买人 1, 2, 3… except to organizers and the seller's side), registering to
bid, and bidding.  The deal's own page stays its parties'."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.models import Organization
from accounts.permissions import user_can

from .. import services
from ..forms import AuctionRegisterForm, BidForm, form_errors
from ..models import Deal
from ..rules import sees_bidder_names
from ..selectors import AUCTION_OPEN_STAGES, auctions_open_to, bids_shown_to
from .deal_page import _next_bid


def _listing_or_404(request, pk: int) -> Deal:
    deal = get_object_or_404(
        Deal.objects.select_related(
            "achievement", "achievement__owner", "agency", "office"
        ),
        pk=pk,
    )
    if not user_can(request.user, "deal.listing", deal):
        raise Http404
    return deal


@login_required
@require_GET
def auction_list(request):
    """Auctions open now (listed, not closed) whose achievement the user may
    see."""
    return render(
        request,
        "tracker/auction_list.html",
        {"auctions": auctions_open_to(user=request.user)},
    )


def _listing_page(request, deal: Deal, *, error: str = "", status: int = 200):
    user = request.user
    today = timezone.localdate()
    approved = permissions.approved_investor_orgs(user)
    registered = {
        row.organization_id: row
        for row in deal.auction_bidders.select_related("organization")
    }
    open_now = deal.stage in AUCTION_OPEN_STAGES and (
        deal.listing_ends is None or today <= deal.listing_ends
    )
    party = user_can(user, "deal.move", deal)
    excluded = {deal.achievement.owner_id, deal.agency_id, deal.office_id}
    may_register = (
        Organization.objects.filter(pk__in=approved - excluded - set(registered))
        if open_now
        else Organization.objects.none()
    )
    own = permissions.organization_ids(user)
    may_bid = [
        row.organization
        for org_id, row in registered.items()
        if org_id in (own if party else approved)
    ]
    if party and deal.stage == "bidding":
        may_bid += list(
            Organization.objects.filter(pk__in=own - excluded - set(registered))
        )
    return render(
        request,
        "tracker/auction_detail.html",
        {
            "deal": deal,
            "bids": bids_shown_to(
                user=user, deal=deal, names=sees_bidder_names(user, deal)
            ),
            "mine": [row for org_id, row in registered.items() if org_id in own],
            "registered_count": len(registered),
            "may_register": may_register,
            "may_bid": may_bid if open_now and deal.stage == "bidding" else [],
            "next_bid": _next_bid(deal),
            "highest": _highest(deal),
            "open_now": open_now,
            "is_party": party,
            "error": error,
            "today": today,
        },
        status=status,
    )


def _highest(deal: Deal) -> Decimal | None:
    highest = deal.bids.aggregate(m=Max("amount"))["m"]
    return None if highest is None else Decimal(highest).quantize(Decimal("0.01"))


@login_required
@require_GET
def auction_detail(request, pk: int):
    return _listing_page(request, _listing_or_404(request, pk))


def _perform(request, deal: Deal, form, write) -> Any:
    try:
        if not form.is_valid():
            raise services.DealError(form_errors(form))
        done = write(form.cleaned_data)
    except services.DealError as exc:
        return _listing_page(request, deal, error=str(exc), status=400)
    messages.success(request, done)
    return redirect("tracker:auction", pk=deal.pk)


@login_required
@require_POST
def auction_register(request, pk: int):
    deal = _listing_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        row = services.auction_register(
            deal_id=deal.pk, organization=data["organization"], by=request.user
        )
        return _("已登记竞买，竞买号 %(number)s。") % {"number": row.number}

    return _perform(request, deal, AuctionRegisterForm(request.POST), write)


@login_required
@require_POST
def auction_bid(request, pk: int):
    deal = _listing_or_404(request, pk)

    def write(data: dict[str, Any]) -> str:
        services.bid_place(
            deal_id=deal.pk,
            bidder=data["bidder"],
            amount=data["amount"],
            by=request.user,
        )
        return _("出价已登记。")

    return _perform(request, deal, BidForm(request.POST), write)
