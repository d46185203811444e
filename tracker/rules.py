"""Permission rules for deals, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule


def _party(user: Any, deal: Any) -> bool:
    orgs = permissions.organization_ids(user)
    return bool(orgs) and bool(
        {deal.achievement.owner_id, deal.counterparty_id, deal.agency_id} & orgs
    )


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
