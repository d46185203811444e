"""One form per action: each parses and validates, in the user's language."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import (
    AcceptPriority,
    DeclineReason,
    MeetingStatus,
    Outcome,
    PlaceKind,
    Priority,
    RequestStatus,
)
from .services.base import TEXT_LIMIT


def form_errors(form: forms.BaseForm) -> str:
    """What is wrong with a posted form, in one line for the page's notice."""
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("留言"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("想了解什么、希望谈什么（对方会看到）。"),
    )
    priority = forms.TypedChoiceField(
        label=_("优先级"),
        choices=Priority.choices,
        coerce=int,
        initial=Priority.WOULD_LIKE,
        widget=forms.RadioSelect,
    )
    place_kind = forms.ChoiceField(
        label=_("会面方式"), choices=PlaceKind.choices, initial=PlaceKind.ONSITE
    )
    preferred_slots = forms.MultipleChoiceField(
        label=_("希望的时段（可选，最多 5 个）"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, session, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {str(s.pk): s for s in session.slots.order_by("start")}
        self.fields["preferred_slots"].choices = [
            (pk, str(slot)) for pk, slot in self.slots.items()
        ]
        self.fields["place_kind"].choices = [
            (k, label) for k, label in PlaceKind.choices if k in kinds
        ]
        if len(kinds) == 1:
            self.fields["place_kind"].initial = next(iter(kinds))
            self.fields["place_kind"].widget = forms.HiddenInput()

    def clean_preferred_slots(self):
        chosen = self.cleaned_data["preferred_slots"]
        if len(chosen) > 5:
            raise forms.ValidationError(_("最多选择 5 个希望的时段。"))
        return [self.slots[pk] for pk in chosen]


class AcceptForm(forms.Form):
    attendees = forms.TypedMultipleChoiceField(
        label=_("出席人员"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请选择出席会面的人员。")},
    )
    accept_priority = forms.TypedChoiceField(
        label=_("我方意愿"),
        choices=AcceptPriority.choices,
        coerce=int,
        initial=AcceptPriority.AGREE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, members, default=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [
            (u.pk, u.name or u.username) for u in members
        ]
        if default is not None and not self.is_bound:
            self.fields["attendees"].initial = [default]


# Reasons a team gives an investor (the mandate and the stage are the
# demand side's reasons).
TEAM_REASONS = (
    DeclineReason.PRICE,
    DeclineReason.REGION,
    DeclineReason.IN_TALKS,
    DeclineReason.OTHER,
)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("婉拒原因"),
        choices=[("", "—")] + list(DeclineReason.choices),
        error_messages={"required": _("请选择婉拒原因。")},
    )
    note = forms.CharField(label=_("补充说明（可选）"), required=False, max_length=300)

    def __init__(self, *args, side: str = "investor", **kwargs):
        super().__init__(*args, **kwargs)
        if side == "team":
            self.fields["reason"].choices = [("", "—")] + [
                (r.value, r.label) for r in TEAM_REASONS
            ]


class CancelForm(forms.Form):
    note = forms.CharField(label=_("说明（可选）"), required=False, max_length=300)


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("会面结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(
        label=_("不再跟进的原因"),
        required=False,
        choices=[("", "—")] + list(DeclineReason.choices),
    )
    note = forms.CharField(
        label=_("说明（可选）"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == Outcome.PASS and not data.get("reason"):
            self.add_error("reason", _("请选择不再跟进的原因。"))
        return data


def outcome_context(*, user: Any, meeting: Any, side: str | None) -> dict:
    """What the outcome block shows a side of a meeting (the request's page
    and the meeting's room both show it): its own answer, whether it may
    answer now, the form, and the way on to the tracker."""
    if meeting is None or side is None:
        return {}
    outcome = meeting.outcomes.filter(side=side).first()
    return {
        "my_outcome": outcome,
        "outcome_open": meeting.status != MeetingStatus.CANCELLED
        and meeting.request.status == RequestStatus.ACCEPTED
        and timezone.now() >= meeting.slot.start,
        "outcome_form": OutcomeForm(
            initial={"outcome": outcome.outcome if outcome else Outcome.CONTINUE}
        ),
        "continue_link": bool(outcome and outcome.outcome == Outcome.CONTINUE),
    }


class MarkForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (MeetingStatus.HELD, MeetingStatus.HELD.label),
            (MeetingStatus.NO_SHOW, MeetingStatus.NO_SHOW.label),
            (MeetingStatus.SCHEDULED, _("撤销标记")),
        ]
    )


class BlockForm(forms.Form):
    blocked = forms.BooleanField(required=False)


class SessionForm(forms.Form):
    """A session's settings (organizers, in the admin)."""

    starts_at = forms.DateTimeField(label=_("对接开始"))
    ends_at = forms.DateTimeField(label=_("对接结束"))
    slot_minutes = forms.IntegerField(
        label=_("每场时长（分钟）"), min_value=5, max_value=240, initial=20
    )
    gap_minutes = forms.IntegerField(
        label=_("场间休息（分钟）"), min_value=0, max_value=120, initial=5
    )
    pause_start = forms.DateTimeField(label=_("午休开始（可选）"), required=False)
    pause_end = forms.DateTimeField(label=_("午休结束（可选）"), required=False)
    requests_open = forms.DateTimeField(
        label=_("预约开始（可选，默认立即）"), required=False
    )
    requests_close = forms.DateTimeField(
        label=_("预约截止（可选，默认对接结束）"), required=False
    )
    expiry_hours = forms.IntegerField(
        label=_("请求有效期（小时）"), min_value=1, max_value=720, initial=72
    )
    investor_quota = forms.IntegerField(
        label=_("投资方/需求方每家机构最多待处理请求数"),
        min_value=1,
        max_value=500,
        initial=20,
    )
    team_quota = forms.IntegerField(
        label=_("成果团队每家机构最多待处理请求数"),
        min_value=1,
        max_value=500,
        initial=20,
    )
    pitch_buffer_minutes = forms.IntegerField(
        label=_("路演前后为团队预留（分钟）"), min_value=0, max_value=240, initial=15
    )


class SessionCreateForm(SessionForm):
    tables = forms.IntegerField(
        label=_("现场洽谈桌数"), min_value=0, max_value=500, initial=10
    )
    table_capacity = forms.IntegerField(
        label=_("每张桌同时可进行的会面数"), min_value=1, max_value=20, initial=1
    )
    online_rooms = forms.IntegerField(
        label=_("线上洽谈室数"), min_value=0, max_value=500, initial=0
    )


class PlaceForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PlaceKind.choices)
    name = forms.CharField(label=_("名称"), max_length=40)
    capacity = forms.IntegerField(
        label=_("同时可进行的会面数"), min_value=1, max_value=20, initial=1
    )


class RunForm(forms.Form):
    replan = forms.BooleanField(
        label=_("重新编排已发布的会面（会通知被调整的人）"), required=False
    )


class MoveForm(forms.Form):
    slot = forms.IntegerField()
    place = forms.IntegerField()
    swap = forms.BooleanField(required=False)


class DemandRespondForm(forms.Form):
    """ "我们可以对接": which of the team's published achievements, and a word."""

    achievement = forms.ModelChoiceField(
        label=_("用哪项成果对接"), queryset=None, empty_label=None
    )
    message = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("成果如何满足该需求、希望怎样合作（需求方会看到）。"),
    )

    def __init__(self, *args: Any, achievements: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["achievement"].queryset = achievements


class DemandResponseDeclineForm(forms.Form):
    note = forms.CharField(
        label=_("说明（团队会看到）"),
        required=False,
        max_length=300,
        widget=forms.TextInput(),
    )
