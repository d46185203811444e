""" "我们可以对接" under real concurrency (PostgreSQL): once per pair, and the
team's quota of waiting responses never exceeded."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from achievements.models import Demand, IndustryField, Province
from matchmaking.models import DemandResponse
from matchmaking.services import MatchError
from matchmaking.services.demand_responses import demand_respond
from tests.concurrency import race
from tests.factories import make_achievement, make_user

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _demand(org, title):
    return Demand.objects.create(
        organization=org,
        title=title,
        field=IndustryField.objects.get(code="new-materials"),
        description="需要碳纤维复合材料。",
        province=Province.objects.get(code="32"),
        budget_max=Decimal("800"),
        status="published",
    )


def test_two_members_answering_the_same_pair_at_once_write_one(roles):
    cache.clear()
    users, orgs = roles
    colleague = make_user(role="team", org=orgs["owner"])
    demand = _demand(orgs["enterprise"], "碳纤维需求")
    achievement = make_achievement(owner=orgs["owner"], title="碳纤维复合材料")
    results = race(
        [
            (lambda u=u: demand_respond(by=u, demand=demand, achievement=achievement))
            for u in (users["team"], colleague)
        ]
    )
    assert sorted(type(r).__name__ for r in results) == ["DemandResponse", "MatchError"]
    assert DemandResponse.objects.count() == 1


def test_the_quota_holds_when_two_answers_race(roles, settings):
    cache.clear()
    settings.DEMAND_RESPONSE_QUOTA = 1
    users, orgs = roles
    colleague = make_user(role="team", org=orgs["owner"])
    demands = [_demand(orgs["enterprise"], f"需求{i}") for i in (1, 2)]
    achievement = make_achievement(owner=orgs["owner"], title="碳纤维复合材料")
    results = race(
        [
            (lambda u=u, d=d: demand_respond(by=u, demand=d, achievement=achievement))
            for u, d in zip((users["team"], colleague), demands, strict=True)
        ]
    )
    errors = [r for r in results if isinstance(r, MatchError)]
    assert len(errors) == 1 and "已达上限" in str(errors[0])
    assert DemandResponse.objects.count() == 1
