"""Forms of the deal pages.  The flow's rules live in services; these only
offer the choices a user may make."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganizationKind
from accounts.models import Organization, User
from achievements.enums import TransferMode
from achievements.models import Province

from .models import Deal

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
