"""Meetings on the day (held, no-show, cancelled) and what each side says
came of them."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..enums import DeclineReason, MeetingStatus, Outcome, RequestStatus
from ..models import Meeting, MeetingOutcome, MeetingRequest
from ..notices import OUTCOME, request_notify
from ..rules import side_of
from .base import MatchError, checked_text, members_of, record, require


def cancel_meeting_of(request: MeetingRequest) -> None:
    """Cancel the request's meeting, if any: its people's time and its place
    are freed; a published one tells calendars (SEQUENCE, CANCELLED)."""
    meeting = Meeting.objects.select_for_update().filter(request=request).first()
    if meeting is None or meeting.status == MeetingStatus.CANCELLED:
        return
    if meeting.published_at is None:
        meeting.delete()
        return
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    meeting.seats.all().delete()


def _locked_meeting(meeting_id: int) -> Meeting:
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("session__roadshow", "request__achievement", "slot", "place")
        .filter(pk=meeting_id)
        .first()
    )
    if meeting is None:
        raise MatchError(_("找不到该会面。"))
    return meeting


def meeting_cancel(*, meeting_id: int, by: Any, note: str = "") -> Meeting:
    """Call off a meeting: the request is cancelled with it."""
    from .requests import request_cancel

    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise MatchError(_("找不到该会面。"))
    request_cancel(request_id=meeting.request_id, by=by, note=note)
    meeting.refresh_from_db()
    return meeting


MARKS = (MeetingStatus.HELD, MeetingStatus.NO_SHOW, MeetingStatus.SCHEDULED)


def meeting_mark(*, meeting_id: int, by: Any, status: str) -> Meeting:
    """Table staff mark a published meeting held or no-show (or undo it)."""
    if status not in MARKS:
        raise MatchError(_("请选择“已举行”或“未到场”。"))
    with transaction.atomic():
        meeting = _locked_meeting(meeting_id)
        require(by, "meeting.mark", meeting)
        if meeting.published_at is None or meeting.status == MeetingStatus.CANCELLED:
            raise MatchError(_("该会面未发布或已取消。"))
        if status != MeetingStatus.SCHEDULED and timezone.now() < meeting.slot.start:
            raise MatchError(_("会面尚未开始，不能标记。"))
        meeting.status = status
        meeting.marked_by = by if getattr(by, "pk", None) else None
        meeting.marked_at = timezone.now()
        meeting.save(update_fields=["status", "marked_by", "marked_at", "updated_at"])
        record(meeting.request, by=by, kind=f"meeting_{status}")
    return meeting


def outcome_record(
    *, meeting_id: int, by: Any, outcome: str, reason: str = "", note: str = ""
) -> MeetingOutcome:
    """One side says what came of the meeting (it may change its mind):
    continue, pass with a reason, or not held."""
    if outcome not in Outcome.values:
        raise MatchError(_("请选择会面结果。"))
    if outcome == Outcome.PASS and reason not in DeclineReason.values:
        raise MatchError(_("请选择不再跟进的原因。"))
    if outcome != Outcome.PASS:
        reason = ""
    note = checked_text(note, limit=500)
    with transaction.atomic():
        meeting = _locked_meeting(meeting_id)
        require(by, "meeting.outcome", meeting)
        side = side_of(by, meeting.request)
        if meeting.published_at is None or meeting.status == MeetingStatus.CANCELLED:
            raise MatchError(_("该会面未发布或已取消。"))
        if meeting.request.status != RequestStatus.ACCEPTED:
            raise MatchError(_("该约见已取消。"))
        if timezone.now() < meeting.slot.start:
            raise MatchError(_("会面开始后才能记录结果。"))
        result, _created = MeetingOutcome.objects.update_or_create(
            meeting=meeting,
            side=side,
            defaults={"outcome": outcome, "reason": reason, "note": note, "by": by},
        )
        if outcome == Outcome.NOT_HELD and meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.NO_SHOW
            meeting.save(update_fields=["status", "updated_at"])
        elif meeting.status == MeetingStatus.SCHEDULED:
            meeting.status = MeetingStatus.HELD
            meeting.save(update_fields=["status", "updated_at"])
        record(meeting.request, by=by, kind=f"outcome_{outcome}", note=note)
        other = "investor" if side == "team" else "team"
        other_org = (
            meeting.request.investor_org_id
            if other == "investor"
            else meeting.request.team_org_id
        )
        request_notify(
            users=members_of(other_org, side=other),
            kind=OUTCOME,
            request=meeting.request,
            by=by,
            outcome=outcome,
        )
    return result
