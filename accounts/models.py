import datetime as dt
import hashlib
import secrets
from typing import Any

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import InvestorStatus, OrganizationKind, Role, RoleChangeKind


class TimeStamped(models.Model):
    """The one abstract base that gives every record its timestamps."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Organization(TimeStamped):
    name = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=OrganizationKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    investor_status = models.CharField(
        _("投资方审核状态"),
        max_length=16,
        choices=InvestorStatus.choices,
        default=InvestorStatus.NONE,
    )
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    investor_decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    investor_decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    investor_reject_reason = models.TextField(_("拒绝原因"), blank=True)
    # Set by organizers: investor colleagues that members of this organization
    # add are approved at once instead of waiting in the approval queue.
    colleagues_auto_approved = models.BooleanField(_("同事自动获批"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~models.Q(credit_code=""),
                name="organization_credit_code_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


def _new_secret() -> str:
    return secrets.token_urlsafe(24)


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=100, blank=True)
    # Signs the personal calendar feed URL; resetting it revokes every old URL.
    calendar_secret = models.CharField(
        max_length=64, default=_new_secret, editable=False
    )
    organizations = models.ManyToManyField(
        Organization,
        through="Membership",
        through_fields=("user", "organization"),
        related_name="users",
        blank=True,
    )
    # An inactive account is either waiting for its confirmation link (both
    # empty) or was deactivated (deactivated_at set): the link only ever
    # activates the first kind, once.
    email_confirmed_at = models.DateTimeField(_("邮箱确认时间"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    deactivated_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("停用人"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        user._loaded_active = user.__dict__.get("is_active")
        return user

    def save(self, *args, **kwargs):
        """Whoever turns an account off (the Django or Wagtail admin, a
        service), the deactivation is recorded; turning it on clears it."""
        changed = []
        if getattr(self, "_loaded_active", None) and not self.is_active:
            if self.deactivated_at is None:
                self.deactivated_at = timezone.now()
                changed.append("deactivated_at")
        elif self.is_active and self.deactivated_at is not None:
            self.deactivated_at = None
            self.deactivated_by = None
            changed += ["deactivated_at", "deactivated_by"]
        if changed and kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *changed}
        super().save(*args, **kwargs)
        self._loaded_active = self.is_active


class Membership(TimeStamped):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    # An investor colleague added by a member waits for an organizer (unless
    # the organization's colleagues are approved automatically): an approved
    # investor needs both the organization's approval and this one.
    approved = models.BooleanField(_("已获批准"), default=True)
    added_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("添加人"),
    )

    class Meta:
        verbose_name = _("机构成员")
        verbose_name_plural = _("机构成员")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class RoleChange(TimeStamped):
    """Every role given, taken, approved or refused: who, whom, which role,
    where, when. Written by the services only; never changed."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="role_changes",
        verbose_name=_("用户"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="role_changes",
        verbose_name=_("机构"),
    )
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices)
    kind = models.CharField(_("变更"), max_length=16, choices=RoleChangeKind.choices)
    by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("操作人"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("角色变更记录")
        verbose_name_plural = _("角色变更记录")

    def __str__(self) -> str:
        return f"{self.by} {self.get_kind_display()} {self.user} · {self.organization} · {self.get_role_display()}"


class ApiToken(TimeStamped):
    """A per-organization token for machine submission; only its hash is kept."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(_("用途"), max_length=100)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self) -> str:
        return f"{self.organization} · {self.label} ({self.prefix}…)"

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


def actor_of(by: Any) -> "User | None":
    """The account to record as having done something: None for the
    anonymous visitor and for the system (``by=None``)."""
    return by if getattr(by, "pk", None) and by.is_authenticated else None


class Delegation(TimeStamped):
    """An institution (a university or an institute) delegates a person of a
    technology-transfer office 技术转移机构 to act for it as a technology
    manager 技术经理人: from ``since`` to ``until`` (open-ended when empty),
    until it is revoked.  Granted by an organizer or by the institution's
    own team, never by the office alone (accounts.services.delegation_grant);
    while it is active the manager acts for the institution as its team
    does (accounts.permissions.organization_ids)."""

    office = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="delegations_held",
        verbose_name=_("技术转移机构"),
    )
    manager = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="delegations",
        verbose_name=_("技术经理人"),
    )
    institution = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="delegations_given",
        verbose_name=_("委托机构"),
    )
    since = models.DateField(_("委托起始日"))
    until = models.DateField(_("委托截止日"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("授权人"),
    )
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("撤销人"),
    )

    class Meta:
        ordering = ["-since", "-pk"]
        verbose_name = _("技术经理人委托")
        verbose_name_plural = _("技术经理人委托")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(office=models.F("institution")),
                name="delegation_office_not_institution",
            ),
            models.CheckConstraint(
                condition=models.Q(until__isnull=True)
                | models.Q(until__gte=models.F("since")),
                name="delegation_until_after_since",
            ),
            models.UniqueConstraint(
                fields=["manager", "institution"],
                condition=models.Q(revoked_at__isnull=True),
                name="delegation_one_live_per_manager_institution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.manager} · {self.office} → {self.institution}"

    def is_active(self, *, on: "dt.date") -> bool:
        return (
            self.revoked_at is None
            and self.since <= on
            and (self.until is None or on <= self.until)
        )


class Notification(models.Model):
    """Something that happened to one person: what (its kind, registered in
    accounts.notifications), about what (the subject's model and id — its
    title is read when the notification is shown, through the subject's
    visibility rule, never copied here), where to look (a path on this
    site), and whether it was read. Written in the transaction of the
    change that causes it."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=64)
    # The subject's model (``app_label.model``) and primary key.
    subject_type = models.CharField(max_length=100)
    subject_id = models.PositiveBigIntegerField()
    link = models.CharField(_("链接"), max_length=300)
    # Values for the kind's text, stored as codes (a stage, a status) and
    # a free note (a reviewer's reason): shown in the reader's language.
    params = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            models.Index(
                fields=["user", "-created_at"], name="notification_user_recent"
            ),
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True),
                name="notification_user_unread",
            ),
        ]
        constraints = [
            # Only paths on this site: opening a notification never sends
            # anybody elsewhere.
            models.CheckConstraint(
                condition=models.Q(link__startswith="/")
                & ~models.Q(link__startswith="//"),
                name="notification_link_local",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.subject_type}:{self.subject_id}"


class NotificationSetting(models.Model):
    """One person's choice for one kind of notification: whether it is also
    emailed (the list in the workspace always records it). No row: the
    kind's default."""

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("类型"), max_length=64)
    email = models.BooleanField(_("发送邮件"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind"], name="notification_setting_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.email}"
