"""The meeting scheduler, a pure function: no database."""

import random

import pytest

from matchmaking.scheduler import (
    NO_COMMON_SLOT,
    NO_PLACE,
    MeetingRequest,
    Place,
    Placement,
    schedule_greedy,
    schedule_meetings,
    verify_schedule,
)

TABLE = Place(id=1, kind="onsite")
ROOM = Place(id=50, kind="online")


def _request(rid, people, weight=1, **kwargs):
    return MeetingRequest(id=rid, people=frozenset(people), weight=weight, **kwargs)


def _check(result, **problem):
    assert verify_schedule(placements=result.placements, **problem) == []


def test_schedule_meetings_refuses_a_person_in_two_meetings_at_once():
    problem = {
        "requests": [_request(1, {10, 20}, 1), _request(2, {10, 30}, 3)],
        "slots": [1],
        "places": [TABLE, Place(id=2, kind="onsite")],
    }
    result = schedule_meetings(**problem)
    assert result.placements == [Placement(request_id=2, slot=1, place_id=1)]
    assert result.unplaced == {1: NO_PLACE}
    assert result.placed_weight == 3
    assert result.left_with_none == 1  # person 20
    _check(result, **problem)


def test_schedule_meetings_fills_a_place_up_to_its_capacity():
    problem = {
        "requests": [_request(i, {i, 100 + i}) for i in (1, 2, 3)],
        "slots": [7],
        "places": [Place(id=4, kind="onsite", capacity=2)],
    }
    result = schedule_meetings(**problem)
    assert result.placements == [
        Placement(request_id=1, slot=7, place_id=4),
        Placement(request_id=2, slot=7, place_id=4),
    ]
    assert result.unplaced == {3: NO_PLACE}
    _check(result, **problem)


def test_schedule_meetings_respects_availability_and_allowed_slots():
    problem = {
        "requests": [
            _request(1, {10, 20}),
            _request(2, {30, 40}, allowed_slots=frozenset({3})),
            _request(3, {50, 60}, allowed_slots=frozenset({1})),
        ],
        "slots": [1, 2, 3],
        "places": [TABLE, Place(id=2, kind="onsite")],
        "unavailable": {10: frozenset({1}), 20: frozenset({2}), 60: frozenset({1})},
    }
    result = schedule_meetings(**problem)
    assert result.placements == [
        Placement(request_id=1, slot=3, place_id=1),
        Placement(request_id=2, slot=3, place_id=2),
    ]
    assert result.unplaced == {3: NO_COMMON_SLOT}
    _check(result, **problem)


def test_schedule_meetings_gives_the_reason_for_each_unplaced_request():
    problem = {
        "requests": [
            _request(1, {10, 20}, 3),
            _request(2, {10, 30}, 1),
            _request(3, {40, 50}, allowed_slots=frozenset()),
        ],
        "slots": [1],
        "places": [TABLE, Place(id=2, kind="onsite")],
    }
    result = schedule_meetings(**problem)
    assert [p.request_id for p in result.placements] == [1]
    assert result.unplaced == {2: NO_PLACE, 3: NO_COMMON_SLOT}


def test_schedule_meetings_keeps_fixed_meetings_and_plans_around_them():
    fixed_request = _request(9, {10, 20}, 3)
    fixed = [(fixed_request, Placement(request_id=9, slot=1, place_id=1))]
    problem = {
        "requests": [_request(1, {10, 30}, 3), _request(2, {40, 50}, 1)],
        "slots": [1, 2],
        "places": [TABLE],
        "fixed": fixed,
    }
    result = schedule_meetings(**problem)
    # Person 10 and the only table are taken in slot 1 by the fixed meeting.
    assert result.placements == [
        Placement(request_id=1, slot=2, place_id=1),
    ]
    assert result.unplaced == {2: NO_PLACE}
    assert result.left_with_none == 2  # 40 and 50; 10 and 20 meet in slot 1
    _check(result, **problem)


def test_schedule_meetings_sends_each_kind_to_its_own_places():
    problem = {
        "requests": [
            _request(1, {10, 20}, kind="online"),
            _request(2, {30, 40}, kind="onsite"),
        ],
        "slots": [1],
        "places": [ROOM],
    }
    result = schedule_meetings(**problem)
    assert result.placements == [Placement(request_id=1, slot=1, place_id=50)]
    assert result.unplaced == {2: NO_PLACE}
    _check(result, **problem)


def test_schedule_meetings_places_more_weight_than_greedy():
    # Greedy puts the heavier request in the earliest slot, shutting out the
    # second request, which can only be held in that slot.
    problem = {
        "requests": [
            _request(1, {10, 20}, 3),
            _request(2, {10, 30}, 2, allowed_slots=frozenset({1})),
        ],
        "slots": [1, 2],
        "places": [TABLE],
    }
    greedy = schedule_greedy(**problem)
    assert greedy.placed_weight == 3
    assert greedy.unplaced == {2: NO_PLACE}
    result = schedule_meetings(**problem)
    assert result.placements == [
        Placement(request_id=1, slot=2, place_id=1),
        Placement(request_id=2, slot=1, place_id=1),
    ]
    assert (result.placed_weight, result.greedy_weight) == (5, 3)
    assert result.unplaced == {}
    assert result.optimal is True


def test_schedule_meetings_leaves_fewer_people_with_none_at_equal_weight():
    # Greedy (by id) places 1 in slot 1, which blocks 2 (person 20 in slot 1):
    # person 30 has no meeting.  Placing 2 and 3 instead weighs the same and
    # leaves nobody out.
    problem = {
        "requests": [
            _request(1, {10, 20}, 1),
            _request(2, {20, 30}, 1, allowed_slots=frozenset({1})),
            _request(3, {10, 40}, 1, allowed_slots=frozenset({2})),
        ],
        "slots": [1, 2],
        "places": [TABLE],
    }
    greedy = schedule_greedy(**problem)
    assert (greedy.placed_weight, greedy.left_with_none) == (2, 1)
    result = schedule_meetings(**problem)
    assert (result.placed_weight, result.left_with_none) == (2, 0)
    assert result.placements == [
        Placement(request_id=2, slot=1, place_id=1),
        Placement(request_id=3, slot=2, place_id=1),
    ]
    assert result.unplaced == {1: NO_PLACE}


def test_schedule_meetings_with_empty_input_places_nothing():
    result = schedule_meetings(requests=[], slots=[], places=[])
    assert result.placements == []
    assert result.unplaced == {}
    assert (result.placed_weight, result.greedy_weight) == (0, 0)
    assert result.left_with_none == 0


def _generated(*, requests, slots, tables, seed):
    rng = random.Random(seed)
    made, pairs = [], set()
    while len(made) < requests:
        investor, team = rng.randrange(1, 40), rng.randrange(1000, 1060)
        if (investor, team) in pairs:
            continue
        pairs.add((investor, team))
        made.append(_request(len(made) + 1, {investor, team}, rng.choice((1, 3, 4))))
    everyone = sorted({p for r in made for p in r.people})
    return {
        "requests": made,
        "slots": list(range(slots)),
        "places": [Place(id=t, kind="onsite") for t in range(1, tables + 1)],
        "unavailable": {p: frozenset(rng.sample(range(slots), 2)) for p in everyone},
    }


def test_schedule_meetings_is_deterministic():
    problem = _generated(requests=120, slots=6, tables=12, seed=3)
    first = schedule_meetings(**problem)
    second = schedule_meetings(**problem)
    assert first.placements == second.placements
    assert first.unplaced == second.unplaced
    assert first.placed_weight >= first.greedy_weight
    _check(first, **problem)


def test_schedule_meetings_on_a_large_problem_beats_or_equals_greedy():
    # More variables than one whole MIP takes: the LP and slot windows run.
    problem = _generated(requests=500, slots=12, tables=15, seed=5)
    result = schedule_meetings(**problem, time_limit=3.0)
    greedy = schedule_greedy(**problem)
    assert result.method in {"lp", "mip-windows"}
    assert result.greedy_weight == greedy.placed_weight
    assert (result.placed_weight, -result.left_with_none) >= (
        greedy.placed_weight,
        -greedy.left_with_none,
    )
    assert result.weight_bound is not None
    assert result.placed_weight <= result.weight_bound
    _check(result, **problem)


def test_schedule_meetings_without_time_returns_the_greedy_result():
    problem = _generated(requests=120, slots=6, tables=12, seed=4)
    greedy = schedule_greedy(**problem)
    result = schedule_meetings(**problem, time_limit=0)
    assert result.method == "greedy"
    assert result.placements == greedy.placements
    assert result.placed_weight == result.greedy_weight == greedy.placed_weight


def test_schedule_meetings_refuses_a_weight_that_is_not_positive():
    with pytest.raises(ValueError, match="weight must be > 0"):
        schedule_meetings(
            requests=[_request(1, {10, 20}, 0)], slots=[1], places=[TABLE]
        )


def test_verify_schedule_finds_double_bookings_and_wrong_places():
    requests = [
        _request(1, {10, 20}),
        _request(2, {10, 30}),
        _request(3, {40, 50}, kind="online"),
    ]
    fixed = [(_request(9, {60, 70}), Placement(request_id=9, slot=1, place_id=1))]
    placements = [
        Placement(request_id=1, slot=1, place_id=1),
        Placement(request_id=2, slot=1, place_id=2),
        Placement(request_id=3, slot=2, place_id=2),
        Placement(request_id=9, slot=2, place_id=1),
    ]
    assert verify_schedule(
        requests=requests,
        slots=[1, 2],
        places=[TABLE, Place(id=2, kind="onsite")],
        placements=placements,
        fixed=fixed,
        unavailable={50: frozenset({2})},
    ) == [
        "wrong_kind: request 3 (online) at 2",
        "unavailable: person 50 in slot 2",
        "fixed_moved: request 9 is fixed",
        "double_booked_person: person 10 in slot 1: [1, 2]",
        "over_capacity: place 1 in slot 1: [1, 9]",
    ]
