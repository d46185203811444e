"""Permission rules for roadshows, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule

from .services import PUBLIC_STATUSES


@rule("roadshow.view")
def _view(user: Any, roadshow: Any) -> bool:
    public = roadshow.status in PUBLIC_STATUSES and roadshow.first_published_at
    return bool(public) or permissions.is_organizer(user)


@rule("roadshow.manage")
def _manage(user: Any, roadshow: Any) -> bool:
    return permissions.is_organizer(user)


@rule("roadshow.plan")
def _plan(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user)
