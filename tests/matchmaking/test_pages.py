"""The matchmaking pages over HTTP, as each side and the organizers use them."""

import datetime as dt

import pytest
import vobject
from django.test import Client
from django.utils import timezone

from events.calendars import personal_token
from matchmaking.enums import MeetingStatus, RequestStatus
from matchmaking.models import Meeting, MeetingRequest
from tests.factories.matchmaking import make_market, make_meeting
from tracker.models import Deal


@pytest.fixture
def market(roles):
    return make_market(roles)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _meetings_in_feed(client, user) -> list:
    body = client.get(f"/calendar/u/{personal_token(user)}.ics").content.decode()
    calendar = vobject.readOne(body)
    return [
        e
        for e in calendar.contents.get("vevent", [])
        if e.uid.value.startswith("meeting-")
    ]


def test_request_accept_schedule_move_outcome_deal(
    market, django_capture_on_commit_callbacks
):
    investor, team, organizer = (
        _client(market["investor"]),
        _client(market["team"]),
        _client(market["organizer"]),
    )
    achievement, session = market["achievement"], market["session"]
    page = investor.get(f"/matchmaking/request/?achievement={achievement.pk}")
    assert page.status_code == 200
    assert "发送约见请求" in page.content.decode()
    sent = investor.post(
        f"/matchmaking/request/?achievement={achievement.pk}",
        {"message": "想了解中试", "priority": "3", "place_kind": "onsite"},
    )
    request = MeetingRequest.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/matchmaking/requests/{request.pk}/"
    assert (request.priority, request.requester) == (3, market["investor"])
    # The team answers from its hub.
    hub = team.get("/matchmaking/").content.decode()
    assert "待我方回复" in hub and achievement.title in hub
    accepted = team.post(
        f"/matchmaking/requests/{request.pk}/accept/",
        {"attendees": [market["team"].pk], "accept_priority": "1"},
    )
    assert accepted.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.weight) == (RequestStatus.ACCEPTED, 4)
    # The organizer schedules and publishes in the admin.
    # The run is a background job (here: right after the commit); the
    # session's page shows what came of it.
    with django_capture_on_commit_callbacks(execute=True):
        run = organizer.post(f"/admin/matchmaking/{session.pk}/run/", {})
    assert run.status_code == 302
    page = organizer.get(f"/admin/matchmaking/{session.pk}/").content.decode()
    assert "已完成" in page and "编排完成：新安排 1 场" in page
    meeting = Meeting.objects.get()
    assert meeting.published_at is None
    assert _meetings_in_feed(investor, market["investor"]) == []
    organizer.post(f"/admin/matchmaking/{session.pk}/publish/")
    meeting.refresh_from_db()
    assert meeting.published_at is not None
    [event] = _meetings_in_feed(investor, market["investor"])
    assert event.uid.value == f"meeting-{meeting.uid}@roadshow"
    assert (event.sequence.value, event.status.value) == ("0", "CONFIRMED")
    assert achievement.title in event.summary.value  # a public achievement
    # Moved by hand: the feed's SEQUENCE rises, the UID stays.
    target = market["slots"][5]
    moved = organizer.post(
        f"/admin/matchmaking/{session.pk}/meetings/{meeting.pk}/move/",
        {"slot": target.pk, "place": meeting.place_id},
    )
    assert moved.status_code == 302
    [event] = _meetings_in_feed(team, market["team"])
    assert (event.uid.value, event.sequence.value) == (
        f"meeting-{meeting.uid}@roadshow",
        "1",
    )
    assert event.dtstart.value == target.start
    # After the meeting: the investor says "continue" and registers the deal.
    Meeting.objects.filter(pk=meeting.pk).update()
    from matchmaking.models import MatchSlot

    MatchSlot.objects.filter(pk=target.pk).update(
        start=timezone.now() - dt.timedelta(minutes=30),
        end=timezone.now() - dt.timedelta(minutes=10),
    )
    recorded = investor.post(
        f"/matchmaking/meetings/{meeting.pk}/outcome/", {"outcome": "continue"}
    )
    assert recorded.status_code == 302
    page = investor.get(f"/matchmaking/requests/{request.pk}/").content.decode()
    assert f"/deals/new/?meeting={meeting.pk}" in page
    created = investor.post(
        f"/deals/new/?meeting={meeting.pk}",
        {"counterparty": market["fund"].pk, "transfer_mode": "licence", "note": "继续"},
    )
    deal = Deal.objects.get()
    assert created["Location"] == f"/deals/{deal.pk}/"
    assert (deal.meeting, deal.counterparty, deal.roadshow) == (
        meeting,
        market["fund"],
        market["roadshow"],
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD
    # Registering the same meeting again leads to the deal, adding nothing.
    again = investor.post(f"/deals/new/?meeting={meeting.pk}")
    assert again["Location"] == f"/deals/{deal.pk}/"
    assert (Deal.objects.count(), deal.moves.count()) == (1, 1)


def test_continue_on_a_deal_already_followed_adds_the_meeting_to_it(market):
    from matchmaking.models import MatchSlot
    from matchmaking.services import outcome_record
    from tracker.services import deal_create

    deal = deal_create(
        by=market["investor"],
        achievement=market["achievement"],
        counterparty=market["fund"],
        transfer_mode="licence",
    )
    _request, meeting = make_meeting(market)
    MatchSlot.objects.filter(pk=meeting.slot_id).update(
        start=timezone.now() - dt.timedelta(minutes=30)
    )
    outcome_record(meeting_id=meeting.pk, by=market["investor"], outcome="continue")
    investor = _client(market["investor"])
    page = investor.get(f"/deals/new/?meeting={meeting.pk}").content.decode()
    assert "已在跟踪中" in page
    added = investor.post(f"/deals/new/?meeting={meeting.pk}")
    assert added["Location"] == f"/deals/{deal.pk}/"
    deal.refresh_from_db()
    assert (Deal.objects.count(), deal.meeting, deal.moves.count()) == (1, meeting, 2)


def test_someone_elses_request_and_meeting_do_not_exist(market):
    from matchmaking.services import request_accept, request_create

    request = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction="to_team",
    )
    request_accept(request_id=request.pk, by=market["team"])
    rival = _client(market["other_team"])
    assert rival.get(f"/matchmaking/requests/{request.pk}/").status_code == 404
    assert rival.post(f"/matchmaking/requests/{request.pk}/cancel/").status_code == 404
    assert rival.get("/matchmaking/requests/999999/").status_code == 404
    assert (
        rival.post("/matchmaking/meetings/999999/outcome/", {"outcome": "pass"})
    ).status_code == 404
    # The requesting side may not accept its own request.
    answer = _client(market["investor"]).post(
        f"/matchmaking/requests/{request.pk}/decline/", {"reason": "price"}
    )
    assert answer.status_code == 403
    request.refresh_from_db()
    assert request.status == RequestStatus.ACCEPTED


def test_decline_without_a_reason_says_so_and_writes_nothing(market):
    from matchmaking.services import request_create

    request = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction="to_team",
    )
    response = _client(market["team"]).post(
        f"/matchmaking/requests/{request.pk}/decline/", {"reason": ""}
    )
    assert response.status_code == 400
    assert "请选择婉拒原因" in response.content.decode()
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


def test_request_page_in_english(market):
    client = _client(market["investor"])
    client.get("/lang/en/")
    page = client.get(f"/matchmaking/request/?achievement={market['achievement'].pk}")
    assert "Send the meeting request" in page.content.decode()


def test_staff_marks_a_meeting_from_the_phone_page(market):
    from matchmaking.models import MatchSlot

    _request, meeting = make_meeting(market)
    staff = _client(market["organizer"])
    too_early = staff.post(
        f"/matchmaking/meetings/{meeting.pk}/mark/", {"status": "held"}
    )
    assert too_early.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    MatchSlot.objects.filter(pk=meeting.slot_id).update(
        start=timezone.now() - dt.timedelta(minutes=5)
    )
    staff.post(f"/matchmaking/meetings/{meeting.pk}/mark/", {"status": "no_show"})
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.NO_SHOW
    page = staff.get(f"/matchmaking/sessions/{market['session'].pk}/staff/")
    assert "未到场" in page.content.decode()
    # Not door staff: refused.
    assert (
        _client(market["team"]).get(
            f"/matchmaking/sessions/{market['session'].pk}/staff/"
        )
    ).status_code == 403


def test_dashboard_and_its_export_count_the_session(market):
    import io

    from openpyxl import load_workbook

    from matchmaking.services import (
        request_accept,
        request_create,
        request_decline,
        schedule_publish,
        schedule_run,
    )
    from tests.factories import make_achievement

    asked = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction="to_team",
    )
    request_accept(request_id=asked.pk, by=market["team"])
    other = make_achievement(owner=market["owner"], state="public")
    declined = request_create(
        by=market["enterprise"],
        session=market["session"],
        achievement=other,
        investor_org=market["enterprise_org"],
        direction="to_team",
    )
    request_decline(request_id=declined.pk, by=market["team"], reason="price")
    schedule_run(session_id=market["session"].pk, by=market["organizer"])
    schedule_publish(session_id=market["session"].pk, by=market["organizer"])
    from tracker.models import TargetPeriod

    day = market["session"].starts_at.date()
    target = TargetPeriod.objects.create(
        name="对接期",
        starts=day.replace(month=1, day=1),
        ends=day.replace(month=12, day=31),
        roadshows=24,
        promoted_national=100,
        promoted_total=200,
        landed=10,
        cross_region=1,
        local_northwest=1,
    )
    organizer = _client(market["organizer"])
    page = organizer.get(f"/deals/dashboard/?period={target.pk}").content.decode()
    assert "供需对接" in page and "50%" in page
    export = organizer.get(f"/deals/dashboard.xlsx?period={target.pk}")
    body = b"".join(export.streaming_content) if export.streaming else export.content
    sheet = load_workbook(io.BytesIO(body))["供需对接"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "对接会"
    assert rows[1][1:] == (2, 0.5, 1, 0, 0, 0, 0)


def test_door_staff_find_the_table_page_in_their_workspace(market):
    from tests.factories import make_user

    helper = make_user(username="table_staff")
    market["roadshow"].door_staff.add(helper)
    client = _client(helper)
    staff_url = f"/matchmaking/sessions/{market['session'].pk}/staff/"
    assert staff_url in client.get("/workspace/").content.decode()
    assert client.get(staff_url).status_code == 200
    assert "/matchmaking/" not in client.get("/workspace/").content.decode().replace(
        staff_url, ""
    )


def test_a_pending_investor_is_told_its_organization_is_under_review(market):
    pending = _client(market["pending_investor"])
    url = f"/matchmaking/request/?achievement={market['achievement'].pk}"
    response = pending.get(url)
    assert response.status_code == 403
    assert "您的机构（丁基金）正在审核中" in response.content.decode()
    page = pending.get(f"/achievements/{market['achievement'].pk}/").content.decode()
    assert "正在审核中" in page and "约见该项目" not in page


def test_asking_again_leads_to_the_meeting_already_agreed(market):
    request, _meeting = make_meeting(market)
    team = _client(market["team"])
    achievement = market["achievement"].pk
    choose = team.get(
        f"/matchmaking/request/?achievement={achievement}"
        f"&session={market['session'].pk}"
    ).content.decode()
    assert "已约定会面" in choose
    again = team.get(
        f"/matchmaking/request/?achievement={achievement}"
        f"&session={market['session'].pk}&investor={market['fund'].pk}"
    )
    assert again["Location"] == f"/matchmaking/requests/{request.pk}/"
