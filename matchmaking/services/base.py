"""What the matchmaking writes share: their error, the permission check,
and the record of who did what (what both sides are told: ../notices.py)."""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.models import User, actor_of
from accounts.permissions import user_can

from ..models import MeetingRequest, RequestEvent

TEXT_LIMIT = 1000


class MatchError(Exception):
    """A write that is not allowed; the message is for the user."""


def require(by: Any, action: str, obj: Any) -> None:
    if by is not None and not user_can(by, action, obj):
        raise PermissionDenied


def record(request: MeetingRequest, *, by: Any, kind: str, note: str = "") -> None:
    """One line of the request's history; an organizer acting for a side is
    recorded as acting on its behalf."""
    from ..rules import side_of

    who = actor_of(by)
    on_behalf = bool(
        who is not None
        and permissions.is_organizer(who)
        and side_of(who, request) is None
    )
    RequestEvent.objects.create(
        request=request, actor=who, on_behalf=on_behalf, kind=kind, note=note[:300]
    )


def members_of(org_id: int, *, side: str) -> list[User]:
    """Who acts for an organization on one side: the team's members (and
    the technology managers it delegated, while active), or the approved
    members of an approved investor organization."""
    from accounts.enums import InvestorStatus, Role
    from accounts.selectors import managers_acting_for

    people = User.objects.filter(is_active=True, memberships__organization_id=org_id)
    if side == "team":
        people = people.filter(memberships__role=Role.TEAM) | managers_acting_for(
            organization_id=org_id
        )
    else:
        people = people.filter(
            memberships__role=Role.INVESTOR,
            memberships__approved=True,
            memberships__organization__investor_status=InvestorStatus.APPROVED,
        )
    return list(people.distinct().order_by("pk"))


def link(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def checked_text(text: str, *, limit: int = TEXT_LIMIT) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise MatchError(_("文字不能超过 %(n)d 个字符。") % {"n": limit})
    if "\x00" in text:
        raise MatchError(_("文字含有无效字符。"))
    return text
