"""Permission rules for roadshows, registered in accounts.permissions."""

from typing import Any

from accounts import permissions
from accounts.permissions import rule

from .services import roadshow_is_public


@rule("roadshow.view")
def _view(user: Any, roadshow: Any) -> bool:
    return roadshow_is_public(roadshow) or permissions.is_organizer(user)


@rule("roadshow.manage")
def _manage(user: Any, roadshow: Any) -> bool:
    return permissions.is_organizer(user)


@rule("roadshow.plan")
def _plan(user: Any, obj: Any) -> bool:
    return permissions.is_organizer(user)


@rule("slot.materials")
def _materials_edit(user: Any, slot: Any) -> bool:
    from accounts.enums import Role

    return permissions.is_organizer(
        user
    ) or slot.team_id in permissions.organization_ids(user, role=Role.TEAM)


@rule("material.view")
def _material_view(user: Any, material: Any) -> bool:
    """The team, organizers and reviewers see every version; everybody else
    only the current, reviewer-cleared file of a public pitch they may see."""
    from achievements.selectors import achievement_is_published_to

    from .enums import MaterialReview

    slot = material.slot
    if _materials_edit(user, slot) or permissions.is_reviewer(user):
        return True
    if material.superseded_at is not None or material.review != MaterialReview.CLEARED:
        return False
    roadshow = slot.roadshow
    if slot.materials_private or not _view(user, roadshow):
        return False
    return slot.achievement is not None and achievement_is_published_to(
        user=user, achievement=slot.achievement
    )


@rule("material.review")
def _material_review(user: Any, slot: Any) -> bool:
    """Reviewers clear pitch materials, never those of their own organizations."""
    if not permissions.is_reviewer(user):
        return False
    own = permissions.organization_ids(user)
    owner = slot.achievement.owner_id if slot.achievement_id else None
    return slot.team_id not in own and owner not in own


@rule("roadshow.checkin")
def _checkin(user: Any, roadshow: Any) -> bool:
    """Door staff: organizers, and the accounts they name for this roadshow."""
    if permissions.is_organizer(user):
        return True
    if not (user is not None and user.is_authenticated and user.is_active):
        return False
    return roadshow.door_staff.filter(pk=user.pk).exists()
