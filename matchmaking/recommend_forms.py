"""The recommender's forms."""

from django import forms
from django.utils.translation import gettext_lazy as _


class DigestPreferenceForm(forms.Form):
    weekly_digest = forms.BooleanField(label=_("每周推荐邮件"), required=False)
