"""进园入县 lists (seeds/004 六.2): dated national and provincial lists of
cleared agricultural achievements, frozen when published.

A published list is data, not a view of the library: its entries carry the
shown fields as they were at publication (``snapshot``) and the list keeps the
XLSX it was published with, byte for byte, so "the list of Q3 2026" reads the
same whatever the library becomes."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import TimeStamped
from achievements.models import Achievement, Province

from .enums import ListScope, ListStatus


class AgriList(TimeStamped):
    scope = models.CharField(_("清单类型"), max_length=16, choices=ListScope.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("省份"),
        help_text=_("地方清单所属的省份；国家清单不填。"),
    )
    period = models.CharField(
        _("批次"), max_length=40, help_text=_("如“2026年第三季度”。")
    )
    issued_on = models.DateField(_("发布日期"))
    introduction = models.TextField(_("说明"), blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=ListStatus.choices,
        default=ListStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Written once, at publication, in the same transaction as the snapshot:
    # in the database rather than in storage so that nothing is half-written.
    xlsx = models.BinaryField(_("清单文件"), null=True, blank=True, editable=False)
    xlsx_sha256 = models.CharField(
        _("文件校验值（SHA-256）"), max_length=64, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-issued_on", "scope", "province__code", "-id"]
        verbose_name = _("进园入县清单")
        verbose_name_plural = _("进园入县清单")
        constraints = [
            models.CheckConstraint(
                condition=Q(scope=ListScope.NATIONAL, province__isnull=True)
                | Q(scope=ListScope.LOCAL, province__isnull=False),
                name="agri_list_local_has_province",
            ),
            models.CheckConstraint(
                condition=Q(status=ListStatus.DRAFT)
                | Q(published_at__isnull=False, xlsx__isnull=False),
                name="agri_list_published_is_frozen",
            ),
            models.UniqueConstraint(
                fields=["scope", "period"],
                condition=Q(province__isnull=True),
                name="agri_list_one_national_per_period",
            ),
            models.UniqueConstraint(
                fields=["scope", "province", "period"],
                condition=Q(province__isnull=False),
                name="agri_list_one_local_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        from django.utils.translation import gettext

        if self.scope == ListScope.NATIONAL:
            return gettext("%(period)s国家科技计划成果清单") % {"period": self.period}
        return gettext("%(period)s%(province)s先进适用技术成果清单") % {
            "period": self.period,
            "province": self.province.local_name if self.province_id else "",
        }

    @property
    def is_frozen(self) -> bool:
        return self.status == ListStatus.PUBLISHED

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("agrilists:detail", args=[self.pk])

    @staticmethod
    def digest(content: bytes) -> str:
        return hashlib.sha256(content).hexdigest()


class AgriListEntry(models.Model):
    """An achievement selected for a list; at publication its shown fields are
    copied into ``snapshot`` and never change again."""

    agri_list = models.ForeignKey(
        AgriList, on_delete=models.CASCADE, related_name="entries"
    )
    # Kept for the link to the live page while it stays public; the snapshot
    # outlives the achievement.
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("科技成果"),
    )
    position = models.PositiveIntegerField(_("序号"), default=0)
    snapshot = models.JSONField(_("发布时的内容"), null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("清单成果")
        verbose_name_plural = _("清单成果")
        constraints = [
            models.UniqueConstraint(
                fields=["agri_list", "achievement"], name="agri_list_entry_once"
            ),
        ]

    def __str__(self) -> str:
        return (self.snapshot or {}).get("title") or str(self.achievement_id)
