"""Test helpers for the deal flow."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tracker.models import Deal
from tracker.services import deal_move


def let_disclosure_run(deal: Deal, *, days: int = 20, left: int = -5) -> None:
    """Time passes: the deal's published disclosure started ``days`` ago and
    ends ``left`` days from today (a past end by default), as if the
    objection period had run its course.  Tests only; people cannot date a
    disclosure in the past."""
    today = timezone.localdate()
    Deal.objects.filter(pk=deal.pk).update(
        disclosure_starts=today - dt.timedelta(days=days),
        disclosure_ends=today + dt.timedelta(days=left),
        disclosure_published_at=timezone.now() - dt.timedelta(days=days),
    )
    deal.refresh_from_db()


def walk_to_registration(deal: Deal, by, *, price: str = "90", agreed: str = "88"):
    """Move a deal through negotiation, listing, signing and settlement to
    contract registration, with each stage's data, as its parties would."""
    today = timezone.localdate()
    for to, data in [
        ("negotiation", {}),
        (
            "listing",
            {
                "listing_number": f"L-{deal.pk}",
                "listing_date": today,
                "listing_price": Decimal(price),
            },
        ),
        (
            "signed",
            {
                "contract_number": f"HT-{deal.pk}",
                "contract_date": today,
                "agreed_amount": Decimal(agreed),
            },
        ),
        ("settlement", {}),
        ("registration", {"registration_number": f"REG-{deal.pk}"}),
    ]:
        deal.refresh_from_db()
        deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)
    deal.refresh_from_db()
    return deal
