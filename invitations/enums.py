from django.db import models
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganizationKind

# The institutions a roadshow invites (seeds/004 一.2): the demand side.
INVITED_KINDS = (
    OrganizationKind.GUIDANCE_SUB_FUND,
    OrganizationKind.MARKET_FUND,
    OrganizationKind.COMMERCIAL_BANK,
    OrganizationKind.ENTERPRISE,
    OrganizationKind.TECHNOLOGY_EXCHANGE,
)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("未答复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已谢绝")
    DELEGATED = "delegated", _("已转交同事")

    @classproperty
    def answered_states(cls) -> frozenset["InvitationStatus"]:
        """The link has been used: it answers nothing more."""
        return frozenset({cls.ACCEPTED, cls.DECLINED, cls.DELEGATED})

    @classproperty
    def live_states(cls) -> frozenset["InvitationStatus"]:
        """The organization's current invitation to the roadshow (one at most;
        a delegated one was handed on to its successor)."""
        return frozenset({cls.PENDING, cls.ACCEPTED, cls.DECLINED})


class InvitationSource(models.TextChoices):
    HAND = "hand", _("逐个邀请")
    LIST = "list", _("邀请名单")
    RECOMMENDED = "recommended", _("推荐机构")
    PAIR = "pair", _("结对省份")
