from django.db import models
from django.utils.translation import gettext_lazy as _


class DeclarationStatus(models.TextChoices):
    """Where an open-licence declaration stands in its confidentiality review.
    Whether a cleared one is still in force is its period's business
    (``Declaration.in_force_on``)."""

    SUBMITTED = "submitted", _("待审查")
    RETURNED = "returned", _("已退回")
    CLEARED = "cleared", _("已公开")
    WITHDRAWN = "withdrawn", _("已撤回")

    @classmethod
    def live(cls) -> frozenset[str]:
        """A declaration here holds its patent: no second one may be made."""
        return frozenset({cls.SUBMITTED, cls.RETURNED, cls.CLEARED})

    @classmethod
    def editable(cls) -> frozenset[str]:
        """The team may still change its terms (nothing has been published)."""
        return frozenset({cls.SUBMITTED, cls.RETURNED})


class PatentType(models.TextChoices):
    INVENTION = "invention", _("发明专利")
    UTILITY_MODEL = "utility_model", _("实用新型专利")
    DESIGN = "design", _("外观设计专利")
