"""Recommendations both ways (R7): the mandate against the library, in the
database, with reasons; only what the viewer may see; "不感兴趣" remembered."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.enums import Role
from events.enums import SlotKind
from events.registrations import registration_create
from events.services import roadshow_transition, slot_add
from livestream.models import Question, Vote
from matchmaking.models import DismissedRecommendation
from matchmaking.recommend import (
    demands_for,
    fits_for,
    investors_for,
    recommendations_for,
)
from tests.factories import make_achievement
from tests.factories.events import make_roadshow
from tests.matchmaking.helpers import field, make_profile, province


@pytest.fixture
def mandate(roles):
    users, orgs = roles
    return make_profile(org=orgs["fund"])


def energy(owner, **overrides):
    data = {
        "field": field("modern-energy"),
        "trl": 6,
        "transfer_modes": ["licence"],
        "target_provinces": [province("51")],
        "price_min": Decimal("500"),
    }
    data.update(overrides)
    return make_achievement(owner=owner, **data)


def titles(recommendations):
    return [r.achievement.title for r in recommendations]


def test_recommendations_rank_by_fit_with_reasons(roles, mandate):
    users, orgs = roles
    energy(orgs["owner"], title="全部相符")
    energy(
        orgs["owner"],
        title="领域与成熟度相符",
        trl=7,
        transfer_modes=["assignment"],
        target_provinces=[province("32")],
        price_min=None,
    )
    energy(orgs["other"], title="地区不符", target_provinces=[province("32")])
    energy(orgs["owner"], title="成熟度超出范围", trl=9)
    energy(orgs["owner"], title="领域不符", field=field("new-materials"))
    recommendations = recommendations_for(user=users["investor"])
    assert titles(recommendations) == ["全部相符", "地区不符", "领域与成熟度相符"]
    assert [r.score for r in recommendations] == [90, 70, 40]
    assert recommendations[0].reasons == [
        "领域：现代能源",
        "拟转化地区含四川省",
        "TRL 6 在 5–8 内",
        "许可",
        "意向价格 500 万元在投资规模内",
    ]
    assert recommendations[0].reason_text == (
        "领域：现代能源 · 拟转化地区含四川省 · TRL 6 在 5–8 内 · 许可 · "
        "意向价格 500 万元在投资规模内"
    )
    assert recommendations[2].reasons == ["领域：现代能源", "TRL 7 在 5–8 内"]


def test_equal_scores_put_the_newest_first(roles, mandate):
    users, orgs = roles
    energy(orgs["owner"], title="较早")
    energy(orgs["owner"], title="较新")
    assert titles(recommendations_for(user=users["investor"])) == ["较新", "较早"]


def test_price_outside_the_ticket_scores_nothing(roles, mandate):
    users, orgs = roles
    energy(orgs["owner"], title="太贵", price_min=Decimal("2000"))
    energy(
        orgs["owner"],
        title="区间相交",
        price_min=Decimal("50"),
        price_max=Decimal("150"),
    )
    recommendations = recommendations_for(user=users["investor"])
    assert titles(recommendations) == ["区间相交", "太贵"]
    assert recommendations[0].reasons[-1] == "意向价格 50–150 万元在投资规模内"
    assert [r.score for r in recommendations] == [90, 75]


def test_restricted_reaches_approved_investors_only(roles, mandate):
    users, orgs = roles
    pending_org = users["pending_investor"].memberships.get().organization
    make_profile(org=pending_org)
    energy(orgs["owner"], title="公开成果")
    energy(orgs["owner"], title="限定公开成果", state="restricted")
    assert titles(recommendations_for(user=users["investor"])) == [
        "限定公开成果",
        "公开成果",
    ]
    assert titles(recommendations_for(user=users["pending_investor"])) == ["公开成果"]


@pytest.mark.parametrize("state", ["draft", "submitted", "withheld", "returned"])
def test_unpublished_achievements_are_never_recommended(roles, mandate, state):
    users, orgs = roles
    energy(orgs["owner"], title="未发布", state=state)
    assert recommendations_for(user=users["investor"]) == []
    assert recommendations_for(user=users["organizer"]) == []


def test_own_organizations_achievements_are_never_recommended(roles, mandate):
    users, orgs = roles
    energy(orgs["fund"], title="本机构成果")
    energy(orgs["owner"], title="他人成果")
    assert titles(recommendations_for(user=users["investor"])) == ["他人成果"]


def test_users_without_a_profile_get_none_and_are_told_how(client, roles):
    users, orgs = roles
    energy(orgs["owner"], title="公开成果")
    assert recommendations_for(user=users["investor"]) == []
    assert recommendations_for(user=users["team"]) == []
    client.force_login(users["investor"])
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert "填写投资偏好后，平台会按偏好推荐成果。" in html
    assert reverse("achievements:investor_profile") in html


def test_workspace_lists_recommendations_with_reasons(client, roles, mandate):
    users, orgs = roles
    a = energy(orgs["owner"], title="全部相符")
    client.force_login(users["investor"])
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert "为您推荐的成果" in html
    assert "领域：现代能源 · 拟转化地区含四川省 · TRL 6 在 5–8 内 · 许可" in html
    assert reverse("matchmaking:recommendation_dismiss", args=[a.pk]) in html
    assert "平台据此推荐成果与路演" not in html


def test_dismissed_is_never_recommended_again_until_restored(client, roles, mandate):
    users, orgs = roles
    a = energy(orgs["owner"], title="不感兴趣的成果")
    energy(orgs["owner"], title="另一项")
    client.force_login(users["investor"])
    response = client.post(reverse("matchmaking:recommendation_dismiss", args=[a.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:workspace")
    assert DismissedRecommendation.objects.filter(
        user=users["investor"], achievement=a
    ).exists()
    assert titles(recommendations_for(user=users["investor"])) == ["另一项"]
    assert fits_for(user=users["investor"], achievement_ids=[a.pk]) == set()
    page = client.get(reverse("matchmaking:recommendations")).content.decode()
    assert reverse("matchmaking:recommendation_restore", args=[a.pk]) in page
    client.post(
        reverse("matchmaking:recommendation_restore", args=[a.pk]),
        {"next": reverse("matchmaking:recommendations")},
    )
    assert titles(recommendations_for(user=users["investor"])) == [
        "另一项",
        "不感兴趣的成果",
    ]


def test_dismissing_what_the_user_may_not_see_is_404(client, roles, mandate):
    users, orgs = roles
    hidden = energy(orgs["owner"], title="限定", state="restricted")
    draft = energy(orgs["owner"], title="草稿", state="draft")
    client.force_login(users["pending_investor"])
    url = reverse("matchmaking:recommendation_dismiss", args=[hidden.pk])
    assert client.post(url).status_code == 404
    client.force_login(users["investor"])
    url = reverse("matchmaking:recommendation_dismiss", args=[draft.pk])
    assert client.post(url).status_code == 404
    assert (
        client.get(
            reverse("matchmaking:recommendation_dismiss", args=[hidden.pk])
        ).status_code
        == 405
    )
    assert not DismissedRecommendation.objects.exists()


def test_dismissing_needs_an_investor_membership(client, roles):
    users, orgs = roles
    a = energy(orgs["owner"], title="公开")
    client.force_login(users["other_team"])
    url = reverse("matchmaking:recommendation_dismiss", args=[a.pk])
    assert client.post(url).status_code == 403
    client.logout()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert not DismissedRecommendation.objects.exists()


def test_a_question_in_a_live_room_brings_its_field_in(live, mandate):
    investor = live["investor"]
    asked = live["slot"].achievement  # new materials, not in the mandate
    sichuan = make_achievement(
        owner=asked.owner,
        title="四川的新材料成果",
        target_provinces=[province("51")],
    )
    assert recommendations_for(user=investor) == []
    Question.objects.create(
        room=live["room"], slot=live["slot"], author=investor, text="量产成本？"
    )
    recommendations = recommendations_for(user=investor)
    assert titles(recommendations) == [sichuan.title]
    assert recommendations[0].reasons == [
        "领域：新材料",
        "您在直播间关注过该领域",
        "拟转化地区含四川省",
        "TRL 6 在 5–8 内",
    ]
    assert recommendations[0].score == 45


def test_an_upvote_in_a_live_room_raises_a_declared_field(live, roles):
    users, orgs = roles
    make_profile(org=orgs["fund"], fields=("new-materials", "modern-energy"))
    pitched = live["slot"].achievement  # new materials, 江苏, 转让
    make_achievement(owner=orgs["other"], title="材料", target_provinces=[])
    energy(
        orgs["other"],
        title="能源",
        target_provinces=[],
        price_min=None,
        transfer_modes=["assignment"],
    )
    investor = live["investor"]
    assert titles(recommendations_for(user=investor)) == ["能源", "材料", pitched.title]
    question = Question.objects.create(
        room=live["room"], achievement=pitched, author=live["team"], text="量产成本？"
    )
    Vote.objects.create(question=question, user=investor)
    recommendations = recommendations_for(user=investor)
    assert titles(recommendations) == ["材料", pitched.title, "能源"]
    assert [r.score for r in recommendations] == [55, 55, 40]


def test_fits_for_marks_the_recommended_ones(roles, mandate):
    users, orgs = roles
    fits = energy(orgs["owner"], title="相符")
    restricted = energy(orgs["owner"], title="限定", state="restricted")
    other = energy(orgs["owner"], title="不符", field=field("new-materials"))
    ids = [fits.pk, restricted.pk, other.pk, None]
    assert fits_for(user=users["investor"], achievement_ids=ids) == {
        fits.pk,
        restricted.pk,
    }
    assert fits_for(user=users["team"], achievement_ids=ids) == set()


@pytest.fixture
def team_side(roles, mandate, django_capture_on_commit_callbacks):
    users, orgs = roles
    a = energy(orgs["owner"], title="储能成果", state="restricted")
    roadshow = make_roadshow(lead_host=orgs["torch"], title="能源路演")
    later = make_roadshow(lead_host=orgs["torch"], title="未发布的路演")
    with django_capture_on_commit_callbacks(execute=True):
        roadshow = roadshow_transition(
            roadshow=roadshow, action="publish", by=users["organizer"]
        )
        registration_create(
            roadshow=roadshow, user=users["investor"], attendance="online"
        )
    return a, roadshow, later


def test_team_sees_fitting_investors_and_their_roadshows(roles, team_side):
    users, orgs = roles
    a, roadshow, _later = team_side
    make_profile(org=orgs["enterprise"], fields=("new-materials",))
    pending_org = users["pending_investor"].memberships.get().organization
    make_profile(org=pending_org)
    fits = investors_for(achievement=a)
    assert [f.organization for f in fits] == [orgs["fund"]]
    assert fits[0].reasons == [
        "领域：现代能源",
        "关注地区含四川省",
        "TRL 6 在 5–8 内",
        "许可",
        "意向价格在其投资规模内",
    ]
    assert fits[0].score == 90
    assert fits[0].roadshows == [roadshow]


def test_team_panel_shows_investors_roadshows_and_demands(client, roles, team_side):
    from achievements.models import Demand

    users, orgs = roles
    a, roadshow, _later = team_side
    demand = Demand.objects.create(
        organization=orgs["enterprise"],
        title="储能需求",
        field=field("modern-energy"),
        description="需要储能技术。",
        province=province("51"),
        min_trl=5,
        budget_max=Decimal("800"),
        status="published",
    )
    Demand.objects.create(
        organization=orgs["enterprise"],
        title="成熟度要求更高",
        field=field("modern-energy"),
        description="需要成熟技术。",
        province=province("51"),
        min_trl=8,
        status="published",
    )
    fits = demands_for(achievement=a)
    assert [f.demand for f in fits] == [demand]
    assert fits[0].reasons == [
        "同一产业领域：现代能源",
        "关键词：储能",
        "技术成熟度满足要求（TRL 6，要求 5 级以上）",
        "拟转化区域包含四川省",
        "意向价格在预算范围内",
    ]
    assert fits[0].score == 70
    client.force_login(users["team"])
    html = client.get(reverse("accounts:workspace")).content.decode()
    assert "与我的成果匹配的投资方和需求" in html
    assert "丙基金" in html and "能源路演" in html and "储能需求" in html
    assert "未发布的路演" not in html


def test_unpublished_achievements_get_no_investors(roles, mandate):
    _users, orgs = roles
    draft = energy(orgs["owner"], title="草稿", state="draft")
    assert investors_for(achievement=draft) == []
    assert demands_for(achievement=draft) == []


def test_digest_preference_toggles(client, roles):
    """The recommendations page's switch is the notification settings'."""
    from accounts.notifications import email_settings_of

    users, _orgs = roles
    client.force_login(users["investor"])
    response = client.post(reverse("matchmaking:digest_preference"), {})
    assert response.status_code == 302
    assert email_settings_of(user=users["investor"])["matchmaking.digest"] is False
    client.post(reverse("matchmaking:digest_preference"), {"weekly_digest": "on"})
    assert email_settings_of(user=users["investor"])["matchmaking.digest"] is True


def test_full_page_lists_more_than_the_panel(client, roles, mandate):
    users, orgs = roles
    for n in range(12):
        energy(orgs["owner"], title=f"成果{n:02d}")
    client.force_login(users["investor"])
    workspace = client.get(reverse("accounts:workspace")).content.decode()
    page = client.get(reverse("matchmaking:recommendations")).content.decode()
    assert workspace.count("不感兴趣</button>") == 10
    assert page.count("不感兴趣</button>") == 12


def test_team_member_without_investor_role_sees_no_recommendations_page_items(
    client, roles
):
    users, _orgs = roles
    client.force_login(users["team"])
    page = client.get(reverse("matchmaking:recommendations")).content.decode()
    assert "填写投资偏好后，平台会按偏好推荐成果。" in page
    assert Role.TEAM in {m.role for m in users["team"].memberships.all()}


def test_fits_you_mark_is_personal_and_never_cached(
    client, roles, mandate, django_capture_on_commit_callbacks
):
    from django.test import Client

    from cms.models import RoadshowPage

    users, orgs = roles
    a = energy(orgs["owner"], title="储能成果")
    roadshow = make_roadshow(lead_host=orgs["torch"], title="能源路演")
    with django_capture_on_commit_callbacks(execute=True):
        slot_add(
            roadshow=roadshow, kind=SlotKind.PITCH, duration_minutes=20, achievement=a
        )
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    url = RoadshowPage.objects.get(roadshow=roadshow).url
    anonymous = Client()
    first = anonymous.get(url)
    assert first["X-Page-Cache"] == "miss"
    assert "储能成果" in first.content.decode()
    assert "适合您" not in first.content.decode()
    client.force_login(users["investor"])
    signed_in = client.get(url)
    assert "X-Page-Cache" not in signed_in
    assert signed_in.content.decode().count("适合您") == 1
    again = anonymous.get(url)
    assert again["X-Page-Cache"] == "hit"
    assert "适合您" not in again.content.decode()
    client.force_login(users["team"])
    assert "适合您" not in client.get(url).content.decode()


def test_fits_for_costs_three_queries(roles, mandate, django_assert_num_queries):
    users, orgs = roles
    a = energy(orgs["owner"], title="相符")
    investor = users["investor"]
    fits_for(user=investor, achievement_ids=[a.pk])  # memberships now known
    with django_assert_num_queries(3):
        assert fits_for(user=investor, achievement_ids=[a.pk]) == {a.pk}


def test_transfer_modes_match_whole_names_only(roles):
    users, orgs = roles
    make_profile(org=orgs["fund"], modes=("open_licence",), provinces=())
    a = energy(orgs["owner"], title="许可", transfer_modes=["licence"])
    assert [r.score for r in recommendations_for(user=users["investor"])] == [55]
    fits = investors_for(achievement=a)
    assert [(f.organization, f.score) for f in fits] == [(orgs["fund"], 55)]
    assert "许可" not in fits[0].reasons and "开放许可" not in fits[0].reasons


def test_a_not_interested_mark_sinks_its_field(roles):
    users, orgs = roles
    make_profile(org=orgs["fund"], fields=("modern-energy", "new-materials"))
    energy(orgs["owner"], title="能源")
    materials = energy(orgs["owner"], title="材料", field=field("new-materials"))
    other = energy(orgs["owner"], title="另一项材料", field=field("new-materials"))
    investor = users["investor"]
    assert titles(recommendations_for(user=investor)) == ["另一项材料", "材料", "能源"]
    DismissedRecommendation.objects.create(user=investor, achievement=other)
    recommendations = recommendations_for(user=investor)
    assert titles(recommendations) == ["能源", "材料"]
    assert [r.score for r in recommendations] == [90, 90]
    assert fits_for(user=investor, achievement_ids=[materials.pk]) == {materials.pk}
