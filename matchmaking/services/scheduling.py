"""The scheduling run (编排), publishing the schedule, and hand moves.

The run reads the accepted requests and what holds people and places,
asks the pure scheduler (``matchmaking.scheduler``) for placements outside
any transaction, then writes them in one transaction under the session's
lock.  A run claims the session first, so a second run is refused; the
database's unique constraints on people and places are the backstop for
every other path (an accept after publication, a hand move)."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jobs.models import Job
from jobs.services import JobBusy, job_start

from .. import scheduler
from ..enums import MeetingStatus, RequestStatus, Unplaced
from ..models import (
    MatchSession,
    MatchSlot,
    Meeting,
    MeetingRequest,
    MeetingSeat,
    Place,
)
from ..notices import MEETING, request_notify
from ..selectors import busy_slots, people_of
from .base import MatchError, members_of, record, require

STALE_CLAIM = dt.timedelta(minutes=10)
TIME_LIMIT = 4.0


@dataclass
class RunSummary:
    placed: int = 0
    kept: int = 0
    moved: int = 0
    unplaced: dict[int, str] = field(default_factory=dict)
    placed_weight: int = 0
    greedy_weight: int = 0
    seconds: float = 0.0
    method: str = ""


def _claim(session_id: int) -> None:
    now = timezone.now()
    claimed = MatchSession.objects.filter(
        Q(scheduling_since__isnull=True) | Q(scheduling_since__lt=now - STALE_CLAIM),
        pk=session_id,
    ).update(scheduling_since=now)
    if not claimed:
        raise MatchError(_("另一位组织方正在编排此对接会，请稍后再试。"))


def _release(session_id: int) -> None:
    MatchSession.objects.filter(pk=session_id).update(scheduling_since=None)


def _inputs(session: MatchSession, *, replan: bool):
    """The scheduler's problem: movable requests, fixed meetings, places,
    slots and who is unavailable when."""
    slots = list(session.slots.order_by("start", "index"))
    places = list(session.places.all())
    accepted = list(
        MeetingRequest.objects.filter(session=session, status=RequestStatus.ACCEPTED)
        .select_related("meeting")
        .prefetch_related("attendees", "preferred_slots")
        .order_by("pk")
    )
    now = timezone.now()
    started = {s.pk for s in slots if s.start <= now}
    fixed, movable = [], []
    for request in accepted:
        meeting = getattr(request, "meeting", None)
        active = meeting is not None and meeting.status in MeetingStatus.active_states
        # Held, missed, or under way: what happened stays where it was.
        on_the_day = active and (
            meeting.status != MeetingStatus.SCHEDULED or meeting.slot_id in started
        )
        if active and (on_the_day or (meeting.published_at and not replan)):
            fixed.append((request, meeting))
        else:
            movable.append(request)
    people = set()
    for request in accepted:
        people |= people_of(request)
    this_session = Meeting.objects.filter(session=session).values_list("pk", flat=True)
    busy = busy_slots(
        session=session,
        user_ids=people,
        slots=slots,
        ignore_meetings=list(this_session),
    )
    future = frozenset(s.pk for s in slots if s.pk not in started)
    return slots, places, movable, fixed, busy, future


def _as_request(
    request: MeetingRequest, future: frozenset[int] | None = None
) -> scheduler.MeetingRequest:
    return scheduler.MeetingRequest(
        id=request.pk,
        people=frozenset(people_of(request)),
        weight=request.weight,
        kind=request.place_kind,
        # New placements only in slots not yet begun.
        allowed_slots=future,
    )


SCHEDULE_JOB = "matchmaking.schedule"


def schedule_subject(session_id: int) -> str:
    return f"matchmaking.session:{session_id}"


def schedule_start(*, session_id: int, by: Any, replan: bool = False) -> Job:
    """Queue a run (编排) for the background workers; the session's page
    follows it.  Refused while one is queued or running."""
    session = MatchSession.objects.filter(pk=session_id).first()
    if session is None:
        raise MatchError(_("找不到该对接会。"))
    require(by, "match.manage", session)
    try:
        return job_start(
            kind=SCHEDULE_JOB,
            subject=schedule_subject(session_id),
            params={"session_id": session_id, "replan": bool(replan)},
            by=by,
        )
    except JobBusy:
        raise MatchError(_("这场对接会正在编排，请等它完成。")) from None


def schedule_run(
    *,
    session_id: int,
    by: Any,
    replan: bool = False,
    progress: Callable[..., None] | None = None,
) -> RunSummary:
    """Place the accepted requests that have no published meeting (with
    ``replan``, every meeting not yet held) as drafts for the organizers to
    check and publish.  ``progress(done, total, message)`` hears each step."""
    step = progress or (lambda *args, **kwargs: None)
    session = (
        MatchSession.objects.select_related("roadshow").filter(pk=session_id).first()
    )
    if session is None:
        raise MatchError(_("找不到该对接会。"))
    require(by, "match.manage", session)
    _claim(session_id)
    try:
        step(0, 3, _("正在读取约见请求和各方的空闲时段…"))
        slots, places, movable, fixed, busy, future = _inputs(session, replan=replan)
        step(1, 3, _("正在安排 %(n)d 个约见…") % {"n": len(movable)})
        result = scheduler.schedule_meetings(
            requests=[_as_request(r, future) for r in movable],
            slots=[s.pk for s in slots],
            places=[
                scheduler.Place(id=p.pk, kind=p.kind, capacity=p.capacity)
                for p in places
            ],
            fixed=[
                (
                    _as_request(r),
                    scheduler.Placement(
                        request_id=r.pk, slot=m.slot_id, place_id=m.place_id
                    ),
                )
                for r, m in fixed
            ],
            unavailable={uid: frozenset(s) for uid, s in busy.items() if s},
            time_limit=TIME_LIMIT,
        )
        placements = _prefer(
            result.placements,
            requests={r.pk: r for r in movable},
            fixed=fixed,
            places=places,
            busy=busy,
        )
        summary = RunSummary(
            kept=len(fixed),
            unplaced=dict(result.unplaced),
            placed_weight=result.placed_weight,
            greedy_weight=result.greedy_weight,
            seconds=result.seconds,
            method=result.method,
        )
        step(2, 3, _("正在写入草稿日程…"))
        _write(session, movable, placements, result.unplaced, summary, by)
    finally:
        _release(session_id)
    return summary


def _prefer(placements, *, requests, fixed, places, busy):
    """Move each placed meeting into one of its request's preferred slots
    where all its people and a place are free then: the placed priority and
    who has a meeting stay exactly as the scheduler left them."""
    people_busy: dict[int, set[int]] = {u: set(s) for u, s in busy.items()}
    load: dict[tuple[int, int], int] = {}
    capacity = {p.pk: p.capacity for p in places}
    kind = {p.pk: p.kind for p in places}

    def take(request, slot_id, place_id, delta):
        for uid in people_of(request):
            (
                people_busy.setdefault(uid, set()).add
                if delta > 0
                else people_busy.setdefault(uid, set()).discard
            )(slot_id)
        load[(place_id, slot_id)] = load.get((place_id, slot_id), 0) + delta

    for request, meeting in fixed:
        take(request, meeting.slot_id, meeting.place_id, 1)
    for p in placements:
        take(requests[p.request_id], p.slot, p.place_id, 1)
    result = []
    for p in sorted(placements, key=lambda p: p.request_id):
        request = requests[p.request_id]
        preferred = sorted(request.preferred_slots.all(), key=lambda s: (s.start, s.pk))
        if not preferred or p.slot in {s.pk for s in preferred}:
            result.append(p)
            continue
        take(request, p.slot, p.place_id, -1)
        moved = p
        for slot in preferred:
            if any(slot.pk in people_busy.get(u, ()) for u in people_of(request)):
                continue
            free = [
                pid
                for pid in sorted(capacity)
                if kind[pid] == request.place_kind
                and load.get((pid, slot.pk), 0) < capacity[pid]
            ]
            if free:
                moved = scheduler.Placement(
                    request_id=p.request_id, slot=slot.pk, place_id=free[0]
                )
                break
        take(request, moved.slot, moved.place_id, 1)
        result.append(moved)
    return result


def _write(session, movable, placements, unplaced, summary, by) -> None:
    by_request = {p.request_id: p for p in placements}
    try:
        with transaction.atomic():
            MatchSession.objects.select_for_update().get(pk=session.pk)
            ids = [r.pk for r in movable]
            still = set(
                MeetingRequest.objects.filter(
                    pk__in=ids, status=RequestStatus.ACCEPTED
                ).values_list("pk", flat=True)
            )
            meetings = {
                m.request_id: m
                for m in Meeting.objects.select_for_update().filter(request_id__in=ids)
            }
            # Free every movable meeting's people and place first, so that
            # meetings may trade places within the run.
            MeetingSeat.objects.filter(meeting__in=list(meetings.values())).delete()
            for n, meeting in enumerate(meetings.values()):
                if meeting.published_at is None:
                    meeting.delete()
                else:
                    Meeting.objects.filter(pk=meeting.pk).update(seat=1000 + n)
            seats_used: dict[tuple[int, int], int] = {}
            for request in movable:
                if request.pk not in still:
                    continue
                placement = by_request.get(request.pk)
                old = meetings.get(request.pk)
                if placement is None:
                    reason = unplaced.get(request.pk, Unplaced.NO_PLACE)
                    MeetingRequest.objects.filter(pk=request.pk).update(
                        unplaced_reason=reason
                    )
                    if (
                        old is not None
                        and old.published_at is not None
                        and old.status != MeetingStatus.CANCELLED
                    ):
                        old.status = MeetingStatus.CANCELLED
                        old.sequence += 1
                        old.save(update_fields=["status", "sequence", "updated_at"])
                        record(request, by=by, kind="moved", note=str(reason))
                        _tell_meeting(old, "dropped")
                    continue
                key = (placement.place_id, placement.slot)
                seat = _free_seat(key, seats_used)
                if old is not None and old.status == MeetingStatus.CANCELLED:
                    # Called off by an earlier replan, placed again: a draft
                    # to publish once more (same UID, a later SEQUENCE).
                    old.status = MeetingStatus.SCHEDULED
                    old.published_at = None
                    old.slot_id, old.place_id, old.seat = placement.slot, key[0], seat
                    old.sequence += 1
                    old.save()
                    meeting = old
                    summary.placed += 1
                elif old is not None and old.published_at is not None:
                    moved = (old.slot_id, old.place_id) != key[::-1]
                    old.slot_id, old.place_id, old.seat = placement.slot, key[0], seat
                    if moved:
                        old.sequence += 1
                    old.save()
                    if moved:
                        summary.moved += 1
                        record(request, by=by, kind="moved")
                        _tell_meeting(old, "moved")
                    meeting = old
                else:
                    meeting = Meeting.objects.create(
                        request=request,
                        session=session,
                        slot_id=placement.slot,
                        place_id=placement.place_id,
                        seat=seat,
                    )
                    summary.placed += 1
                MeetingSeat.objects.bulk_create(
                    MeetingSeat(meeting=meeting, user_id=uid, slot_id=placement.slot)
                    for uid in sorted(people_of(request))
                )
                if request.unplaced_reason:
                    MeetingRequest.objects.filter(pk=request.pk).update(
                        unplaced_reason=""
                    )
    except IntegrityError as exc:
        raise MatchError(
            _("编排期间日程发生了变化（有人接受或调整了会面），请重新编排。")
        ) from exc


def _free_seat(key, seats_used) -> int:
    """The next seat of a place in a slot not held by a meeting written
    meanwhile; none left (someone was placed there during the run) undoes
    the whole run."""
    place_id, slot_id = key
    if key not in seats_used:
        taken = set(
            Meeting.objects.filter(
                place_id=place_id,
                slot_id=slot_id,
                status__in=MeetingStatus.active_states,
            ).values_list("seat", flat=True)
        )
        seats_used[key] = taken
    capacity = Place.objects.get(pk=place_id).capacity
    free = [seat for seat in range(capacity) if seat not in seats_used[key]]
    if not free:
        raise IntegrityError("place full")
    seats_used[key].add(free[0])
    return free[0]


def schedule_publish(*, session_id: int, by: Any) -> int:
    """Publish the draft meetings (and moves): their people are told, and so
    are both sides of every request that could not be placed."""
    with transaction.atomic():
        session = MatchSession.objects.select_for_update().get(pk=session_id)
        require(by, "match.manage", session)
        if (
            session.scheduling_since is not None
            and session.scheduling_since > timezone.now() - STALE_CLAIM
        ):
            raise MatchError(_("正在编排，请编排完成后再发布。"))
        now = timezone.now()
        drafts = list(
            Meeting.objects.filter(
                session=session,
                published_at__isnull=True,
                status=MeetingStatus.SCHEDULED,
            ).select_related("request__achievement", "slot", "place")
        )
        Meeting.objects.filter(pk__in=[m.pk for m in drafts]).update(published_at=now)
        session.schedule_published_at = now
        session.save(update_fields=["schedule_published_at", "updated_at"])
        for meeting in drafts:
            record(meeting.request, by=by, kind="scheduled")
            _tell_meeting(meeting, "placed")
        for request in (
            MeetingRequest.objects.filter(
                session=session, status=RequestStatus.ACCEPTED
            )
            .exclude(unplaced_reason="")
            .select_related("achievement")
        ):
            both = members_of(request.team_org_id, side="team") + members_of(
                request.investor_org_id, side="investor"
            )
            request_notify(
                users=both,
                kind=MEETING,
                request=request,
                change="unplaced",
                reason=request.unplaced_reason,
            )
    return len(drafts)


def _tell_meeting(meeting: Meeting, change: str) -> None:
    """``change``: "placed", "moved" or "dropped" (a replan called it off)."""
    from accounts.models import User

    request = meeting.request
    request_notify(
        users=User.objects.filter(pk__in=people_of(request)),
        kind=MEETING,
        request=request,
        change=change,
        when=timezone.localtime(meeting.slot.start).strftime("%Y-%m-%d %H:%M"),
        place=meeting.place.name,
    )


def meeting_move(
    *, meeting_id: int, by: Any, slot_id: int, place_id: int, swap: bool = False
) -> Meeting:
    """Move a meeting to another slot and place by hand, with the same checks
    as the scheduler: its people free then, a seat free there (or, with
    ``swap``, trade places with the one meeting there)."""
    with transaction.atomic():
        meeting = (
            Meeting.objects.select_related("request", "session")
            .filter(pk=meeting_id)
            .first()
        )
        if meeting is None:
            raise MatchError(_("找不到该会面。"))
        session = MatchSession.objects.select_for_update().get(pk=meeting.session_id)
        require(by, "match.manage", session)
        meeting = Meeting.objects.select_for_update().get(pk=meeting_id)
        if meeting.status != MeetingStatus.SCHEDULED:
            raise MatchError(_("只能调整尚未举行的会面。"))
        slot = MatchSlot.objects.filter(pk=slot_id, session=session).first()
        place = Place.objects.filter(pk=place_id, session=session).first()
        if slot is None or place is None:
            raise MatchError(_("请选择本场对接会的时段和洽谈桌/洽谈室。"))
        if place.kind != meeting.request.place_kind:
            raise MatchError(_("会面方式与洽谈桌/洽谈室类型不符。"))
        if (slot.pk, place.pk) == (meeting.slot_id, meeting.place_id):
            return meeting
        if slot.start <= timezone.now():
            raise MatchError(_("不能把会面移到已经开始的时段。"))
        there = list(
            Meeting.objects.select_for_update()
            .filter(slot=slot, place=place, status__in=MeetingStatus.active_states)
            .exclude(pk=meeting.pk)
        )
        other = None
        if len(there) >= place.capacity:
            if not swap or len(there) != 1:
                raise MatchError(_("该时段的这张洽谈桌/洽谈室已满。"))
            other = there[0]
            if other.status != MeetingStatus.SCHEDULED:
                raise MatchError(_("只能与尚未举行的会面互换。"))
        ignore = [meeting.pk] + ([other.pk] if other else [])
        _people_free(meeting, slot, ignore)
        if other is not None:
            old_slot = MatchSlot.objects.get(pk=meeting.slot_id)
            old_place = Place.objects.get(pk=meeting.place_id)
            if old_place.kind != other.request.place_kind:
                raise MatchError(_("会面方式与洽谈桌/洽谈室类型不符。"))
            _people_free(other, old_slot, ignore)
        try:
            with transaction.atomic():
                moves = [(meeting, slot, place)]
                if other is not None:
                    moves.append((other, old_slot, old_place))
                for m, _s, _p in moves:
                    m.seats.all().delete()
                    Meeting.objects.filter(pk=m.pk).update(seat=1000 + m.pk % 1000)
                for m, s, p in moves:
                    used = set(
                        Meeting.objects.filter(
                            slot=s, place=p, status__in=MeetingStatus.active_states
                        )
                        .exclude(pk__in=ignore)
                        .values_list("seat", flat=True)
                    )
                    m.seat = min(set(range(p.capacity)) - used)
                    m.slot, m.place = s, p
                    if m.published_at is not None:
                        m.sequence += 1
                    m.save()
                    MeetingSeat.objects.bulk_create(
                        MeetingSeat(meeting=m, user_id=uid, slot=s)
                        for uid in sorted(people_of(m.request))
                    )
                    record(m.request, by=by, kind="moved")
                    if m.published_at is not None:
                        _tell_meeting(m, "moved")
        except IntegrityError as exc:
            raise MatchError(_("该时段已有人或洽谈桌被占用，请刷新后重试。")) from exc
    return meeting


def _people_free(meeting: Meeting, slot: MatchSlot, ignore: list[int]) -> None:
    people = people_of(meeting.request)
    busy = busy_slots(
        session=meeting.session,
        user_ids=people,
        slots=[slot],
        ignore_meetings=ignore,
    )
    if any(slot.pk in b for b in busy.values()):
        raise MatchError(_("有出席人在该时段不空闲（已有会面、路演或标记为不可用）。"))
