"""iCalendar feeds, read back with an independent parser (vobject)."""

import pytest
import vobject

from events.services import roadshow_transition, roadshow_update
from tests.factories.events import make_roadshow


def parse(response):
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return vobject.readOne(response.content.decode())


def events_of(calendar):
    return {e.summary.value: e for e in getattr(calendar, "vevent_list", [])}


@pytest.fixture
def shows(roles):
    users, orgs = roles
    published = make_roadshow(
        lead_host=orgs["torch"],
        title="已发布路演",
        stream_url="https://live.example.cn/hls/1.m3u8",
    )
    roadshow_transition(roadshow=published, action="publish", by=users["organizer"])
    draft = make_roadshow(lead_host=orgs["torch"], title="草案路演")
    early_cancel = make_roadshow(lead_host=orgs["torch"], title="发布前取消的路演")
    roadshow_transition(
        roadshow=early_cancel, action="cancel", by=users["organizer"], note="调整"
    )
    return users, published, draft


def test_all_roadshows_feed(client, shows):
    _users, published, _draft = shows
    calendar = parse(client.get("/calendar/roadshows.ics"))
    events = events_of(calendar)
    assert set(events) == {"已发布路演"}
    event = events["已发布路演"]
    assert event.uid.value == f"{published.uid}@roadshow"
    assert int(event.sequence.value) == 1
    assert event.status.value == "CONFIRMED"
    assert event.dtstart.value.isoformat() == "2027-03-10T14:00:00+08:00"
    # Online participants are sent to the live room, never to the raw stream.
    room = f"http://testserver/live/{published.pk}/"
    assert f"线上观看：{room}" in event.description.value
    assert event.conference.value == room
    assert "m3u8" not in event.description.value
    assert calendar.vtimezone.tzid.value == "Asia/Shanghai"
    assert hasattr(event, "dtstamp")


def test_changes_bump_sequence_and_cancellation_stays_in_feed(client, shows):
    users, published, _draft = shows
    roadshow_update(roadshow=published, data={"venue": "新会场"}, by=None)
    event = events_of(parse(client.get("/calendar/roadshows.ics")))["已发布路演"]
    assert int(event.sequence.value) == 2
    assert "新会场" in event.location.value
    roadshow_transition(
        roadshow=published, action="cancel", by=users["organizer"], note="天气原因"
    )
    event = events_of(parse(client.get("/calendar/roadshows.ics")))["已发布路演"]
    assert event.status.value == "CANCELLED"
    assert int(event.sequence.value) == 3
    assert event.uid.value == f"{published.uid}@roadshow"


def test_filtered_feeds(client, shows):
    _users, published, _draft = shows
    assert set(events_of(parse(client.get("/calendar/field/new-materials.ics")))) == {
        "已发布路演"
    }
    assert (
        set(events_of(parse(client.get("/calendar/field/modern-energy.ics")))) == set()
    )
    host = published.lead_host_id
    assert set(events_of(parse(client.get(f"/calendar/host/{host}.ics")))) == {
        "已发布路演"
    }
    assert client.get("/calendar/field/nonexistent.ics").status_code == 404


def test_single_download_only_for_public_roadshows(client, shows):
    _users, published, draft = shows
    events = events_of(parse(client.get(f"/calendar/roadshows/{published.pk}.ics")))
    assert set(events) == {"已发布路演"}
    assert client.get(f"/calendar/roadshows/{draft.pk}.ics").status_code == 404


def test_personal_feed_with_resettable_token(client, shows, roles):
    users, orgs = roles
    _u, published, _draft = shows
    published.invited.add(orgs["fund"])
    from events.calendars import personal_token

    investor = users["investor"]
    token = personal_token(investor)
    events = events_of(parse(client.get(f"/calendar/u/{token}.ics")))
    assert set(events) == {"已发布路演"}
    assert client.get(f"/calendar/u/{token[:-1]}x.ics").status_code == 404
    assert (
        client.get(
            f"/calendar/u/{users['team'].pk}-{token.split('-')[1]}.ics"
        ).status_code
        == 404
    )
    client.force_login(investor)
    client.post("/workspace/calendar/reset/")
    assert client.get(f"/calendar/u/{token}.ics").status_code == 404
    investor.refresh_from_db()
    assert client.get(f"/calendar/u/{personal_token(investor)}.ics").status_code == 200
