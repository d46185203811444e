"""Writes for accounts: investor sign-up, email confirmation, approval,
technology managers' delegations."""

import datetime as dt
from typing import Any

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from mailing.services import email_send

from . import permissions
from .credit_code import normalize_credit_code
from .enums import (
    COLLEAGUE_ROLES,
    DELEGATING_KINDS,
    InvestorStatus,
    OrganizationKind,
    Role,
    RoleChangeKind,
)
from .models import Delegation, Membership, Organization, RoleChange, User, actor_of
from .notifications import INVESTOR_DECIDED, MEMBER_APPROVED, notify

CONFIRM_SALT = "accounts.confirm-email"
CONFIRM_MAX_AGE = 3 * 24 * 3600


class AccountError(Exception):
    """Not allowed now; the message is for the user."""


def _mail_after_commit(subject: str, body: str, recipients: list[str]) -> None:
    email_send(to=recipients, subject=subject, body=body)


def _confirmation_state(user: User) -> str:
    """A digest of what the confirmation changes (and of the password and
    address): a link is valid for one state of the account only, so it works
    once, as Django's password-reset tokens do."""
    return salted_hmac(
        CONFIRM_SALT,
        "|".join(
            str(value)
            for value in (
                user.pk,
                user.email,
                user.password,
                user.is_active,
                user.email_confirmed_at,
                user.deactivated_at,
            )
        ),
    ).hexdigest()[:32]


def confirmation_token(user: User) -> str:
    return signing.dumps(
        {"user": user.pk, "state": _confirmation_state(user)}, salt=CONFIRM_SALT
    )


@transaction.atomic
def investor_sign_up(
    *,
    username: str,
    name: str,
    email: str,
    password: str,
    organization_name: str,
    kind: str,
    credit_code: str,
    phone: str,
    base_url: str,
) -> User:
    """A new user and organization applying as investor or demand side.

    The user stays inactive until the email address is confirmed; the
    organization waits for an organizer's approval.
    """
    code = normalize_credit_code(credit_code)
    if Organization.objects.filter(credit_code=code).exists():
        raise AccountError(
            _("该统一社会信用代码的机构已经注册：请由该机构的已有成员为您添加账号。")
        )
    if Organization.objects.filter(name=organization_name).exists():
        raise AccountError(_("同名机构已经注册：请由该机构的已有成员为您添加账号。"))
    user = User(username=username, name=name, email=email, is_active=False)
    user.set_password(password)
    user.save()
    organization = Organization.objects.create(
        name=organization_name,
        kind=kind,
        credit_code=code,
        contact_email=email,
        contact_phone=phone,
        investor_status=InvestorStatus.PENDING,
    )
    membership = Membership.objects.create(
        user=user, organization=organization, role=Role.INVESTOR
    )
    # The applicant is vetted with the organization (its investor status).
    _record(membership=membership, kind=RoleChangeKind.GRANTED, by=user)
    link = base_url + reverse("accounts:confirm", args=[confirmation_token(user)])
    _mail_after_commit(
        _("请确认您的邮箱：科技成果路演平台"),
        _(
            "您好，%(name)s：\n\n请在 3 天内打开下面的链接确认邮箱，之后组织方会审核贵机构的注册申请。\n\n%(link)s\n\n科技成果路演平台"
        )
        % {"name": name or username, "link": link},
        [email],
    )
    return user


@transaction.atomic
def confirm_email(*, token: str) -> User:
    """Activate an account that is waiting for its confirmation link, once.

    Never an account that is already active or that was deactivated: the
    link is not a way to sign in, and not a way back in.
    """
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise AccountError(_("确认链接已过期，请重新注册或联系组织方。")) from exc
    except signing.BadSignature as exc:
        raise AccountError(_("确认链接无效。")) from exc
    if not isinstance(data, dict):
        raise AccountError(_("确认链接无效。"))
    # Locked: two clicks on one link at once activate (and sign in) once.
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None:
        raise AccountError(_("确认链接无效。"))
    if user.deactivated_at is not None:
        raise AccountError(_("该账号已被组织方停用，请联系组织方。"))
    if not constant_time_compare(str(data.get("state", "")), _confirmation_state(user)):
        if user.email_confirmed_at is not None:
            raise AccountError(_("该确认链接已经使用过：邮箱已确认，请用密码登录。"))
        raise AccountError(_("确认链接无效。"))
    if user.is_active or user.email_confirmed_at is not None:
        raise AccountError(_("确认链接无效。"))
    user.is_active = True
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_active", "email_confirmed_at"])
    return user


@transaction.atomic
def investor_decide(
    *, organization: Organization, approve: bool, by: Any, reason: str = ""
) -> Organization:
    locked = Organization.objects.select_for_update().get(pk=organization.pk)
    if locked.investor_status != InvestorStatus.PENDING:
        raise AccountError(
            _("该机构的状态为“%(status)s”，不在待审核队列中。")
            % {"status": locked.get_investor_status_display()}
        )
    if not approve and not reason.strip():
        raise AccountError(_("拒绝时必须填写原因。"))
    locked.investor_status = (
        InvestorStatus.APPROVED if approve else InvestorStatus.REJECTED
    )
    locked.investor_reject_reason = "" if approve else reason.strip()
    locked.investor_decided_at = timezone.now()
    locked.investor_decided_by = actor_of(by)
    locked.save()
    # The applicants are told either way, confirmed or not (the workspace's
    # list and, unless they turned it off, an email).
    notify(
        users=User.objects.filter(memberships__organization=locked).distinct(),
        kind=INVESTOR_DECIDED,
        subject=locked,
        link=reverse("accounts:workspace"),
        params={
            "status": locked.investor_status,
            "note": locked.investor_reject_reason,
        },
        by=by,
    )
    return locked


def _record(
    *, membership: Membership, kind: str, by: Any, role: str | None = None
) -> None:
    RoleChange.objects.create(
        user_id=membership.user_id,
        organization_id=membership.organization_id,
        role=role or membership.role,
        kind=kind,
        by=actor_of(by),
    )


@transaction.atomic
def member_add(
    *,
    organization: Organization,
    by: Any,
    username: str,
    name: str,
    email: str,
    password: str,
) -> User:
    """An organization's member adds a colleague, with the adder's team or
    investor role (organizer and reviewer roles are granted by organizers
    only: role_grant). An investor colleague waits for an organizer's
    approval unless organizers approve this organization's colleagues
    automatically."""
    roles = dict(
        Membership.objects.filter(user=by, organization=organization).values_list(
            "role", "approved"
        )
    )
    if not roles:
        raise AccountError(_("只有本机构的成员可以添加同事。"))
    role = next((r for r in COLLEAGUE_ROLES if r in roles), None)
    if role is None:
        raise AccountError(
            _("组织方和保密审查员角色只能由组织方在管理后台授予，不能由同事添加。")
        )
    user = User(username=username, name=name, email=email)
    user.set_password(password)
    user.save()
    membership = Membership.objects.create(
        user=user,
        organization=organization,
        role=role,
        added_by=by,
        # The organizers' rule passes on an approval, never the lack of one.
        approved=role != Role.INVESTOR
        or (organization.colleagues_auto_approved and roles[role]),
    )
    _record(membership=membership, kind=RoleChangeKind.GRANTED, by=by)
    if membership.approved and role == Role.INVESTOR:
        _record(membership=membership, kind=RoleChangeKind.APPROVED, by=None)
    return user


def _require_organizer(by: Any) -> None:
    if not permissions.user_can(by, "role.grant"):
        raise AccountError(_("只有组织方可以授予角色或批准成员。"))


@transaction.atomic
def role_grant(
    *, user: User, organization: Organization, role: str, by: Any
) -> Membership:
    """An organizer gives a user a role in an organization (recorded)."""
    _require_organizer(by)
    if role not in Role.values:
        raise AccountError(_("未知的角色。"))
    membership, created = Membership.objects.get_or_create(
        user=user,
        organization=organization,
        role=role,
        defaults={"added_by": actor_of(by)},
    )
    if not created:
        raise AccountError(
            _("%(user)s 在%(org)s已有“%(role)s”角色。")
            % {"user": user, "org": organization, "role": Role(role).label}
        )
    _record(membership=membership, kind=RoleChangeKind.GRANTED, by=by)
    return membership


@transaction.atomic
def role_revoke(*, membership: Membership, by: Any) -> None:
    """An organizer takes a role away (recorded)."""
    _require_organizer(by)
    if getattr(by, "pk", None) == membership.user_id and (
        membership.role == Role.ORGANIZER
    ):
        raise AccountError(_("不能撤销自己的组织方角色。"))
    _record(membership=membership, kind=RoleChangeKind.REVOKED, by=by)
    membership.delete()


@transaction.atomic
def member_decide(*, membership: Membership, approve: bool, by: Any) -> None:
    """An organizer approves an investor colleague (who then sees what the
    organization's approved members see) or refuses them (the membership
    is removed). Recorded either way."""
    _require_organizer(by)
    locked = Membership.objects.select_for_update().filter(pk=membership.pk).first()
    if locked is None or locked.approved:
        raise AccountError(_("该成员不在待批准队列中。"))
    if approve:
        locked.approved = True
        locked.save(update_fields=["approved", "updated_at"])
        _record(membership=locked, kind=RoleChangeKind.APPROVED, by=by)
        notify(
            users=[locked.user],
            kind=MEMBER_APPROVED,
            subject=locked.organization,
            link=reverse("accounts:workspace"),
            by=by,
        )
    else:
        _record(membership=locked, kind=RoleChangeKind.REJECTED, by=by)
        locked.delete()


def organization_colleagues_auto_approved(
    *, organization: Organization, enabled: bool, by: Any
) -> Organization:
    """The organizers' rule for an organization: its members' investor
    colleagues are approved at once (or, switched off, wait again)."""
    _require_organizer(by)
    organization.colleagues_auto_approved = enabled
    organization.save(update_fields=["colleagues_auto_approved", "updated_at"])
    return organization


def user_by_login(login: str) -> User | None:
    """The active account with this username, or else the one with this email
    (never a guess between two accounts sharing an email)."""
    login = login.strip()
    if not login:
        return None
    active = User.objects.filter(is_active=True)
    user = active.filter(username=login).first()
    if user is None and "@" in login:
        by_email = list(active.filter(email__iexact=login)[:2])
        user = by_email[0] if len(by_email) == 1 else None
    return user


def _delegations_changed() -> None:
    # As for memberships: now, and again after commit.
    permissions.memberships_changed()
    transaction.on_commit(permissions.memberships_changed)


def delegation_grant(
    *,
    institution: Organization,
    manager: User,
    office: Organization,
    since: dt.date | None,
    until: dt.date | None,
    by: Any,
) -> Delegation:
    """An institution (through its own team, or an organizer for it)
    delegates a person of a technology-transfer office to act for it as a
    technology manager from ``since`` (today when empty) to ``until``
    (open-ended when empty).  Nothing is written when anything is wrong."""
    if not permissions.user_can(by, "delegation.grant", institution):
        raise AccountError(
            _(
                "委托须由%(institution)s本机构的成员或组织方办理；"
                "技术转移机构不能自行取得委托。"
            )
            % {"institution": institution}
        )
    if getattr(by, "pk", None) == manager.pk:
        raise AccountError(
            _("不能委托自己为技术经理人，请由机构的其他成员或组织方办理。")
        )
    if institution.kind not in DELEGATING_KINDS:
        raise AccountError(_("只有高等学校和科研院所可以委托技术经理人。"))
    if office.kind != OrganizationKind.TRANSFER_OFFICE:
        raise AccountError(_("%(office)s不是技术转移机构。") % {"office": office})
    if not manager.is_active:
        raise AccountError(_("该账号已停用。"))
    if not Membership.objects.filter(user=manager, organization=office).exists():
        raise AccountError(
            _("%(manager)s不是%(office)s的成员。")
            % {"manager": manager, "office": office}
        )
    if Membership.objects.filter(user=manager, organization=institution).exists():
        raise AccountError(
            _("%(manager)s已是%(institution)s的成员，无须委托。")
            % {"manager": manager, "institution": institution}
        )
    today = timezone.localdate()
    since = since or today
    if until is not None and until < since:
        raise AccountError(_("委托截止日不能早于起始日。"))
    if until is not None and until < today:
        raise AccountError(_("委托截止日已过。"))
    with transaction.atomic():
        live = (
            Delegation.objects.select_for_update()
            .filter(manager=manager, institution=institution, revoked_at__isnull=True)
            .first()
        )
        if live is not None:
            if live.until is None or live.until >= today:
                raise AccountError(
                    _("%(manager)s已受%(institution)s委托（自 %(since)s 起）。")
                    % {
                        "manager": manager,
                        "institution": institution,
                        "since": live.since.isoformat(),
                    }
                )
            # One that ran out is closed, so a new one may be recorded.
            live.revoked_at = timezone.now()
            live.save(update_fields=["revoked_at", "updated_at"])
        delegation = Delegation.objects.create(
            office=office,
            manager=manager,
            institution=institution,
            since=since,
            until=until,
            granted_by=actor_of(by),
        )
        _delegations_changed()
    return delegation


def delegation_revoke(*, delegation: Delegation, by: Any) -> Delegation:
    """The institution (its team or an organizer) ends a delegation, or the
    manager gives it up: it ends at once, for every page and open socket."""
    if not permissions.user_can(by, "delegation.revoke", delegation):
        raise AccountError(
            _("只有委托机构的成员、组织方或技术经理人本人可以撤销委托。")
        )
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().get(pk=delegation.pk)
        if locked.revoked_at is not None:
            raise AccountError(_("该委托已撤销。"))
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor_of(by)
        locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
        _delegations_changed()
    return locked
