from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization

from .enums import DemandKind, TransferMode
from .models import (
    AGRI_DIMENSIONS,
    CONTENT_FIELDS,
    Achievement,
    Demand,
    IndustryField,
    InvestorProfile,
    Province,
)

ACHIEVEMENT_FORM_FIELDS = CONTENT_FIELDS
DEMAND_FORM_FIELDS = [
    "organization",
    "kind",
    "scenario_owner",
    "title",
    "field",
    "description",
    "budget_min",
    "budget_max",
    "province",
    "min_trl",
    "deadline",
    "status",
]


class AchievementForm(forms.ModelForm):
    transfer_modes = forms.MultipleChoiceField(
        label=_("转化方式"),
        choices=TransferMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_provinces = forms.ModelMultipleChoiceField(
        label=_("拟重点转化区域"),
        queryset=Province.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.ModelChoiceField(
        label=_("成果持有单位"), queryset=Organization.objects.none()
    )

    class Meta:
        model = Achievement
        fields = ["owner", *ACHIEVEMENT_FORM_FIELDS]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 6}),
            "market_demand": forms.Textarea(attrs={"rows": 3}),
            "transfer_demand": forms.Textarea(attrs={"rows": 3}),
            "open_licence_terms": forms.Textarea(attrs={"rows": 3}),
            "patents": forms.Textarea(attrs={"rows": 2}),
        }

    # The form's sections, in order: heading, what the section is for, fields.
    SECTIONS = [
        (
            _("基本信息"),
            _("成果库和路演页面首先展示的内容。"),
            ["owner", "title", "field", "trl", "summary", "keywords", "team"],
        ),
        (
            _("项目来源"),
            _("成果来自国家科技计划项目时填写，便于核对和统计。"),
            ["source_programme", "project_number"],
        ),
        (
            _("转化意向"),
            _("说明希望以何种方式、在哪里、以什么价格转化，投资方据此判断是否对接。"),
            [
                "transfer_modes",
                "open_licence_terms",
                "price_min",
                "price_max",
                "target_provinces",
                "market_demand",
                "transfer_demand",
            ],
        ),
        (_("知识产权"), "", ["patents"]),
        (
            _("联系方式"),
            _("仅成果团队、组织方和审查员可见；对接由组织方安排。"),
            ["contact_name", "contact_phone", "contact_email"],
        ),
        (
            _("农业成果分类"),
            _("仅农业领域的成果填写。"),
            ["agri_tech_field", "agri_industry", "agri_scenario"],
        ),
    ]
    HELP = {
        "owner": _("成果的持有单位；登记后由该单位的成果团队维护。"),
        "title": _(
            "不超过 200 字，写明技术和用途，例如“高性能碳纤维复合材料风电叶片”。"
        ),
        "field": _("成果所属的产业领域，决定其在成果库中的分类。"),
        "trl": _("按 GB/T 22900-2022 的技术成熟度等级选择当前达到的级别。"),
        "summary": _(
            "介绍技术原理、主要指标、创新点和应用场景；请勿填写涉密或未公开的内容。"
        ),
        "keywords": _("用空格或逗号分隔，帮助投资方检索。"),
        "team": _("团队负责人及主要成员。"),
        "project_number": _("国家科技计划项目的编号，每个成果唯一。"),
        "transfer_modes": _("可多选。"),
        "open_licence_terms": _("选择开放许可时必填：许可费用、期限和方式。"),
        "price_min": _("单位：万元；可留空表示面议。"),
        "price_max": _("单位：万元；不小于下限。"),
        "patents": _("每行一项专利号或软件著作权登记号。"),
    }

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is None:
            del self.fields["owner"]
        else:
            self.fields["owner"].queryset = owners
        for name, text in self.HELP.items():
            if name in self.fields and not self.fields[name].help_text:
                self.fields[name].help_text = text
        # The vocabularies' active terms, and the one already chosen even if
        # it has since been retired.
        for key in AGRI_DIMENSIONS:
            field = self.fields[key]
            chosen = self.initial.get(key) or getattr(self.instance, f"{key}_id")
            field.queryset = field.queryset.model.objects.filter(
                Q(active=True) | Q(pk=chosen or None)
            )
            unmapped = (self.instance.agri_unmapped or {}).get(key)
            if unmapped:
                field.help_text = _(
                    "原填写为“%(text)s”，未能对应到分类，请选择一项。"
                ) % {"text": unmapped}

    def sections(self):
        """The bound fields by section, for the template (every field once)."""
        placed = {name for _h, _d, names in self.SECTIONS for name in names}
        missing = [name for name in self.fields if name not in placed]
        if missing:
            raise ValueError(f"fields without a section: {missing}")
        return [
            (heading, text, [self[name] for name in names if name in self.fields])
            for heading, text, names in self.SECTIONS
        ]

    def clean_project_number(self):
        number = self.cleaned_data["project_number"].strip()
        if number:
            clash = Achievement.objects.filter(project_number=number)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("该项目编号已被其他成果使用。"))
        return number

    def clean(self):
        data = super().clean()
        if (
            TransferMode.OPEN_LICENCE in data.get("transfer_modes", [])
            and not data.get("open_licence_terms", "").strip()
        ):
            self.add_error("open_licence_terms", _("选择开放许可时必须公布许可条件。"))
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and low < 0:
            self.add_error("price_min", _("价格不能为负数。"))
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("价格上限不能小于下限。"))
        return data

    def content(self) -> dict:
        data = {key: self.cleaned_data[key] for key in ACHIEVEMENT_FORM_FIELDS}
        data["target_provinces"] = list(data["target_provinces"])
        return data


class ReviewForm(forms.Form):
    ACTIONS = [
        ("start_review", _("开始审查")),
        ("clear", _("通过，公开发布")),
        ("restrict", _("限定公开（仅已批准投资方可见）")),
        ("withhold", _("不予公开")),
        ("return", _("退回修改")),
    ]
    action = forms.ChoiceField(label=_("审查结论"), choices=ACTIONS)
    comment = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    # The revision the reviewer is looking at: a decision on anything else is
    # refused by the service.
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, status: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if status is not None:
            from .services import TRANSITIONS

            self.fields["action"].choices = [
                (action, label)
                for action, label in self.ACTIONS
                if status in TRANSITIONS[action][0]
            ]


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件（PDF 或图片）"))


class DemandForm(forms.ModelForm):
    organization = forms.ModelChoiceField(
        label=_("需求单位"), queryset=Organization.objects.none()
    )

    class Meta:
        model = Demand
        fields = DEMAND_FORM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = (
            organizations or Organization.objects.none()
        )
        # Not naming the kind (an older form, a script) means a technology demand.
        self.fields["kind"].required = False

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        for key in ("budget_min", "budget_max"):
            if data.get(key) is not None and data[key] < 0:
                self.add_error(key, _("预算不能为负数。"))
        if low is not None and high is not None and low > high:
            self.add_error("budget_max", _("预算上限不能小于下限。"))
        if not data.get("kind"):
            data["kind"] = DemandKind.TECHNOLOGY
        if data.get("kind") == DemandKind.SCENARIO and not data.get("scenario_owner"):
            # A scenario is offered by someone: the publishing organization
            # unless a city or another enterprise is named.
            organization = data.get("organization")
            if organization is not None:
                data["scenario_owner"] = organization.name[:100]
        return data


class InvestorProfileForm(forms.ModelForm):
    industries = forms.ModelMultipleChoiceField(
        label=_("关注领域"),
        queryset=IndustryField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    provinces = forms.ModelMultipleChoiceField(
        label=_("关注地区"),
        queryset=Province.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    transfer_modes = forms.MultipleChoiceField(
        label=_("关注的转化方式"),
        choices=TransferMode.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = InvestorProfile
        fields = [
            "industries",
            "provinces",
            "trl_min",
            "trl_max",
            "transfer_modes",
            "ticket_min",
            "ticket_max",
        ]

    def clean(self):
        data = super().clean()
        low, high = data.get("trl_min"), data.get("trl_max")
        if low and high and low > high:
            self.add_error("trl_max", _("技术成熟度上限不能低于下限。"))
        low, high = data.get("ticket_min"), data.get("ticket_max")
        for key in ("ticket_min", "ticket_max"):
            if data.get(key) is not None and data[key] < 0:
                self.add_error(key, _("金额不能为负数。"))
        if low is not None and high is not None and low > high:
            self.add_error("ticket_max", _("投资上限不能小于下限。"))
        return data
