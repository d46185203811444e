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
