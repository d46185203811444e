"""The one place that answers "may this user do X (to this object)?".

Roles come from memberships.  Each app registers the object rules for its own
actions with :func:`rule` (loaded in its ``AppConfig.ready``); views, admin
views, the API and commands all ask :func:`user_can`.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from .enums import InvestorStatus, Role

_RULES: dict[str, Callable[..., bool]] = {}


def rule(action: str) -> Callable[[Callable[..., bool]], Callable[..., bool]]:
    def register(func: Callable[..., bool]) -> Callable[..., bool]:
        if action in _RULES:
            raise RuntimeError(f"permission rule {action!r} registered twice")
        _RULES[action] = func
        return func

    return register


def user_can(user: Any, action: str, obj: Any = None) -> bool:
    try:
        check = _RULES[action]
    except KeyError as exc:
        raise KeyError(f"unknown permission {action!r}") from exc
    return bool(check(user, obj))


MEMBERSHIPS_VERSION = "perm:memberships:version"
MEMBERSHIPS_TTL = 3600


def _memberships_version() -> int:
    version = cache.get(MEMBERSHIPS_VERSION)
    if version is None:
        cache.add(MEMBERSHIPS_VERSION, 1, timeout=None)
        version = cache.get(MEMBERSHIPS_VERSION, 1)
    return version


def memberships_changed() -> None:
    """Every user's cached memberships are stale (a membership, or an
    organization's investor status, changed)."""
    try:
        cache.incr(MEMBERSHIPS_VERSION)
    except ValueError:
        cache.add(MEMBERSHIPS_VERSION, 2, timeout=None)


def _memberships(user: Any) -> list[tuple[int, str, str, bool]]:
    """(organization id, role, investor status, member approved) for the
    user: cached on the user object, and in the shared cache under the
    memberships' version (so a request does not read them from the database
    each time)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_roadshow_memberships", None)
    if cached is None:
        # "v2": the tuples gained the member's approval; never read a list
        # cached by code that wrote three-element tuples.
        key = f"perm:memberships:v2:{user.pk}:{_memberships_version()}"
        cached = cache.get(key)
        if cached is None:
            cached = list(
                user.memberships.values_list(
                    "organization_id",
                    "role",
                    "organization__investor_status",
                    "approved",
                )
            )
            cache.set(key, cached, MEMBERSHIPS_TTL)
        user._roadshow_memberships = cached
    return cached


def _delegations(user: Any) -> list[tuple[int, int, str, str | None]]:
    """(institution id, office id, since, until) of the user's unrevoked
    delegations as a technology manager, while the user still belongs to the
    delegating office: cached like the memberships, under the same version
    (a grant or a revocation bumps it).  Dates are compared when read, so a
    delegation that ends ends at once, whatever is cached."""
    if user is None or not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_roadshow_delegations", None)
    if cached is None:
        key = f"perm:delegations:v1:{user.pk}:{_memberships_version()}"
        cached = cache.get(key)
        if cached is None:
            from .models import Delegation

            cached = [
                (
                    institution,
                    office,
                    since.isoformat(),
                    until.isoformat() if until else None,
                )
                for institution, office, since, until in Delegation.objects.filter(
                    manager=user,
                    revoked_at__isnull=True,
                    office__memberships__user=user,
                )
                .values_list("institution_id", "office_id", "since", "until")
                .distinct()
            ]
            cache.set(key, cached, MEMBERSHIPS_TTL)
        user._roadshow_delegations = cached
    return cached


def _active_delegations(user: Any, on: dt.date | None = None):
    day = (on or timezone.localdate()).isoformat()
    return [
        (org, office)
        for org, office, since, until in _delegations(user)
        if since <= day and (until is None or day <= until)
    ]


def delegated_organization_ids(user: Any, *, on: dt.date | None = None) -> set[int]:
    """The institutions the user acts for today as their technology manager
    (an active delegation: begun, not ended, not revoked)."""
    return {org for org, _office in _active_delegations(user, on)}


def acting_office_id(user: Any, organization_id: int | None) -> int | None:
    """The transfer office through which the user acts for this organization
    (an active delegation, the user not a member of it themselves); None
    when the user acts for it as its own member, or not at all."""
    if organization_id is None or organization_id in own_organization_ids(user):
        return None
    return next(
        (office for org, office in _active_delegations(user) if org == organization_id),
        None,
    )


def forget(user: Any) -> None:
    """Drop the memberships and delegations cached on a user object that
    lives long (a WebSocket's), so the next check reads them afresh."""
    if user is None:
        return
    for attr in ("_roadshow_memberships", "_roadshow_delegations"):
        if hasattr(user, attr):
            delattr(user, attr)


def roles_of(user: Any) -> set[str]:
    roles = {role for _org, role, _status, _ok in _memberships(user)}
    if delegated_organization_ids(user):
        roles.add(Role.TEAM)
    if getattr(user, "is_superuser", False) and user.is_active:
        roles.add(Role.ORGANIZER)
    return roles


def investor_memberships(user: Any) -> list[tuple[int, str, bool]]:
    """(organization id, investor status, member approved) for each of the
    user's investor memberships."""
    return [
        (org, status, ok)
        for org, r, status, ok in _memberships(user)
        if r == Role.INVESTOR
    ]


def own_organization_ids(user: Any, *, role: str | None = None) -> set[int]:
    """The organizations the user is a member of (with that role): never
    those delegated to them.  For what only an organization's own people do:
    adding colleagues, granting or revoking delegations."""
    return {org for org, r, _s, _ok in _memberships(user) if role is None or r == role}


def organization_ids(user: Any, *, role: str | None = None) -> set[int]:
    """The organizations the user acts for (with that role): their own, and,
    on the team side, the institutions that delegated them as technology
    manager while the delegation is active.  Every rule that asks "is this
    user of the owning organization" asks this, so a manager manages a
    delegating institution's achievements, materials, meetings and deals as
    its team does, and nothing of any other institution."""
    own = own_organization_ids(user, role=role)
    if role is None or role == Role.TEAM:
        return own | delegated_organization_ids(user)
    return own


def is_organizer(user: Any) -> bool:
    return Role.ORGANIZER in roles_of(user)


def is_reviewer(user: Any) -> bool:
    return Role.REVIEWER in roles_of(user)


def _approved_investor(role: str, status: str, approved: bool) -> bool:
    """Both the organization's approval and the member's own."""
    return role == Role.INVESTOR and status == InvestorStatus.APPROVED and approved


def is_approved_investor(user: Any) -> bool:
    return any(_approved_investor(*m[1:]) for m in _memberships(user))


def approved_investor_orgs(user: Any) -> set[int]:
    """The organizations the user acts for as an approved investor or
    demand-side member (the organization approved, and the member too)."""
    return {m[0] for m in _memberships(user) if _approved_investor(*m[1:])}


@rule("admin.access")
def _admin_access(user: Any, obj: Any) -> bool:
    return is_organizer(user)


@rule("organization.manage")
def _organization_manage(user: Any, obj: Any) -> bool:
    return is_organizer(user)


@rule("role.grant")
def _role_grant(user: Any, obj: Any) -> bool:
    """Organizer and reviewer roles (any role, on the roles page) and the
    approval of investor colleagues: organizers only."""
    return is_organizer(user)


@rule("delegation.grant")
def _delegation_grant(user: Any, institution: Any) -> bool:
    """An institution delegates a technology manager through its own team
    (a member, never one it delegated to) or an organizer does it for them;
    never the office alone."""
    if is_organizer(user):
        return True
    return institution is not None and institution.pk in own_organization_ids(
        user, role=Role.TEAM
    )


@rule("delegation.revoke")
def _delegation_revoke(user: Any, delegation: Any) -> bool:
    """Whoever may grant it, and the manager giving it up."""
    return getattr(user, "pk", None) == delegation.manager_id or _delegation_grant(
        user, delegation.institution
    )
