"""Meeting scheduler: accepted requests → (slot, place), as a pure function.

No Django here: the service hands in plain values and stores what comes back,
and the benchmark (bench/matchmaking.py) and the tests call it directly.

The model.  x[r, s] = 1 when request r is held in slot s, with a variable only
where all of r's people are free (their own blocked slots, the request's
allowed slots, the fixed meetings) and r's kind of place has room left.  Each
request is held at most once; each person is in at most one meeting a slot;
per kind and slot at most as many meetings as the places left hold.  Places of
one kind are interchangeable within a slot, so the model counts them and the
concrete tables or rooms are handed out afterwards, in id order.  y[p] ≤ the
sum of person p's x: p meets someone.  Maximise weight × (P + 1) + Σ y, P the
number of y: as Σ y ≤ P this is exactly lexicographic, first the weight placed,
then the fewest people with a request left with no meeting.

The method, chosen by measurement (4,000 requests, 300 investors, 400 teams,
20 slots, on this project's 2-core machines; see bench/matchmaking.py):
1. The greedy baseline: highest weight first, earliest common free slot.
2. Up to WHOLE_MODEL_COLUMNS variables, the whole model as one MIP in HiGHS,
   started from the greedy placement, within the time limit.
3. Above that, HiGHS's dual simplex solves the LP relaxation of the whole
   model in a second thread (HiGHS releases the GIL), alone for LP_HEAD_START
   seconds, then beside this thread, which re-plans windows of WINDOW_SLOTS
   slots, each an exact MIP in which the meetings outside the window stay and
   the unplaced requests may come in, started from the current plan, so never
   worse.  An LP optimum that
   comes out integral is the optimum and is returned ("lp"); a fractional one
   gives the bound at which the windows stop.  Otherwise the windows run until
   MAX_WINDOWS, two passes without gain, or the time limit ("mip-windows").

Measured: the LP's optimal vertex was integral on the tight (60 tables, 40% of
slots blocked) and skewed (a few investors wanted by many) families, in 0.3-0.8
s and 0.7-1.2 s alone (1-4 s beside the windows on a busy machine), as the
shared notes' remark that the relaxation was integral on every instance
measured suggested (seeds 1-3 alike, one of them fractional on skewed, where
the windows then reached the LP's bound). Greedy placed 99.65% and 99.94% of
that optimum and left 161 and 73 people with a request but no meeting, against
99 and 53 at the optimum. The monolithic MIP proves the same optima only in
9-17 s and 14-37 s. On the uniform family (tables plentiful, 52,000 variables)
neither the LP nor the MIP's root finishes in 30 s (the MIP's root took 80-270
s), and there the windows carry it: greedy 9,168, the scheduler 9,221-9,226 in
3-4 s, against an LP bound of 9,231 (99.88-99.95%), and nobody left with none
(greedy: 10). Windows of 3-5 slots did equally well, 6 too slow; without
presolve a window takes 0.03-0.15 s, with it 0.2-0.4 s. OR-Tools CP-SAT
warm-started from greedy did not improve on greedy in 30 s (shared notes),
hence HiGHS alone.

Determinism: work limits end the search, not the clock: the LP may take
LP_ITERATIONS_PER_COLUMN simplex iterations per variable, the windows come in a
seeded order, at most MAX_WINDOWS of them, and HiGHS runs on one thread with a
fixed seed.  So the same input gives the same schedule whenever those limits
end it, as on tight and skewed (the LP) and every small instance.  The time
limit is a backstop; on a busy machine it can cut the uniform family's windows
short (5-8 of 10 done in 4 s with both cores shared), and then how far they got
depends on the machine.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

ONSITE = "onsite"
ONLINE = "online"
NO_COMMON_SLOT = "no_common_slot"
NO_PLACE = "no_place"


@dataclass(frozen=True)
class MeetingRequest:
    id: int
    # User ids of everyone attending, both sides: a person is in one meeting a slot.
    people: frozenset[int]
    # Priority, > 0 (the service computes it: must-meet 3, would-like 1, a mutual
    # request sums both sides).
    weight: int
    # Which kind of place it needs: "onsite" (a table) or "online" (an online room).
    kind: str = ONSITE
    # Slots both sides may use (None = all); blocked slots are already removed.
    allowed_slots: frozenset[int] | None = None


@dataclass(frozen=True)
class Place:
    """A table (kind onsite) or an online room (kind online)."""

    id: int
    kind: str
    capacity: int = 1  # meetings at once in this place per slot


@dataclass(frozen=True)
class Placement:
    request_id: int
    slot: int
    place_id: int


@dataclass
class ScheduleResult:
    placements: list[Placement]  # new placements only (not the fixed ones)
    # request id -> NO_COMMON_SLOT (no slot where all its people are free and
    # allowed, ignoring other new requests) or NO_PLACE (such slots exist, but
    # places or people were taken by other meetings).
    unplaced: dict[int, str]
    placed_weight: int
    greedy_weight: int
    left_with_none: int  # people with ≥1 request (new or fixed) in no meeting
    seconds: float
    method: str  # "greedy", "lp", "mip", ... for the record
    # The solver's proven upper bound on the placed weight, when it gave one.
    weight_bound: int | None = None
    # Proven best for the lexicographic objective (weight, then people met).
    optimal: bool = False


# --------------------------------------------------------------------------
# The problem, prepared once: candidate slots per request, capacities left.


@dataclass
class _Problem:
    requests: list[MeetingRequest]  # sorted by id
    slots: list[int]
    # Per request: indexes (into slots) where all its people are free and allowed
    # and its kind has a place left after the fixed meetings.
    candidates: list[list[int]]
    # Per request: whether some slot has all its people free and allowed.
    has_common_slot: list[bool]
    capacity: dict[tuple[str, int], int]  # (kind, slot index) -> meetings left
    place_left: dict[tuple[int, int], int]  # (place id, slot index) -> left
    places_by_kind: dict[str, list[Place]]  # sorted by id
    fixed_people: frozenset[int]
    people: frozenset[int]  # everyone with a request, new or fixed


def _prepare(
    *,
    requests: Sequence[MeetingRequest],
    slots: Sequence[int],
    places: Sequence[Place],
    fixed: Sequence[tuple[MeetingRequest, Placement]],
    unavailable: Mapping[int, frozenset[int]] | None,
) -> _Problem:
    slot_list = list(slots)
    if len(set(slot_list)) != len(slot_list):
        raise ValueError("slots must be distinct")
    slot_index = {s: i for i, s in enumerate(slot_list)}
    ordered = sorted(requests, key=lambda r: r.id)
    ids = [r.id for r in ordered] + [r.id for r, _ in fixed]
    if len(set(ids)) != len(ids):
        raise ValueError("request ids must be distinct (new and fixed together)")
    for r in ordered:
        if r.weight <= 0:
            raise ValueError(f"request {r.id}: weight must be > 0")
        if not r.people:
            raise ValueError(f"request {r.id}: no people")
    place_by_id = {p.id: p for p in places}
    if len(place_by_id) != len(places):
        raise ValueError("place ids must be distinct")

    busy: dict[int, set[int]] = defaultdict(set)
    for person, blocked in (unavailable or {}).items():
        busy[person].update(slot_index[s] for s in blocked if s in slot_index)
    place_left = {(p.id, i): p.capacity for p in places for i in range(len(slot_list))}
    fixed_people: set[int] = set()
    for request, placement in fixed:
        if placement.slot not in slot_index or placement.place_id not in place_by_id:
            raise ValueError(f"fixed request {request.id}: unknown slot or place")
        i = slot_index[placement.slot]
        place_left[placement.place_id, i] -= 1
        for person in request.people:
            busy[person].add(i)
        fixed_people |= request.people
    places_by_kind: dict[str, list[Place]] = defaultdict(list)
    for p in sorted(places, key=lambda p: p.id):
        places_by_kind[p.kind].append(p)
    capacity = {
        (kind, i): sum(max(place_left[p.id, i], 0) for p in kind_places)
        for kind, kind_places in places_by_kind.items()
        for i in range(len(slot_list))
    }

    candidates, has_common_slot = [], []
    for r in ordered:
        blocked = set().union(*(busy[p] for p in r.people if p in busy))
        free = [
            i
            for i, s in enumerate(slot_list)
            if i not in blocked and (r.allowed_slots is None or s in r.allowed_slots)
        ]
        has_common_slot.append(bool(free))
        candidates.append([i for i in free if capacity.get((r.kind, i), 0) > 0])
    people = set(fixed_people)
    for r in ordered:
        people |= r.people
    return _Problem(
        requests=ordered,
        slots=slot_list,
        candidates=candidates,
        has_common_slot=has_common_slot,
        capacity=capacity,
        place_left=place_left,
        places_by_kind=dict(places_by_kind),
        fixed_people=frozenset(fixed_people),
        people=frozenset(people),
    )


# An assignment: request index (into problem.requests) -> slot index.
_Assignment = dict[int, int]


def _weight(problem: _Problem, assignment: _Assignment) -> int:
    return sum(problem.requests[k].weight for k in assignment)


def _left_with_none(problem: _Problem, assignment: _Assignment) -> int:
    met = set(problem.fixed_people)
    for k in assignment:
        met |= problem.requests[k].people
    return len(problem.people - met)


def _score(problem: _Problem, assignment: _Assignment) -> tuple[int, int]:
    """The lexicographic objective, larger is better."""
    return _weight(problem, assignment), -_left_with_none(problem, assignment)


def _greedy(problem: _Problem) -> _Assignment:
    """Highest weight first (ties by id), earliest common free slot."""
    taken: set[tuple[int, int]] = set()  # (person, slot index)
    used: dict[tuple[str, int], int] = defaultdict(int)
    assignment: _Assignment = {}
    order = sorted(
        range(len(problem.requests)),
        key=lambda k: (-problem.requests[k].weight, problem.requests[k].id),
    )
    for k in order:
        r = problem.requests[k]
        for i in problem.candidates[k]:
            if used[r.kind, i] < problem.capacity[r.kind, i] and not any(
                (p, i) in taken for p in r.people
            ):
                assignment[k] = i
                used[r.kind, i] += 1
                taken.update((p, i) for p in r.people)
                break
    return assignment


def _placements(problem: _Problem, assignment: _Assignment) -> list[Placement]:
    """Concrete places: within a kind and slot, places are interchangeable, so
    requests (by id) fill the places (by id) in turn."""
    by_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    for k in sorted(assignment):
        by_slot[problem.requests[k].kind, assignment[k]].append(k)
    placements = []
    for (kind, i), ks in sorted(by_slot.items()):
        free = [
            p.id
            for p in problem.places_by_kind[kind]
            for _ in range(max(problem.place_left[p.id, i], 0))
        ]
        if len(free) < len(ks):  # pragma: no cover - capacity is a constraint
            raise AssertionError("over capacity")
        for k, place_id in zip(ks, free, strict=False):
            placements.append(
                Placement(
                    request_id=problem.requests[k].id,
                    slot=problem.slots[i],
                    place_id=place_id,
                )
            )
    placements.sort(key=lambda p: p.request_id)
    return placements


def _result(
    problem: _Problem,
    assignment: _Assignment,
    *,
    greedy_weight: int,
    started: float,
    method: str,
    weight_bound: int | None = None,
    optimal: bool = False,
) -> ScheduleResult:
    unplaced = {
        r.id: NO_COMMON_SLOT if not problem.has_common_slot[k] else NO_PLACE
        for k, r in enumerate(problem.requests)
        if k not in assignment
    }
    return ScheduleResult(
        placements=_placements(problem, assignment),
        unplaced=unplaced,
        placed_weight=_weight(problem, assignment),
        greedy_weight=greedy_weight,
        left_with_none=_left_with_none(problem, assignment),
        seconds=time.perf_counter() - started,
        method=method,
        weight_bound=weight_bound,
        optimal=optimal,
    )


def schedule_greedy(
    *,
    requests: Sequence[MeetingRequest],
    slots: Sequence[int],
    places: Sequence[Place],
    fixed: Sequence[tuple[MeetingRequest, Placement]] = (),
    unavailable: Mapping[int, frozenset[int]] | None = None,
) -> ScheduleResult:
    """The baseline: highest weight first (ties by id), earliest common free
    slot, first free place."""
    started = time.perf_counter()
    problem = _prepare(
        requests=requests,
        slots=slots,
        places=places,
        fixed=fixed,
        unavailable=unavailable,
    )
    assignment = _greedy(problem)
    return _result(
        problem,
        assignment,
        greedy_weight=_weight(problem, assignment),
        started=started,
        method="greedy",
    )


# --------------------------------------------------------------------------
# The exact model (HiGHS).


@dataclass
class _Model:
    columns: list[tuple[int, int]]  # x columns: (request index, slot index)
    people: list[int]  # y columns, after the x columns
    highs: highspy.Highs
    scale: int  # weight multiplier making the objective lexicographic


def _build_model(problem: _Problem, *, integer: bool) -> _Model:
    """The model of the module docstring for HiGHS, rows that cannot bind left
    out (a person or kind with one candidate in a slot, a kind and slot with
    fewer candidates than places)."""
    columns = [(k, i) for k, cands in enumerate(problem.candidates) for i in cands]
    rows: list[list[int]] = []
    uppers: list[float] = []
    by_request: dict[int, list[int]] = defaultdict(list)
    by_person_slot: dict[tuple[int, int], list[int]] = defaultdict(list)
    by_kind_slot: dict[tuple[str, int], list[int]] = defaultdict(list)
    by_person: dict[int, list[int]] = defaultdict(list)
    for j, (k, i) in enumerate(columns):
        r = problem.requests[k]
        by_request[k].append(j)
        by_kind_slot[r.kind, i].append(j)
        for p in r.people:
            by_person_slot[p, i].append(j)
            by_person[p].append(j)
    for js in by_request.values():
        if len(js) > 1:
            rows.append(js)
            uppers.append(1)
    for js in by_person_slot.values():
        if len(js) > 1:
            rows.append(js)
            uppers.append(1)
    for key, js in sorted(by_kind_slot.items()):
        if len(js) > problem.capacity[key]:
            rows.append(js)
            uppers.append(problem.capacity[key])
    # y_p <= sum of p's x: person p is in some meeting.
    people = sorted(p for p in by_person if p not in problem.fixed_people)
    n_x = len(columns)
    coef_rows: list[tuple[list[int], list[float]]] = [
        (js, [1.0] * len(js)) for js in rows
    ]
    for n, p in enumerate(people):
        js = by_person[p]
        coef_rows.append(([n_x + n, *js], [1.0] + [-1.0] * len(js)))
        uppers.append(0)
    scale = len(people) + 1
    n_cols = n_x + len(people)

    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = len(coef_rows)
    lp.sense_ = highspy.ObjSense.kMaximize
    lp.col_cost_ = np.array(
        [problem.requests[k].weight * scale for k, _ in columns] + [1.0] * len(people),
        dtype=float,
    )
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = np.full(len(coef_rows), -highspy.kHighsInf)
    lp.row_upper_ = np.array(uppers, dtype=float)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for js, cs in coef_rows:
        index.extend(js)
        value.extend(cs)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = len(coef_rows)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    if integer:
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("random_seed", 0)
    h.setOptionValue("threads", 1)
    h.passModel(lp)
    return _Model(columns=columns, people=people, highs=h, scale=scale)


@dataclass
class _Solved:
    assignment: _Assignment
    bound: int | None  # proven bound on the weight (whole model only)
    optimal: bool


def _solve_window(
    problem: _Problem,
    assignment: _Assignment,
    window: list[int],
    *,
    time_limit: float,
    presolve: bool = False,
) -> _Solved | None:
    """Re-plan the meetings in the slots of `window` together with the unplaced
    requests, every other meeting staying where it is, as an exact MIP started
    from the current assignment (so never worse); None if HiGHS found nothing.

    A person met outside the window counts as met; the window's slots see only
    their own meetings, so nothing outside can conflict."""
    in_window = set(window)
    movable = [
        k
        for k in range(len(problem.requests))
        if (k not in assignment or assignment[k] in in_window)
        and any(i in in_window for i in problem.candidates[k])
    ]
    met_outside = set(problem.fixed_people)
    for k, i in assignment.items():
        if i not in in_window:
            met_outside |= problem.requests[k].people
    sub = _Problem(
        requests=[problem.requests[k] for k in movable],
        slots=problem.slots,
        candidates=[
            [i for i in problem.candidates[k] if i in in_window] for k in movable
        ],
        has_common_slot=[True] * len(movable),
        capacity=problem.capacity,
        place_left=problem.place_left,
        places_by_kind=problem.places_by_kind,
        fixed_people=frozenset(met_outside),
        people=problem.people,
    )
    model = _build_model(sub, integer=True)
    start = [
        j for j, (k, i) in enumerate(model.columns) if assignment.get(movable[k]) == i
    ]
    _warm_start(model, sub, start)
    h = model.highs
    h.setOptionValue("time_limit", max(time_limit, 0.01))
    h.setOptionValue("mip_rel_gap", 0.0)
    # Measured: on windows of a few slots presolve costs more than it saves.
    h.setOptionValue("presolve", "on" if presolve else "off")
    h.run()
    info = h.getInfo()
    if info.primal_solution_status != 2:  # no feasible solution
        return None
    values = h.getSolution().col_value
    chosen = {
        movable[k]: i for j, (k, i) in enumerate(model.columns) if values[j] > 0.5
    }
    new = {k: i for k, i in assignment.items() if i not in in_window}
    new.update(chosen)
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    bound = None
    if len(in_window) == len(problem.slots):
        bound = _round_bound(info.mip_dual_bound) // model.scale
    return _Solved(assignment=new, bound=bound, optimal=optimal)


def _warm_start(model: _Model, problem: _Problem, start: list[int]) -> None:
    n_x = len(model.columns)
    values = np.zeros(n_x + len(model.people))
    covered: set[int] = set()
    for j in start:
        values[j] = 1.0
        covered |= problem.requests[model.columns[j][0]].people
    for n, p in enumerate(model.people):
        if p in covered:
            values[n_x + n] = 1.0
    solution = highspy.HighsSolution()
    solution.col_value = list(values)
    solution.value_valid = True
    model.highs.setSolution(solution)


# Tuned on the benchmark's instances (bench/matchmaking.py).
WINDOW_SLOTS = 4  # slots re-planned together: 3-5 did equally well, 6 too slow
WINDOW_SECONDS = 1.0  # at most per window (they take 0.03-0.3 s)
WINDOW_PATIENCE_EPOCHS = 2  # stop after two passes over the slots gain nothing
MAX_WINDOWS = 10  # then stop: 1.5-2.5 s on the benchmark's uniform family
# The LP's dual simplex needed 0.16 iterations per variable on the tight and
# skewed families (4,300-8,000); past this many it is not expected to finish.
LP_ITERATIONS_PER_COLUMN = 0.25
LP_MIN_ITERATIONS = 5000
LP_HEAD_START = 1.5  # seconds; it took 0.3-1.2 s alone where it finished
WHOLE_MODEL_COLUMNS = 3000  # up to this many variables: one MIP for everything
GREEDY_ONLY_BELOW = 0.05  # seconds left after greedy: too few to improve it
LP_AT_LEAST_SECONDS = 1.0  # the LP of a large problem takes longer than that


@dataclass
class _Outcome:
    assignment: _Assignment
    method: str
    bound: int | None = None
    optimal: bool = False


def schedule_meetings(
    *,
    requests: Sequence[MeetingRequest],
    slots: Sequence[int],
    places: Sequence[Place],
    fixed: Sequence[tuple[MeetingRequest, Placement]] = (),
    unavailable: Mapping[int, frozenset[int]] | None = None,
    time_limit: float = 4.0,
) -> ScheduleResult:
    """Place the requests: most total weight first, then fewest people with a
    request left without a meeting (the module docstring tells how)."""
    started = time.perf_counter()
    deadline = started + time_limit
    problem = _prepare(
        requests=requests,
        slots=slots,
        places=places,
        fixed=fixed,
        unavailable=unavailable,
    )
    greedy = _greedy(problem)
    columns = sum(len(c) for c in problem.candidates)
    if columns == 0:
        outcome = _Outcome(greedy, "greedy", bound=0, optimal=True)
    elif deadline - time.perf_counter() < GREEDY_ONLY_BELOW:
        outcome = _Outcome(greedy, "greedy")
    elif columns <= WHOLE_MODEL_COLUMNS:
        outcome = _schedule_whole(problem, greedy, deadline=deadline)
    else:
        outcome = _schedule_large(problem, greedy, deadline=deadline)
    return _result(
        problem,
        outcome.assignment,
        greedy_weight=_weight(problem, greedy),
        started=started,
        method=outcome.method,
        weight_bound=outcome.bound,
        optimal=outcome.optimal,
    )


def _schedule_whole(
    problem: _Problem, greedy: _Assignment, *, deadline: float
) -> _Outcome:
    """A small problem: the whole model in one MIP, from the greedy start."""
    solved = _solve_window(
        problem,
        greedy,
        list(range(len(problem.slots))),
        time_limit=deadline - time.perf_counter(),
        presolve=True,
    )
    if solved is None:
        return _Outcome(greedy, "greedy")
    improved = _score(problem, solved.assignment) > _score(problem, greedy)
    return _Outcome(
        solved.assignment if improved else greedy,
        "mip" if improved else "greedy",
        bound=solved.bound,
        optimal=solved.optimal,
    )


def _schedule_large(
    problem: _Problem, greedy: _Assignment, *, deadline: float
) -> _Outcome:
    """A large problem: the LP relaxation of the whole model in a second thread
    (HiGHS releases the GIL) while slot windows are re-planned exactly here.
    An integral LP optimum ends the search; a fractional one gives the bound at
    which the windows may stop."""
    relaxation: _Model | None = None
    lp_thread: threading.Thread | None = None
    if deadline - time.perf_counter() >= LP_AT_LEAST_SECONDS:
        relaxation = _build_model(problem, integer=False)
        h = relaxation.highs
        # Measured: without presolve the dual simplex is faster here and its
        # optimal vertex came out integral on the tight and skewed families.
        h.setOptionValue("presolve", "off")
        # Work, not time, decides whether the LP counts, so that the result
        # does not depend on the machine's speed (the time limit is a backstop).
        h.setOptionValue(
            "simplex_iteration_limit",
            max(
                LP_MIN_ITERATIONS,
                int(LP_ITERATIONS_PER_COLUMN * len(relaxation.columns)),
            ),
        )
        h.setOptionValue("time_limit", max(deadline - time.perf_counter(), 0.01))
        lp_thread = threading.Thread(target=h.run, daemon=True)
        lp_thread.start()
        # Where the LP is quick it is the whole answer: let it run alone first.
        lp_thread.join(timeout=min(LP_HEAD_START, deadline - time.perf_counter()))

    best = _Outcome(greedy, "greedy")
    score = _score(problem, greedy)
    target: int | None = None  # the combined objective the LP proves optimal
    rng = random.Random(0)
    n_slots = len(problem.slots)
    idle, patience = 0, WINDOW_PATIENCE_EPOCHS * -(-n_slots // WINDOW_SLOTS)
    windows: list[list[int]] = []
    for _ in range(MAX_WINDOWS):
        if time.perf_counter() >= deadline or idle >= patience:
            break
        if lp_thread is not None and not lp_thread.is_alive():
            lp_thread.join()
            lp_thread = None
            lp = _read_relaxation(relaxation)
            if lp is not None:
                best.bound, target, integral = lp
                if integral is not None:
                    return _Outcome(integral, "lp", bound=best.bound, optimal=True)
        if (
            target is not None
            and _combined(problem, relaxation, best.assignment) >= target
        ):
            best.optimal = True
            break
        if not windows:  # a new pass: the slots in a seeded order, in windows
            order = list(range(n_slots))
            rng.shuffle(order)
            windows = [
                sorted(order[i : i + WINDOW_SLOTS])
                for i in range(0, n_slots, WINDOW_SLOTS)
            ]
        solved = _solve_window(
            problem,
            best.assignment,
            windows.pop(0),
            time_limit=min(deadline - time.perf_counter(), WINDOW_SECONDS),
        )
        if solved is not None and _score(problem, solved.assignment) > score:
            best.assignment, best.method = solved.assignment, "mip-windows"
            score, idle = _score(problem, solved.assignment), 0
        else:
            idle += 1
    if relaxation is not None and lp_thread is not None:
        lp_thread.join()  # it stops by its own time limit at the latest
        lp = _read_relaxation(relaxation)
        if lp is not None:
            best.bound, target, integral = lp
            if integral is not None:
                return _Outcome(integral, "lp", bound=best.bound, optimal=True)
            best.optimal = _combined(problem, relaxation, best.assignment) >= target
    return best


def _combined(problem: _Problem, model: _Model, assignment: _Assignment) -> int:
    """The model's objective for an assignment: weight × scale + people met."""
    met: set[int] = set()
    for k in assignment:
        met |= problem.requests[k].people
    return _weight(problem, assignment) * model.scale + len(met & set(model.people))


def _round_bound(value: float) -> int:
    """An upper bound from the solver, as an integer: every true objective is
    one, and the solver's own tolerances (1e-7 on values that reach 10**7 here)
    could put a bound a hair under an integer it does reach, so round to the
    nearest, never down from just under it."""
    return math.floor(value + 0.5)


def _read_relaxation(
    model: _Model,
) -> tuple[int, int, _Assignment | None] | None:
    """(weight bound, combined target, the assignment if integral), or None
    when the LP did not finish."""
    h = model.highs
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    objective = h.getInfo().objective_function_value
    target = _round_bound(objective)
    bound = target // model.scale
    values = h.getSolution().col_value
    chosen: _Assignment = {}
    for j, (k, i) in enumerate(model.columns):
        v = values[j]
        if v > 1 - 1e-6:
            chosen[k] = i
        elif v > 1e-6:
            return bound, target, None
    return bound, target, chosen


def verify_schedule(
    *,
    requests: Sequence[MeetingRequest],
    slots: Sequence[int],
    places: Sequence[Place],
    placements: Sequence[Placement],
    fixed: Sequence[tuple[MeetingRequest, Placement]] = (),
    unavailable: Mapping[int, frozenset[int]] | None = None,
) -> list[str]:
    """Check a schedule from scratch, sharing no code with the scheduler: each
    problem found is one line starting with its code (`double_booked_person`,
    `over_capacity`, `wrong_kind`, `unavailable`, `not_allowed`,
    `placed_twice`, `unknown_request`, `unknown_slot`, `unknown_place`,
    `fixed_moved`); an empty list means the schedule holds."""
    problems: list[str] = []
    by_id = {r.id: r for r in requests}
    fixed_ids = {r.id for r, _ in fixed}
    place_by_id = {p.id: p for p in places}
    known_slots = set(slots)
    blocked = unavailable or {}
    seen: set[int] = set()
    person_use: dict[tuple[int, int], list[int]] = defaultdict(list)
    place_use: dict[tuple[int, int], list[int]] = defaultdict(list)
    for request, placement in fixed:
        for person in request.people:
            person_use[person, placement.slot].append(request.id)
        place_use[placement.place_id, placement.slot].append(request.id)
    for placement in placements:
        rid = placement.request_id
        if rid in fixed_ids:
            problems.append(f"fixed_moved: request {rid} is fixed")
            continue
        request = by_id.get(rid)
        if request is None:
            problems.append(f"unknown_request: {rid}")
            continue
        if rid in seen:
            problems.append(f"placed_twice: request {rid}")
        seen.add(rid)
        slot, place = placement.slot, place_by_id.get(placement.place_id)
        if slot not in known_slots:
            problems.append(f"unknown_slot: request {rid} in slot {slot}")
        if place is None:
            problems.append(f"unknown_place: request {rid} at {placement.place_id}")
        elif place.kind != request.kind:
            problems.append(f"wrong_kind: request {rid} ({request.kind}) at {place.id}")
        if request.allowed_slots is not None and slot not in request.allowed_slots:
            problems.append(f"not_allowed: request {rid} in slot {slot}")
        for person in sorted(request.people):
            if slot in blocked.get(person, frozenset()):
                problems.append(f"unavailable: person {person} in slot {slot}")
            person_use[person, slot].append(rid)
        place_use[placement.place_id, slot].append(rid)
    for (person, slot), rids in sorted(person_use.items()):
        if len(rids) > 1:
            problems.append(
                f"double_booked_person: person {person} in slot {slot}: {sorted(rids)}"
            )
    for (place_id, slot), rids in sorted(place_use.items()):
        place = place_by_id.get(place_id)
        if place is not None and len(rids) > place.capacity:
            problems.append(
                f"over_capacity: place {place_id} in slot {slot}: {sorted(rids)}"
            )
    return problems
