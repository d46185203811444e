from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization, TimeStamped

from .enums import (
    TRL_CHOICES,
    DemandKind,
    DemandStatus,
    MacroRegion,
    PlaceKind,
    Publication,
    ReviewStatus,
    TransferMode,
    programme_label,
)

# The public content of an achievement: what review clears and what an edit of
# a published achievement holds back in pending_changes until it is cleared.
CONTENT_FIELDS = [
    "title",
    "summary",
    "team",
    "source_programme",
    "project_number",
    "field",
    "trl",
    "market_demand",
    "transfer_demand",
    "transfer_modes",
    "open_licence_terms",
    "price_min",
    "price_max",
    "target_provinces",
    "patents",
    "keywords",
    "contact_name",
    "contact_phone",
    "contact_email",
    "agri_tech_field",
    "agri_industry",
    "agri_scenario",
]
# The agricultural dimensions (seeds/004 六.2): content key → vocabulary model
# name; each is a foreign key to its controlled vocabulary.
AGRI_DIMENSIONS = {
    "agri_tech_field": "AgriTechField",
    "agri_industry": "AgriIndustry",
    "agri_scenario": "AgriScenario",
}
# The content fields held as a reference to another row (stored by key).
REFERENCE_CONTENT_FIELDS = ["field", *AGRI_DIMENSIONS]
# Of those, the free-text columns.
TEXT_CONTENT_FIELDS = [
    key
    for key in CONTENT_FIELDS
    if key
    not in {
        *AGRI_DIMENSIONS,
        "field",
        "trl",
        "transfer_modes",
        "price_min",
        "price_max",
        "target_provinces",
    }
]


def _local(name: str, name_en: str) -> str:
    """The English name where the page is in English and one exists."""
    lang = translation.get_language() or ""
    return name_en if lang.startswith("en") and name_en else name


def provinces_index_of(provinces) -> str:
    codes = sorted(p.code for p in provinces)
    return "," + ",".join(codes) + "," if codes else ""


class IndustryField(models.Model):
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    is_agricultural = models.BooleanField(_("农业领域"), default=False)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("产业领域")
        verbose_name_plural = _("产业领域")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return _local(self.name, self.name_en)


class Province(models.Model):
    code = models.CharField(_("行政区划代码"), max_length=2, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=40, blank=True)
    macro_region = models.CharField(
        _("区域"), max_length=16, choices=MacroRegion.choices
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("省级行政区")
        verbose_name_plural = _("省级行政区")

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return _local(self.name, self.name_en)


class AgriTerm(models.Model):
    """A term of one of the agricultural vocabularies, edited by organizers.

    A term in use cannot be deleted (the achievements protect it); one no
    longer offered is made inactive, and old achievements keep it."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    active = models.BooleanField(
        _("可选用"), default=True, help_text=_("停用后不再供新填写和导入选择。")
    )
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return _local(self.name, self.name_en)


class AgriTechField(AgriTerm):
    class Meta(AgriTerm.Meta):
        verbose_name = _("技术领域（农业）")
        verbose_name_plural = _("技术领域（农业）")


class AgriIndustry(AgriTerm):
    class Meta(AgriTerm.Meta):
        verbose_name = _("服务产业类型（农业）")
        verbose_name_plural = _("服务产业类型（农业）")


class AgriScenario(AgriTerm):
    class Meta(AgriTerm.Meta):
        verbose_name = _("产业应用场景（农业）")
        verbose_name_plural = _("产业应用场景（农业）")


admin_code_validator = RegexValidator(
    r"^[1-8]\d{5}$",
    _("行政区划代码为 6 位数字（GB/T 2260），如 610403。"),
)


class Place(TimeStamped):
    """A place agricultural achievements go to (进园入县): a national
    agricultural hi-tech zone, an agricultural science park or a county, with
    the organization that speaks for it and, through its demands, what it
    needs."""

    kind = models.CharField(_("类型"), max_length=16, choices=PlaceKind.choices)
    name = models.CharField(_("名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    admin_code = models.CharField(
        _("行政区划代码"),
        max_length=6,
        validators=[admin_code_validator],
        help_text=_("所在县级行政区的 6 位代码（GB/T 2260）；前两位为省级代码。"),
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="places",
        verbose_name=_("所在省份"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("管理机构"),
        help_text=_("其成员可以查看本地适用的清单成果。"),
    )

    class Meta:
        ordering = ["province__code", "kind", "admin_code", "name"]
        verbose_name = _("园区与县域")
        verbose_name_plural = _("园区与县域")
        constraints = [
            models.CheckConstraint(
                condition=Q(admin_code__regex=r"^[1-8][0-9]{5}$"),
                name="place_admin_code_six_digits",
            ),
            models.UniqueConstraint(
                fields=["admin_code"],
                condition=Q(kind=PlaceKind.COUNTY),
                name="place_county_code_unique",
            ),
            models.UniqueConstraint(fields=["kind", "name"], name="place_name_unique"),
        ]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        return _local(self.name, self.name_en)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.province_id
            and len(self.admin_code) == 6
            and self.admin_code[:2] != self.province.code
        ):
            raise ValidationError(
                {
                    "admin_code": _("行政区划代码的前两位应为所在省份的代码 %(code)s。")
                    % {"code": self.province.code}
                }
            )


class Achievement(TimeStamped):
    """A research achievement in the library.

    The row's content columns hold the version people may see once it is
    published.  An edit to a published achievement waits in
    ``pending_changes`` until a reviewer clears it (services.py).
    """

    title = models.CharField(_("成果名称"), max_length=200)
    summary = models.TextField(_("成果简介"))
    owner = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name=_("成果持有单位"),
    )
    team = models.CharField(_("成果团队"), max_length=300, blank=True)
    source_programme = models.CharField(_("来源计划"), max_length=120, blank=True)
    project_number = models.CharField(
        _("项目编号"), max_length=64, blank=True, db_index=True
    )
    field = models.ForeignKey(
        IndustryField,
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name=_("产业领域"),
    )
    trl = models.PositiveSmallIntegerField(_("技术成熟度"), choices=TRL_CHOICES)
    market_demand = models.TextField(_("市场需求"), blank=True)
    transfer_demand = models.TextField(_("转化需求说明"), blank=True)
    transfer_modes = models.JSONField(_("转化方式"), default=list, blank=True)
    open_licence_terms = models.TextField(_("开放许可条件"), blank=True)
    price_min = models.DecimalField(
        _("意向价格下限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    price_max = models.DecimalField(
        _("意向价格上限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    target_provinces = models.ManyToManyField(
        Province,
        blank=True,
        related_name="achievements",
        verbose_name=_("拟重点转化区域"),
    )
    patents = models.TextField(_("知识产权（专利号）"), blank=True)
    keywords = models.CharField(_("关键词"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    agri_tech_field = models.ForeignKey(
        AgriTechField,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("技术领域（农业）"),
    )
    agri_industry = models.ForeignKey(
        AgriIndustry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("服务产业类型（农业）"),
    )
    agri_scenario = models.ForeignKey(
        AgriScenario,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="achievements",
        verbose_name=_("产业应用场景（农业）"),
    )
    # What the free-text classification of before the vocabularies held and
    # did not map to a term ({key: text}); listed by `manage.py
    # agri_unmapped` and on the admin's inspect page until someone picks terms.
    agri_unmapped = models.JSONField(
        _("未匹配的农业分类"), default=dict, blank=True, editable=False
    )

    status = models.CharField(
        _("审查状态"),
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.DRAFT,
        db_index=True,
    )
    publication = models.CharField(
        _("发布范围"),
        max_length=16,
        choices=Publication.choices,
        default=Publication.NONE,
        db_index=True,
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    pending_changes = models.JSONField(_("待审修改"), null=True, blank=True)
    # Moves on every change a reviewer must see (content, files): a review
    # decision names the revision it was made on and is refused if it moved.
    revision = models.PositiveIntegerField(_("版本"), default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Derived by search.py on every save: normalized text and its bigrams.
    search_text = models.TextField(default="", blank=True, editable=False)
    search_bigrams = models.TextField(default="", blank=True, editable=False)
    # Transfer modes as ",a,b," so every database can filter by one mode.
    modes_index = models.CharField(max_length=120, default="", editable=False)
    # Target province codes as ",32,44,", kept by set_provinces() for facets.
    provinces_index = models.CharField(max_length=200, default="", editable=False)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("科技成果")
        verbose_name_plural = _("科技成果")
        constraints = [
            models.CheckConstraint(
                condition=Q(trl__gte=1) & Q(trl__lte=9), name="achievement_trl_1_to_9"
            ),
            models.CheckConstraint(
                condition=Q(price_min__isnull=True)
                | Q(price_max__isnull=True)
                | Q(price_min__lte=models.F("price_max")),
                name="achievement_price_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(price_min__isnull=True) | Q(price_min__gte=0),
                name="achievement_price_non_negative",
            ),
            models.UniqueConstraint(
                fields=["project_number"],
                condition=~Q(project_number=""),
                name="achievement_project_number_unique",
            ),
        ]
        indexes = [
            models.Index(
                fields=["publication", "field", "trl"], name="ach_pub_field_trl"
            ),
            models.Index(
                fields=["publication", "-published_at", "-id"], name="ach_pub_newest"
            ),
            models.Index(fields=["updated_at"], name="ach_updated"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("achievements:detail", args=[self.pk])

    def save(self, *args, **kwargs):
        self.refresh_search_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "search_text",
                "search_bigrams",
                "modes_index",
            }
        super().save(*args, **kwargs)

    def set_provinces(self, provinces) -> None:
        """Set the target provinces and their facet index together."""
        provinces = list(provinces)
        self.target_provinces.set(provinces)
        self.provinces_index = provinces_index_of(provinces)
        # updated_at moves too: it versions the cached catalogue counts.
        Achievement.objects.filter(pk=self.pk).update(
            provinces_index=self.provinces_index, updated_at=timezone.now()
        )

    def refresh_search_fields(self) -> None:
        from .search import bigram_document, normalize

        parts = [
            self.title,
            self.summary,
            self.owner.name if self.owner_id else "",
            self.team,
            self.keywords,
            self.source_programme,
            self.project_number,
            self.patents,
        ]
        text = "\n".join(p for p in parts if p)
        self.search_text = normalize(text)
        self.search_bigrams = bigram_document(text)
        self.modes_index = "," + ",".join(self.transfer_modes or []) + ","

    @property
    def source_programme_label(self) -> str:
        return programme_label(self.source_programme)

    @property
    def transfer_mode_labels(self) -> list[str]:
        labels = dict(TransferMode.choices)
        return [str(labels.get(mode, mode)) for mode in self.transfer_modes]


class ReviewEvent(models.Model):
    """One append-only line of an achievement's review history."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="review_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    to_status = models.CharField(max_length=16, choices=ReviewStatus.choices)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("审查记录")
        verbose_name_plural = _("审查记录")

    def __str__(self) -> str:
        return f"{self.achievement_id}: {self.from_status} → {self.to_status}"


class Attachment(TimeStamped):
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="achievements/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Null until a reviewer clears the achievement with this file in it: only
    # cleared files are shown beyond the team, organizers and reviewers.
    cleared_at = models.DateTimeField(_("审查通过时间"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class Demand(TimeStamped):
    """A technology demand 技术需求 published by an enterprise, or an
    application scenario 应用场景 a city or an enterprise offers to new
    technology (R10, seeds/004 三.1): both are matched against the library."""

    organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="demands",
        verbose_name=_("需求单位"),
    )
    kind = models.CharField(
        _("清单类型"),
        max_length=16,
        choices=DemandKind.choices,
        default=DemandKind.TECHNOLOGY,
        db_index=True,
    )
    scenario_owner = models.CharField(
        _("场景提供方"),
        max_length=100,
        blank=True,
        help_text=_("提供应用场景的城市或企业，如“成都市”或“某某集团”"),
    )
    title = models.CharField(_("需求名称"), max_length=200)
    field = models.ForeignKey(
        IndustryField,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("产业领域"),
    )
    description = models.TextField(_("需求描述"))
    budget_min = models.DecimalField(
        _("预算下限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    budget_max = models.DecimalField(
        _("预算上限（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        related_name="demands",
        verbose_name=_("所在地区"),
    )
    min_trl = models.PositiveSmallIntegerField(
        _("最低技术成熟度"), choices=TRL_CHOICES, default=1
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands",
        verbose_name=_("园区或县域"),
        help_text=_("农业园区、县域提出的需求：其进园入县清单按此匹配。"),
    )
    deadline = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=DemandStatus.choices,
        default=DemandStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("技术需求")
        verbose_name_plural = _("技术需求")
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_min__isnull=True)
                | Q(budget_max__isnull=True)
                | Q(budget_min__lte=models.F("budget_max")),
                name="demand_budget_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(kind=DemandKind.SCENARIO) | ~Q(scenario_owner=""),
                name="demand_scenario_names_its_owner",
                violation_error_message=_("应用场景须填写场景提供方（城市或企业）。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("achievements:demand_detail", args=[self.pk])


class InvestorProfile(TimeStamped):
    """What an investor or demand-side organization is looking for (its declared
    interests: they drive recommendations and matchmaking)."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="investor_profile"
    )
    industries = models.ManyToManyField(
        IndustryField, blank=True, related_name="+", verbose_name=_("关注领域")
    )
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="+", verbose_name=_("关注地区")
    )
    trl_min = models.PositiveSmallIntegerField(
        _("技术成熟度下限"), choices=TRL_CHOICES, default=1
    )
    trl_max = models.PositiveSmallIntegerField(
        _("技术成熟度上限"), choices=TRL_CHOICES, default=9
    )
    transfer_modes = models.JSONField(_("关注的转化方式"), default=list, blank=True)
    ticket_min = models.DecimalField(
        _("单笔投资下限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    ticket_max = models.DecimalField(
        _("单笔投资上限（万元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("投资偏好")
        verbose_name_plural = _("投资偏好")
        constraints = [
            models.CheckConstraint(
                condition=Q(trl_min__lte=models.F("trl_max")),
                name="investor_profile_trl_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ticket_min__isnull=True)
                | Q(ticket_max__isnull=True)
                | Q(ticket_min__lte=models.F("ticket_max")),
                name="investor_profile_ticket_range_ordered",
            ),
        ]

    def __str__(self) -> str:
        return str(self.organization)
