"""Meeting requests both ways: asked, accepted (naming who attends),
declined with a reason, cancelled, or left to expire."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import InvestorStatus
from accounts.models import Organization, actor_of
from achievements.models import Achievement
from achievements.selectors import achievement_audience, achievement_is_published_to

from ..enums import (
    AcceptPriority,
    DeclineReason,
    DemandResponseStatus,
    Direction,
    MeetingStatus,
    PlaceKind,
    Priority,
    RequestStatus,
)
from ..models import (
    DemandResponse,
    MatchSession,
    MatchSlot,
    Meeting,
    MeetingRequest,
    MeetingSeat,
)
from ..notices import REQUEST_ANSWERED, REQUEST_NEW, request_notify
from ..rules import asked_side, side_of, team_orgs
from ..selectors import (
    achievement_on_show,
    free_common_slots,
    people_of,
    registered_orgs,
    roadshow_takes_requests,
    session_window_open,
)
from .base import MatchError, checked_text, members_of, record, require

MAX_PREFERRED = 5
MAX_ATTENDEES = 3


def _session_usable(session: MatchSession) -> None:
    if not roadshow_takes_requests(roadshow=session.roadshow):
        raise MatchError(_("该路演的对接会未开放。"))
    if not session_window_open(session=session):
        raise MatchError(_("该对接会不在预约时间内。"))


def request_create(
    *,
    by: Any,
    session: MatchSession,
    achievement: Achievement,
    investor_org: Organization,
    direction: str,
    message: str = "",
    priority: int = Priority.WOULD_LIKE,
    preferred_slots: Iterable[MatchSlot] = (),
    place_kind: str = PlaceKind.ONSITE,
) -> MeetingRequest:
    """Ask for a meeting: a demand-side member about an achievement it may
    see, or a team member with an organization that registered."""
    if not (by is not None and by.is_authenticated):
        raise MatchError(_("请先登录。"))
    message = checked_text(message)
    if priority not in Priority.values:
        raise MatchError(_("请选择优先级。"))
    preferred = list(preferred_slots)
    if len(preferred) > MAX_PREFERRED:
        raise MatchError(_("最多选择 %(n)d 个希望的时段。") % {"n": MAX_PREFERRED})
    if any(slot.session_id != session.pk for slot in preferred):
        raise MatchError(_("希望的时段不属于该对接会。"))
    if direction == Direction.TO_TEAM:
        if investor_org.pk not in permissions.approved_investor_orgs(by):
            raise MatchError(_("只有已获批准的投资方/需求方成员可以约见成果团队。"))
        if not achievement_is_published_to(user=by, achievement=achievement):
            raise MatchError(_("找不到该成果。"))
        if achievement.owner_id in permissions.organization_ids(by):
            raise MatchError(_("不能约见本单位的成果。"))
    elif direction == Direction.TO_INVESTOR:
        if achievement.owner_id not in team_orgs(by):
            raise MatchError(_("只有成果团队成员可以为本单位成果约见投资方。"))
        if achievement_audience(achievement=achievement) is None:
            raise MatchError(_("该成果尚未发布，不能约见投资方。"))
        if investor_org.investor_status != InvestorStatus.APPROVED:
            raise MatchError(_("该机构不是已获批准的投资方/需求方。"))
        if investor_org.pk == achievement.owner_id:
            raise MatchError(_("不能约见本单位。"))
    else:
        raise MatchError(_("请求方向无效。"))
    now = timezone.now()
    with transaction.atomic():
        # One request at a time per session: quotas and pairs are counted
        # on what is committed (the unique constraint is the backstop).
        session = (
            MatchSession.objects.select_for_update(of=("self",))
            .select_related("roadshow")
            .get(pk=session.pk)
        )
        _session_usable(session)
        if not session.places.filter(kind=place_kind).exists():
            raise MatchError(_("该对接会不提供这种会面方式。"))
        registered = registered_orgs(session=session)
        if direction == Direction.TO_TEAM:
            if investor_org.pk not in registered:
                raise MatchError(_("请先报名参加该路演，再预约对接。"))
            if not achievement_on_show(session=session, achievement=achievement):
                raise MatchError(_("该成果不在这场路演中。"))
            requester_org = investor_org.pk
            quota = session.investor_quota
        else:
            if investor_org.pk not in registered:
                raise MatchError(_("该机构未报名这场路演。"))
            if not achievement_on_show(session=session, achievement=achievement):
                raise MatchError(_("该成果不在这场路演中。"))
            requester_org = achievement.owner_id
            quota = session.team_quota
        # Requests past their time expire now (the sweep may not have run):
        # they hold neither the pair nor the quota.
        for overdue in (
            MeetingRequest.objects.select_for_update(of=("self",))
            .filter(session=session, status=RequestStatus.PENDING, expires_at__lte=now)
            .select_related("achievement", "team_org", "investor_org")
        ):
            _expire(overdue)
        open_requests = MeetingRequest.objects.filter(
            session=session, status__in=RequestStatus.open_states
        )
        pair = open_requests.filter(
            achievement=achievement, investor_org=investor_org
        ).first()
        if pair is not None:
            if pair.status == RequestStatus.ACCEPTED:
                raise MatchError(_("双方已就该成果约定会面，详见“我的对接”。"))
            if pair.direction != direction:
                raise MatchError(_("对方已向您发出约见请求，请在工作台中回复。"))
            raise MatchError(_("已就该成果向该机构发出约见请求，请勿重复发送。"))
        mine = open_requests.filter(direction=direction)
        mine = (
            mine.filter(investor_org_id=requester_org)
            if direction == Direction.TO_TEAM
            else mine.filter(team_org_id=requester_org)
        )
        if mine.count() >= quota:
            raise MatchError(
                _(
                    "本场对接会中贵单位发出的约见请求（待回复或已接受）已达上限"
                    "（%(n)d 个），请等待回复或撤回部分请求。"
                )
                % {"n": quota}
            )
        expires = min(now + dt.timedelta(hours=session.expiry_hours), session.ends_at)
        try:
            with transaction.atomic():
                request = MeetingRequest.objects.create(
                    session=session,
                    achievement=achievement,
                    team_org_id=achievement.owner_id,
                    investor_org=investor_org,
                    direction=direction,
                    requester=by,
                    message=message,
                    priority=priority,
                    place_kind=place_kind,
                    expires_at=expires,
                )
        except IntegrityError as exc:
            raise MatchError(
                _("已就该成果向该机构发出约见请求，请勿重复发送。")
            ) from exc
        request.preferred_slots.set(preferred)
        record(request, by=by, kind="created")
        # A team's "我们可以对接" to this side's demands now has its meeting.
        DemandResponse.objects.filter(
            achievement=achievement,
            demand__organization=investor_org,
            status=DemandResponseStatus.OPEN,
        ).update(status=DemandResponseStatus.MEETING, meeting_request=request)
        side = asked_side(request)
        request_notify(
            users=members_of(request.responder_org.pk, side=side),
            kind=REQUEST_NEW,
            request=request,
            by=by,
            org=request.requester_org.name,
            roadshow=session.roadshow.title,
            until=timezone.localtime(expires).strftime("%Y-%m-%d %H:%M"),
            note=request.message,
        )
    return request


def _locked(request_id: int) -> MeetingRequest:
    request = (
        MeetingRequest.objects.select_for_update(of=("self",))
        .select_related("session__roadshow", "achievement", "team_org", "investor_org")
        .filter(pk=request_id)
        .first()
    )
    if request is None:
        raise MatchError(_("找不到该约见请求。"))
    return request


def _expire(request: MeetingRequest) -> None:
    request.status = RequestStatus.EXPIRED
    request.save(update_fields=["status", "updated_at"])
    record(request, by=None, kind="expired")
    both = members_of(request.team_org_id, side="team") + members_of(
        request.investor_org_id, side="investor"
    )
    request_notify(users=both, kind=REQUEST_ANSWERED, request=request, what="expired")


def _overdue(request: MeetingRequest) -> bool:
    """Waiting past its time: expired, whether or not the sweep ran yet."""
    return (
        request.status == RequestStatus.PENDING and request.expires_at <= timezone.now()
    )


def _expired_error():
    """Raised once the expiry has committed (outside its atomic block)."""
    raise MatchError(_("该请求已过回复期限，已自动过期。"))


def _expire_if_overdue(request_id: int) -> None:
    """An answer to a request past its time: it expires (both sides are
    told) and the answer is refused."""
    with transaction.atomic():
        request = _locked(request_id)
        overdue = _overdue(request)
        if overdue:
            _expire(request)
    if overdue:
        _expired_error()


def requests_expire(*, now: dt.datetime | None = None) -> int:
    """Pending requests past their time become expired; both sides are told.
    Returns how many expired."""
    now = now or timezone.now()
    ids = list(
        MeetingRequest.objects.filter(
            status=RequestStatus.PENDING, expires_at__lte=now
        ).values_list("pk", flat=True)
    )
    expired = 0
    for request_id in ids:
        with transaction.atomic():
            request = _locked(request_id)
            if request.status == RequestStatus.PENDING and request.expires_at <= now:
                _expire(request)
                expired += 1
    return expired


def _attendees(request: MeetingRequest, by: Any, ids: Iterable[int]) -> list:
    side = asked_side(request)
    members = {u.pk: u for u in members_of(request.responder_org.pk, side=side)}
    ids = list(dict.fromkeys(int(i) for i in ids)) or (
        [by.pk] if by is not None and by.pk in members else []
    )
    if not ids:
        raise MatchError(_("请选择出席会面的人员。"))
    if len(ids) > MAX_ATTENDEES:
        raise MatchError(_("出席人员最多 %(n)d 位。") % {"n": MAX_ATTENDEES})
    unknown = [i for i in ids if i not in members]
    if unknown:
        raise MatchError(_("出席人员必须是本单位的成员。"))
    if request.requester_id in ids:
        raise MatchError(_("出席人员不能包括发起人本人。"))
    return [members[i] for i in ids]


def request_accept(
    *,
    request_id: int,
    by: Any,
    attendee_ids: Iterable[int] = (),
    accept_priority: int = AcceptPriority.AGREE,
) -> MeetingRequest:
    """The side asked says yes and names who attends. Once the session's
    schedule is published, the meeting is placed at once in the earliest
    common free slot (preferred slots first), or the accept is refused."""
    if accept_priority not in AcceptPriority.values:
        raise MatchError(_("请选择我方意愿。"))
    expired = False
    with transaction.atomic():
        request = _locked(request_id)
        require(by, "match.respond", request)
        if _overdue(request):
            _expire(request)
            expired = True
        elif request.status != RequestStatus.PENDING:
            raise MatchError(
                _("该请求已是“%(status)s”状态，不能再接受。")
                % {"status": request.get_status_display()}
            )
        else:
            attendees = _attendees(request, by, attendee_ids)
            session = MatchSession.objects.select_for_update().get(
                pk=request.session_id
            )
            request.session = session
            request.attendees.set(attendees)
            free = free_common_slots(request=request)
            if not free:
                raise MatchError(
                    _("双方在本场对接会中已没有共同的空闲时段，无法接受。")
                )
            request.status = RequestStatus.ACCEPTED
            request.responded_by = by
            request.responded_at = timezone.now()
            request.accept_priority = accept_priority
            request.save()
            record(request, by=by, kind="accepted")
            if session.schedule_published_at is not None:
                _place_now(request, free)
            request_notify(
                users=_requester_side(request),
                kind=REQUEST_ANSWERED,
                request=request,
                by=by,
                what="accepted",
                org=request.responder_org.name,
            )
    if expired:
        _expired_error()
    return request


def _requester_side(request: MeetingRequest) -> list:
    side = "investor" if asked_side(request) == "team" else "team"
    return members_of(request.requester_org.pk, side=side)


def _place_now(request: MeetingRequest, free: list[MatchSlot]) -> Meeting:
    """Place one accepted request into a published schedule (the caller
    holds the session's lock)."""
    preferred = {s.pk for s in request.preferred_slots.all()}
    free.sort(key=lambda s: (s.pk not in preferred, s.start))
    places = list(request.session.places.filter(kind=request.place_kind))
    people = people_of(request)
    for slot in free:
        used = {}
        for place_id, seat in Meeting.objects.filter(
            slot=slot, status__in=MeetingStatus.active_states
        ).values_list("place_id", "seat"):
            used.setdefault(place_id, set()).add(seat)
        for place in places:
            seats = [
                s for s in range(place.capacity) if s not in used.get(place.pk, ())
            ]
            if not seats:
                continue
            try:
                with transaction.atomic():
                    meeting = Meeting.objects.create(
                        request=request,
                        session=request.session,
                        slot=slot,
                        place=place,
                        seat=seats[0],
                        published_at=timezone.now(),
                    )
                    MeetingSeat.objects.bulk_create(
                        MeetingSeat(meeting=meeting, user_id=uid, slot=slot)
                        for uid in sorted(people)
                    )
            except IntegrityError:
                continue
            request.unplaced_reason = ""
            request.save(update_fields=["unplaced_reason"])
            record(request, by=None, kind="scheduled")
            return meeting
    raise MatchError(_("对接日程已发布，且双方共同空闲的时段里已没有空位，无法接受。"))


def request_decline(
    *, request_id: int, by: Any, reason: str, note: str = ""
) -> MeetingRequest:
    if reason not in DeclineReason.values:
        raise MatchError(_("请选择婉拒原因。"))
    note = checked_text(note, limit=300)
    _expire_if_overdue(request_id)
    with transaction.atomic():
        request = _locked(request_id)
        require(by, "match.respond", request)
        if request.status != RequestStatus.PENDING:
            raise MatchError(
                _("该请求已是“%(status)s”状态，不能再婉拒。")
                % {"status": request.get_status_display()}
            )
        request.status = RequestStatus.DECLINED
        request.decline_reason = reason
        request.decline_note = note
        request.responded_by = by
        request.responded_at = timezone.now()
        request.save()
        record(request, by=by, kind="declined", note=note)
        request_notify(
            users=_requester_side(request),
            kind=REQUEST_ANSWERED,
            request=request,
            by=by,
            what="declined",
            org=request.responder_org.name,
            reason=reason,
            note=note,
        )
    return request


def request_cancel(*, request_id: int, by: Any, note: str = "") -> MeetingRequest:
    """Either side (or an organizer) calls off a pending or accepted request;
    its meeting, if placed, is cancelled and its people's time freed."""
    from .meetings import cancel_meeting_of

    note = checked_text(note, limit=300)
    _expire_if_overdue(request_id)
    with transaction.atomic():
        request = _locked(request_id)
        require(by, "match.cancel", request)
        if request.status not in RequestStatus.open_states:
            raise MatchError(
                _("该请求已是“%(status)s”状态，不能撤回。")
                % {"status": request.get_status_display()}
            )
        meeting = Meeting.objects.filter(request=request).select_related("slot")
        meeting = meeting.first()
        if (
            meeting is not None
            and meeting.status != MeetingStatus.CANCELLED
            and (
                meeting.status != MeetingStatus.SCHEDULED
                or meeting.slot.start <= timezone.now()
            )
        ):
            raise MatchError(_("会面已经开始或已举行，不能取消；请记录会面结果。"))
        request.status = RequestStatus.CANCELLED
        request.save(update_fields=["status", "updated_at"])
        cancel_meeting_of(request)
        record(request, by=by, kind="cancelled", note=note)
        both = members_of(request.team_org_id, side="team") + members_of(
            request.investor_org_id, side="investor"
        )
        side = side_of(actor_of(by), request) if by is not None else None
        request_notify(
            users=both,
            kind=REQUEST_ANSWERED,
            request=request,
            by=by,
            what="cancelled",
            org={
                "team": request.team_org.name,
                "investor": request.investor_org.name,
            }.get(side or "", ""),
            note=note,
        )
    return request
