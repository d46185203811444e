"""Placeholder until the optimiser lands: the greedy baseline only."""

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingRequest:
    id: int
    people: frozenset[int]
    weight: int
    kind: str = "onsite"
    allowed_slots: frozenset[int] | None = None


@dataclass(frozen=True)
class Place:
    id: int
    kind: str
    capacity: int = 1


@dataclass(frozen=True)
class Placement:
    request_id: int
    slot: int
    place_id: int


@dataclass
class ScheduleResult:
    placements: list[Placement]
    unplaced: dict[int, str]
    placed_weight: int
    greedy_weight: int
    left_with_none: int
    seconds: float
    method: str


def schedule_meetings(
    *,
    requests: Sequence[MeetingRequest],
    slots: Sequence[int],
    places: Sequence[Place],
    fixed: Sequence[tuple[MeetingRequest, Placement]] = (),
    unavailable: Mapping[int, frozenset[int]] | None = None,
    time_limit: float = 4.0,
) -> ScheduleResult:
    started = time.perf_counter()
    unavailable = unavailable or {}
    busy = {}
    load = {}
    for request, placement in fixed:
        for person in request.people:
            busy.setdefault(person, set()).add(placement.slot)
        load[(placement.place_id, placement.slot)] = (
            load.get((placement.place_id, placement.slot), 0) + 1
        )
    placements, unplaced, weight = [], {}, 0
    for request in sorted(requests, key=lambda r: (-r.weight, r.id)):
        allowed = [
            s
            for s in slots
            if (request.allowed_slots is None or s in request.allowed_slots)
            and not any(s in unavailable.get(p, ()) for p in request.people)
        ]
        if not allowed:
            unplaced[request.id] = "no_common_slot"
            continue
        done = False
        for s in allowed:
            if any(s in busy.get(p, ()) for p in request.people):
                continue
            for place in places:
                if place.kind != request.kind:
                    continue
                if load.get((place.id, s), 0) >= place.capacity:
                    continue
                load[(place.id, s)] = load.get((place.id, s), 0) + 1
                for p in request.people:
                    busy.setdefault(p, set()).add(s)
                placements.append(Placement(request.id, s, place.id))
                weight += request.weight
                done = True
                break
            if done:
                break
        if not done:
            unplaced[request.id] = "no_place"
    people = {p for r in requests for p in r.people} | {
        p for r, _ in fixed for p in r.people
    }
    return ScheduleResult(
        placements=placements,
        unplaced=unplaced,
        placed_weight=weight,
        greedy_weight=weight,
        left_with_none=len(people - set(busy)),
        seconds=time.perf_counter() - started,
        method="greedy",
    )
