"""China's working calendar: which days people work, and why a day is off.

The one place that answers "is this a working day?" for the whole platform:
the statutory holidays, the rest days the State Council moves next to them
(调休放假) and the weekends it turns into working days (调休上班), as each
year's notice of the General Office of the State Council (国务院办公厅关于
某年部分节假日安排的通知) fixes them, read from the `chinese-calendar`
package, plus the local closures an organizer names.

A year the package does not know yet (each year's notice comes out in the
November before; the package follows within weeks) falls back to what the
law fixes without a notice (《全国年节及纪念日放假办法》, 2024 revision):
weekends, and the holidays on fixed dates — 元旦 1 January, 劳动节 1–2 May,
国庆节 1–3 October — and 清明节 on its solar term.  Spring Festival, the
Dragon Boat and Mid-Autumn festivals follow the lunar calendar and the 调休
days are the notice's to set: for such a year `year_known` is False and
those who plan with it are told so.

No domain knowledge and no app imports: every app may use it.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import chinese_calendar
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The package's holiday names, in our words (the catalogue translates them).
_NAMES = {
    chinese_calendar.Holiday.new_years_day.value: gettext_lazy("元旦"),
    chinese_calendar.Holiday.spring_festival.value: gettext_lazy("春节"),
    chinese_calendar.Holiday.tomb_sweeping_day.value: gettext_lazy("清明节"),
    chinese_calendar.Holiday.labour_day.value: gettext_lazy("劳动节"),
    chinese_calendar.Holiday.dragon_boat_festival.value: gettext_lazy("端午节"),
    chinese_calendar.Holiday.national_day.value: gettext_lazy("国庆节"),
    chinese_calendar.Holiday.mid_autumn_festival.value: gettext_lazy("中秋节"),
    chinese_calendar.Holiday.anti_fascist_70th_day.value: gettext_lazy(
        "抗战胜利70周年纪念日"
    ),
}

# Holidays on fixed solar dates (the law, without a year's notice).
_FIXED = {
    (1, 1): chinese_calendar.Holiday.new_years_day.value,
    (5, 1): chinese_calendar.Holiday.labour_day.value,
    (5, 2): chinese_calendar.Holiday.labour_day.value,
    (10, 1): chinese_calendar.Holiday.national_day.value,
    (10, 2): chinese_calendar.Holiday.national_day.value,
    (10, 3): chinese_calendar.Holiday.national_day.value,
}


class DayKind:
    """Why a day is, or is not, a working day."""

    WORKDAY = "workday"  # Monday to Friday, nothing special
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # a day of a statutory holiday's break
    IN_LIEU = "in_lieu"  # a weekday off, worked on a weekend instead (调休放假)
    ADJUSTED_WORKDAY = "adjusted_workday"  # a weekend worked (调休上班)
    CLOSURE = "closure"  # a local closure an organizer named

    OFF = frozenset({WEEKEND, HOLIDAY, IN_LIEU, CLOSURE})


@dataclass(frozen=True)
class Day:
    day: dt.date
    kind: str
    # The holiday the day belongs to (its break, or the weekend worked for
    # it), translated when shown; "" for ordinary days and closures.
    holiday: str = ""

    @property
    def working(self) -> bool:
        return self.kind not in DayKind.OFF

    @property
    def noteworthy(self) -> bool:
        """A holiday, a rest day moved next to one, or a weekend worked: what
        someone planning that day should be told (a plain weekend is not)."""
        return self.kind in {DayKind.HOLIDAY, DayKind.IN_LIEU, DayKind.ADJUSTED_WORKDAY}


def _name(package_name: str | None) -> str:
    if not package_name:
        return ""
    return str(_NAMES.get(package_name, package_name))


def year_known(year: int) -> bool:
    """Whether the year's official arrangement (holidays and 调休) is known."""
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        return False
    try:
        chinese_calendar.get_holiday_detail(dt.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def _by_law(day: dt.date) -> Day:
    """A day of a year without a notice: the holidays fixed by law only."""
    name = _FIXED.get((day.month, day.day))
    if name is None and day.month == 4:
        terms = chinese_calendar.get_solar_terms(day, day)
        if terms and terms[0][1] == "清明":
            name = chinese_calendar.Holiday.tomb_sweeping_day.value
    if name is not None:
        return Day(day, DayKind.HOLIDAY, _name(name))
    return Day(day, DayKind.WEEKEND if day.weekday() >= 5 else DayKind.WORKDAY)


def day_info(day: dt.date, *, closures: Collection[dt.date] = ()) -> Day:
    """What kind of day this is in mainland China (and for its organizers)."""
    try:
        off, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        found = _by_law(day)
    else:
        weekend = day.weekday() >= 5
        if not off:
            kind = DayKind.ADJUSTED_WORKDAY if weekend and name else DayKind.WORKDAY
        elif name is None:
            kind = DayKind.WEEKEND
        elif chinese_calendar.is_in_lieu(day):
            kind = DayKind.IN_LIEU
        else:
            kind = DayKind.HOLIDAY
        found = Day(day, kind, _name(name))
    if day in closures and found.working:
        return Day(day, DayKind.CLOSURE)
    return found


def is_working_day(day: dt.date, *, closures: Collection[dt.date] = ()) -> bool:
    """The one test every planner, reminder and deadline uses."""
    return day_info(day, closures=closures).working


def next_working_day(
    day: dt.date,
    *,
    closures: Collection[dt.date] = (),
    skip: Collection[dt.date] = (),
    weekends_worked: bool = True,
) -> dt.date:
    """The first working day on or after `day` that is not in `skip`; with
    `weekends_worked=False`, never a weekend worked for a holiday (调休上班:
    a working day, but not one to choose for an event)."""
    while True:
        found = day_info(day, closures=closures)
        if (
            found.working
            and day not in skip
            and (weekends_worked or found.kind != DayKind.ADJUSTED_WORKDAY)
        ):
            return day
        day += dt.timedelta(days=1)


def day_note(found: Day) -> str:
    """What to tell someone who plans something on this day ("" for an
    ordinary working day)."""
    values = {"day": found.day.isoformat(), "holiday": found.holiday}
    if found.kind == DayKind.HOLIDAY:
        return _("%(day)s 是%(holiday)s法定假日") % values
    if found.kind == DayKind.IN_LIEU:
        return _("%(day)s 是%(holiday)s调休放假日") % values
    if found.kind == DayKind.ADJUSTED_WORKDAY:
        return _("%(day)s 是%(holiday)s调休上班日") % values
    if found.kind == DayKind.WEEKEND:
        return _("%(day)s 是周末") % values
    if found.kind == DayKind.CLOSURE:
        return _("%(day)s 是组织方设定的避开日期") % values
    return ""
