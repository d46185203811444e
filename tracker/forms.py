"""Forms of the deal pages: one per action.  They parse what people type
(amounts and dates here, in one place each) and say what is wrong; the
flow's rules and permissions live in services, which take the typed values.
"""

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganizationKind
from accounts.models import Organization, User
from achievements.enums import TransferMode
from achievements.models import Province
from uploads import UploadRefused

from . import services
from .enums import (
    AbandonReason,
    DealPath,
    EvaluationMethod,
    FinancingKind,
    LandedKind,
    LicenceFee,
    LicenceKind,
)
from .models import Deal

# Amounts are stored with 14 digits, 2 of them decimals (models.MONEY).
MONEY_LIMIT = Decimal(10) ** 12
# Dates a deal's record may carry.
DATE_MIN = dt.date(1990, 1, 1)
DATE_MAX = dt.date(2099, 12, 31)
# A posted field the services know by another name (the record, not its id).
POSTED_AS = {"province": "province_id", "agency": "agency_id"}


class MoneyField(forms.Field):
    """An amount in 10k CNY: a number, not negative, at most two decimals;
    None when empty."""

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise forms.ValidationError(_("金额格式不正确。")) from exc
        if not amount.is_finite():
            raise forms.ValidationError(_("金额格式不正确。"))
        if amount < 0:
            raise forms.ValidationError(_("金额不能为负数。"))
        if amount >= MONEY_LIMIT:
            raise forms.ValidationError(_("金额过大。"))
        if amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("金额最多保留两位小数。"))
        return amount


class PercentField(forms.Field):
    """A share or rate in per cent, at most two decimals; None when empty
    (the services say it must be above 0 and at most 100)."""

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            share = Decimal(str(value).strip().rstrip("%"))
        except InvalidOperation as exc:
            raise forms.ValidationError(_("比例格式不正确。")) from exc
        if not share.is_finite() or share != share.quantize(Decimal("0.01")):
            raise forms.ValidationError(_("比例格式不正确。"))
        if not 0 < share <= 100:
            raise forms.ValidationError(_("比例应大于 0、不超过 100。"))
        return share


class DayField(forms.Field):
    """A date as an HTML date input sends it (YYYY-MM-DD), within the years a
    deal's record may carry; None when empty."""

    def to_python(self, value: Any) -> dt.date | None:
        if value in self.empty_values:
            return None
        try:
            day = dt.date.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise forms.ValidationError(_("日期格式不正确，应为 YYYY-MM-DD。")) from exc
        if not DATE_MIN <= day <= DATE_MAX:
            raise forms.ValidationError(
                _("日期应在 %(min)s 至 %(max)s 之间。")
                % {"min": DATE_MIN.isoformat(), "max": DATE_MAX.isoformat()}
            )
        return day


class TextField(forms.CharField):
    """Free text handed to the services as typed: they hold the limits of
    what the record keeps (length, no NUL) and say so with the field's
    name."""

    def __init__(self, **kwargs: Any):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.validators = [
            v
            for v in self.validators
            if not isinstance(v, ProhibitNullCharactersValidator)
        ]


def choice(choices: Any, message: Any, **kwargs: Any) -> forms.ChoiceField:
    """A choice whose refusal says ``message`` (empty means not chosen)."""
    return forms.ChoiceField(
        choices=[("", "—"), *choices],
        required=kwargs.pop("required", False),
        error_messages={"invalid_choice": message, "required": message},
        **kwargs,
    )


def form_errors(form: forms.BaseForm) -> str:
    """What is wrong with a posted form, in one line for the page's notice."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


class DocumentsForm(forms.Form):
    """Documents that go with an action, checked by their content before
    anything is written (services.check_documents)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        uploads = self.files.getlist("documents") if self.files else []
        try:
            data["documents"] = services.check_documents(uploads)
        except UploadRefused as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data


class DealMoveForm(DocumentsForm):
    """A move into the stage ``to``, with that stage's data (the services
    say which stage needs what, and which moves are allowed)."""

    # The stage the mover saw (the services refuse a move on another).
    expected = forms.CharField(required=False)
    note = TextField()

    def __init__(self, *args: Any, to: str, path: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.stage = to
        self.path = path
        for name in services.fields_of(to, path=path):
            self.fields[POSTED_AS.get(name, name)] = _stage_field(name)

    def stage_data(self) -> dict[str, Any]:
        """The stage's data as the services know it."""
        return {
            name: self.cleaned_data[POSTED_AS.get(name, name)]
            for name in services.fields_of(self.stage, path=self.path)
        }


def _stage_field(name: str) -> forms.Field:
    if name in services.MONEY_FIELDS:
        return MoneyField(required=False)
    if name in services.DATE_FIELDS:
        return DayField(required=False)
    if name == "province":
        return forms.ModelChoiceField(
            queryset=Province.objects.all(),
            required=False,
            error_messages={"invalid_choice": _("请选择列表中的省份。")},
        )
    if name == "agency":
        return forms.ModelChoiceField(
            queryset=Organization.objects.filter(kind__in=AGENCY_KINDS),
            required=False,
            error_messages={"invalid_choice": _("请选择列表中的技术交易机构。")},
        )
    if name in services.PERCENT_FIELDS:
        return PercentField(required=False)
    if name in STAGE_CHOICES:
        return choice(STAGE_CHOICES[name].choices, _("选项不正确。"))
    return TextField()


# The stage fields chosen from a list, with their choices.
STAGE_CHOICES = {
    "landed_kind": LandedKind,
    "abandon_reason": AbandonReason,
    "evaluation_method": EvaluationMethod,
    "licence_kind": LicenceKind,
    "licence_fee": LicenceFee,
}


class DealNoteForm(DocumentsForm):
    note = TextField()


class PaymentForm(forms.Form):
    amount = MoneyField(required=False)
    paid_on = DayField(required=False)
    note = TextField()


class BidForm(forms.Form):
    bidder = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        error_messages={
            "required": _("请选择竞买方。"),
            "invalid_choice": _("请选择竞买方。"),
        },
    )
    amount = MoneyField(required=False)


class ObjectionDecisionForm(forms.Form):
    decision = choice(
        [("dismiss", _("异议不成立")), ("uphold", _("异议成立（退回洽谈）"))],
        _("请选择处理结果。"),
        required=True,
    )
    resolution = TextField()


class FinancingForm(forms.Form):
    kind = choice(FinancingKind.choices, _("选项不正确。"), required=True)
    institution = TextField()
    amount = MoneyField(required=False)
    on = DayField(required=False)


class DisclosureReviewForm(forms.Form):
    decision = choice(
        [
            ("cleared", _("通过：公示撰写的名称和简介")),
            ("neutral", _("以“保密成果”公示（不显示名称和简介）")),
        ],
        _("请选择审查结果。"),
        required=True,
    )
    note = TextField()


AGENCY_KINDS = [
    OrganizationKind.TECHNOLOGY_EXCHANGE,
    OrganizationKind.TRANSFER_OFFICE,
    OrganizationKind.SPECIALIZED_AGENCY,
]


class DealCreateForm(forms.Form):
    counterparty = forms.ModelChoiceField(
        label=_("受让/合作方"), queryset=Organization.objects.none()
    )
    transfer_mode = forms.ChoiceField(label=_("转化方式"), choices=TransferMode.choices)
    path = forms.ChoiceField(
        label=_("交易路径"),
        choices=[("", _("按转化方式（常用路径）")), *DealPath.choices],
        required=False,
        help_text=_(
            "转让：协议定价、挂牌交易或拍卖/竞价；许可：许可、挂牌交易或拍卖/竞价；"
            "作价投资、合作开发各有其路径。"
        ),
    )
    asking_amount = forms.DecimalField(
        label=_("报价（万元）"),
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )
    agency = forms.ModelChoiceField(
        label=_("技术交易机构/服务机构"),
        queryset=Organization.objects.filter(kind__in=AGENCY_KINDS),
        required=False,
    )
    note = forms.CharField(
        label=_("意向说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, user: Any, achievement: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if permissions.is_organizer(user) or (
            achievement.owner_id in permissions.organization_ids(user)
        ):
            choices = Organization.objects.exclude(pk=achievement.owner_id)
        else:
            # The demand side registers its own organization's interest.
            choices = Organization.objects.filter(
                pk__in=permissions.approved_investor_orgs(user)
            ).exclude(pk=achievement.owner_id)
        self.fields["counterparty"].queryset = choices.order_by("name")
        modes = [m for m in achievement.transfer_modes or [] if m in TransferMode]
        if modes:
            self.fields["transfer_mode"].initial = modes[0]


class DealEditForm(forms.ModelForm):
    """The deal's people and facts outside the stage data."""

    class Meta:
        model = Deal
        fields = [
            "asking_amount",
            "agency",
            "origin_province",
            "owner_contact",
            "counterparty_contact",
        ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        deal = self.instance
        self.fields["agency"].queryset = Organization.objects.filter(
            kind__in=AGENCY_KINDS
        )
        self.fields["origin_province"].queryset = Province.objects.all()
        self.fields["owner_contact"].queryset = User.objects.filter(
            organizations=deal.achievement.owner_id
        ).distinct()
        self.fields["counterparty_contact"].queryset = User.objects.filter(
            organizations=deal.counterparty_id
        ).distinct()
        self.fields["asking_amount"].min_value = 0
        self.fields["asking_amount"].validators.append(_not_negative)


def _not_negative(value: Any) -> None:
    if value is not None and value < 0:
        raise forms.ValidationError(_("金额不能为负数。"))


class AuctionRegisterForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.all(),
        error_messages={
            "required": _("请选择以哪个机构登记竞买。"),
            "invalid_choice": _("请选择以哪个机构登记竞买。"),
        },
    )
