"""#17: demand ↔ achievement matching on a stated 0–100 scale, with reasons,
the same scoring both ways."""

from decimal import Decimal

import pytest

from achievements.matching import (
    MAX_SCORE,
    AchievementSide,
    DemandSide,
    demand_matches,
    demands_matching,
    fit_of,
    shared_terms,
)
from achievements.models import Demand, IndustryField, Province
from tests.factories import make_achievement


def field(code):
    return IndustryField.objects.get(code=code)


def province(code):
    return Province.objects.get(code=code)


@pytest.fixture
def sodium_demand(roles):
    _users, orgs = roles
    return Demand.objects.create(
        organization=orgs["enterprise"],
        title="钠离子电池正极材料及储能电芯",
        field=field("modern-energy"),
        description=(
            "我公司在四川建设储能电站，寻求高比能、长循环寿命的钠离子电池层状氧化物"
            "正极材料及电芯制造技术，要求循环寿命不低于3000次，已完成中试。"
        ),
        province=province("51"),
        min_trl=6,
        budget_max=Decimal("800"),
        status="published",
    )


@pytest.fixture
def library(roles):
    _users, orgs = roles
    sodium = make_achievement(
        owner=orgs["owner"],
        title="钠离子电池层状氧化物正极材料与电芯制造技术",
        keywords="钠离子电池、正极材料、储能",
        summary=(
            "研制出高比能层状氧化物正极材料，电芯能量密度160Wh/kg，"
            "循环寿命超过4000次，已建成百吨级中试线，适用于电网储能和两轮电动车。"
        ),
        field=field("modern-energy"),
        trl=7,
        price_min=Decimal("500"),
        target_provinces=[province("51"), province("32")],
    )
    perovskite = make_achievement(
        owner=orgs["owner"],
        title="大面积钙钛矿太阳能电池组件制备技术",
        keywords="钙钛矿、光伏、太阳能电池",
        summary=(
            "采用狭缝涂布制备大面积钙钛矿薄膜，组件光电转换效率达18%，"
            "可用于分布式光伏电站。"
        ),
        field=field("modern-energy"),
        trl=6,
        target_provinces=[province("32")],
    )
    rice = make_achievement(
        owner=orgs["owner"],
        title="水稻分子设计育种技术",
        keywords="水稻、分子育种",
        summary="利用分子标记辅助选择培育高产抗倒伏水稻新品种。",
        field=field("modern-agriculture"),
        trl=7,
        target_provinces=[province("51")],
    )
    return sodium, perovskite, rice


def test_sodium_demand_ranks_sodium_battery_above_perovskite(sodium_demand, library):
    sodium, perovskite, rice = library
    matches = demand_matches(demand=sodium_demand, user=None)
    assert [m.achievement for m in matches] == [sodium, perovskite]
    best, second = matches
    assert best.parts == [
        ("同一产业领域：现代能源", 25),
        (
            "关键词：钠离子电池层状氧化物正极材料、电芯制造技术、循环寿命、高比能、储能",
            40,
        ),
        ("技术成熟度满足要求（TRL 7，要求 6 级以上）", 15),
        ("拟转化区域包含四川省", 10),
        ("意向价格在预算范围内", 5),
    ]
    assert best.score == 95
    # The same field and readiness, but only "电池" in common: a weak match.
    assert second.parts == [
        ("同一产业领域：现代能源", 25),
        ("关键词：电池", 7),
        ("技术成熟度满足要求（TRL 6，要求 6 级以上）", 15),
    ]
    assert second.score == 47
    assert all(0 <= m.score <= MAX_SCORE == 100 for m in matches)


def test_unrelated_field_scores_low(sodium_demand, library):
    _sodium, _perovskite, rice = library
    fit = fit_of(
        DemandSide.of(sodium_demand),
        AchievementSide.of(rice),
        names=type("N", (), {"field": "现代能源", "province": "四川省"}),
    )
    assert fit.score == 25  # readiness and region only: not a match
    assert fit.parts[0] == ("技术成熟度满足要求（TRL 7，要求 6 级以上）", 15)
    assert not fit.qualifies


def test_shared_terms_are_runs_in_both_texts(library):
    sodium, _perovskite, _rice = library
    side = AchievementSide.of(sodium)
    assert shared_terms("需要钠离子电池和正极材料", side) == ["钠离子电池", "正极材料"]
    # Two characters astride two words are not shown ("能电" of "储能电芯").
    assert shared_terms("储能电芯", side) == ["储能"]
    # Stop words are never terms on their own.
    assert shared_terms("需要技术和企业合作", side) == []


def test_the_same_scoring_read_the_other_way(sodium_demand, library):
    sodium, perovskite, rice = library
    found = demands_matching(achievements=[sodium, perovskite, rice])
    from_demand = {
        m.achievement.pk: m for m in demand_matches(demand=sodium_demand, user=None)
    }
    assert [m.demand for m in found[sodium.pk]] == [sodium_demand]
    assert found[sodium.pk][0].parts == from_demand[sodium.pk].parts
    assert found[perovskite.pk][0].score == from_demand[perovskite.pk].score
    assert found[rice.pk] == []


def test_readiness_below_the_minimum(sodium_demand, library):
    sodium, _perovskite, _rice = library
    names = type("N", (), {"field": "现代能源", "province": "四川省"})
    sodium_demand.min_trl = 8
    near = fit_of(DemandSide.of(sodium_demand), AchievementSide.of(sodium), names=names)
    assert ("技术成熟度接近要求（TRL 7，要求 8 级以上）", 5) in near.parts
    assert near.qualifies
    sodium_demand.min_trl = 9
    early = fit_of(
        DemandSide.of(sodium_demand), AchievementSide.of(sodium), names=names
    )
    assert early.score == 80 and not early.qualifies
