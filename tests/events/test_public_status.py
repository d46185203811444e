"""What the public is told a roadshow is (报名中 / 即将开始 / 直播中 / 已结束 /
已取消), decided once in events.selectors.roadshow_public_status, and the
order the public finds roadshows in."""

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import PublicStatus
from events.selectors import roadshow_public_status, roadshows_in_public_order
from tests.factories.events import make_roadshow

NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)


def at(days: float, hours: int = 3, **fields):
    """A roadshow starting ``days`` from NOW (published unless told)."""
    start = NOW + dt.timedelta(days=days)
    fields.setdefault("status", "published")
    fields.setdefault("first_published_at", NOW - dt.timedelta(days=60))
    return make_roadshow(start=start, end=start + dt.timedelta(hours=hours), **fields)


@pytest.mark.parametrize(
    ("days", "fields", "expected"),
    [
        # Published, no window: open from publication until it starts.
        (10, {}, PublicStatus.REGISTERING),
        (
            10,
            {"registration_opens": NOW - dt.timedelta(days=1)},
            PublicStatus.REGISTERING,
        ),
        # The window has not opened, or has closed before the day.
        (10, {"registration_opens": NOW + dt.timedelta(days=2)}, PublicStatus.UPCOMING),
        (
            10,
            {"registration_closes": NOW - dt.timedelta(hours=1)},
            PublicStatus.UPCOMING,
        ),
        # It started a minute ago, nobody pressed "go live": upcoming still.
        (-1 / 1440, {}, PublicStatus.UPCOMING),
        # Its end has passed though nobody closed it.
        (-2, {}, PublicStatus.ENDED),
        (-2, {"status": "closed"}, PublicStatus.ENDED),
        (-40, {"status": "archived"}, PublicStatus.ENDED),
        (0, {"status": "live"}, PublicStatus.LIVE),
        # Running over its end: live until the organizers close it.
        (-1, {"status": "live"}, PublicStatus.LIVE),
        (10, {"status": "cancelled", "cancel_reason": "场地"}, PublicStatus.CANCELLED),
        (-10, {"status": "cancelled", "cancel_reason": "场地"}, PublicStatus.CANCELLED),
        # Never published: nobody may register.
        (
            10,
            {"status": "scheduled", "first_published_at": None},
            PublicStatus.UPCOMING,
        ),
    ],
)
def test_public_status(db, days, fields, expected):
    roadshow = at(days, **fields)
    assert roadshow_public_status(roadshow=roadshow, now=NOW) == expected


def test_public_status_never_uses_the_workflow_words(db):
    labels = {str(label) for label in PublicStatus.labels}
    assert labels == {"报名中", "即将开始", "直播中", "已结束", "已取消"}


def test_order_is_upcoming_soonest_first_then_live_then_past_most_recent_first(db):
    past_old = at(-60, title="一月")
    past_recent = at(-5, status="closed", title="二月下旬")
    past_cancelled = at(-20, status="cancelled", title="二月上旬（取消）")
    live = at(0, status="live", title="直播中的路演")
    soon = at(3, title="三月初")
    later = at(25, title="三月底")
    soon_cancelled = at(10, status="cancelled", title="三月中（取消）")
    order = roadshows_in_public_order(
        [later, past_old, live, soon_cancelled, past_recent, soon, past_cancelled],
        now=NOW,
    )
    assert [r.title for r in order.upcoming] == ["三月初", "三月中（取消）", "三月底"]
    assert [r.title for r in order.live] == ["直播中的路演"]
    assert [r.title for r in order.past] == ["二月下旬", "二月上旬（取消）", "一月"]


def test_order_uses_the_clock_by_default(db):
    now = timezone.now()
    coming = make_roadshow(
        status="published",
        first_published_at=now,
        start=now + dt.timedelta(days=1),
        end=now + dt.timedelta(days=1, hours=2),
    )
    over = make_roadshow(
        status="published",
        first_published_at=now - dt.timedelta(days=9),
        start=now - dt.timedelta(days=3),
        end=now - dt.timedelta(days=3) + dt.timedelta(hours=2),
    )
    order = roadshows_in_public_order([over, coming])
    assert (order.upcoming, order.live, order.past) == ([coming], [], [over])
