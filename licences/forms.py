"""The open-licence forms: they parse what people type into typed values;
the services say what is wrong with the terms themselves."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import Role
from achievements.enums import Publication
from achievements.models import Achievement
from tracker.enums import LicenceFee
from tracker.forms import DayField, MoneyField, PercentField, TextField, choice

from .enums import PatentType
from .services import Terms


class DeclarationForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("成果"),
        queryset=Achievement.objects.none(),
        error_messages={
            "required": _("请选择成果。"),
            "invalid_choice": _("请选择本单位已发布的成果。"),
        },
    )
    patent_number = TextField(
        label=_("专利号"),
        max_length=40,
        help_text=_("须是成果登记的专利之一，如 ZL202110123456.7。"),
    )
    patent_title = TextField(label=_("专利名称"), max_length=200)
    patent_type = choice(
        PatentType.choices, _("请选择专利类型。"), label=_("专利类型"), required=True
    )
    starts = DayField(label=_("许可期限起"), required=False)
    ends = DayField(
        label=_("许可期限至"),
        required=False,
        help_text=_("不少于一年；期限内任何单位均可按本声明的条件取得许可。"),
    )
    territory = TextField(label=_("许可地域范围"), max_length=200)
    fee_mode = choice(
        LicenceFee.choices,
        _("请选择许可使用费支付方式。"),
        label=_("许可使用费支付方式"),
        required=True,
    )
    fee_amount = MoneyField(
        label=_("一次性支付或入门费（万元）"),
        required=False,
        help_text=_("一次性支付、入门费加提成时填写。"),
    )
    royalty_rate = PercentField(
        label=_("提成比例（%）"),
        required=False,
        help_text=_("提成支付、入门费加提成时填写。"),
    )
    royalty_base = TextField(
        label=_("提成基数"),
        max_length=100,
        help_text=_("如：许可产品年销售额。"),
    )
    fee_note = TextField(
        label=_("支付标准说明"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("如支付时间、分期安排。"),
    )
    reporting = TextField(
        label=_("被许可人报告要求"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "被许可人须报告的内容和时间，如每年 1 月报告上一年度的实施情况和销售额。"
        ),
    )

    def __init__(self, *args: Any, user: Any, fixed: Achievement | None = None, **kw):
        super().__init__(*args, **kw)
        if fixed is not None:
            choices = Achievement.objects.filter(pk=fixed.pk)
        elif permissions.is_organizer(user):
            choices = Achievement.objects.exclude(publication=Publication.NONE)
        else:
            choices = Achievement.objects.filter(
                owner_id__in=permissions.organization_ids(user, role=Role.TEAM)
            ).exclude(publication=Publication.NONE)
        self.fields["achievement"].queryset = choices.order_by("-published_at", "-id")
        if fixed is not None:
            self.fields["achievement"].disabled = True
            self.fields["achievement"].initial = fixed.pk
        self.fields["territory"].initial = _("中华人民共和国境内")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for name, message in (
            ("starts", _("请填写许可期限的开始日期。")),
            ("ends", _("请填写许可期限的结束日期。")),
        ):
            if name not in self.errors and data.get(name) is None:
                self.add_error(name, message)
        return data

    def terms(self) -> Terms:
        data = self.cleaned_data
        return Terms(
            patent_number=data["patent_number"],
            patent_title=data["patent_title"],
            patent_type=data["patent_type"],
            starts=data["starts"],
            ends=data["ends"],
            territory=data["territory"],
            fee_mode=data["fee_mode"],
            fee_amount=data["fee_amount"],
            royalty_rate=data["royalty_rate"],
            royalty_base=data["royalty_base"],
            fee_note=data["fee_note"],
            reporting=data["reporting"],
        )


class ReviewForm(forms.Form):
    decision = choice(
        [("clear", _("通过：公开该声明")), ("return", _("退回团队修改"))],
        _("请选择审查结果。"),
        required=True,
    )
    note = TextField()


class TakeForm(forms.Form):
    """The written notice's sender: one of the user's approved organizations."""

    organization = forms.TypedChoiceField(
        coerce=int,
        choices=(),
        error_messages={
            "required": _("请选择被许可单位。"),
            "invalid_choice": _("请选择被许可单位。"),
        },
    )

    def __init__(self, *args: Any, organizations, **kw):
        super().__init__(*args, **kw)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
