from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    INTEREST = "interest", _("意向")
    CONSULTATION = "consultation", _("咨询")
    PLAN = "plan", _("方案设计")
    NEGOTIATION = "negotiation", _("洽谈")
    EVALUATION = "evaluation", _("评价")
    LISTING = "listing", _("挂牌")
    BIDDING = "bidding", _("竞价")
    SIGNED = "signed", _("签约")
    SETTLEMENT = "settlement", _("结算")
    REGISTRATION = "registration", _("登记")
    DISCLOSURE = "disclosure", _("公示")
    CERTIFICATE = "certificate", _("凭证")
    LANDED = "landed", _("落地")
    ABANDONED = "abandoned", _("终止")

    @classmethod
    def ended(cls) -> frozenset[str]:
        """A deal here is over: it moves no more and leaves the open lists."""
        return frozenset({cls.LANDED, cls.ABANDONED})

    @classmethod
    def open(cls) -> frozenset[str]:
        """A deal here is still being followed."""
        return frozenset(cls.values) - cls.ended()

    @classmethod
    def settling(cls) -> frozenset[str]:
        """From the settlement on: payments may be recorded (never before
        the contract's money is due, never on an abandoned deal)."""
        return frozenset(
            {
                cls.SETTLEMENT,
                cls.REGISTRATION,
                cls.DISCLOSURE,
                cls.CERTIFICATE,
                cls.LANDED,
            }
        )

    @classmethod
    def path(cls) -> list[str]:
        """The stages in the order of the flow (abandoning is no step on it)."""
        return [s for s in cls.values if s != cls.ABANDONED]


class DealPath(models.TextChoices):
    """How the technology changes hands and its price is set: each path has
    its own stages and data (services.flow.MOVES, REQUIRED)."""

    NEGOTIATED = "negotiated", _("协议定价")
    LISTED = "listed", _("挂牌交易")
    AUCTION = "auction", _("拍卖/竞价")
    EQUITY = "equity", _("作价投资")
    LICENCE = "licence", _("许可")
    CONTRACT = "contract", _("合作开发/技术服务")


class LicenceKind(models.TextChoices):
    EXCLUSIVE = "exclusive", _("独占许可")
    SOLE = "sole", _("排他许可")
    NON_EXCLUSIVE = "non_exclusive", _("普通许可")


class LicenceFee(models.TextChoices):
    LUMP_SUM = "lump_sum", _("一次性支付")
    ROYALTY = "royalty", _("提成支付")
    # An entry fee at signing, then a royalty (入门费加提成).
    ENTRY_ROYALTY = "entry_royalty", _("入门费加提成")

    @classmethod
    def with_royalty(cls) -> frozenset[str]:
        """The fee modes that take a royalty rate."""
        return frozenset({cls.ROYALTY, cls.ENTRY_ROYALTY})


class EvaluationMethod(models.TextChoices):
    THIRD_PARTY = "third_party", _("第三方评价")
    MARKET = "market", _("市场化评价")
    EXPERT = "expert", _("专家评议")
    OTHER = "other", _("其他")


class AbandonReason(models.TextChoices):
    TOO_EARLY = "too_early", _("技术尚不成熟")
    PRICE = "price", _("价格未谈拢")
    IP_ISSUE = "ip_issue", _("知识产权问题")
    COUNTERPARTY_WITHDREW = "withdrew", _("对方退出")
    TEAM_WITHDREW = "team_withdrew", _("成果方退出")
    OTHER = "other", _("其他")


class LandedKind(models.TextChoices):
    PRODUCTION_LINE = "production_line", _("建成生产线")
    COMPANY_FOUNDED = "company", _("成立企业")
    PRODUCT_LAUNCHED = "product", _("产品上市")
    OTHER = "other", _("其他")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    DISMISSED = "dismissed", _("不成立")
    UPHELD = "upheld", _("成立")


class FinancingKind(models.TextChoices):
    IP_PLEDGE = "ip_pledge", _("知识产权质押融资")
    SECURITIZATION = "securitization", _("知识产权证券化")
    EQUITY = "equity", _("股权融资")
    OTHER = "other", _("其他")


class DisclosureReview(models.TextChoices):
    """How a disclosure of an achievement the public may not see is shown:
    nothing until a reviewer has cleared the text its parties wrote for it,
    or chosen the neutral label."""

    PENDING = "pending", _("等待审查")
    CLEARED = "cleared", _("已审查（公示撰写的名称和简介）")
    NEUTRAL = "neutral", _("已审查（以“保密成果”公示）")

    @classmethod
    def shown(cls) -> list[str]:
        """The decisions that let the disclosure be published."""
        return [cls.CLEARED, cls.NEUTRAL]
