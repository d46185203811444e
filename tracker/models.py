"""Deals: an achievement followed from first interest to a landed deal.  The
stage flow of each path is defined once, in ``services.MOVES``; every move is a
``DealMove`` row that is never edited or deleted."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.enums import TransferMode
from achievements.models import Achievement, Province
from events.models import Roadshow, Slot

from .enums import (
    AbandonReason,
    DealPath,
    DisclosureReview,
    EvaluationMethod,
    FinancingKind,
    LandedKind,
    LicenceFee,
    LicenceKind,
    ObjectionStatus,
    Stage,
)

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
    meeting = models.ForeignKey(
        "matchmaking.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deals",
        verbose_name=_("来源对接会面"),
    )
    transfer_mode = models.CharField(
        _("转化方式"), max_length=24, choices=TransferMode.choices
    )
    # The way it changes hands (its stages: services.flow.MOVES[path]).
    path = models.CharField(
        _("交易路径"), max_length=16, choices=DealPath.choices, db_index=True
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
    origin_province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("成果所在省份"),
    )
    agency = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_deals",
        verbose_name=_("技术交易机构/服务机构"),
    )
    # The transfer office whose technology manager handles the deal for the
    # achievement's owner (set when a delegated manager first acts on it).
    office = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="office_deals",
        verbose_name=_("承办技术转移机构"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("技术经理人"),
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
    # The listing's period: bids are taken up to the end of its last day.
    listing_ends = models.DateField(_("挂牌截止日期"), null=True, blank=True)
    bid_increment = models.DecimalField(
        _("加价幅度（万元）"), null=True, blank=True, **MONEY
    )
    # Evaluation 科技成果评价 (the report is one of the move's documents).
    evaluation_method = models.CharField(
        _("评价方式"), max_length=16, choices=EvaluationMethod.choices, blank=True
    )
    evaluator = models.CharField(_("评价机构"), max_length=200, blank=True)
    evaluation_min = models.DecimalField(
        _("评价价值下限（万元）"), null=True, blank=True, **MONEY
    )
    evaluation_max = models.DecimalField(
        _("评价价值上限（万元）"), null=True, blank=True, **MONEY
    )
    evaluated_on = models.DateField(_("评价日期"), null=True, blank=True)
    evaluation_report = models.ForeignKey(
        "DealDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("评价报告"),
    )
    # Cleared by an organizer: shown on the achievement's page as 已评价.
    evaluation_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evaluation_cleared_at = models.DateTimeField(
        _("评价确认时间"), null=True, blank=True
    )
    # Licence 许可.
    licence_kind = models.CharField(
        _("许可类型"), max_length=16, choices=LicenceKind.choices, blank=True
    )
    licence_territory = models.CharField(_("许可地域范围"), max_length=200, blank=True)
    licence_ends = models.DateField(_("许可期限至"), null=True, blank=True)
    licence_fee = models.CharField(
        _("许可费支付方式"), max_length=16, choices=LicenceFee.choices, blank=True
    )
    royalty_rate = models.DecimalField(
        _("提成比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Equity 作价投资.
    equity_valuation = models.DecimalField(
        _("作价金额（万元）"), null=True, blank=True, **MONEY
    )
    equity_share = models.DecimalField(
        _("持股比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    company_name = models.CharField(_("成立（入股）企业"), max_length=200, blank=True)
    # Joint development / technical service 合作开发/技术服务.
    milestones = models.TextField(_("合同里程碑"), blank=True)
    contract_number = models.CharField(_("合同编号"), max_length=64, blank=True)
    contract_date = models.DateField(_("签约日期"), null=True, blank=True)
    registration_number = models.CharField(
        _("技术合同登记号"), max_length=64, blank=True
    )
    disclosure_starts = models.DateField(_("公示开始"), null=True, blank=True)
    disclosure_ends = models.DateField(_("公示结束"), null=True, blank=True)
    # What the disclosure shows of an achievement the public may not see:
    # text its parties wrote for it, shown once a reviewer has cleared it.
    disclosure_title = models.CharField(_("公示成果名称"), max_length=200, blank=True)
    disclosure_summary = models.TextField(_("公示成果简介"), blank=True)
    disclosure_review = models.CharField(
        _("公示审查"), max_length=12, choices=DisclosureReview.choices, blank=True
    )
    disclosure_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    disclosure_reviewed_at = models.DateTimeField(null=True, blank=True)
    # When the disclosure went public; the objection period runs from then.
    disclosure_published_at = models.DateTimeField(
        _("公示发布时间"), null=True, blank=True, db_index=True
    )
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
                condition=(Q(evaluation_min__isnull=True) | Q(evaluation_min__gte=0))
                & (
                    Q(evaluation_max__isnull=True)
                    | Q(evaluation_min__isnull=True)
                    | Q(evaluation_max__gte=F("evaluation_min"))
                ),
                name="deal_evaluation_range",
            ),
            models.CheckConstraint(
                condition=(Q(bid_increment__isnull=True) | Q(bid_increment__gt=0))
                & (Q(equity_valuation__isnull=True) | Q(equity_valuation__gte=0))
                & (
                    Q(equity_share__isnull=True)
                    | Q(equity_share__gt=0, equity_share__lte=100)
                )
                & (
                    Q(royalty_rate__isnull=True)
                    | Q(royalty_rate__gt=0, royalty_rate__lte=100)
                ),
                name="deal_path_terms_in_range",
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


class Bid(models.Model):
    """A bid in the (optional) bidding stage; one may be marked the winner."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="bids")
    bidder = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("竞买方"),
    )
    amount = models.DecimalField(_("出价（万元）"), **MONEY)
    placed_at = models.DateTimeField(_("出价时间"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    # Placed by an organizer for the bidder (not by the bidder's own people).
    on_behalf = models.BooleanField(_("代为登记"), default=False)
    winner = models.BooleanField(_("竞得"), default=False)

    class Meta:
        ordering = ["placed_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="bid_positive"),
            models.UniqueConstraint(
                fields=["deal"], condition=Q(winner=True), name="bid_one_winner"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bidder_id}: {self.amount}"


class AuctionBidder(models.Model):
    """An organization registered to bid at a deal's auction (拍卖/竞价):
    approved investors and enterprises from outside the deal register during
    the listing's period; its parties are registered with their first bid.
    ``number`` is what other bidders see (竞买人 1, 2, 3…), in the order of
    registration."""

    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, related_name="auction_bidders"
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("竞买方"),
    )
    number = models.PositiveIntegerField(_("竞买号"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("登记人"),
    )
    registered_at = models.DateTimeField(_("登记时间"))

    class Meta:
        ordering = ["number"]
        verbose_name = _("竞买登记")
        verbose_name_plural = _("竞买登记")
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "organization"], name="auction_bidder_once"
            ),
            models.UniqueConstraint(
                fields=["deal", "number"], name="auction_bidder_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gt=0), name="auction_bidder_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.number}"


class Objection(models.Model):
    """An objection filed against a deal's public disclosure 公示."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="objections")
    name = models.CharField(_("姓名或单位"), max_length=100)
    contact = models.CharField(_("联系方式"), max_length=100)
    reason = models.TextField(_("异议理由"), max_length=2000)
    status = models.CharField(
        _("处理结果"),
        max_length=12,
        choices=ObjectionStatus.choices,
        default=ObjectionStatus.OPEN,
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return f"{self.deal_id}: {self.name}"


class Financing(models.Model):
    """Follow-up financing of an achievement (and its deal): IP pledge loans,
    securitization, equity rounds."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="financings"
    )
    deal = models.ForeignKey(
        Deal, on_delete=models.PROTECT, null=True, blank=True, related_name="financings"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=FinancingKind.choices)
    institution = models.CharField(_("机构"), max_length=200)
    amount = models.DecimalField(_("金额（万元）"), **MONEY)
    on = models.DateField(_("日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="financing_positive")
        ]

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.get_kind_display()} {self.amount}"


def _document_path(instance: "DealDocument", filename: str) -> str:
    return f"deals/{instance.deal_id}/{filename}"


class DealDocument(models.Model):
    """A document of a deal (contract, listing notice, evidence…), checked by
    its content on upload and served only to the deal's parties."""

    deal = models.ForeignKey(Deal, on_delete=models.PROTECT, related_name="documents")
    move = models.ForeignKey(
        DealMove,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    title = models.CharField(_("文件说明"), max_length=200, blank=True)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("项目文件")
        verbose_name_plural = _("项目文件")

    def __str__(self) -> str:
        return self.title or self.original_name


class TargetPeriod(models.Model):
    """The programme's targets for a period (R9): data organizers set, the
    first period being the seeds' 2022–2025 figures."""

    name = models.CharField(_("名称"), max_length=100)
    starts = models.DateField(_("开始"))
    ends = models.DateField(_("结束"))
    roadshows = models.PositiveIntegerField(_("路演场次"))
    promoted_national = models.PositiveIntegerField(_("路演推广成果（国家）"))
    promoted_total = models.PositiveIntegerField(_("路演推广成果（含地方）"))
    landed = models.PositiveIntegerField(_("落地转化成果"))
    cross_region = models.PositiveIntegerField(
        _("东部、南部成果落地东北、西部"), default=0
    )
    local_northwest = models.PositiveIntegerField(
        _("东北、西部成果本地区转化"), default=0
    )

    class Meta:
        ordering = ["-starts"]
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="target_period_ends_after"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DigestSent(models.Model):
    """The weekly follow-up digest sent to one person for one ISO week (so a
    re-run of the command never sends it twice)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    week = models.CharField(max_length=8)
    deals = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "week"], name="digest_once_a_week")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.week}"
