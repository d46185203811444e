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


def signing_terms(deal: Deal, *, agreed: str = "88") -> dict:
    """What signing takes on the deal's path."""
    today = timezone.localdate()
    data = {
        "contract_number": f"HT-{deal.pk}",
        "contract_date": today,
        "agreed_amount": Decimal(agreed),
    }
    if deal.path == "licence":
        data.update(
            licence_kind="exclusive",
            licence_territory="中国大陆",
            licence_ends=today + dt.timedelta(days=5 * 365),
            licence_fee="lump_sum",
        )
    elif deal.path == "equity":
        data.update(
            equity_valuation=Decimal(agreed),
            equity_share=Decimal("20"),
            company_name="新材料科技有限公司",
        )
    elif deal.path == "contract":
        data["milestones"] = "2027-06 样机\n2027-12 中试"
    return data


def walk_to_registration(deal: Deal, by, *, price: str = "90", agreed: str = "88"):
    """Move a deal along its path (negotiation, the listing on the listed
    path, signing, settlement) to contract registration, with each stage's
    data, as its parties would."""
    today = timezone.localdate()
    steps = [("negotiation", {})]
    if deal.path == "listed":
        steps.append(
            (
                "listing",
                {
                    "listing_number": f"L-{deal.pk}",
                    "listing_date": today,
                    "listing_price": Decimal(price),
                },
            )
        )
    steps += [
        ("signed", signing_terms(deal, agreed=agreed)),
        ("settlement", {}),
        ("registration", {"registration_number": f"REG-{deal.pk}"}),
    ]
    for to, data in steps:
        deal.refresh_from_db()
        deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)
    deal.refresh_from_db()
    return deal
