"""Permission rules for invitations, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule


@rule("invitation.manage")
def _manage(user: Any, roadshow: Any) -> bool:
    """Inviting, reminding, keeping places and saved lists: organizers."""
    return permissions.is_organizer(user)
