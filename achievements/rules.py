"""Permission rules of the library, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.enums import OrganizationKind, Role
from accounts.permissions import rule

from .enums import DemandStatus
from .selectors import achievement_is_visible


def _is_team_of(user: Any, achievement: Any) -> bool:
    return achievement.owner_id in permissions.organization_ids(user, role=Role.TEAM)


@rule("achievement.view")
def _view(user: Any, achievement: Any) -> bool:
    return achievement_is_visible(user=user, achievement=achievement)


@rule("achievement.create")
def _create(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user) or bool(
        permissions.organization_ids(user, role=Role.TEAM)
    )


@rule("achievement.edit")
def _edit(user: Any, achievement: Any) -> bool:
    return permissions.is_organizer(user) or _is_team_of(user, achievement)


@rule("achievement.submit")
def _submit(user: Any, achievement: Any) -> bool:
    return permissions.is_organizer(user) or _is_team_of(user, achievement)


@rule("achievement.review")
def _review(user: Any, achievement: Any) -> bool:
    # Only reviewers clear or restrict — not even organizers (R2) — and never
    # an achievement of an organization they belong to (conflict of interest).
    return permissions.is_reviewer(user) and (
        achievement is None
        or achievement.owner_id not in permissions.organization_ids(user)
    )


@rule("achievement.history")
def _history(user: Any, achievement: Any) -> bool:
    return (
        permissions.is_organizer(user)
        or permissions.is_reviewer(user)
        or _is_team_of(user, achievement)
    )


@rule("achievement.import")
def _import(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user)


@rule("achievement.export")
def _export(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user)


DEMAND_KINDS = {
    OrganizationKind.ENTERPRISE,
    OrganizationKind.TECHNOLOGY_EXCHANGE,
    OrganizationKind.GUIDANCE_SUB_FUND,
    OrganizationKind.MARKET_FUND,
    OrganizationKind.COMMERCIAL_BANK,
}


@rule("demand.create")
def _demand_create(user: Any, organization: Any) -> bool:
    if permissions.is_organizer(user):
        return True
    if organization is None:
        return False
    return (
        organization.pk in permissions.organization_ids(user)
        and organization.kind in DEMAND_KINDS
    )


@rule("demand.edit")
def _demand_edit(user: Any, demand: Any) -> bool:
    return permissions.is_organizer(user) or demand.organization_id in (
        permissions.organization_ids(user)
    )


@rule("demand.import")
def _demand_import(user: Any, obj: Any = None) -> bool:
    """Organizers collect demand lists in bulk (local S&T departments are
    organizers)."""
    return permissions.is_organizer(user)


@rule("demand.view")
def _demand_view(user: Any, demand: Any) -> bool:
    return demand.status == DemandStatus.PUBLISHED or _demand_edit(user, demand)
