from django.db import models
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _


class PlaceKind(models.TextChoices):
    ONSITE = "onsite", _("现场洽谈桌")
    ONLINE = "online", _("线上洽谈室")


class Direction(models.TextChoices):
    """Who asked: the demand side (investor, bank, enterprise) or the team."""

    TO_TEAM = "to_team", _("由投资方/需求方发起")
    TO_INVESTOR = "to_investor", _("由成果团队发起")


class Side(models.TextChoices):
    TEAM = "team", _("成果方")
    INVESTOR = "investor", _("投资方/需求方")


class Priority(models.IntegerChoices):
    WOULD_LIKE = 1, _("希望见面")
    MUST_MEET = 3, _("必须见面")


class AcceptPriority(models.IntegerChoices):
    """How much the side that accepts wants it too: a mutual wish weighs more."""

    AGREE = 0, _("同意见面")
    WOULD_LIKE = 1, _("我方也希望见面")
    MUST_MEET = 3, _("我方也必须见面")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("待回复")
    ACCEPTED = "accepted", _("已接受")
    DECLINED = "declined", _("已婉拒")
    CANCELLED = "cancelled", _("已撤回")
    EXPIRED = "expired", _("已过期")

    @classproperty
    def open_states(cls) -> frozenset["RequestStatus"]:
        """Counted against the requester's quota and blocking a second
        request for the same pair."""
        return frozenset({cls.PENDING, cls.ACCEPTED})


class DeclineReason(models.TextChoices):
    MANDATE = "mandate", _("不在投资/需求范围内")
    TOO_EARLY = "too_early", _("阶段太早")
    PRICE = "price", _("价格不合适")
    REGION = "region", _("地区不合适")
    IN_TALKS = "in_talks", _("已在洽谈中")
    OTHER = "other", _("其他")


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    HELD = "held", _("已举行")
    NO_SHOW = "no_show", _("未到场")
    CANCELLED = "cancelled", _("已取消")

    @classproperty
    def active_states(cls) -> frozenset["MeetingStatus"]:
        """Holding a place and its people's time."""
        return frozenset({cls.SCHEDULED, cls.HELD, cls.NO_SHOW})


class Outcome(models.TextChoices):
    CONTINUE = "continue", _("继续洽谈")
    PASS = "pass", _("不再跟进")
    NOT_HELD = "not_held", _("未举行")


class Unplaced(models.TextChoices):
    """Why the scheduler could not place an accepted request."""

    NO_COMMON_SLOT = "no_common_slot", _("双方没有共同的空闲时段")
    NO_PLACE = "no_place", _("共同空闲时段内洽谈桌/洽谈室已满")


class EventKind(models.TextChoices):
    """The lines of a request's history."""

    CREATED = "created", _("发出请求")
    ACCEPTED = "accepted", _("接受")
    DECLINED = "declined", _("婉拒")
    CANCELLED = "cancelled", _("取消")
    EXPIRED = "expired", _("过期")
    SCHEDULED = "scheduled", _("安排会面")
    MOVED = "moved", _("调整会面")
    HELD = "meeting_held", _("标记为已举行")
    NO_SHOW = "meeting_no_show", _("标记为未到场")
    UNMARKED = "meeting_scheduled", _("撤销标记")
    CONTINUE = "outcome_continue", _("记录结果：继续洽谈")
    PASS = "outcome_pass", _("记录结果：不再跟进")
    NOT_HELD = "outcome_not_held", _("记录结果：未举行")


class DemandResponseStatus(models.TextChoices):
    """A team's "我们可以对接" to a demand: waiting for the demand side, turned
    into a meeting request (by the team at once where a session allows, or
    later by either side), or not a fit for the demand side."""

    OPEN = "open", _("待需求方查看")
    MEETING = "meeting", _("已发起约见")
    DECLINED = "declined", _("需求方认为不合适")
