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
    reasons = " ".join(matches[0].reasons)
    assert "同属“新材料”领域" in reasons
    assert "拟在江苏省转化" in reasons
    assert "TRL 7" in reasons
    assert "内容相似度" in reasons
    assert "意向价格在预算范围内" in reasons


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
