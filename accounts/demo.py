"""Demo data of accounts: a technology manager 技术经理人 of Tsinghua's
transfer office, delegated by the university's team (deterministic, safe to
run again)."""

from django.db import transaction

from .enums import OrganizationKind, Role
from .models import Delegation, Membership, Organization, User
from .services import delegation_grant

OFFICE = "清华大学技术转移研究院"
INSTITUTION = "清华大学"
DEMO_PASSWORD = "roadshow2026"


@transaction.atomic
def seed_managers() -> User | None:
    """The login "manager" (刘经理) acts for 清华大学 through its transfer
    office; None when the demo's university or its team is missing."""
    institution = Organization.objects.filter(name=INSTITUTION).first()
    team = User.objects.filter(
        username="team", memberships__organization=institution
    ).first()
    if institution is None or team is None:
        return None
    office, _ = Organization.objects.get_or_create(
        name=OFFICE, defaults={"kind": OrganizationKind.TRANSFER_OFFICE}
    )
    manager, created = User.objects.get_or_create(
        username="manager", defaults={"name": "刘经理", "email": "manager@example.com"}
    )
    if created:
        manager.set_password(DEMO_PASSWORD)
        manager.save()
    Membership.objects.get_or_create(user=manager, organization=office, role=Role.TEAM)
    if not Delegation.objects.filter(
        manager=manager, institution=institution, revoked_at__isnull=True
    ).exists():
        delegation_grant(
            institution=institution,
            manager=manager,
            office=office,
            since=None,
            until=None,
            by=team,
        )
    return manager


UNREAD_KEPT = 5


def seed_notifications_read() -> int:
    """The demo's history was written in one go: its notices all carry the
    moment of seeding.  Each person keeps the newest few unread — what a
    visitor would find after being away — and the rest are marked read (once:
    a notice read stays read when the demo is loaded again)."""
    from django.utils import timezone

    from .models import Notification

    marked = 0
    now = timezone.now()
    for user_id in (
        Notification.objects.filter(read_at=None)
        .values_list("user_id", flat=True)
        .distinct()
    ):
        older = Notification.objects.filter(user_id=user_id, read_at=None).order_by(
            "-created_at", "-pk"
        )[UNREAD_KEPT:]
        marked += Notification.objects.filter(
            pk__in=list(older.values_list("pk", flat=True))
        ).update(read_at=now)
    return marked
