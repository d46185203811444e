"""Deals: an achievement followed from first interest to a landed deal.  The
stage flow is defined once, in ``services.MOVES``; every move is a
``DealMove`` row that is never edited or deleted."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.enums import TransferMode
from achievements.models import Achievement, Province
from events.models import Roadshow, Slot

from .enums import AbandonReason, LandedKind, Stage

MONEY = {"max_digits": 14, "decimal_places": 2}


class Deal(TimeStamped):
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("成果"),
    )
    counterparty = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="deals",
        verbose_name=_("受让/合作方"),
    )
    # Where it came from (kept as links).
    roadshow = models.ForeignKey(
        Roadshow,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("来源路演"),
    )
    slot = models.ForeignKey(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("来源路演项目"),
    )
    question = models.ForeignKey(
        "livestream.Question",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("来源提问"),
    )
    transfer_mode = models.CharField(
        _("转化方式"), max_length=24, choices=TransferMode.choices
    )
    asking_amount = models.DecimalField(
        _("报价（万元）"), null=True, blank=True, **MONEY
    )
    agreed_amount = models.DecimalField(
        _("成交金额（万元）"), null=True, blank=True, **MONEY
    )
    settled_amount = models.DecimalField(_("已结算（万元）"), default=0, **MONEY)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("落地省份"),
    )
    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_deals",
        verbose_name=_("技术交易机构/服务机构"),
    )
    owner_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("成果方负责人"),
    )
    counterparty_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("受让方负责人"),
    )
    stage = models.CharField(
        _("阶段"),
        max_length=16,
        choices=Stage.choices,
        default=Stage.INTEREST,
        db_index=True,
    )
    stage_entered_at = models.DateTimeField(_("进入本阶段"), auto_now_add=True)
    # Stage data (required when entering the stage; see services.REQUIRED).
    listing_number = models.CharField(_("挂牌编号"), max_length=64, blank=True)
    listing_date = models.DateField(_("挂牌日期"), null=True, blank=True)
    listing_price = models.DecimalField(
        _("挂牌价（万元）"), null=True, blank=True, **MONEY
    )
    contract_number = models.CharField(_("合同编号"), max_length=64, blank=True)
    contract_date = models.DateField(_("签约日期"), null=True, blank=True)
    registration_number = models.CharField(
        _("技术合同登记号"), max_length=64, blank=True
    )
    disclosure_starts = models.DateField(_("公示开始"), null=True, blank=True)
    disclosure_ends = models.DateField(_("公示结束"), null=True, blank=True)
    certificate_number = models.CharField(_("凭证编号"), max_length=64, blank=True)
    landed_kind = models.CharField(
        _("落地形式"), max_length=16, choices=LandedKind.choices, blank=True
    )
    landed_evidence = models.TextField(_("落地说明"), blank=True)
    abandon_reason = models.CharField(
        _("终止原因"), max_length=16, choices=AbandonReason.choices, blank=True
    )
    abandon_note = models.TextField(_("终止说明"), blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("成果转化项目")
        verbose_name_plural = _("成果转化项目")
        constraints = [
            models.CheckConstraint(
                condition=(Q(asking_amount__isnull=True) | Q(asking_amount__gte=0))
                & (Q(agreed_amount__isnull=True) | Q(agreed_amount__gte=0))
                & (Q(listing_price__isnull=True) | Q(listing_price__gte=0))
                & Q(settled_amount__gte=0),
                name="deal_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(agreed_amount__isnull=True)
                | Q(settled_amount__lte=F("agreed_amount")),
                name="deal_settled_within_agreed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.counterparty}"


class DealMove(models.Model):
    """One recorded move of a deal (or a note on it): append-only."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="moves")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    backwards = models.BooleanField(default=False)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.from_stage} → {self.to_stage}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("a deal's history is never edited; record a new move")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("a deal's history is never deleted")


class Payment(models.Model):
    """A settlement payment (partial payments allowed, up to the agreed amount)."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    paid_on = models.DateField(_("支付日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.amount}"
