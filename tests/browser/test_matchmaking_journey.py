"""Issue 14 end to end in Chromium: an investor finds a fitting achievement
and asks for a meeting; the team accepts and names who attends; another
request expires; the organizer schedules the session in the admin and
publishes it; both sides see the meeting in their workspace and their
calendar feed; the organizer moves it and the feed's SEQUENCE rises; after
the meeting the investor records "continue" and the deal appears in the
tracker with the meeting as its origin."""

import datetime as dt

import pytest
import vobject
from django.test import Client
from django.utils import timezone

from events.calendars import personal_token
from matchmaking.models import MatchSlot, Meeting, MeetingRequest
from matchmaking.services import request_create, requests_expire
from tests.browser.conftest import login
from tests.factories import make_achievement
from tests.factories.matchmaking import make_market
from tests.matchmaking.helpers import make_profile
from tracker.models import Deal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _feed_meetings(user) -> list:
    body = Client().get(f"/calendar/u/{personal_token(user)}.ics").content.decode()
    calendar = vobject.readOne(body)
    return [
        e
        for e in calendar.contents.get("vevent", [])
        if e.uid.value.startswith("meeting-")
    ]


def _shot(page, name):
    page.screenshot(path=str(page.shots / f"matchmaking-{name}.png"), full_page=True)


def test_recommend_request_accept_schedule_move_continue(page, roles):
    market = make_market(roles)
    achievement = market["achievement"]
    make_profile(
        org=market["fund"],
        fields=(achievement.field.code,),
        provinces=(),
        modes=(),
        trl=(1, 9),
        ticket=(None, None),
    )

    # The investor finds it among its recommendations, with the reasons, and
    # asks for a meeting from there.
    login(page, "investor")
    row = page.locator(f"tr:has(a[href='/achievements/{achievement.pk}/'])")
    reasons = row.locator(".meta").inner_text()
    assert f"领域：{achievement.field.name}" in reasons
    assert "TRL" in reasons
    _shot(page, "recommendations")
    row.locator("a:has-text('约见')").click()
    page.fill("textarea[name=message]", "想了解中试线的良率和许可条件。")
    page.check("input[name=priority][value='3']")
    page.check(f"input[name=preferred_slots][value='{market['slots'][4].pk}']")
    _shot(page, "request")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=约见请求已发出")
    asked = MeetingRequest.objects.get(requester=market["investor"])

    # Another request, which nobody answers in time.
    other = make_achievement(owner=market["owner"], state="public")
    late = request_create(
        by=market["enterprise"],
        session=market["session"],
        achievement=other,
        investor_org=market["enterprise_org"],
        direction="to_team",
    )
    MeetingRequest.objects.filter(pk=late.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert requests_expire() == 1

    # The team accepts from its workspace and names who attends.
    page.context.clear_cookies()
    login(page, "team")
    page.click("text=我的对接")
    page.wait_for_selector("text=待我方回复")
    assert page.locator("text=已过期").count() == 1
    page.click(f"a[href='/matchmaking/requests/{asked.pk}/']")
    page.check(f"input[name=attendees][value='{market['team'].pk}']")
    page.check("input[name=accept_priority][value='1']")
    _shot(page, "accept")
    page.click("text=接受约见")
    page.wait_for_selector("text=已接受约见")

    # The organizer schedules and publishes.
    page.context.clear_cookies()
    login(page, "organizer")
    page.goto(page.base + f"/admin/matchmaking/{market['session'].pk}/")
    page.click("button:has-text('编排')")
    page.wait_for_selector("text=编排完成")
    _shot(page, "admin-run")
    page.click("button:has-text('发布日程')")
    page.wait_for_selector("text=日程已发布")
    meeting = Meeting.objects.get(request=asked)
    assert meeting.slot == market["slots"][4]  # the preferred slot was free
    [event] = _feed_meetings(market["investor"])
    [team_event] = _feed_meetings(market["team"])
    assert event.uid.value == team_event.uid.value == f"meeting-{meeting.uid}@roadshow"
    assert event.sequence.value == "0"

    # Moved by hand: the UID stays, SEQUENCE rises.
    target = market["slots"][6]
    row = page.locator(f"tr:has(form[action$='/meetings/{meeting.pk}/move/'])")
    row.locator("select[name=slot]").select_option(str(target.pk))
    row.locator("button:has-text('移动')").click()
    page.wait_for_selector("text=会面已调整")
    [event] = _feed_meetings(market["investor"])
    assert (event.sequence.value, event.dtstart.value) == ("1", target.start)

    # Both see it in their workspace.
    page.context.clear_cookies()
    login(page, "investor")
    page.click("text=我的对接")
    page.wait_for_selector(f"text={timezone.localtime(target.start):%Y-%m-%d %H:%M}")
    _shot(page, "hub")

    # After the meeting: "continue", then the deal, its origin the meeting.
    MatchSlot.objects.filter(pk=target.pk).update(
        start=timezone.now() - dt.timedelta(minutes=40),
        end=timezone.now() - dt.timedelta(minutes=20),
    )
    page.goto(page.base + f"/matchmaking/requests/{asked.pk}/")
    page.check("input[name=outcome][value=continue]")
    page.click("text=保存结果")
    page.wait_for_selector("text=已记录：继续洽谈")
    page.click("a:has-text('登记意向')")
    page.select_option("select[name=transfer_mode]", "licence")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=已登记为意向项目")
    deal = Deal.objects.get()
    assert (deal.meeting_id, deal.achievement_id) == (meeting.pk, achievement.pk)
    page.goto(page.base + "/deals/")
    page.wait_for_selector(f"text={achievement.title}")
    page.goto(page.base + f"/deals/{deal.pk}/")
    page.wait_for_selector("text=对接会面")
    _shot(page, "deal")
