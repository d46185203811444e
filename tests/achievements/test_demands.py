"""R10: demand lists matched against the library, with reasons."""

from decimal import Decimal

import pytest

from achievements.models import Demand, IndustryField, Province
from tests.factories import make_achievement


@pytest.fixture
def demand(roles):
    _users, orgs = roles
    return Demand.objects.create(
        organization=orgs["enterprise"],
        title="风电叶片用碳纤维复合材料",
        field=IndustryField.objects.get(code="new-materials"),
        description="需要大型风电叶片主梁用的碳纤维复合材料及成型工艺。",
        province=Province.objects.get(code="32"),
        min_trl=6,
        budget_max=Decimal("800"),
        status="published",
    )


def test_best_match_comes_first_with_reasons(roles, client, demand):
    _users, orgs = roles
    best = make_achievement(
        owner=orgs["owner"],
        title="风电叶片碳纤维复合材料成型技术",
        trl=7,
        price_min=Decimal("300"),
    )
    weaker = make_achievement(
        owner=orgs["owner"],
        title="水稻分子育种",
        field=IndustryField.objects.get(code="modern-agriculture"),
        trl=4,
        target_provinces=[Province.objects.get(code="51")],
    )
    response = client.get(f"/demands/{demand.pk}/")
    matches = response.context["matches"]
    assert matches[0].achievement == best
    assert weaker not in [m.achievement for m in matches]
    assert matches[0].reasons == [
        "同一产业领域：新材料",
        "关键词：碳纤维复合材料、风电叶片",
        "技术成熟度满足要求（TRL 7，要求 6 级以上）",
        "拟转化区域包含江苏省",
        "意向价格在预算范围内",
    ]
    html = response.content.decode()
    assert f"匹配度 {matches[0].score}/100" in html
    assert '拟转化区域包含江苏省 <span class="count">+10</span>' in html


def test_draft_demand_is_hidden_from_public(roles, client, demand):
    users, _orgs = roles
    demand.status = "draft"
    demand.save()
    assert client.get(f"/demands/{demand.pk}/").status_code == 404
    client.force_login(users["enterprise"])
    assert client.get(f"/demands/{demand.pk}/").status_code == 200


def test_enterprise_publishes_demand_and_bad_budget_is_refused(roles, client):
    users, orgs = roles
    client.force_login(users["enterprise"])
    form = {
        "organization": orgs["enterprise"].pk,
        "title": "储能电池管理",
        "field": 4,
        "description": "需求",
        "budget_min": "500",
        "budget_max": "100",
        "province": Province.objects.get(code="44").pk,
        "min_trl": 5,
        "status": "published",
    }
    response = client.post("/workspace/demands/new/", form)
    assert response.status_code == 200
    assert "预算上限不能小于下限" in response.content.decode()
    form["budget_max"] = "900"
    assert client.post("/workspace/demands/new/", form).status_code == 302
    assert Demand.objects.get().created_by == users["enterprise"]


def test_university_team_cannot_publish_demands(roles, client):
    users, _orgs = roles
    client.force_login(users["team"])
    assert client.get("/workspace/demands/new/").status_code == 403


def test_scenarios_are_listed_and_filtered_like_demands(roles, client, demand):
    _users, orgs = roles
    scenario = Demand.objects.create(
        organization=orgs["torch"],
        kind="scenario",
        scenario_owner="苏州工业园区",
        title="城市道路智能网联汽车测试场景",
        field=IndustryField.objects.get(code="smart-city"),
        description="开放城市道路用于车路协同测试。",
        province=Province.objects.get(code="32"),
        status="published",
    )
    html = client.get("/demands/").content.decode()
    assert demand.title in html and scenario.title in html
    assert "场景提供方：苏州工业园区" in html
    html = client.get("/demands/?kind=scenario").content.decode()
    assert scenario.title in html and demand.title not in html
    html = client.get("/demands/?kind=technology").content.decode()
    assert demand.title in html and scenario.title not in html
    # An unknown kind is no filter at all.
    html = client.get("/demands/?kind=x").content.decode()
    assert demand.title in html and scenario.title in html
    body = client.get("/api/v1/demands?kind=scenario").json()
    assert [(d["title"], d["kind"], d["scenario_owner"]) for d in body["items"]] == [
        (scenario.title, "scenario", "苏州工业园区")
    ]
    assert client.get("/api/v1/demands?kind=x").status_code == 400


def test_a_scenario_without_its_owner_is_offered_by_the_publisher(roles, client):
    users, orgs = roles
    client.force_login(users["enterprise"])
    form = {
        "organization": orgs["enterprise"].pk,
        "kind": "scenario",
        "scenario_owner": "",
        "title": "产线改造场景",
        "field": IndustryField.objects.get(code="smart-manufacturing").pk,
        "description": "开放产线。",
        "province": Province.objects.get(code="21").pk,
        "min_trl": 6,
        "status": "published",
    }
    assert client.post("/workspace/demands/new/", form).status_code == 302
    assert Demand.objects.get().scenario_owner == "戊企业"


def test_a_scenario_must_name_its_owner_in_the_database(roles):
    from django.db import IntegrityError, transaction

    _users, orgs = roles
    with pytest.raises(IntegrityError), transaction.atomic():
        Demand.objects.create(
            organization=orgs["enterprise"],
            kind="scenario",
            title="无提供方",
            field=IndustryField.objects.get(code="smart-city"),
            description="场景",
            province=Province.objects.get(code="32"),
        )
