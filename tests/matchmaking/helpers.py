"""Builders for the recommender's tests: a mandate, achievements that fit."""

from decimal import Decimal

from achievements.models import IndustryField, InvestorProfile, Province


def field(code: str) -> IndustryField:
    return IndustryField.objects.get(code=code)


def province(code: str) -> Province:
    return Province.objects.get(code=code)


def make_profile(
    *,
    org,
    fields=("modern-energy",),
    provinces=("51",),
    trl=(5, 8),
    modes=("licence",),
    ticket=(Decimal("100"), Decimal("1000")),
) -> InvestorProfile:
    """The investor's mandate: 现代能源, 四川, TRL 5–8, 许可, 100–1,000 万元."""
    profile = InvestorProfile.objects.create(
        organization=org,
        trl_min=trl[0],
        trl_max=trl[1],
        transfer_modes=list(modes),
        ticket_min=ticket[0],
        ticket_max=ticket[1],
    )
    profile.industries.set([field(c) for c in fields])
    profile.provinces.set([province(c) for c in provinces])
    return profile
