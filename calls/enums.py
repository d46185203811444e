from django.db import models
from django.utils.functional import classproperty
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    OPEN = "open", _("征集中")
    CLOSED = "closed", _("已结束")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请")
    ACCEPTED = "accepted", _("已入选")
    WAITLISTED = "waitlisted", _("候补")
    DECLINED = "declined", _("未入选")
    WITHDRAWN = "withdrawn", _("已撤回")

    @classproperty
    def active_states(cls) -> frozenset["ApplicationStatus"]:
        """Applications that still count: reviewed, ranked, one per
        achievement and call."""
        return frozenset({cls.SUBMITTED, cls.ACCEPTED, cls.WAITLISTED})


class CallAction(models.TextChoices):
    """What the call's log records."""

    OPENED = "opened", _("开启征集")
    REVIEWER_ADDED = "reviewer_added", _("添加评审人")
    REVIEWER_REMOVED = "reviewer_removed", _("移除评审人")
    APPLIED = "applied", _("提交申请")
    UPDATED = "updated", _("修改申请")
    WITHDRAWN = "withdrawn", _("撤回申请")
    SCORED = "scored", _("评分")
    ACCEPTED = "accepted", _("入选")
    WAITLISTED = "waitlisted", _("列入候补")
    DECLINED = "declined", _("未入选")
    PROMOTED = "promoted", _("候补递补入选")
    CLOSED = "closed", _("结束征集")
