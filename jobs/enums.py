from django.db import models
from django.utils.translation import gettext_lazy as _


class JobState(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")

    @classmethod
    def unfinished_states(cls) -> tuple[str, ...]:
        return (cls.QUEUED, cls.RUNNING)
