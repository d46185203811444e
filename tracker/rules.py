"""Permission rules for deals, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import rule
from achievements.selectors import (
    achievement_is_published_to,
    achievement_was_published,
)

from .enums import DealPath


def _party(user: Any, deal: Any) -> bool:
    """The achievement's owner (its team, or a technology manager it
    delegated), the counterparty, the handling agency.  The handling office
    is not a party of its own: its manager acts for the owner while the
    delegation lasts."""
    orgs = permissions.organization_ids(user)
    return bool(orgs) and bool(
        {deal.achievement.owner_id, deal.counterparty_id, deal.agency_id} & orgs
    )


def sees_bidder_names(user: Any, deal: Any) -> bool:
    """Who sees which organization placed each bid: organizers and the
    seller's side (the owner, the handling agency and office); every other
    bidder sees 竞买人 1, 2, 3… and its own bids."""
    if permissions.is_organizer(user):
        return True
    orgs = permissions.organization_ids(user)
    return bool({deal.achievement.owner_id, deal.agency_id, deal.office_id} & orgs)


@rule("deal.listing")
def _listing(user: Any, deal: Any) -> bool:
    """An auction's listing, once listed: its parties and organizers, and
    any signed-in user the achievement is published to (the visibility
    rule) — who may then register to bid."""
    if deal.path != DealPath.AUCTION or deal.listing_date is None:
        return False
    if not (user is not None and user.is_authenticated):
        return False
    if permissions.is_organizer(user) or _party(user, deal):
        return True
    return achievement_is_published_to(user=user, achievement=deal.achievement)


@rule("deal.view")
def _view(user: Any, deal: Any) -> bool:
    return permissions.is_organizer(user) or _party(user, deal)


@rule("deal.move")
def _move(user: Any, deal: Any) -> bool:
    """Organizers, and the parties to the deal (each reports its own side's
    progress); objections are decided by organizers alone."""
    return permissions.is_organizer(user) or _party(user, deal)


@rule("deal.decide_objection")
def _decide(user: Any, deal: Any) -> bool:
    return permissions.is_organizer(user)


@rule("deal.clear_evaluation")
def _clear_evaluation(user: Any, deal: Any) -> bool:
    """Organizers confirm an evaluation before the achievement's page shows
    it (the parties who recorded it do not vouch for it in public)."""
    return permissions.is_organizer(user)


@rule("deal.award_bid")
def _award_bid(user: Any, deal: Any) -> bool:
    """Organizers, and the handling exchange (the deal's agency) that runs
    the bidding."""
    if permissions.is_organizer(user):
        return True
    return (
        deal.agency_id is not None
        and deal.agency_id in permissions.organization_ids(user)
    )


def may_start_deals(user: Any) -> bool:
    """Whether the user can register an interest in any achievement at all
    (organizers, teams, approved demand-side organizations): who is offered
    "登记意向" — the rule below decides each achievement."""
    return (
        permissions.is_organizer(user)
        or bool(permissions.organization_ids(user, role=Role.TEAM))
        or bool(permissions.approved_investor_orgs(user))
    )


@rule("deal.create")
def _create(user: Any, achievement: Any) -> bool:
    """Organizers; the achievement's own team (an interest they were told
    of); an organization of the demand side registering its own interest in
    an achievement it may see."""

    if not (user is not None and user.is_authenticated):
        return False
    # Never on an achievement that was never published (services refuse it
    # with a message: achievement_open_for_deals).
    if not achievement_was_published(achievement=achievement):
        return False
    if permissions.is_organizer(user):
        return True
    orgs = permissions.organization_ids(user)
    if achievement.owner_id in orgs:
        return True
    demand = permissions.approved_investor_orgs(user)
    return bool(demand - {achievement.owner_id}) and achievement_is_published_to(
        user=user, achievement=achievement
    )
