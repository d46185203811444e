import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from accounts.enums import OrganizationKind
from accounts.models import Organization
from achievements.models import Achievement, IndustryField, Province

from .enums import RegionKind, RoadshowKind, SlotKind
from .models import MaterialKind, Roadshow

ROADSHOW_FORM_FIELDS = [
    "kind",
    "level",
    "field",
    "region_kind",
    "province",
    "zone",
    "title",
    "summary",
    "start",
    "end",
    "format",
    "venue",
    "address",
    "stream_url",
    "lead_host",
    "co_hosts",
    "invited",
    "capacity",
    "registration_opens",
    "registration_closes",
    "materials_deadline",
    "investors_only",
]


class RoadshowAdminForm(WagtailAdminModelForm):
    """The organizers' roadshow form in the Wagtail admin."""

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RoadshowKind.FIELD:
            if not data.get("field"):
                self.add_error("field", _("领域路演必须选择产业领域。"))
            data["region_kind"], data["province"], data["zone"] = "", None, None
        elif kind == RoadshowKind.REGION:
            data["field"] = None
            region_kind = data.get("region_kind")
            if not region_kind:
                self.add_error("region_kind", _("区域路演必须选择区域类型。"))
            elif region_kind == RegionKind.PROVINCE and not data.get("province"):
                self.add_error("province", _("请选择省份。"))
            elif region_kind != RegionKind.PROVINCE and not data.get("zone"):
                self.add_error("zone", _("请选择高新区或农高区。"))
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("结束时间必须晚于开始时间。"))
        opens, closes = data.get("registration_opens"), data.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("报名截止必须晚于报名开始。"))
        return data


class TransitionForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(required=False, max_length=2000)


class DoorStaffForm(forms.Form):
    """Name someone who may check people in at a roadshow's doors."""

    login = forms.CharField(max_length=254)

    def clean_login(self):
        from accounts.services import user_by_login

        user = user_by_login(self.cleaned_data["login"])
        if user is None:
            raise forms.ValidationError(_("没有这个用户名或邮箱的账户。"))
        return user


class SlotForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=SlotKind.choices)
    achievement = forms.CharField(
        label=_("成果"),
        required=False,
        max_length=64,
        help_text=_("输入成果名称、单位或项目编号查找；也可直接填项目编号或 ID。"),
        widget=forms.TextInput(
            attrs={
                "list": "pitch-choices",
                "autocomplete": "off",
                "data-pitch-chooser": "",
            }
        ),
    )
    title = forms.CharField(
        label=_("标题（问答、茶歇）"), required=False, max_length=200
    )
    duration_minutes = forms.IntegerField(
        label=_("时长（分钟）"), min_value=1, max_value=480, initial=15
    )
    presenters = forms.CharField(label=_("路演人"), required=False, max_length=200)

    def clean_achievement(self):
        text = self.cleaned_data["achievement"].strip()
        if not text:
            return None
        found = Achievement.objects.filter(project_number=text).first()
        if found is None and text.isdigit():
            found = Achievement.objects.filter(pk=int(text)).first()
        if found is None:
            raise forms.ValidationError(
                _("找不到项目编号或 ID 为“%(v)s”的成果。") % {"v": text}
            )
        return found


def agencies():
    return Organization.objects.filter(kind=OrganizationKind.SPECIALIZED_AGENCY)


def _region_hosts():
    return Organization.objects.filter(
        kind__in=[
            OrganizationKind.LOCAL_ST_DEPARTMENT,
            OrganizationKind.HI_TECH_ZONE,
            OrganizationKind.AGRI_HI_TECH_ZONE,
            OrganizationKind.TORCH_CENTRE,
        ]
    )


class PlanForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    lead_host = forms.ModelChoiceField(
        label=_("区域路演主办单位"),
        queryset=Organization.objects.filter(kind=OrganizationKind.TORCH_CENTRE),
    )
    blocked_dates = forms.CharField(
        label=_("避开的日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "每行一个日期（YYYY-MM-DD），或用“至”表示区间，如 2027-10-01 至 2027-10-07。"
        ),
    )

    def clean_blocked_dates(self) -> set[dt.date]:
        days: set[dt.date] = set()
        for line in self.cleaned_data["blocked_dates"].replace("，", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            parts = [p.strip() for p in line.replace("~", "至").split("至")]
            try:
                first = dt.date.fromisoformat(parts[0])
                last = dt.date.fromisoformat(parts[-1])
            except ValueError as exc:
                raise forms.ValidationError(
                    _("无法识别的日期：“%(line)s”。") % {"line": line}
                ) from exc
            if last < first or (last - first).days > 60:
                raise forms.ValidationError(
                    _("日期区间无效：“%(line)s”。") % {"line": line}
                )
            while first <= last:
                days.add(first)
                first += dt.timedelta(days=1)
        return days


class FieldTurnForm(forms.Form):
    include = forms.BooleanField(label=_("参加轮值"), required=False)
    field = forms.ModelChoiceField(
        queryset=IndustryField.objects.all(), widget=forms.HiddenInput
    )
    host = forms.ModelChoiceField(
        label=_("承办专业机构"), queryset=agencies(), required=False
    )
    order = forms.IntegerField(label=_("顺序"), min_value=1, max_value=99)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = agencies()

    def clean(self):
        data = super().clean()
        if data.get("include") and not data.get("host"):
            self.add_error("host", _("请选择承办机构。"))
        return data


class RegionTurnForm(forms.Form):
    province = forms.ModelChoiceField(
        label=_("省份"), queryset=Province.objects.all(), required=False
    )
    zone = forms.ModelChoiceField(
        label=_("或：高新区/农高区"),
        required=False,
        queryset=Organization.objects.filter(
            kind__in=[OrganizationKind.HI_TECH_ZONE, OrganizationKind.AGRI_HI_TECH_ZONE]
        ),
    )
    host = forms.ModelChoiceField(
        label=_("联合主办单位"), queryset=_region_hosts(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = _region_hosts()

    def clean(self):
        data = super().clean()
        chosen = [k for k in ("province", "zone") if data.get(k)]
        if len(chosen) > 1:
            raise forms.ValidationError(_("每行只选择一个省份或一个园区。"))
        if chosen and not data.get("host"):
            self.add_error("host", _("请选择联合主办单位。"))
        return data


FieldTurnFormSet = forms.formset_factory(FieldTurnForm, extra=0)
RegionTurnFormSet = forms.formset_factory(RegionTurnForm, extra=0)


class SwapForm(forms.Form):
    first = forms.ModelChoiceField(
        queryset=Roadshow.objects.all(), widget=forms.HiddenInput
    )
    second = forms.ModelChoiceField(
        label=_("与哪一场对调日期"), queryset=Roadshow.objects.all()
    )


class MaterialReviewForm(forms.Form):
    """A reviewer's decision on a pitch file or a slot's video links."""

    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("clear", _("通过，可公开展示")), ("refuse", _("不予通过"))],
    )
    comment = forms.CharField(label=_("意见"), max_length=500, required=False)
    # For video links: the list the reviewer saw, one per line.
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=3000)

    def seen_links(self) -> list[str]:
        return [line for line in self.cleaned_data["seen"].splitlines() if line]


class MaterialUploadForm(forms.Form):
    """One file for a pitch: its kind and the file (checked by content in
    materials.material_upload)."""

    kind = forms.ChoiceField(
        choices=MaterialKind.choices,
        error_messages={
            "required": _("请选择要上传的文件。"),
            "invalid_choice": _("请选择要上传的文件。"),
        },
    )
    file = forms.FileField(
        allow_empty_file=True, error_messages={"required": _("请选择要上传的文件。")}
    )


class VideoLinksForm(forms.Form):
    """A pitch's video links (one a line) and whether its materials are private."""

    video_links = forms.CharField(required=False, widget=forms.Textarea)
    materials_private = forms.BooleanField(required=False)

    def clean_video_links(self) -> list[str]:
        return self.cleaned_data["video_links"].splitlines()
