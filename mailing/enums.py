from django.db import models
from django.utils.translation import gettext_lazy


class EmailStatus(models.TextChoices):
    QUEUED = "queued", gettext_lazy("待发送")
    SENT = "sent", gettext_lazy("已发送")
    FAILED = "failed", gettext_lazy("发送失败")
