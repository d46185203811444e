import pytest
from django.utils import timezone

from matchmaking.enums import Direction, MeetingStatus, RequestStatus
from matchmaking.models import BlockedSlot, MatchSession, Meeting, MeetingSeat
from matchmaking.services import (
    MatchError,
    meeting_move,
    request_accept,
    request_cancel,
    request_create,
    schedule_publish,
    schedule_run,
    slot_block,
)
from tests.factories import make_achievement, make_user
from tests.factories.matchmaking import make_market


@pytest.fixture
def market(roles):
    return make_market(roles)


def _accepted(market, *, by="investor", org="fund", achievement=None):
    request = request_create(
        by=market[by],
        session=market["session"],
        achievement=achievement or market["achievement"],
        investor_org=market[org],
        direction=Direction.TO_TEAM,
    )
    request_accept(
        request_id=request.pk, by=market["team"], attendee_ids=[market["team"].pk]
    )
    return request


def test_run_places_drafts_that_nobody_sees_until_published(market):
    request = _accepted(market)
    summary = schedule_run(session_id=market["session"].pk, by=market["organizer"])
    assert (summary.placed, summary.unplaced) == (1, {})
    meeting = Meeting.objects.get(request=request)
    assert meeting.published_at is None
    # The team pitches first: its member's slots around the pitch are blocked
    # (14:00–14:15 pitch, 15 minutes' buffer), so the meeting is at 14:50.
    assert timezone.localtime(meeting.slot.start).strftime("%H:%M") == "14:50"
    assert (
        schedule_publish(session_id=market["session"].pk, by=market["organizer"]) == 1
    )
    meeting.refresh_from_db()
    assert meeting.published_at is not None
    assert sorted(MeetingSeat.objects.values_list("user_id", flat=True)) == sorted(
        [market["investor"].pk, market["team"].pk]
    )


def test_run_respects_blocked_slots(market):
    slots = market["slots"]
    for slot in slots[2:6]:
        slot_block(user=market["investor"], slot=slot, blocked=True)
    request = _accepted(market)
    schedule_run(session_id=market["session"].pk, by=market["organizer"])
    assert Meeting.objects.get(request=request).slot == slots[6]


def test_run_lists_what_it_cannot_place_with_why(market):
    for slot in market["slots"]:
        if not BlockedSlot.objects.filter(user=market["investor"], slot=slot):
            slot_block(user=market["investor"], slot=slot, blocked=True)
    # Accepting needs a common free slot: refused while there is none.
    request = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction=Direction.TO_TEAM,
    )
    with pytest.raises(MatchError, match="没有共同的空闲时段"):
        request_accept(request_id=request.pk, by=market["team"])
    slot_block(user=market["investor"], slot=market["slots"][5], blocked=False)
    request_accept(request_id=request.pk, by=market["team"])
    slot_block(user=market["investor"], slot=market["slots"][5], blocked=True)
    summary = schedule_run(session_id=market["session"].pk, by=market["organizer"])
    assert summary.unplaced == {request.pk: "no_common_slot"}
    request.refresh_from_db()
    assert request.unplaced_reason == "no_common_slot"
    assert not Meeting.objects.filter(request=request).exists()


def test_run_keeps_published_meetings_where_they_are(market):
    first = _accepted(market)
    session_id = market["session"].pk
    schedule_run(session_id=session_id, by=market["organizer"])
    schedule_publish(session_id=session_id, by=market["organizer"])
    kept = Meeting.objects.get(request=first)
    other = make_achievement(owner=market["owner"], state="public")
    second = _accepted(market, by="enterprise", org="enterprise_org", achievement=other)
    # Published: the accept placed it at once, beside the kept one.
    placed = Meeting.objects.get(request=second)
    assert placed.published_at is not None
    assert placed.slot != kept.slot  # the team member is in both
    summary = schedule_run(session_id=session_id, by=market["organizer"])
    assert (summary.kept, summary.placed, summary.moved) == (2, 0, 0)
    assert Meeting.objects.get(request=first).slot == kept.slot


def test_second_run_while_one_runs_is_refused(market):
    _accepted(market)
    MatchSession.objects.filter(pk=market["session"].pk).update(
        scheduling_since=timezone.now()
    )
    with pytest.raises(MatchError, match="另一位组织方正在编排"):
        schedule_run(session_id=market["session"].pk, by=market["organizer"])
    assert Meeting.objects.count() == 0


def test_run_by_a_non_organizer_is_forbidden(market):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        schedule_run(session_id=market["session"].pk, by=market["team"])


def test_move_bumps_the_sequence_and_refuses_a_busy_person(market):
    request = _accepted(market)
    session_id = market["session"].pk
    schedule_run(session_id=session_id, by=market["organizer"])
    schedule_publish(session_id=session_id, by=market["organizer"])
    meeting = Meeting.objects.get(request=request)
    table = meeting.place
    slots = market["slots"]
    # The team member pitches in the first slots.
    with pytest.raises(MatchError, match="不空闲"):
        meeting_move(
            meeting_id=meeting.pk,
            by=market["organizer"],
            slot_id=slots[0].pk,
            place_id=table.pk,
        )
    moved = meeting_move(
        meeting_id=meeting.pk,
        by=market["organizer"],
        slot_id=slots[4].pk,
        place_id=table.pk,
    )
    assert (moved.slot, moved.sequence) == (slots[4], 1)
    assert set(MeetingSeat.objects.values_list("slot_id", flat=True)) == {slots[4].pk}


def test_move_onto_a_full_table_is_refused_unless_swapped(market):
    session_id = market["session"].pk
    first = _accepted(market)
    other = make_achievement(owner=market["other"], state="public")
    from events.models import Slot

    Slot.objects.create(
        roadshow=market["roadshow"], kind="pitch", achievement=other, position=2
    )
    colleague = make_user(role="team", org=market["other"])
    second = request_create(
        by=market["enterprise"],
        session=market["session"],
        achievement=other,
        investor_org=market["enterprise_org"],
        direction=Direction.TO_TEAM,
    )
    request_accept(request_id=second.pk, by=colleague)
    schedule_run(session_id=session_id, by=market["organizer"])
    a = Meeting.objects.get(request=first)
    b = Meeting.objects.get(request=second)
    target = {"slot_id": b.slot_id, "place_id": b.place_id}
    if (a.slot_id, a.place_id) == (b.slot_id, b.place_id):
        pytest.fail("two meetings at one seat")
    if a.slot_id == b.slot_id:
        # Same slot, other table: moving a onto b's table is a full table.
        with pytest.raises(MatchError, match="已满"):
            meeting_move(meeting_id=a.pk, by=market["organizer"], **target)
    swapped = meeting_move(meeting_id=a.pk, by=market["organizer"], swap=True, **target)
    b.refresh_from_db()
    assert (swapped.slot_id, swapped.place_id) == (
        target["slot_id"],
        target["place_id"],
    )
    assert b.place_id != swapped.place_id or b.slot_id != swapped.slot_id


def test_cancel_frees_the_people_and_cancels_a_published_meeting(market):
    request = _accepted(market)
    session_id = market["session"].pk
    schedule_run(session_id=session_id, by=market["organizer"])
    schedule_publish(session_id=session_id, by=market["organizer"])
    request_cancel(request_id=request.pk, by=market["investor"])
    meeting = Meeting.objects.get(request=request)
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert MeetingSeat.objects.count() == 0
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_replan_moves_a_published_meeting_and_tells_its_people(
    market, django_capture_on_commit_callbacks
):
    from django.core import mail

    market["investor"].email = "inv@example.com"
    market["investor"].save()
    request = _accepted(market)
    session_id = market["session"].pk
    schedule_run(session_id=session_id, by=market["organizer"])
    schedule_publish(session_id=session_id, by=market["organizer"])
    meeting = Meeting.objects.get(request=request)
    slot_block(user=market["investor"], slot=market["slots"][6], blocked=True)
    # The investor cannot block the meeting's own slot...
    with pytest.raises(MatchError, match="已有会面"):
        slot_block(user=market["investor"], slot=meeting.slot, blocked=True)
    # ...but a replan puts published meetings back in play: a kept slot
    # stays (same place, same sequence).
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        summary = schedule_run(
            session_id=session_id, by=market["organizer"], replan=True
        )
    assert (summary.kept, summary.moved, summary.placed) == (0, 0, 0)
    kept = Meeting.objects.get(request=request)
    assert (kept.slot, kept.sequence, kept.uid) == (meeting.slot, 0, meeting.uid)
    assert mail.outbox == []
    # A colleague's pitch now takes that time: the replan moves it and says so.
    from events.models import Slot as PitchSlot

    PitchSlot.objects.filter(roadshow=market["roadshow"]).update(duration_minutes=60)
    with django_capture_on_commit_callbacks(execute=True):
        summary = schedule_run(
            session_id=session_id, by=market["organizer"], replan=True
        )
    moved = Meeting.objects.get(request=request)
    assert (summary.moved, moved.sequence, moved.uid) == (1, 1, meeting.uid)
    assert moved.slot != meeting.slot
    assert [m.to for m in mail.outbox] == [["inv@example.com"]]
    assert "会面时间已调整" in mail.outbox[0].subject
