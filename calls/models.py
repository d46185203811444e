"""Calls for pitches 路演征集: a call on a planned roadshow, the teams'
applications, the named reviewers' scores, and the call's log."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.models import Achievement, IndustryField, Province
from events.models import Roadshow, Slot

from .enums import ApplicationStatus, CallAction, CallStatus


class Call(TimeStamped):
    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="calls", verbose_name=_("路演")
    )
    title = models.CharField(_("征集名称"), max_length=200)
    description = models.TextField(_("征集说明"), blank=True)
    # The field or the region the roadshow serves (either, or both).
    field = models.ForeignKey(
        IndustryField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("产业领域"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("地区"),
    )
    deadline = models.DateTimeField(_("申请截止时间"))
    slots = models.PositiveSmallIntegerField(_("路演名额"))
    pitch_minutes = models.PositiveSmallIntegerField(_("每个项目路演时长（分钟）"))
    anonymised = models.BooleanField(
        _("匿名评审"),
        default=False,
        help_text=_("评审人看不到申请单位、团队名称和附件的原文件名。"),
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="call_reviews",
        blank=True,
        verbose_name=_("评审人"),
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    decided_at = models.DateTimeField(_("评定时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("开启人"),
    )

    class Meta:
        ordering = ["deadline", "id"]
        verbose_name = _("路演征集")
        verbose_name_plural = _("路演征集")
        constraints = [
            models.CheckConstraint(
                condition=Q(slots__gte=1), name="call_slots_at_least_one"
            ),
            models.CheckConstraint(
                condition=Q(pitch_minutes__gte=5), name="call_pitch_minutes_at_least_5"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """One of the call's named criteria, each scored 1–5."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("征集")
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("评审标准"), max_length=60)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "name"], name="criterion_name_once_per_call"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Application(TimeStamped):
    call = models.ForeignKey(
        Call,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("征集"),
    )
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        related_name="call_applications",
        verbose_name=_("成果"),
    )
    # The applying institution: the achievement's owner when it applied.
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="call_applications",
        verbose_name=_("申请单位"),
    )
    summary = models.TextField(_("路演简介"), max_length=1000)
    deck = models.FileField(upload_to="calls/%Y/%m/")
    deck_name = models.CharField(_("路演 PDF 文件名"), max_length=200)
    deck_size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    # The runners-up's order (1 first) while on the waitlist.
    waitlist_position = models.PositiveSmallIntegerField(null=True, blank=True)
    decline_reason = models.TextField(_("未入选原因"), blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("决定人"),
    )
    slot = models.OneToOneField(
        Slot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_application",
        verbose_name=_("议程"),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("征集申请")
        verbose_name_plural = _("征集申请")
        constraints = [
            # Twice for the same call is refused, by the service and here.
            models.UniqueConstraint(
                fields=["call", "achievement"],
                condition=~Q(status=ApplicationStatus.WITHDRAWN),
                name="application_once_per_call_achievement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call} · {self.achievement_id}"


class Review(TimeStamped):
    """One reviewer's sheet for one application: a mark per criterion and a
    comment.  Marks changed later are logged (CallEvent) with their time."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="reviews",
        verbose_name=_("申请"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="call_scores",
        verbose_name=_("评审人"),
    )
    comment = models.TextField(_("评语"), blank=True, max_length=2000)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="review_once_per_reviewer"
            )
        ]


class Score(models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="scores", verbose_name=_("评审")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="+", verbose_name=_("标准")
    )
    value = models.PositiveSmallIntegerField(_("分数"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=1) & Q(value__lte=5),
                name="score_one_to_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.value}"


class CallEvent(models.Model):
    """The call's log: who did what, when (never edited)."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="events", verbose_name=_("征集")
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("申请"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=20, choices=CallAction.choices)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
