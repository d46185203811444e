"""One form per action on calls; each says what is wrong in the user's
language, the services judge the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from accounts import permissions
from accounts.enums import Role
from accounts.services import user_by_login
from achievements.models import Achievement, IndustryField, Province

SCORE_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class CallOpenForm(forms.Form):
    title = forms.CharField(label=_("征集名称"), max_length=200)
    description = forms.CharField(
        label=_("征集说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field = forms.ModelChoiceField(
        label=_("产业领域"), queryset=IndustryField.objects.all(), required=False
    )
    province = forms.ModelChoiceField(
        label=_("地区"), queryset=Province.objects.all(), required=False
    )
    deadline = forms.DateTimeField(
        label=_("申请截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    slots = forms.IntegerField(label=_("路演名额"), min_value=1, max_value=50)
    pitch_minutes = forms.IntegerField(
        label=_("每个项目路演时长（分钟）"), min_value=5, max_value=120, initial=15
    )
    criteria = forms.CharField(
        label=_("评审标准（每行一项）"),
        widget=forms.Textarea(attrs={"rows": 4}),
        initial="技术创新性\n市场前景\n团队能力\n转化可行性",
    )
    anonymised = forms.BooleanField(
        label=_("匿名评审（评审人看不到申请单位）"), required=False
    )
    reviewers = forms.CharField(
        label=_("评审人（用户名或邮箱，每行一个）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_criteria(self):
        return _lines(self.cleaned_data["criteria"])

    def clean_reviewers(self):
        users, unknown = [], []
        for login in _lines(self.cleaned_data["reviewers"]):
            user = user_by_login(login)
            if user is None:
                unknown.append(login)
            elif user not in users:
                users.append(user)
        if unknown:
            raise forms.ValidationError(
                _("没有这些用户名或邮箱的账户：%(logins)s"),
                params={"logins": "、".join(unknown)},
            )
        return users


class ReviewerForm(forms.Form):
    login = forms.CharField(label=_("评审人（用户名或邮箱）"), max_length=254)

    def clean_login(self):
        user = user_by_login(self.cleaned_data["login"])
        if user is None:
            raise forms.ValidationError(_("没有这个用户名或邮箱的账户。"))
        return user


class ApplyForm(forms.Form):
    achievement = forms.ModelChoiceField(
        label=_("成果"), queryset=Achievement.objects.none()
    )
    summary = forms.CharField(
        label=_("路演简介"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("最多 1000 字：要解决的问题、技术亮点、转化方式与需求。"),
    )
    deck = forms.FileField(label=_("路演 PDF"))
    submit_for_review = forms.BooleanField(
        label=_("成果尚未通过保密审查的，同时提交保密审查"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the user's own organizations' achievements are offered; the
        # service refuses any other (a forged id) with its own message.
        self.fields["achievement"].queryset = Achievement.objects.filter(
            owner_id__in=permissions.organization_ids(user, role=Role.TEAM)
        ).order_by("-updated_at")
        self.fields["achievement"].label_from_instance = lambda a: "".join(
            (
                a.title,
                pgettext("punctuation", "（"),
                str(a.get_status_display()),
                pgettext("punctuation", "）"),
            )
        )


class ApplicationUpdateForm(forms.Form):
    summary = forms.CharField(
        label=_("路演简介"), max_length=1000, widget=forms.Textarea(attrs={"rows": 5})
    )
    deck = forms.FileField(label=_("更换路演 PDF（可不选）"), required=False)


class ReviewForm(forms.Form):
    comment = forms.CharField(
        label=_("评语"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.name,
                choices=SCORE_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "score-choice"}),
                error_messages={
                    "required": _("请为每项标准打分（1–5）。"),
                    "invalid_choice": _("评分必须是 1 到 5 的整数。"),
                },
            )
        order = [f"score_{c.pk}" for c in self.criteria] + ["comment"]
        self.order_fields(order)

    def marks(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"score_{c.pk}"] for c in self.criteria}
