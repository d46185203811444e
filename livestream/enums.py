from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已展示")
    DISMISSED = "dismissed", _("已忽略")


class SanctionKind(models.TextChoices):
    MUTE = "mute", _("禁言")
    REMOVE = "remove", _("移出直播间")


class Audience(models.TextChoices):
    """Who may receive a room event."""

    ALL = "all", _("所有人")
    # Moderators, plus the user in ``RoomEvent.user`` when one is set.
    MODERATORS = "mod", _("主持人")
    # Moderators, and the presenting team's presenter views (never viewers).
    PRESENTERS = "present", _("路演团队")


class ModerationAction(models.TextChoices):
    """What a moderator does to one question (the ``action`` of a ``moderate``
    frame); each has its own service in ``livestream.services.moderation``."""

    APPROVE = "approve", _("通过")  # with ``text``: approve as edited
    DISMISS = "dismiss", _("忽略")
    PIN = "pin", _("置顶回答")
    UNPIN = "unpin", _("取消置顶")
    ANSWERED = "answered", _("标为已回答")
    UNANSWERED = "unanswered", _("取消已回答")


class PollStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


# The criteria a pitch is scored on unless the organizer sets others: the
# room's data from then on (organizers edit the list), so stored as written.
DEFAULT_SCORE_CRITERIA = (
    "技术先进性",
    "市场前景",
    "团队能力",
    "知识产权",
    "与我方契合度",
)
