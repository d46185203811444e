"""Demand lists both ways in Chromium: a team finds the demand its
achievement answers, sees why (0–100 with reasons), answers "我们可以对接";
the enterprise sees the response on the demand's page and says it is not a
fit.  Screenshots at 1366 and 390 px, in Chinese and English."""

from decimal import Decimal

import pytest

from accounts.enums import InvestorStatus, OrganizationKind, Role
from achievements.models import Demand, IndustryField, Province
from matchmaking.models import DemandResponse
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


@pytest.fixture
def world(transactional_db):
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="西南大学")
    enterprise = make_org(
        kind=OrganizationKind.ENTERPRISE,
        name="蜀能储能科技有限公司",
        investor_status=InvestorStatus.APPROVED,
    )
    make_user(role=Role.TEAM, org=university, username="team")
    make_user(role=Role.INVESTOR, org=enterprise, username="enterprise")
    energy = IndustryField.objects.get(code="modern-energy")
    sichuan = Province.objects.get(code="51")
    sodium = make_achievement(
        owner=university,
        title="钠离子电池层状氧化物正极材料与电芯制造技术",
        keywords="钠离子电池、正极材料、储能",
        summary="高比能层状氧化物正极材料，循环寿命超过4000次，已建成中试线。",
        field=energy,
        trl=7,
        target_provinces=[sichuan],
    )
    make_achievement(
        owner=university,
        title="大面积钙钛矿太阳能电池组件制备技术",
        keywords="钙钛矿、光伏、太阳能电池",
        summary="组件光电转换效率达18%。",
        field=energy,
        trl=6,
    )
    demand = Demand.objects.create(
        organization=enterprise,
        title="钠离子电池正极材料及储能电芯",
        field=energy,
        description="寻求长循环寿命的钠离子电池层状氧化物正极材料及电芯制造技术。",
        province=sichuan,
        min_trl=6,
        budget_max=Decimal("800"),
        status="published",
    )
    Demand.objects.create(
        organization=enterprise,
        kind="scenario",
        scenario_owner="成都市",
        title="城市储能电站示范应用场景",
        field=energy,
        description="开放两座储能电站用于新型电池示范。",
        province=sichuan,
        status="published",
    )
    return {"demand": demand, "sodium": sodium}


def _shoot(browser, base, shots, path, name, *, user=None, language="zh-hans"):
    for size, (width, height) in SIZES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=size == "phone",
            has_touch=size == "phone",
        )
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": base}]
        )
        page = context.new_page()
        page.base = base
        if user:
            login(page, user)
        page.goto(base + path)
        width_now = page.evaluate("document.documentElement.scrollWidth")
        assert width_now <= width, (path, size, language, width_now)
        page.screenshot(
            path=str(shots / f"demands-{name}-{size}-{language}.png"), full_page=True
        )
        context.close()


def test_team_answers_a_demand_and_the_enterprise_declines(page, world, browser):
    demand = world["demand"]
    login(page, "team")
    page.goto(page.base + demand.get_absolute_url())
    first = page.locator("article.card").first
    assert world["sodium"].title in first.inner_text()
    assert "匹配度 " in first.inner_text()
    assert "同一产业领域：现代能源" in first.inner_text()
    page.fill("#respond-message", "可提供中试样件")
    page.click("text=我们可以对接")
    page.wait_for_selector("text=已响应该需求")
    answer = DemandResponse.objects.get()
    assert answer.achievement == world["sodium"]
    page.context.clear_cookies()
    login(page, "enterprise")
    assert "成果团队对本单位需求的响应" in page.content()
    page.goto(page.base + demand.get_absolute_url())
    assert "可提供中试样件" in page.content()
    page.fill("input[name=note]", "需要更大容量")
    page.click("text=不合适")
    page.wait_for_selector("text=已告知成果团队")
    answer.refresh_from_db()
    assert answer.status == "declined"
    base, shots = page.base, page.shots
    for language in ("zh-hans", "en"):
        _shoot(
            browser,
            base,
            shots,
            demand.get_absolute_url(),
            "detail-team",
            user="team",
            language=language,
        )
        _shoot(
            browser, base, shots, "/demands/?kind=scenario", "list", language=language
        )
        _shoot(
            browser,
            base,
            shots,
            "/workspace/",
            "workspace-team",
            user="team",
            language=language,
        )
