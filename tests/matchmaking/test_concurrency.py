"""Double booking under real concurrency (PostgreSQL): the database keeps a
person and a place to one meeting per slot, whichever path writes."""

import pytest
from django.db import IntegrityError, transaction

from events.models import Slot
from matchmaking.enums import Direction, RequestStatus
from matchmaking.models import Meeting, MeetingRequest, MeetingSeat
from matchmaking.services import (
    MatchError,
    request_accept,
    request_create,
    schedule_publish,
    schedule_run,
    slot_block,
)
from tests.concurrency import race
from tests.factories import make_achievement, make_user
from tests.factories.matchmaking import make_market

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _two_requests(market):
    """The fund asks two teams; its only free slot is slots[4]."""
    other = make_achievement(owner=market["other"], state="public")
    Slot.objects.create(
        roadshow=market["roadshow"], kind="pitch", achievement=other, position=2
    )
    colleague = make_user(role="team", org=market["other"])
    for slot in market["slots"]:
        if slot != market["slots"][4]:
            slot_block(user=market["investor"], slot=slot, blocked=True)
    requests = [
        request_create(
            by=market["investor"],
            session=market["session"],
            achievement=achievement,
            investor_org=market["fund"],
            direction=Direction.TO_TEAM,
        )
        for achievement in (market["achievement"], other)
    ]
    return requests, [market["team"], colleague]


def test_two_accepts_racing_for_the_last_free_slot_place_one(roles):
    market = make_market(roles)
    schedule_publish(session_id=market["session"].pk, by=market["organizer"])
    requests, teams = _two_requests(market)
    results = race(
        [
            (lambda r=r, t=t: request_accept(request_id=r.pk, by=t))
            for r, t in zip(requests, teams, strict=True)
        ]
    )
    refused = [r for r in results if isinstance(r, MatchError)]
    accepted = [r for r in results if isinstance(r, MeetingRequest)]
    assert (len(accepted), len(refused)) == (1, 1), results
    assert "没有" in str(refused[0])
    statuses = sorted(MeetingRequest.objects.values_list("status", flat=True))
    assert statuses == [RequestStatus.ACCEPTED, RequestStatus.PENDING]
    meeting = Meeting.objects.get()
    assert meeting.slot == market["slots"][4]
    assert MeetingSeat.objects.filter(user=market["investor"]).count() == 1


def test_two_scheduling_runs_at_once_place_each_meeting_once(roles):
    market = make_market(roles)
    requests, teams = _two_requests(market)
    for slot in market["slots"][5:]:
        slot_block(user=market["investor"], slot=slot, blocked=False)
    for request, team in zip(requests, teams, strict=True):
        request_accept(request_id=request.pk, by=team)
    session_id = market["session"].pk
    results = race(
        [
            (lambda: schedule_run(session_id=session_id, by=market["organizer"]))
            for _ in range(3)
        ]
    )
    refused = [r for r in results if isinstance(r, MatchError)]
    assert all("正在编排" in str(r) for r in refused)
    assert len(refused) < 3
    assert Meeting.objects.count() == 2
    slots = list(
        MeetingSeat.objects.filter(user=market["investor"]).values_list(
            "slot_id", flat=True
        )
    )
    assert len(slots) == len(set(slots)) == 2


def test_a_second_seat_for_a_person_in_a_slot_is_refused_by_the_database(roles):
    market = make_market(roles)
    requests, teams = _two_requests(market)
    for slot in market["slots"][5:]:
        slot_block(user=market["investor"], slot=slot, blocked=False)
    for request, team in zip(requests, teams, strict=True):
        request_accept(request_id=request.pk, by=team)
    schedule_run(session_id=market["session"].pk, by=market["organizer"])
    first, second = Meeting.objects.order_by("slot__start")
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingSeat.objects.create(
            meeting=second, user=market["investor"], slot=first.slot
        )


def test_a_run_racing_accepts_never_overfills_a_table(roles):
    """Accepts land in the published schedule while a replan runs: whichever
    commits second either fits or is refused whole, never a table over its
    capacity nor a person twice."""
    from matchmaking.enums import MeetingStatus
    from matchmaking.services import place_remove

    market = make_market(roles, tables=1)
    session = market["session"]
    online = session.places.filter(kind="online").first()
    place_remove(place_id=online.pk, session_id=session.pk, by=market["organizer"])
    requests, teams = _two_requests(market)
    for slot in market["slots"][2:]:
        slot_block(user=market["investor"], slot=slot, blocked=False)
    request_accept(request_id=requests[0].pk, by=teams[0])
    schedule_run(session_id=session.pk, by=market["organizer"])
    schedule_publish(session_id=session.pk, by=market["organizer"])
    results = race(
        [
            lambda: schedule_run(
                session_id=session.pk, by=market["organizer"], replan=True
            ),
            lambda: request_accept(request_id=requests[1].pk, by=teams[1]),
        ]
    )
    assert all(
        r is None or isinstance(r, MatchError | MeetingRequest) or hasattr(r, "placed")
        for r in results
    ), results
    active = Meeting.objects.filter(status__in=MeetingStatus.active_states)
    per_cell = {}
    for slot_id, place_id in active.values_list("slot_id", "place_id"):
        per_cell[(slot_id, place_id)] = per_cell.get((slot_id, place_id), 0) + 1
    assert max(per_cell.values()) == 1
    seats = list(MeetingSeat.objects.values_list("user_id", "slot_id"))
    assert len(seats) == len(set(seats))
