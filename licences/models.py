"""Open-licence declarations 开放许可 (seeds/004 三.2): a team declares, per
patent of one of its published achievements, the terms on which anybody may
take a licence; a reviewer clears the declaration before it is listed; an
approved enterprise takes a licence by a written notice 书面通知, which
opens a deal on the tracker's 许可 path with the published terms."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.models import Achievement
from tracker.enums import LicenceFee
from tracker.models import Deal

from .enums import DeclarationStatus, PatentType

MONEY = {"max_digits": 14, "decimal_places": 2}


class Declaration(TimeStamped):
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        related_name="open_licences",
        verbose_name=_("成果"),
    )
    patent_number = models.CharField(_("专利号"), max_length=32)
    patent_title = models.CharField(_("专利名称"), max_length=200)
    patent_type = models.CharField(
        _("专利类型"), max_length=16, choices=PatentType.choices
    )
    # The period in which licences are taken on these terms; every licence
    # taken runs to its end.
    starts = models.DateField(_("许可期限起"))
    ends = models.DateField(_("许可期限至"))
    territory = models.CharField(_("许可地域范围"), max_length=200)
    fee_mode = models.CharField(
        _("许可使用费支付方式"), max_length=16, choices=LicenceFee.choices
    )
    # The lump sum, or the entry fee before a royalty.
    fee_amount = models.DecimalField(
        _("一次性支付或入门费（万元）"), null=True, blank=True, **MONEY
    )
    royalty_rate = models.DecimalField(
        _("提成比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    royalty_base = models.CharField(_("提成基数"), max_length=100, blank=True)
    fee_note = models.TextField(_("支付标准说明"), blank=True)
    reporting = models.TextField(_("被许可人报告要求"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=DeclarationStatus.choices,
        default=DeclarationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    review_note = models.TextField(_("审查意见"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审查时间"), null=True, blank=True)
    # When it was cleared, i.e. published (the calendar's date of it).
    cleared_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-cleared_at", "-id"]
        verbose_name = _("开放许可声明")
        verbose_name_plural = _("开放许可声明")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="declaration_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(
                    fee_mode=LicenceFee.LUMP_SUM,
                    fee_amount__gt=0,
                    royalty_rate__isnull=True,
                )
                | Q(
                    fee_mode=LicenceFee.ROYALTY,
                    fee_amount__isnull=True,
                    royalty_rate__gt=0,
                    royalty_rate__lte=100,
                )
                | Q(
                    fee_mode=LicenceFee.ENTRY_ROYALTY,
                    fee_amount__gt=0,
                    royalty_rate__gt=0,
                    royalty_rate__lte=100,
                ),
                name="declaration_fee_terms",
            ),
            # One declaration holds a patent at a time (withdrawing frees it).
            models.UniqueConstraint(
                fields=["patent_number"],
                condition=Q(status__in=DeclarationStatus.live()),
                name="declaration_one_live_per_patent",
            ),
            models.CheckConstraint(
                condition=~Q(status=DeclarationStatus.CLEARED)
                | Q(cleared_at__isnull=False),
                name="declaration_cleared_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "ends"], name="declaration_listed"),
        ]

    def __str__(self) -> str:
        return f"{self.patent_number} {self.patent_title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("licences:detail", args=[self.pk])

    def in_force_on(self, day: dt.date) -> bool:
        """Cleared, not withdrawn, and ``day`` inside its period."""
        return (
            self.status == DeclarationStatus.CLEARED and self.starts <= day <= self.ends
        )

    def expired_on(self, day: dt.date) -> bool:
        return day > self.ends


class LicenceNotice(models.Model):
    """The written notice 书面通知 by which an organization takes an open
    licence: its text as sent, when and by whom; and the deal it opened."""

    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("开放许可声明"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="licence_notices",
        verbose_name=_("被许可人"),
    )
    deal = models.OneToOneField(
        Deal,
        on_delete=models.PROTECT,
        related_name="open_licence_notice",
        verbose_name=_("成果转化项目"),
    )
    text = models.TextField(_("书面通知"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("通知时间"))

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("开放许可书面通知")
        verbose_name_plural = _("开放许可书面通知")

    def __str__(self) -> str:
        return f"{self.declaration_id} → {self.organization_id}"
