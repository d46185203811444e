"""The organizers' home in the admin is an inbox: what waits for them, each
a count that leads to the list holding exactly those things."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from achievements.enums import ReviewStatus
from events.enums import SlotKind
from events.models import Slot
from matchmaking.models import MeetingRequest
from matchmaking.services import request_create
from tests.factories import make_achievement
from tests.factories.events import make_roadshow
from tests.factories.matchmaking import make_market
from tracker.models import Objection
from tracker.services import deal_create

pytestmark = pytest.mark.django_db


def items(client) -> dict[str, tuple[int, str]]:
    """label → (count, address) of each line of the inbox."""
    html = client.get("/admin/").content.decode()
    found = re.findall(
        r'<a class="inbox-count" href="([^"]+)"><strong>(\d+)</strong>\s*([^<]+)</a>',
        html,
    )
    return {
        label.strip(): (int(n), url.replace("&amp;", "&")) for url, n, label in found
    }


def test_an_empty_inbox_still_names_every_list(client, roles):
    users, _orgs = roles
    client.force_login(users["organizer"])
    inbox = items(client)
    assert set(inbox) == {
        "待审查的成果",
        "待审查的开放许可声明",
        "待审核的投资方",
        "本月待完善的路演",
        "需跟进的转化项目",
        "待处理的公示异议",
        "即将过期的对接请求",
    }
    assert inbox["待审核的投资方"][0] == 1  # the fixtures' pending fund
    for label, (_count, url) in inbox.items():
        assert client.get(url).status_code == 200, label


def test_each_count_is_what_its_list_holds(client, roles):
    users, orgs = roles
    for state in (ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW):
        achievement = make_achievement(owner=orgs["owner"], title=f"待审{state}")
        achievement.status = state
        achievement.save(update_fields=["status"])
    # A roadshow this month, watched online too, with a pitch lacking its
    # deck and cover and no stream; one next month does not count.
    today = timezone.localdate()
    this_month = make_roadshow(
        day=today,
        status="published",
        title="本月路演",
        first_published_at=timezone.now(),
    )
    Slot.objects.create(
        roadshow=this_month,
        kind=SlotKind.PITCH,
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        team=orgs["owner"],
        position=1,
    )
    make_roadshow(day=today + dt.timedelta(days=40), title="下月路演")
    # An objection waiting on a deal's disclosure.
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(
            owner=orgs["owner"], state="public", title="异议成果"
        ),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
    )
    Objection.objects.create(deal=deal, name="某人", contact="x", reason="理由")
    # A request lapsing tomorrow, and one lapsing next week (in a market of
    # another month, whatever today is: its roadshow is not this month's).
    market = make_market(roles, day=today + dt.timedelta(days=40))
    for days in (1, 7):
        request = request_create(
            by=market["investor"] if days == 1 else market["enterprise"],
            session=market["session"],
            achievement=market["achievement"],
            investor_org=market["fund"] if days == 1 else market["enterprise_org"],
            direction="to_team",
        )
        MeetingRequest.objects.filter(pk=request.pk).update(
            expires_at=timezone.now() + dt.timedelta(days=days)
        )

    client.force_login(users["organizer"])
    inbox = items(client)
    page = client.get("/admin/").content.decode()
    assert inbox["待审查的成果"][0] == 2
    assert inbox["本月待完善的路演"][0] == 1
    assert "本月路演 · 1 个项目缺材料、未设直播地址" in page
    assert "下月路演" not in page
    assert inbox["待处理的公示异议"][0] == 1 and "异议成果" in page
    assert inbox["即将过期的对接请求"][0] == 1
    # The lists behind the counts hold those things.
    review_list = client.get(inbox["待审查的成果"][1]).content.decode()
    assert "待审submitted" in review_list and "待审under_review" in review_list
    objections = client.get(inbox["待处理的公示异议"][1]).content.decode()
    assert "异议成果" in objections


def test_only_organizers_have_it(client, roles):
    users, _orgs = roles
    client.force_login(users["reviewer"])
    response = client.get("/admin/")
    assert "inbox-count" not in response.content.decode()
