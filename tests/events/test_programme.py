"""Programmes: pitch slots of cleared achievements, re-timed when moved."""

import datetime as dt

import pytest

from events.enums import SlotKind
from events.services import (
    SHANGHAI,
    RoadshowError,
    programme_timeline,
    roadshow_transition,
    slot_add,
    slot_move,
)
from tests.factories import make_achievement
from tests.factories.events import make_roadshow


@pytest.fixture
def roadshow(roles):
    return make_roadshow(lead_host=roles[1]["torch"])


def times(roadshow):
    return [
        (
            item.slot.title or item.slot.achievement.title,
            item.start.astimezone(SHANGHAI).strftime("%H:%M"),
        )
        for item in programme_timeline(roadshow=roadshow)
    ]


def test_slots_follow_each_other_and_moving_retimes(roles, roadshow):
    _users, orgs = roles
    a = make_achievement(owner=orgs["owner"], title="甲成果")
    b = make_achievement(owner=orgs["owner"], title="乙成果")
    slot_add(roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=20, achievement=a)
    slot_add(roadshow=roadshow, kind=SlotKind.BREAK, duration_minutes=10, title="茶歇")
    last = slot_add(
        roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=20, achievement=b
    )
    assert times(roadshow) == [
        ("甲成果", "14:00"),
        ("茶歇", "14:20"),
        ("乙成果", "14:30"),
    ]
    slot_move(slot=last, position=1)
    assert times(roadshow) == [
        ("乙成果", "14:00"),
        ("甲成果", "14:20"),
        ("茶歇", "14:40"),
    ]
    assert last.achievement.owner == orgs["owner"]


@pytest.mark.parametrize("state", ["draft", "submitted", "withheld", "returned"])
def test_uncleared_achievements_cannot_be_pitched(roles, roadshow, state):
    _users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state=state)
    with pytest.raises(RoadshowError, match="尚未通过保密审查"):
        slot_add(
            roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=15, achievement=a
        )
    assert roadshow.slots.count() == 0


def test_restricted_achievements_only_in_investor_roadshows(roles, roadshow):
    _users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="restricted")
    with pytest.raises(RoadshowError, match="仅限已批准投资方"):
        slot_add(
            roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=15, achievement=a
        )
    roadshow.investors_only = True
    roadshow.save()
    slot_add(roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=15, achievement=a)
    assert roadshow.slots.count() == 1


def test_slot_past_the_end_is_refused(roles, roadshow):
    _users, orgs = roles
    a = make_achievement(owner=orgs["owner"])
    slot_add(
        roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=170, achievement=a
    )
    with pytest.raises(RoadshowError, match="超出了路演的结束时间"):
        slot_add(roadshow=roadshow, kind=SlotKind.QA, duration_minutes=20, title="问答")
    assert roadshow.slots.count() == 1


def test_publish_refused_when_an_achievement_was_withdrawn(roles, roadshow):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"])
    slot_add(roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=20, achievement=a)
    from achievements.services import achievement_transition

    achievement_transition(
        achievement=a,
        action="withhold",
        by=users["reviewer"],
        comment="涉密",
        seen_revision=a.revision,
    )
    with pytest.raises(RoadshowError, match="尚未通过保密审查"):
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    roadshow.refresh_from_db()
    assert roadshow.status == "draft"


def test_status_moves_are_recorded_and_bump_the_sequence(roles, roadshow):
    users, _orgs = roles
    r = roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    assert (r.status, r.sequence) == ("published", 1)
    with pytest.raises(RoadshowError, match="原因"):
        roadshow_transition(roadshow=r, action="cancel", by=users["organizer"])
    r = roadshow_transition(
        roadshow=r, action="cancel", by=users["organizer"], note="场地原因"
    )
    assert (r.status, r.cancel_reason, r.sequence) == ("cancelled", "场地原因", 2)
    assert list(r.events.values_list("from_status", "to_status")) == [
        ("draft", "published"),
        ("published", "cancelled"),
    ]
    with pytest.raises(RoadshowError):
        roadshow_transition(roadshow=r, action="publish", by=users["organizer"])


def test_end_before_start_is_refused(roles, roadshow):
    from events.services import roadshow_update

    with pytest.raises(RoadshowError, match="结束时间必须晚于开始时间"):
        roadshow_update(
            roadshow=roadshow,
            data={"end": dt.datetime(2027, 3, 10, 13, tzinfo=SHANGHAI)},
            by=None,
        )
