import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped
from achievements.models import Achievement, IndustryField, Province

from .enums import (
    Attendance,
    Format,
    Level,
    MaterialReview,
    RegionKind,
    RegistrationStatus,
    RoadshowKind,
    RoadshowStatus,
    ScanResult,
    SlotKind,
)


class YearPlan(TimeStamped):
    """A year's "1+1" plan: the rotas it was made from and the dates to avoid."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    # [{"field": <IndustryField pk>, "host": <Organization pk>}, …] in rota order
    field_rota = models.JSONField(_("领域轮值"), default=list)
    # [{"kind": RegionKind, "ref": <Province or Organization pk>, "host": pk}, …]
    region_rota = models.JSONField(_("区域轮值"), default=list)
    blocked_dates = models.JSONField(_("避开的日期"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度路演计划")
        verbose_name_plural = _("年度路演计划")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100),
                name="yearplan_year_sane",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}"


class Roadshow(TimeStamped):
    """One roadshow: the one source of truth its CMS page and feeds render."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Increases on every change people can see (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    plan = models.ForeignKey(
        YearPlan,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="roadshows",
        verbose_name=_("年度计划"),
    )
    kind = models.CharField(_("类型"), max_length=16, choices=RoadshowKind.choices)
    level = models.CharField(
        _("级别"), max_length=16, choices=Level.choices, default=Level.NATIONAL
    )
    field = models.ForeignKey(
        IndustryField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadshows",
        verbose_name=_("产业领域"),
    )
    region_kind = models.CharField(
        _("区域类型"), max_length=16, choices=RegionKind.choices, blank=True
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roadshows",
        verbose_name=_("省份"),
    )
    zone = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="zone_roadshows",
        verbose_name=_("高新区/农高区"),
    )
    title = models.CharField(_("名称"), max_length=200)
    summary = models.TextField(_("简介"), blank=True)
    start = models.DateTimeField(_("开始时间"))
    end = models.DateTimeField(_("结束时间"))
    format = models.CharField(
        _("形式"), max_length=16, choices=Format.choices, default=Format.HYBRID
    )
    venue = models.CharField(_("会场"), max_length=200, blank=True)
    address = models.CharField(_("地址"), max_length=300, blank=True)
    stream_url = models.URLField(_("直播地址"), blank=True)
    lead_host = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="hosted_roadshows",
        verbose_name=_("主办单位"),
    )
    co_hosts = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="cohosted_roadshows",
        verbose_name=_("承办/协办单位"),
    )
    invited = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="invited_roadshows",
        verbose_name=_("受邀金融机构"),
    )
    capacity = models.PositiveIntegerField(_("现场名额"), null=True, blank=True)
    # Part of the capacity kept for invited guests (the invitations app sets
    # it): the public sees the roadshow full before these are taken.
    invitation_places = models.PositiveIntegerField(
        _("预留邀请名额"), default=0, editable=False
    )
    registration_opens = models.DateTimeField(_("报名开始"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("报名截止"), null=True, blank=True)
    materials_deadline = models.DateTimeField(_("路演材料截止"), null=True, blank=True)
    investors_only = models.BooleanField(
        _("仅限已批准投资方"),
        default=False,
        help_text=_("限定公开的成果只能出现在仅限已批准投资方的路演中。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RoadshowStatus.choices,
        default=RoadshowStatus.DRAFT,
        db_index=True,
    )
    door_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="door_roadshows",
        verbose_name=_("签到工作人员"),
        help_text=_("组织方之外，可以在现场扫码签到的账户。"),
    )
    cancel_reason = models.TextField(_("取消原因"), blank=True)
    # Set when first published: a roadshow cancelled after that stays public
    # (marked cancelled); one cancelled before it never was public.
    first_published_at = models.DateTimeField(_("首次发布"), null=True, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("路演")
        verbose_name_plural = _("路演")
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="roadshow_ends_after_start"
            ),
            models.CheckConstraint(
                condition=(Q(kind="field") & Q(field__isnull=False))
                | (Q(kind="region") & Q(field__isnull=True)),
                name="roadshow_field_iff_field_kind",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes__isnull=True)
                | Q(registration_opens__isnull=True)
                | Q(registration_closes__gt=F("registration_opens")),
                name="roadshow_registration_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "start"], name="roadshow_status_start")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("events:detail", args=[self.pk])

    @property
    def region_name(self) -> str:
        if self.province_id:
            return self.province.local_name
        if self.zone_id:
            return self.zone.name
        return ""


class RoadshowEvent(models.Model):
    """Append-only history of a roadshow's status and date changes."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=RoadshowStatus.choices)
    to_status = models.CharField(max_length=16, choices=RoadshowStatus.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.roadshow_id}: {self.from_status} → {self.to_status}"


class Slot(models.Model):
    """One slot of a roadshow's programme; times follow from order and durations."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="slots", verbose_name=_("路演")
    )
    position = models.PositiveIntegerField(_("顺序"), default=0)
    kind = models.CharField(
        _("类型"), max_length=8, choices=SlotKind.choices, default=SlotKind.PITCH
    )
    duration_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=15)
    title = models.CharField(_("标题"), max_length=200, blank=True)
    achievement = models.ForeignKey(
        Achievement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("路演成果"),
    )
    team = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="slots",
        verbose_name=_("路演团队"),
    )
    presenters = models.CharField(_("路演人"), max_length=200, blank=True)
    video_links = models.JSONField(_("视频链接"), default=list, blank=True)
    materials_private = models.BooleanField(
        _("材料不公开"),
        default=False,
        help_text=_("勾选后，路演材料只有组织方和本团队可以查看。"),
    )
    # The video links are reviewed as one list: any change waits again.
    links_review = models.CharField(
        _("视频链接审核"),
        max_length=8,
        choices=MaterialReview.choices,
        default=MaterialReview.PENDING,
    )
    links_review_comment = models.CharField(
        _("视频链接审核意见"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("路演议程")
        verbose_name_plural = _("路演议程")
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=480),
                name="slot_duration_sane",
            ),
            models.CheckConstraint(
                condition=~Q(kind="pitch") | Q(achievement__isnull=False),
                name="slot_pitch_has_achievement",
            ),
        ]

    def __str__(self) -> str:
        return self.title or (
            self.achievement.title if self.achievement_id else self.kind
        )


class MaterialKind(models.TextChoices):
    DECK = "deck", _("路演材料（PDF）")
    COVER = "cover", _("封面图片")


class PitchMaterial(models.Model):
    """One uploaded file of a pitch slot; replacing it keeps the old version."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("类型"), max_length=8, choices=MaterialKind.choices)
    file = models.FileField(upload_to="materials/%Y/%m/")
    thumbnail = models.FileField(upload_to="materials/%Y/%m/", blank=True)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    superseded_at = models.DateTimeField(_("被替换时间"), null=True, blank=True)
    review = models.CharField(
        _("审核"),
        max_length=8,
        choices=MaterialReview.choices,
        default=MaterialReview.PENDING,
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("路演材料")
        verbose_name_plural = _("路演材料")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "kind"],
                condition=Q(superseded_at__isnull=True),
                name="material_one_current_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.original_name


# A ticket (a place at the door) is a confirmed on-site registration.  This is
# the one definition: queries use TICKET_Q (Registration.objects.tickets()), a
# loaded registration says Registration.has_ticket, and the check-in's SQL
# binds TICKET's values as parameters.
TICKET_Q = Q(status=RegistrationStatus.CONFIRMED) & Q(attendance=Attendance.ONSITE)
TICKET: dict[str, str] = dict(TICKET_Q.children)
# A registration that still counts (one per person and roadshow).
ACTIVE_Q = ~Q(status=RegistrationStatus.CANCELLED)


class RegistrationQuerySet(models.QuerySet):
    def active(self) -> "RegistrationQuerySet":
        return self.filter(ACTIVE_Q)

    def tickets(self) -> "RegistrationQuerySet":
        """The ones that hold a place at the door (and may be checked in)."""
        return self.filter(TICKET_Q)

    def waitlist(self) -> "RegistrationQuerySet":
        """Waiting for an on-site place, in the order people joined."""
        return self.filter(
            status=RegistrationStatus.WAITLISTED, attendance=Attendance.ONSITE
        ).order_by("created_at", "id")


class Registration(models.Model):
    """Someone's registration for a roadshow; on site ones carry a ticket."""

    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations"
    )
    attendance = models.CharField(
        _("参加方式"), max_length=8, choices=Attendance.choices
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RegistrationStatus.choices
    )
    # 128 random bits (base32); the QR code carries it. It says nothing personal.
    secret = models.CharField(max_length=32, unique=True, editable=False)
    short_code = models.CharField(_("签到码"), max_length=11, editable=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_door = models.CharField(_("签到入口"), max_length=40, blank=True)
    # Given through an invitation, out of the places kept for invited guests.
    reserved = models.BooleanField(_("邀请名额"), default=False, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["roadshow", "user"],
                condition=ACTIVE_Q,
                name="registration_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["roadshow", "short_code"], name="registration_short_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(checked_in_at__isnull=True) | TICKET_Q,
                name="registration_checkin_only_confirmed_onsite",
            ),
        ]
        indexes = [
            models.Index(
                fields=["roadshow", "status", "attendance"], name="reg_capacity"
            )
        ]

    def __str__(self) -> str:
        return f"{self.roadshow_id}:{self.user_id}:{self.status}"

    @property
    def has_ticket(self) -> bool:
        """TICKET_Q for one loaded registration."""
        return all(getattr(self, field) == value for field, value in TICKET.items())


class Scan(models.Model):
    """One scan at a door, kept so a retried scan (same scan id) counts once.
    A scan id is the scanner's own: unique within its roadshow only."""

    scan_id = models.CharField(max_length=64)
    roadshow = models.ForeignKey(
        Roadshow, on_delete=models.CASCADE, related_name="scans"
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.SET_NULL, null=True, related_name="scans"
    )
    door = models.CharField(max_length=40, blank=True)
    result = models.CharField(max_length=24, choices=ScanResult.choices)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["roadshow", "scan_id"], name="scan_id_unique_per_roadshow"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scan_id}: {self.result}"


ZONE_KINDS = ("hi_tech_zone", "agri_hi_tech_zone")


class RegionPair(TimeStamped):
    """A pairing 结对 for cross-region transfer (seeds/004 四: 东西合作、南北
    互动): two provinces, either side narrowed, where there is one, to a
    national hi-tech or agricultural zone (兰白两区 with 张江高新区, 黄河三角洲
    农高区 with 内蒙古).  Organizers enter them; the tracker counts the deals
    within each pair, and a region roadshow of one side invites the other
    side's institutions (invitations)."""

    province_a = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("一方：省份"),
    )
    zone_a = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": ZONE_KINDS},
        verbose_name=_("一方：高新区/农高区（可选）"),
    )
    province_b = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("另一方：省份"),
    )
    zone_b = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind__in": ZONE_KINDS},
        verbose_name=_("另一方：高新区/农高区（可选）"),
    )
    note = models.CharField(
        _("说明"),
        max_length=200,
        blank=True,
        help_text=_("如：依据的合作协议或行动方案条目。"),
    )

    class Meta:
        ordering = ["province_a__code", "province_b__code", "id"]
        verbose_name = _("结对")
        verbose_name_plural = _("结对")
        constraints = [
            models.CheckConstraint(
                condition=~Q(province_a=F("province_b")),
                name="region_pair_two_provinces",
            ),
            models.UniqueConstraint(
                fields=["province_a", "province_b"],
                condition=Q(zone_a__isnull=True, zone_b__isnull=True),
                name="region_pair_provinces_once",
            ),
            models.UniqueConstraint(
                fields=["province_a", "province_b", "zone_b"],
                condition=Q(zone_a__isnull=True, zone_b__isnull=False),
                name="region_pair_province_zone_once",
            ),
            models.UniqueConstraint(
                fields=["province_a", "zone_a", "province_b"],
                condition=Q(zone_a__isnull=False, zone_b__isnull=True),
                name="region_pair_zone_province_once",
            ),
            models.UniqueConstraint(
                fields=["province_a", "zone_a", "province_b", "zone_b"],
                name="region_pair_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side_name('a')} ↔ {self.side_name('b')}"

    def side_name(self, side: str) -> str:
        province = getattr(self, f"province_{side}")
        zone = getattr(self, f"zone_{side}")
        return f"{province.local_name} · {zone.name}" if zone else province.local_name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not (self.province_a_id and self.province_b_id):
            return
        if self.province_a_id == self.province_b_id:
            raise ValidationError(_("结对的两方应在不同的省份。"))
        for zone in (self.zone_a, self.zone_b):
            if zone is not None and zone.kind not in ZONE_KINDS:
                raise ValidationError(
                    _("“%(org)s”不是国家高新区或农高区。") % {"org": zone.name}
                )
        # The same pair written the other way round.
        mirrored = RegionPair.objects.filter(
            province_a_id=self.province_b_id,
            zone_a=self.zone_b,
            province_b_id=self.province_a_id,
            zone_b=self.zone_a,
        ).exclude(pk=self.pk)
        if mirrored.exists():
            raise ValidationError(_("这两方已经结对。"))
