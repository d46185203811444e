from django.db import models
from django.utils.translation import gettext_lazy as _


class ListScope(models.TextChoices):
    """A national list of programme achievements, or a province's local list
    of advanced applicable technologies (seeds/004 六.2)."""

    NATIONAL = "national", _("国家科技计划成果清单")
    LOCAL = "local", _("地方先进适用技术成果清单")


class ListStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布（冻结）")
