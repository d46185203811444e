""" "我们可以对接" (seeds/004 三.1): a team answers a demand with its own
achievement; the demand side is told, sees it, takes it to a meeting or says
it is not a fit.  Once per pair, within quota and rate."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.cache import cache

from accounts.models import Notification
from achievements.models import Demand, IndustryField, Province
from matchmaking.enums import DemandResponseStatus, Direction, RequestStatus
from matchmaking.models import DemandResponse, MeetingRequest
from matchmaking.services import MatchError
from matchmaking.services.demand_responses import (
    demand_respond,
    demand_response_decline,
)
from tests.factories import make_achievement
from tests.factories.matchmaking import make_market


@pytest.fixture(autouse=True)
def _fresh_rate_counts():
    cache.clear()


def _demand(org, **overrides):
    data = {
        "organization": org,
        "title": "风电叶片用碳纤维复合材料",
        "field": IndustryField.objects.get(code="new-materials"),
        "description": "需要大型风电叶片主梁用的碳纤维复合材料及成型工艺。",
        "province": Province.objects.get(code="32"),
        "min_trl": 5,
        "budget_max": Decimal("800"),
        "status": "published",
    }
    data.update(overrides)
    return Demand.objects.create(**data)


@pytest.fixture
def pair(roles):
    users, orgs = roles
    users["enterprise"].email = "ent@example.com"
    users["enterprise"].save()
    users["team"].email = "team@example.com"
    users["team"].save()
    demand = _demand(orgs["enterprise"])
    achievement = make_achievement(
        owner=orgs["owner"], title="风电叶片碳纤维复合材料成型技术", trl=7
    )
    return users, orgs, demand, achievement


def test_team_answers_from_the_demand_page_and_the_enterprise_is_told(
    client, pair, django_capture_on_commit_callbacks
):
    users, _orgs, demand, achievement = pair
    client.force_login(users["team"])
    page = client.get(demand.get_absolute_url()).content.decode()
    assert "我们可以对接" in page
    assert f'<option value="{achievement.pk}">{achievement.title}（匹配度 ' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/matchmaking/demands/{demand.pk}/respond/",
            {"achievement": achievement.pk, "message": "可提供中试样件"},
        )
    assert response.status_code == 302
    assert response["Location"] == demand.get_absolute_url()
    answer = DemandResponse.objects.get()
    assert (answer.achievement, answer.team_org, answer.status) == (
        achievement,
        achievement.owner,
        DemandResponseStatus.OPEN,
    )
    assert answer.score == 76
    assert [m.to for m in mail.outbox] == [["ent@example.com"]]
    assert mail.outbox[0].subject == (
        "甲大学 表示可以对接您的需求“风电叶片用碳纤维复合材料”（匹配度 76/100）"
    )
    assert "留言：可提供中试样件" in mail.outbox[0].body
    # The same line in the enterprise's notifications, linking to the demand.
    client.force_login(users["enterprise"])
    listed = client.get("/workspace/notifications/").content.decode()
    assert "甲大学 表示可以对接您的需求“风电叶片用碳纤维复合材料”" in listed
    [told] = Notification.objects.filter(user=users["enterprise"])
    assert told.link == demand.get_absolute_url()
    assert client.get(f"/workspace/notifications/{told.pk}/")["Location"] == (
        demand.get_absolute_url()
    )
    # Once per pair: the form no longer offers it, a second post is refused.
    client.post(
        f"/matchmaking/demands/{demand.pk}/respond/", {"achievement": achievement.pk}
    )
    assert DemandResponse.objects.count() == 1
    client.force_login(users["enterprise"])
    page = client.get(demand.get_absolute_url()).content.decode()
    assert "成果团队的响应" in page and achievement.title in page
    assert "76/100" in page


def test_once_per_pair_in_the_service(pair):
    users, _orgs, demand, achievement = pair
    demand_respond(by=users["team"], demand=demand, achievement=achievement)
    with pytest.raises(MatchError, match="已用该成果响应过这项需求"):
        demand_respond(by=users["team"], demand=demand, achievement=achievement)


def test_only_the_teams_own_published_achievement_and_a_visible_demand(pair, roles):
    users, orgs, demand, achievement = pair
    with pytest.raises(MatchError, match="只有成果团队成员"):
        demand_respond(by=users["other_team"], demand=demand, achievement=achievement)
    with pytest.raises(MatchError, match="只有成果团队成员"):
        demand_respond(by=users["enterprise"], demand=demand, achievement=achievement)
    draft = make_achievement(owner=orgs["owner"], state="draft")
    with pytest.raises(MatchError, match="尚未发布"):
        demand_respond(by=users["team"], demand=demand, achievement=draft)
    hidden = _demand(orgs["enterprise"], title="草稿需求", status="draft")
    with pytest.raises(MatchError, match="未发布或已过截止日期"):
        demand_respond(by=users["team"], demand=hidden, achievement=achievement)
    own = _demand(orgs["owner"], title="本单位的需求")
    with pytest.raises(MatchError, match="不能响应本单位的需求"):
        demand_respond(by=users["team"], demand=own, achievement=achievement)
    assert DemandResponse.objects.count() == 0


def test_a_form_naming_another_teams_achievement_writes_nothing(client, pair, roles):
    users, orgs, demand, _achievement = pair
    theirs = make_achievement(owner=orgs["other"], title="别家成果")
    client.force_login(users["team"])
    response = client.post(
        f"/matchmaking/demands/{demand.pk}/respond/", {"achievement": theirs.pk}
    )
    assert response.status_code == 302
    assert DemandResponse.objects.count() == 0
    hidden = _demand(orgs["enterprise"], title="草稿需求", status="draft")
    response = client.post(f"/matchmaking/demands/{hidden.pk}/respond/", {})
    assert response.status_code == 404


def test_quota_and_rate(pair, roles, settings):
    users, orgs, demand, achievement = pair
    second = _demand(orgs["enterprise"], title="第二项需求")
    settings.DEMAND_RESPONSE_QUOTA = 1
    demand_respond(by=users["team"], demand=demand, achievement=achievement)
    with pytest.raises(MatchError, match="已达上限（1 个）"):
        demand_respond(by=users["team"], demand=second, achievement=achievement)
    settings.DEMAND_RESPONSE_QUOTA = 20
    # Every try counts against the rate, the refused one too.
    settings.DEMAND_RESPONSE_RATE_PER_HOUR = 3
    demand_respond(by=users["team"], demand=second, achievement=achievement)
    third = _demand(orgs["enterprise"], title="第三项需求")
    with pytest.raises(MatchError, match="每人每小时最多 3 次"):
        demand_respond(by=users["team"], demand=third, achievement=achievement)
    assert DemandResponse.objects.count() == 2


def test_enterprise_says_not_a_fit_and_the_team_is_told(
    client, pair, django_capture_on_commit_callbacks
):
    users, _orgs, demand, achievement = pair
    answer = demand_respond(by=users["team"], demand=demand, achievement=achievement)
    client.force_login(users["team"])
    assert (
        client.post(f"/matchmaking/demand-responses/{answer.pk}/decline/").status_code
        == 404
    )
    client.force_login(users["enterprise"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/matchmaking/demand-responses/{answer.pk}/decline/",
            {"note": "需要更大尺寸"},
        )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.status, answer.decline_note) == ("declined", "需要更大尺寸")
    assert [m.to for m in mail.outbox] == [["team@example.com"]]
    assert "需要更大尺寸" in mail.outbox[0].body
    assert mail.outbox[0].subject == (
        "需求方认为您响应的成果不适合其需求“风电叶片用碳纤维复合材料”"
    )
    client.force_login(users["team"])
    assert "需要更大尺寸" in client.get("/workspace/notifications/").content.decode()
    with pytest.raises(MatchError, match="已处理"):
        demand_response_decline(by=users["enterprise"], response=answer)


def test_a_session_both_attend_opens_the_meeting_request(roles):
    market = make_market(roles)
    demand = _demand(market["enterprise_org"])
    answer = demand_respond(
        by=market["team"],
        demand=demand,
        achievement=market["achievement"],
        message="欢迎洽谈",
    )
    request = MeetingRequest.objects.get()
    assert answer.status == DemandResponseStatus.MEETING
    assert answer.meeting_request == request
    assert (request.direction, request.investor_org, request.status) == (
        Direction.TO_INVESTOR,
        market["enterprise_org"],
        RequestStatus.PENDING,
    )
    assert request.message == "欢迎洽谈\n（响应技术需求“风电叶片用碳纤维复合材料”）"


def test_a_later_request_by_the_enterprise_follows_the_response(roles):
    from matchmaking.services import request_create

    market = make_market(roles)
    demand = _demand(market["enterprise_org"])
    # No session yet where the enterprise comes: the response stands alone.
    market["session"].roadshow.registrations.filter(user=market["enterprise"]).delete()
    answer = demand_respond(
        by=market["team"], demand=demand, achievement=market["achievement"]
    )
    assert answer.status == DemandResponseStatus.OPEN
    from django.db import transaction

    from events.registrations import registration_create

    with transaction.atomic():
        registration_create(
            roadshow=market["roadshow"], user=market["enterprise"], attendance="onsite"
        )
    request = request_create(
        by=market["enterprise"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["enterprise_org"],
        direction=Direction.TO_TEAM,
    )
    answer.refresh_from_db()
    assert (answer.status, answer.meeting_request) == ("meeting", request)


def test_team_panel_offers_the_answer_and_marks_it_done(client, pair):
    users, _orgs, demand, achievement = pair
    client.force_login(users["team"])
    html = client.get("/workspace/").content.decode()
    assert "相符的技术需求与应用场景" in html
    assert f'action="/matchmaking/demands/{demand.pk}/respond/"' in html
    demand_respond(by=users["team"], demand=demand, achievement=achievement)
    html = client.get("/workspace/").content.decode()
    assert f'action="/matchmaking/demands/{demand.pk}/respond/"' not in html
    assert "已响应" in html
    client.force_login(users["enterprise"])
    html = client.get("/workspace/").content.decode()
    assert "成果团队对本单位需求的响应" in html and achievement.title in html
