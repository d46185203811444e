from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MacroRegion(models.TextChoices):
    EAST = "east", _("东部")
    CENTRAL = "central", _("中部")
    WEST = "west", _("西部")
    NORTHEAST = "northeast", _("东北")


class TransferMode(models.TextChoices):
    ASSIGNMENT = "assignment", _("转让")
    LICENCE = "licence", _("许可")
    OPEN_LICENCE = "open_licence", _("开放许可")
    EQUITY = "equity", _("作价投资")
    JOINT_DEVELOPMENT = "joint_development", _("合作开发")


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审查中")
    CLEARED = "cleared", _("已通过（公开）")
    RESTRICTED = "restricted", _("限定公开（仅限已批准投资方）")
    WITHHELD = "withheld", _("不予公开")
    RETURNED = "returned", _("已退回")


class Publication(models.TextChoices):
    """Who may see the published version, whatever the current review state."""

    NONE = "none", _("未发布")
    PUBLIC = "public", _("公开")
    RESTRICTED = "restricted", _("仅限已批准投资方")


class DemandKind(models.TextChoices):
    """The two lists of seeds/004 三.1: enterprises' technology demands, and
    application scenarios a city or an enterprise offers to new technology."""

    TECHNOLOGY = "technology", pgettext_lazy("demand kind", "技术需求")
    SCENARIO = "scenario", pgettext_lazy("demand kind", "应用场景")


class PlaceKind(models.TextChoices):
    """The places agricultural achievements go to (进园入县, seeds/004 六.2)."""

    AGRI_ZONE = "agri_zone", _("国家农业高新技术产业示范区")
    AGRI_PARK = "agri_park", _("国家农业科技园区")
    COUNTY = "county", _("县（市、区）")


class DemandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已关闭")


# The standard descriptions of technology readiness levels (GB/T 22900-2022).
TRL_DESCRIPTIONS = {
    1: _("基本原理被发现和阐述"),
    2: _("形成技术概念或应用方案"),
    3: _("关键功能和特性得到实验室验证"),
    4: _("实验室环境中的部件或原理样机验证"),
    5: _("相关环境中的部件或样机验证"),
    6: _("相关环境中的系统或原型机演示"),
    7: _("实际使用环境中的系统原型演示"),
    8: _("实际系统完成并通过试验验证"),
    9: _("实际系统通过实际使用验证（批量应用）"),
}
TRL_CHOICES = [
    (level, format_lazy("TRL {} · {}", level, text))
    for level, text in TRL_DESCRIPTIONS.items()
]


# The national programmes achievements come from, by their Chinese names as
# typed or imported: shown in the reader's language. Any other programme name
# is shown as written.
NATIONAL_PROGRAMMES = {
    "国家重点研发计划": _("国家重点研发计划"),
    "国家自然科学基金": _("国家自然科学基金"),
    "国家科技重大专项": _("国家科技重大专项"),
    "技术创新引导专项": _("技术创新引导专项"),
    "基地和人才专项": _("基地和人才专项"),
}


def programme_label(name: str) -> str:
    return str(NATIONAL_PROGRAMMES.get(name.strip(), name))
