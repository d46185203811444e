from django import forms
from django.utils.translation import gettext_lazy as _

from events.enums import Attendance

from .models import InvitationList
from .selectors import invitable_organizations


class AcceptForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("参加方式"), choices=Attendance.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Attendance.choices)
        self.fields["attendance"].choices = [(o, labels[o]) for o in options]
        if options:
            self.fields["attendance"].initial = options[0]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("谢绝原因（选填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DelegateForm(forms.Form):
    name = forms.CharField(label=_("同事姓名"), max_length=100)
    email = forms.EmailField(label=_("同事邮箱"))


class InviteForm(forms.Form):
    """One organization, its contact and the people named in it."""

    organization = forms.ModelChoiceField(
        label=_("机构"), queryset=invitable_organizations()
    )
    name = forms.CharField(label=_("联系人"), max_length=100, required=False)
    email = forms.EmailField(
        label=_("联系人邮箱"),
        required=False,
        help_text=_("不填时发给第一位受邀人员，或机构的联系邮箱。"),
    )
    people = forms.CharField(
        label=_("受邀人员"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("张三 zhang@example.com")}
        ),
        help_text=_("每行一人：姓名 邮箱。接受邀请时一并为他们报名。"),
    )
    message = forms.CharField(
        label=_("附言"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteListForm(forms.Form):
    saved_list = forms.ModelChoiceField(
        label=_("邀请名单"), queryset=InvitationList.objects.order_by("name")
    )
    message = forms.CharField(
        label=_("附言"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class InviteRecommendedForm(forms.Form):
    organizations = forms.ModelMultipleChoiceField(
        label=_("推荐机构"), queryset=invitable_organizations()
    )


class PlacesForm(forms.Form):
    places = forms.IntegerField(label=_("预留邀请名额"), min_value=0, max_value=100000)
