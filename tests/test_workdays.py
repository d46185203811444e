"""China's working calendar (workdays/): the State Council's arrangement for
a year the package knows, the law alone for a year it does not yet."""

import datetime as dt

import pytest
from django.utils import translation

import workdays
from workdays import DayKind

D = dt.date


@pytest.mark.parametrize(
    ("day", "kind", "holiday"),
    [
        # 国办发明电〔2025〕7号: the 2026 arrangement.
        (D(2026, 1, 1), DayKind.HOLIDAY, "元旦"),
        (D(2026, 1, 2), DayKind.IN_LIEU, "元旦"),
        (D(2026, 1, 4), DayKind.ADJUSTED_WORKDAY, "元旦"),
        (D(2026, 2, 14), DayKind.ADJUSTED_WORKDAY, "春节"),
        (D(2026, 2, 17), DayKind.HOLIDAY, "春节"),
        (D(2026, 2, 23), DayKind.IN_LIEU, "春节"),
        (D(2026, 2, 28), DayKind.ADJUSTED_WORKDAY, "春节"),
        (D(2026, 4, 6), DayKind.HOLIDAY, "清明节"),
        (D(2026, 5, 5), DayKind.IN_LIEU, "劳动节"),
        (D(2026, 5, 9), DayKind.ADJUSTED_WORKDAY, "劳动节"),
        (D(2026, 6, 19), DayKind.HOLIDAY, "端午节"),
        (D(2026, 9, 20), DayKind.ADJUSTED_WORKDAY, "国庆节"),
        (D(2026, 9, 25), DayKind.HOLIDAY, "中秋节"),
        (D(2026, 10, 1), DayKind.HOLIDAY, "国庆节"),
        (D(2026, 10, 4), DayKind.HOLIDAY, "国庆节"),
        (D(2026, 10, 7), DayKind.IN_LIEU, "国庆节"),
        (D(2026, 10, 10), DayKind.ADJUSTED_WORKDAY, "国庆节"),
        (D(2026, 10, 8), DayKind.WORKDAY, ""),
        (D(2026, 10, 17), DayKind.WEEKEND, ""),
    ],
)
def test_a_known_year_follows_the_state_councils_notice(day, kind, holiday):
    found = workdays.day_info(day)
    assert (found.kind, found.holiday) == (kind, holiday)
    assert found.working is (kind in {DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY})
    assert workdays.is_working_day(day) is found.working


def test_the_six_weekends_worked_in_2026():
    year = [D(2026, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    worked = [d for d in year if d.weekday() >= 5 and workdays.is_working_day(d)]
    assert worked == [
        D(2026, 1, 4),
        D(2026, 2, 14),
        D(2026, 2, 28),
        D(2026, 5, 9),
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]


def test_a_closure_is_a_day_off_and_a_holiday_stays_a_holiday():
    closures = {D(2026, 10, 12), D(2026, 10, 1)}
    assert workdays.day_info(D(2026, 10, 12), closures=closures).kind == "closure"
    assert workdays.day_info(D(2026, 10, 1), closures=closures).kind == "holiday"
    assert workdays.is_working_day(D(2026, 10, 12)) is True


def test_the_next_working_day():
    assert workdays.next_working_day(D(2026, 10, 1)) == D(2026, 10, 8)
    assert workdays.next_working_day(D(2026, 10, 9)) == D(2026, 10, 9)
    # A weekend worked is a working day, not one to choose for an event.
    assert workdays.next_working_day(D(2026, 10, 10)) == D(2026, 10, 10)
    assert workdays.next_working_day(D(2026, 10, 10), weekends_worked=False) == D(
        2026, 10, 12
    )
    assert workdays.next_working_day(
        D(2026, 10, 8), closures={D(2026, 10, 8)}, skip={D(2026, 10, 9)}
    ) == D(2026, 10, 10)


def test_a_year_without_a_notice_keeps_the_holidays_the_law_fixes():
    # 2099: the package has no notice for it (nor will for long).
    assert workdays.year_known(2026) is True
    assert workdays.year_known(2099) is False
    assert workdays.year_known(10_000) is False
    assert workdays.day_info(D(2099, 1, 1)).holiday == "元旦"
    assert workdays.day_info(D(2099, 5, 2)).kind == DayKind.HOLIDAY
    assert workdays.day_info(D(2099, 10, 3)).holiday == "国庆节"
    # 清明 falls on 4 April in 2099 (its solar term), a Saturday; the 6th is not.
    assert workdays.day_info(D(2099, 4, 4)).holiday == "清明节"
    assert workdays.day_info(D(2099, 4, 6)).kind == DayKind.WORKDAY
    assert workdays.day_info(D(2099, 10, 4)).kind == DayKind.WEEKEND
    assert workdays.day_info(D(2099, 10, 5)).kind == DayKind.WORKDAY


def test_the_note_says_which_in_either_language():
    on = workdays.day_info
    assert workdays.day_note(on(D(2026, 10, 1))) == "2026-10-01 是国庆节法定假日"
    assert workdays.day_note(on(D(2026, 10, 10))) == "2026-10-10 是国庆节调休上班日"
    assert workdays.day_note(on(D(2026, 10, 7))) == "2026-10-07 是国庆节调休放假日"
    assert workdays.day_note(on(D(2026, 10, 8))) == ""
    with translation.override("en"):
        assert workdays.day_note(on(D(2026, 10, 1))) == (
            "2026-10-01 is a statutory holiday (National Day)"
        )
        assert workdays.day_note(on(D(2026, 9, 20))) == (
            "2026-09-20 is a weekend worked in exchange for the National Day break"
        )
