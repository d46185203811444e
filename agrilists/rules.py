"""Permission rules of the 进园入县 lists, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule

from .enums import ListStatus


@rule("agrilist.manage")
def _manage(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user)


@rule("agrilist.view")
def _view(user: Any, agri_list: Any) -> bool:
    """A published list is public; a draft is seen by organizers (preview)."""
    return agri_list.status == ListStatus.PUBLISHED or permissions.is_organizer(user)


@rule("agrilist.place_fits")
def _place_fits(user: Any, place: Any) -> bool:
    """A place's fits are for the members of the organization that speaks
    for it, and for organizers."""
    if permissions.is_organizer(user):
        return True
    return place.organization_id in permissions.organization_ids(user)
