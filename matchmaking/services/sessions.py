"""Sessions: their slots (made from the times), places, and the slots a
participant blocks."""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from events.models import Roadshow

from ..enums import MeetingStatus, PlaceKind
from ..models import BlockedSlot, MatchSession, MatchSlot, Meeting, Place
from ..video import video_link
from .base import MatchError, require

MAX_SLOTS = 60
MAX_PLACES = 500
SETTINGS = (
    "starts_at",
    "ends_at",
    "slot_minutes",
    "gap_minutes",
    "pause_start",
    "pause_end",
    "requests_open",
    "requests_close",
    "expiry_hours",
    "investor_quota",
    "team_quota",
    "pitch_buffer_minutes",
)
TIMES = (
    "starts_at",
    "ends_at",
    "slot_minutes",
    "gap_minutes",
    "pause_start",
    "pause_end",
)


def slot_times(session: MatchSession) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots that fit between the session's start and end, a gap after
    each, none overlapping the pause."""
    length = dt.timedelta(minutes=session.slot_minutes)
    step = length + dt.timedelta(minutes=session.gap_minutes)
    times = []
    at = session.starts_at
    while at + length <= session.ends_at:
        end = at + length
        paused = (
            session.pause_start is not None
            and session.pause_end is not None
            and at < session.pause_end
            and end > session.pause_start
        )
        if paused:
            at = max(at + step, session.pause_end)
            continue
        times.append((at, end))
        at += step
    return times


def _check_settings(session: MatchSession, roadshow: Roadshow) -> None:
    if session.starts_at >= session.ends_at:
        raise MatchError(_("对接结束时间必须晚于开始时间。"))
    if session.slot_minutes < 5 or session.slot_minutes > 240:
        raise MatchError(_("每场时长应在 5 至 240 分钟之间。"))
    if session.gap_minutes > 120:
        raise MatchError(_("场间休息不能超过 120 分钟。"))
    if (session.pause_start is None) != (session.pause_end is None):
        raise MatchError(_("午休的开始和结束时间需同时填写。"))
    if session.pause_start and session.pause_start >= session.pause_end:
        raise MatchError(_("午休结束时间必须晚于开始时间。"))
    if session.ends_at - session.starts_at > dt.timedelta(days=3):
        raise MatchError(_("一场对接会不能超过 3 天。"))
    if (
        session.requests_open
        and session.requests_close
        and session.requests_open >= session.requests_close
    ):
        raise MatchError(_("预约截止时间必须晚于预约开始时间。"))
    if session.requests_close and session.requests_close > session.ends_at:
        raise MatchError(_("预约截止时间不能晚于对接结束时间。"))
    if not 1 <= session.expiry_hours <= 24 * 30:
        raise MatchError(_("请求有效期应在 1 小时至 30 天之间。"))
    if session.investor_quota < 1 or session.team_quota < 1:
        raise MatchError(_("每家机构的请求上限至少为 1。"))
    count = len(slot_times(session))
    if count == 0:
        raise MatchError(_("对接时间内排不下任何一场，请调整时间或每场时长。"))
    if count > MAX_SLOTS:
        raise MatchError(
            _("对接时段不能超过 %(n)d 个，请缩短时间或加长每场时长。")
            % {"n": MAX_SLOTS}
        )


def _make_slots(session: MatchSession) -> None:
    MatchSlot.objects.bulk_create(
        MatchSlot(session=session, index=i, start=start, end=end)
        for i, (start, end) in enumerate(slot_times(session))
    )


def _make_places(session: MatchSession, *, tables: int, capacity: int, rooms: int):
    if tables < 0 or rooms < 0 or tables + rooms > MAX_PLACES:
        raise MatchError(
            _("洽谈桌和线上洽谈室合计应在 1 至 %(n)d 之间。") % {"n": MAX_PLACES}
        )
    if tables + rooms == 0:
        raise MatchError(_("请至少设置一张洽谈桌或一个线上洽谈室。"))
    if not 1 <= capacity <= 20:
        raise MatchError(_("每张洽谈桌同时可进行的会面数应在 1 至 20 之间。"))
    places = [
        Place(
            session=session,
            kind=PlaceKind.ONSITE,
            name=_("%(n)d号桌") % {"n": n},
            capacity=capacity,
        )
        for n in range(1, tables + 1)
    ] + [
        Place(
            session=session,
            kind=PlaceKind.ONLINE,
            name=_("线上洽谈室%(n)d") % {"n": n},
        )
        for n in range(1, rooms + 1)
    ]
    Place.objects.bulk_create(places)


def session_create(
    *,
    roadshow: Roadshow,
    by: Any,
    tables: int,
    table_capacity: int = 1,
    online_rooms: int = 0,
    **fields: Any,
) -> MatchSession:
    """A roadshow's matchmaking session, its slots and its places."""
    require(by, "roadshow.manage", roadshow)
    unknown = set(fields) - set(SETTINGS)
    if unknown:
        raise TypeError(f"unknown session settings: {sorted(unknown)}")
    session = MatchSession(roadshow=roadshow, created_by=by, **fields)
    _check_settings(session, roadshow)
    try:
        with transaction.atomic():
            session.save()
            _make_slots(session)
            _make_places(
                session, tables=tables, capacity=table_capacity, rooms=online_rooms
            )
    except IntegrityError as exc:
        raise MatchError(_("该路演已有对接会。")) from exc
    return session


def session_update(*, session_id: int, by: Any, **fields: Any) -> MatchSession:
    """New settings; the slots are remade when the times change, which is
    refused once people have blocked slots or meetings are placed."""
    with transaction.atomic():
        session = MatchSession.objects.select_for_update().get(pk=session_id)
        require(by, "match.manage", session)
        before = {name: getattr(session, name) for name in TIMES}
        for name, value in fields.items():
            if name not in SETTINGS:
                raise TypeError(f"unknown session setting: {name}")
            setattr(session, name, value)
        _check_settings(session, session.roadshow)
        times_changed = any(getattr(session, n) != before[n] for n in TIMES)
        if times_changed:
            in_use = (
                Meeting.objects.filter(session=session).exists()
                or BlockedSlot.objects.filter(slot__session=session).exists()
                or session.requests.filter(preferred_slots__isnull=False).exists()
            )
            if in_use and [(s.start, s.end) for s in session.slots.all()] != slot_times(
                session
            ):
                raise MatchError(
                    _(
                        "已有会面、不可用时段或希望时段引用现有时段，不能再修改对接时间。"
                    )
                )
            session.slots.all().delete()
            _make_slots(session)
        session.save()
    return session


def place_add(
    *, session_id: int, by: Any, kind: str, name: str, capacity: int = 1
) -> Place:
    name = (name or "").strip()
    if kind not in PlaceKind.values:
        raise MatchError(_("请选择洽谈桌或线上洽谈室。"))
    if not name or len(name) > 40:
        raise MatchError(_("名称不能为空，且不超过 40 个字符。"))
    if not 1 <= capacity <= 20:
        raise MatchError(_("同时可进行的会面数应在 1 至 20 之间。"))
    with transaction.atomic():
        session = MatchSession.objects.select_for_update().get(pk=session_id)
        require(by, "match.manage", session)
        if session.places.count() >= MAX_PLACES:
            raise MatchError(
                _("洽谈桌和线上洽谈室合计不能超过 %(n)d。") % {"n": MAX_PLACES}
            )
        if session.places.filter(name=name).exists():
            raise MatchError(_("已有同名的洽谈桌或洽谈室。"))
        return Place.objects.create(
            session=session, kind=kind, name=name, capacity=capacity
        )


def _managed_place(*, place_id: int, session_id: int, by: Any) -> Place:
    """A place of the session, for an organizer, with the session's row
    locked until the transaction ends."""
    session = MatchSession.objects.select_for_update().get(pk=session_id)
    require(by, "match.manage", session)
    place = session.places.filter(pk=place_id).first()
    if place is None:
        raise MatchError(_("找不到该洽谈桌或洽谈室。"))
    return place


def place_remove(*, place_id: int, session_id: int, by: Any) -> None:
    with transaction.atomic():
        place = _managed_place(place_id=place_id, session_id=session_id, by=by)
        if place.meetings.exists():
            # Cancelled ones too: their history (and deals) keep the place.
            raise MatchError(_("这里安排过会面，不能删除；请先移走会面。"))
        place.delete()


def place_video_set(*, place_id: int, session_id: int, by: Any, url: str) -> Place:
    """An online room's standing video link (empty: none), the default link
    of every meeting held there."""
    url = video_link(url)
    with transaction.atomic():
        place = _managed_place(place_id=place_id, session_id=session_id, by=by)
        if url and place.kind != PlaceKind.ONLINE:
            raise MatchError(_("只有线上洽谈室可以设置视频会议链接。"))
        if url and place.capacity != 1:
            raise MatchError(_("同时进行多场会面的洽谈室不能共用一个视频会议链接。"))
        place.video_url = url
        place.save(update_fields=["video_url"])
    return place


def slot_block(*, user: Any, slot: MatchSlot, blocked: bool) -> None:
    """A participant marks a slot they cannot attend (or frees it again);
    refused while they have a meeting in it."""
    if not (user is not None and user.is_authenticated):
        raise MatchError(_("请先登录。"))
    with transaction.atomic():
        if not blocked:
            BlockedSlot.objects.filter(user=user, slot=slot).delete()
            return
        held = Meeting.objects.filter(
            slot=slot, seats__user=user, status__in=MeetingStatus.active_states
        )
        if held.filter(published_at__isnull=False).exists():
            raise MatchError(_("您在该时段已有会面，请先取消或调整会面。"))
        # A draft of the schedule (not published, so nobody was told) gives
        # way: the next run places it elsewhere.
        for draft in held.filter(published_at__isnull=True):
            draft.request.unplaced_reason = ""
            draft.request.save(update_fields=["unplaced_reason"])
            draft.delete()
        BlockedSlot.objects.get_or_create(user=user, slot=slot)
