from django import forms
from django.utils.translation import gettext_lazy as _

from achievements.models import Province

from .enums import ListScope


class ListCreateForm(forms.Form):
    scope = forms.ChoiceField(label=_("清单类型"), choices=ListScope.choices)
    province = forms.ModelChoiceField(
        label=_("省份"),
        queryset=Province.objects.all(),
        required=False,
        help_text=_("地方清单所属的省份；国家清单不填。"),
    )
    period = forms.CharField(
        label=_("批次"), max_length=40, help_text=_("如“2026年第三季度”。")
    )
    issued_on = forms.DateField(
        label=_("发布日期"), widget=forms.DateInput(attrs={"type": "date"})
    )
    introduction = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        if data.get("scope") == ListScope.LOCAL and not data.get("province"):
            self.add_error("province", _("地方清单须选择省份。"))
        return data


class AchievementIds(forms.Field):
    """The ticked achievements' ids (which of them may go on the list is the
    service's to say)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("请勾选要加入清单的成果。")) from exc


class EntriesAddForm(forms.Form):
    achievements = AchievementIds(
        label=_("入选成果"),
        error_messages={"required": _("请勾选要加入清单的成果。")},
    )
