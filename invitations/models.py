import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from events.models import Registration, Roadshow

from .enums import InvitationSource, InvitationStatus


def _new_nonce() -> str:
    return secrets.token_hex(16)


class InvitationList(TimeStamped):
    """A saved list of institutions the organizers invite again and again
    (e.g. "银行 · 四川")."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    organizations = models.ManyToManyField(
        Organization, related_name="invitation_lists", verbose_name=_("机构")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("邀请名单")
        verbose_name_plural = _("邀请名单")

    def __str__(self) -> str:
        return self.name


class InvitationBatch(TimeStamped):
    """One sending: who sent which invitations, from where."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="invitation_batches"
    )
    source = models.CharField(
        _("来源"), max_length=16, choices=InvitationSource.choices
    )
    saved_list = models.ForeignKey(
        InvitationList,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("邀请名单"),
    )
    message = models.TextField(_("附言"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("邀请批次")
        verbose_name_plural = _("邀请批次")

    def __str__(self) -> str:
        return f"{self.roadshow_id}:{self.source}:{self.pk}"


class Invitation(TimeStamped):
    """An organization's invitation to a roadshow, sent to one contact by a
    personal link; a delegated one is followed by its successor."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="invitations"
    )
    batch = models.ForeignKey(
        InvitationBatch, on_delete=models.CASCADE, related_name="invitations"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="invitations",
        verbose_name=_("机构"),
    )
    name = models.CharField(_("联系人"), max_length=100, blank=True)
    email = models.EmailField(_("联系人邮箱"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=InvitationStatus.choices,
        default=InvitationStatus.PENDING,
    )
    # Signs the link with the id: a new nonce revokes the old link.
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    delegated_from = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delegated_to",
        verbose_name=_("转交自"),
    )
    reason = models.TextField(_("谢绝原因"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reminders_sent = models.PositiveSmallIntegerField(_("已提醒次数"), default=0)
    reminded_at = models.DateTimeField(_("最近提醒"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("邀请")
        verbose_name_plural = _("邀请")
        constraints = [
            models.UniqueConstraint(
                fields=["roadshow", "organization"],
                condition=~Q(status=InvitationStatus.DELEGATED),
                name="invitation_one_live_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(status=InvitationStatus.PENDING)
                | Q(answered_at__isnull=False),
                name="invitation_answered_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.roadshow}"


class InvitedPerson(models.Model):
    """A person named in an invitation, registered when it is accepted."""

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(_("姓名"), max_length=100)
    email = models.EmailField(_("邮箱"))
    registration = models.ForeignKey(
        Registration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("报名"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("受邀人员")
        verbose_name_plural = _("受邀人员")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "email"], name="invited_person_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
