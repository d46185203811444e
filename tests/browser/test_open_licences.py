"""Open licences end to end in Chromium: a team declares a patent's open
licence from its workspace, a reviewer clears it, an approved enterprise
takes it in two clicks (取得许可, then 发出书面通知) and the deal appears on
the 许可 path; the pages on a desktop and a 390 px phone, in Chinese and
English."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from licences.models import Declaration, LicenceNotice
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _as(browser, page, username, *, width=1366, english=False):
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 500 else 844},
        locale="zh-CN",
    )
    if english:
        context.add_cookies(
            [{"name": "django_language", "value": "en", "url": page.base}]
        )
    other = context.new_page()
    other.base = page.base
    other.shots = page.shots
    if username:
        login(other, username)
    return context, other


def _fits(p, width):
    wide = p.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""",
        width,
    )
    assert p.evaluate("document.documentElement.scrollWidth") <= width, wide


def test_declare_clear_take_and_the_deal_is_on_the_licence_path(page, browser):
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    enterprise = make_org(
        kind=OrganizationKind.ENTERPRISE,
        name="华东装备股份有限公司",
        investor_status=InvestorStatus.APPROVED,
    )
    make_user(role=Role.TEAM, org=university, username="team")
    make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    make_user(role=Role.INVESTOR, org=enterprise, username="enterprise")
    achievement = make_achievement(
        owner=university,
        title="碳纤维预制体自动化编织技术",
        patents="ZL202110123456.7；ZL202120654321.X",
    )
    today = timezone.localdate()

    # The team declares from its workspace.
    login(page, "team")
    page.click("#declare-licence")
    page.wait_for_url("**/workspace/open-licences/new/")
    page.select_option("select[name=achievement]", str(achievement.pk))
    page.fill("input[name=patent_number]", "ZL202110123456.7")
    page.fill("input[name=patent_title]", "一种碳纤维预制体的编织方法")
    page.select_option("select[name=patent_type]", "invention")
    page.fill("input[name=starts]", today.isoformat())
    page.fill("input[name=ends]", (today + dt.timedelta(days=200)).isoformat())
    page.select_option("select[name=fee_mode]", "entry_royalty")
    page.fill("input[name=fee_amount]", "20")
    page.fill("input[name=royalty_rate]", "3")
    page.fill("input[name=royalty_base]", "许可产品年销售额")
    page.fill("textarea[name=reporting]", "每年 1 月报告上一年度的实施情况和销售额。")
    page.click("#declaration-form button[type=submit]")
    page.wait_for_load_state()
    # Too short a period: said, and what was typed is kept.
    assert page.inner_text("#form-error") == "许可期限不得少于一年。"
    assert page.input_value("input[name=patent_title]") == "一种碳纤维预制体的编织方法"
    page.fill("input[name=ends]", (today + dt.timedelta(days=730)).isoformat())
    page.click("#declaration-form button[type=submit]")
    page.wait_for_url("**/open-licences/*/")
    declaration = Declaration.objects.get()
    assert page.inner_text("#licence-state") == "待审查"
    assert page.inner_text("#licence-fee") == (
        "入门费 20.00 万元，另按许可产品年销售额的 3.00% 提成"
    )
    page.screenshot(path=page.shots / "licences-team-declared.png", full_page=True)

    # Not public yet.
    context, public = _as(browser, page, None)
    public.goto(page.base + "/open-licences/")
    assert public.locator("article.licence-row").count() == 0
    context.close()

    # The reviewer clears it from the workspace's queue.
    context, reviewer = _as(browser, page, "reviewer")
    queue = reviewer.locator("#licence-review-queue")
    assert queue.locator("tbody tr").count() == 1
    queue.locator("text=一种碳纤维预制体的编织方法").click()
    reviewer.wait_for_url(f"**/workspace/open-licences/{declaration.pk}/review/")
    reviewer.screenshot(path=page.shots / "licences-review.png", full_page=True)
    reviewer.check("input[name=decision][value=clear]")
    reviewer.click("#review-form button[type=submit]")
    reviewer.wait_for_url("**/workspace/open-licences/")
    assert "声明已公开。" in reviewer.inner_text("main")
    context.close()
    declaration.refresh_from_db()
    assert declaration.status == "cleared"

    # The enterprise finds it in the list and takes it in two clicks.
    context, firm = _as(browser, page, "enterprise")
    firm.goto(page.base + "/open-licences/")
    assert firm.locator("article.licence-row h3 a").all_inner_texts() == [
        "一种碳纤维预制体的编织方法"
    ]
    _fits(firm, 1366)
    firm.screenshot(path=page.shots / "licences-list-zh.png", full_page=True)
    firm.click("text=一种碳纤维预制体的编织方法")
    firm.wait_for_url(f"**/open-licences/{declaration.pk}/")
    firm.screenshot(path=page.shots / "licences-detail-zh.png", full_page=True)
    firm.click("#take-licence")  # click 1
    firm.wait_for_url(f"**/open-licences/{declaration.pk}/take/")
    notice = firm.inner_text("#notice-text")
    assert notice.startswith("致示范大学：\n华东装备股份有限公司依据贵单位于")
    _fits(firm, 1366)
    firm.screenshot(path=page.shots / "licences-take-zh.png", full_page=True)
    firm.click("#send-notice")  # click 2
    firm.wait_for_url("**/deals/*/")
    taken = LicenceNotice.objects.get()
    assert firm.url.endswith(f"/deals/{taken.deal_id}/")
    assert firm.inner_text("#deal-path") == "交易路径：许可"
    assert "书面通知已发出" in firm.inner_text("main")
    assert firm.locator(".stage-path li[aria-current=step]").inner_text() == "意向"
    firm.screenshot(path=page.shots / "licences-deal.png", full_page=True)
    # Taking it again is refused, with the reason.
    firm.goto(page.base + f"/open-licences/{declaration.pk}/take/")
    assert "不能重复取得" in firm.inner_text("#take-problem")
    assert firm.locator("#send-notice").count() == 0
    context.close()

    # The team sees the notice on its declaration and the deal in its list.
    page.goto(page.base + f"/open-licences/{declaration.pk}/")
    assert "华东装备股份有限公司" in page.inner_text("#notices")
    page.goto(page.base + "/deals/")
    assert "碳纤维预制体自动化编织技术" in page.inner_text("main")

    # The pages on a phone, and in English.
    for width, english in ((390, False), (390, True), (1366, True)):
        context, other = _as(browser, page, "enterprise", width=width, english=english)
        tag = f"{'en' if english else 'zh'}-{width}"
        for name, path in (
            ("list", "/open-licences/"),
            ("detail", f"/open-licences/{declaration.pk}/"),
        ):
            other.goto(page.base + path)
            _fits(other, width)
            other.screenshot(
                path=page.shots / f"licences-{name}-{tag}.png", full_page=True
            )
        context.close()
