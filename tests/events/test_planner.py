"""The yearly "1+1" planner (seeds/004 一.2)."""

import datetime as dt

import pytest

import workdays
from accounts.enums import OrganizationKind
from events.enums import RoadshowKind
from events.models import Roadshow, YearPlan
from events.selectors import plan_warnings
from events.services import (
    SHANGHAI,
    RoadshowError,
    roadshow_update,
    roadshows_swap_dates,
    year_plan_create,
)
from tests.factories import make_org
from tests.factories.events import rotas


@pytest.fixture
def torch(db):
    return make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")


def plan(year, torch, blocked=frozenset(), **kw):
    field_rota, region_rota = rotas(**kw)
    return year_plan_create(
        year=year,
        field_rota=field_rota,
        region_rota=region_rota,
        blocked=set(blocked),
        lead_host=torch,
        by=None,
    ), field_rota


def local_day(r):
    return r.start.astimezone(SHANGHAI).date()


def warnings_of(year):
    """The plan's warnings but the note that the calendar does not know the
    year yet (2027 until chinese-calendar has the State Council's notice)."""
    return [w for w in plan_warnings(year=year) if w.kind != "calendar_unknown"]


def test_plan_has_one_field_and_one_region_roadshow_each_month(torch):
    plan(2027, torch)
    roadshows = list(Roadshow.objects.order_by("start"))
    assert len(roadshows) == 24
    for month in range(1, 13):
        kinds = sorted(r.kind for r in roadshows if local_day(r).month == month)
        assert kinds == ["field", "region"]
    days = [local_day(r) for r in roadshows]
    assert len(set(days)) == 24
    assert all(d.weekday() < 5 for d in days)
    assert all(r.status == "draft" for r in roadshows)
    assert warnings_of(2027) == []
    unknown = [w.kind for w in plan_warnings(year=2027)] == ["calendar_unknown"]
    assert unknown is not workdays.year_known(2027)


def test_rotation_gives_every_field_a_turn_before_repeating(torch):
    _plan, field_rota = plan(2027, torch)
    fields = [
        r.field_id for r in Roadshow.objects.filter(kind="field").order_by("start")
    ]
    rota = [t.field.pk for t in field_rota]
    assert fields[:10] == rota
    assert fields[10:] == rota[:2]


def test_next_year_continues_the_rotation(torch):
    _plan, field_rota = plan(2027, torch)
    field_2028, region_2028 = rotas()
    # Same fields, in the same order, hosted as before.
    year_plan_create(
        year=2028,
        field_rota=field_rota,
        region_rota=region_2028,
        blocked=set(),
        lead_host=torch,
        by=None,
    )
    first_2028 = (
        Roadshow.objects.filter(kind="field", start__year=2028)
        .order_by("start")
        .first()
    )
    assert first_2028.field_id == field_rota[2].field.pk


def test_blocked_dates_are_avoided(torch):
    blocked = {dt.date(2027, 3, 10), dt.date(2027, 3, 11), dt.date(2027, 10, 20)}
    plan(2027, torch, blocked=blocked)
    days = {local_day(r) for r in Roadshow.objects.all()}
    assert not days & blocked
    march = sorted(d for d in days if d.month == 3)
    assert march[0] == dt.date(2027, 3, 12)


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ("empty_fields", "领域轮值表为空"),
        ("empty_regions", "区域轮值表为空"),
        ("duplicate", "重复的产业领域"),
    ],
)
def test_bad_plans_are_refused(torch, change, fragment):
    field_rota, region_rota = rotas()
    if change == "empty_fields":
        field_rota = []
    elif change == "empty_regions":
        region_rota = []
    else:
        field_rota = field_rota + field_rota[:1]
    with pytest.raises(RoadshowError, match=fragment):
        year_plan_create(
            year=2027,
            field_rota=field_rota,
            region_rota=region_rota,
            blocked=set(),
            lead_host=torch,
            by=None,
        )
    assert Roadshow.objects.count() == 0


def test_a_year_already_planned_is_refused(torch):
    plan(2027, torch)
    with pytest.raises(RoadshowError, match="已有计划"):
        plan(2027, torch)
    assert Roadshow.objects.count() == 24


def test_moves_show_clashes_and_gaps_as_warnings(torch):
    plan(2027, torch)
    field_march = Roadshow.objects.get(kind="field", start__month=3)
    region_march = Roadshow.objects.get(kind="region", start__month=3)
    # Move the March field roadshow onto the day of the March region roadshow.
    day = local_day(region_march)
    roadshow_update(
        roadshow=field_march,
        data={
            "start": dt.datetime.combine(day, dt.time(14), tzinfo=SHANGHAI),
            "end": dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
        },
        by=None,
    )
    kinds = {w.kind for w in warnings_of(2027)}
    assert kinds == {"clash"}
    # Move the April region roadshow into May: a gap in April, two in May.
    april = Roadshow.objects.get(kind="region", start__month=4)
    roadshow_update(
        roadshow=april,
        data={
            "start": dt.datetime(2027, 5, 26, 9, 30, tzinfo=SHANGHAI),
            "end": dt.datetime(2027, 5, 26, 12, tzinfo=SHANGHAI),
        },
        by=None,
    )
    messages = [w.message for w in warnings_of(2027)]
    assert "4月没有区域路演。" in messages
    assert "5月有 2 场区域路演。" in messages
    # A Saturday.
    roadshow_update(
        roadshow=april,
        data={
            "start": dt.datetime(2027, 4, 24, 9, 30, tzinfo=SHANGHAI),
            "end": dt.datetime(2027, 4, 24, 12, tzinfo=SHANGHAI),
        },
        by=None,
    )
    assert "non_working" in {w.kind for w in warnings_of(2027)}


def test_swapping_two_roadshows_keeps_their_times(torch):
    plan(2027, torch)
    a = Roadshow.objects.get(kind=RoadshowKind.FIELD, start__month=1)
    b = Roadshow.objects.get(kind=RoadshowKind.FIELD, start__month=2)
    a_day, b_day = local_day(a), local_day(b)
    roadshows_swap_dates(first=a, second=b, by=None)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (local_day(a), local_day(b)) == (b_day, a_day)
    assert a.start.astimezone(SHANGHAI).time() == dt.time(14)
    assert a.sequence == 1 and b.sequence == 1


def test_repeated_field_is_a_warning(torch):
    _plan, field_rota = plan(2027, torch)
    march = Roadshow.objects.get(kind="field", start__month=3)
    roadshow_update(roadshow=march, data={"field": field_rota[0].field}, by=None)
    warnings = warnings_of(2027)
    # March repeats January's field; and since the replaced field never gets its
    # turn, November and December repeat too.
    assert [w.kind for w in warnings] == ["repeat", "repeat", "repeat"]
    assert "3月" in warnings[0].message


def test_plan_keeps_off_holidays_and_weekends_worked(torch):
    """2026 as the State Council arranged it: 10 October is a Saturday worked
    for National Day, 20 February a rest day of Spring Festival."""
    plan(2026, torch)
    days = {(r.kind, local_day(r).month): local_day(r) for r in Roadshow.objects.all()}
    assert days[("field", 10)] == dt.date(2026, 10, 12)
    assert days[("region", 2)] == dt.date(2026, 2, 24)
    kinds = {workdays.day_info(day).kind for day in days.values()}
    assert kinds == {workdays.DayKind.WORKDAY}
    assert plan_warnings(year=2026) == []


def test_a_roadshow_on_a_holiday_or_a_weekend_worked_is_a_warning(torch):
    plan(2026, torch)
    october = Roadshow.objects.get(kind="field", start__month=10)
    title = october.title

    def move_to(day):
        roadshow_update(
            roadshow=october,
            data={
                "start": dt.datetime.combine(day, dt.time(14), tzinfo=SHANGHAI),
                "end": dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
            },
            by=None,
        )
        october.refresh_from_db()
        return [(w.kind, w.message) for w in plan_warnings(year=2026)]

    assert move_to(dt.date(2026, 10, 1)) == [
        ("non_working", f"“{title}”：2026-10-01 是国庆节法定假日。")
    ]
    assert move_to(dt.date(2026, 10, 10)) == [
        ("adjusted_workday", f"“{title}”：2026-10-10 是国庆节调休上班日。")
    ]
    assert move_to(dt.date(2026, 10, 6)) == [
        ("non_working", f"“{title}”：2026-10-06 是国庆节调休放假日。")
    ]
    # A closure the organizers added to the year's plan.
    YearPlan.objects.filter(year=2026).update(blocked_dates=["2026-10-13"])
    assert move_to(dt.date(2026, 10, 13)) == [
        ("non_working", f"“{title}”：2026-10-13 是组织方设定的避开日期。")
    ]
    assert move_to(dt.date(2026, 10, 14)) == []


def test_a_year_the_calendar_does_not_know_says_so(torch):
    warnings = plan_warnings(year=2099)
    assert [w.kind for w in warnings][0] == "calendar_unknown"
    assert "2099 年" in warnings[0].message
    assert "春节、端午节、中秋节和调休尚未计入" in warnings[0].message
