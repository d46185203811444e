"""A new user logs in as each role and sees what that role should see (Chromium)."""

import pytest

from accounts.enums import InvestorStatus, OrganizationKind, Role
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def logout(page):
    page.click("header form.inline button")


def test_roles_see_what_they_should(page):
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    fund = make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="示范基金",
        investor_status=InvestorStatus.APPROVED,
    )
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    make_user(role=Role.TEAM, org=university, username="team")
    make_user(role=Role.INVESTOR, org=fund, username="investor")
    make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    make_achievement(owner=university, state="public", title="专用碳纤维复合材料研发")
    make_achievement(owner=university, state="restricted", title="限定公开的育种成果")
    draft = make_achievement(
        owner=university, state="draft", title="尚未提交的芯片成果"
    )

    # The public: the catalogue with Chinese search.
    page.goto(page.base + "/achievements/")
    page.fill("input[name=q]", "碳纤维")
    page.click("form.search button")
    page.wait_for_url("**q=*")
    assert page.locator("article.card h3").all_inner_texts() == [
        "专用碳纤维复合材料研发"
    ]
    page.screenshot(path=page.shots / "catalogue-search.png", full_page=True)
    page.goto(page.base + "/achievements/")
    cards = page.locator("article.card h3").all_inner_texts()
    assert cards == ["专用碳纤维复合材料研发"]

    # An approved investor also sees the restricted one.
    login(page, "investor")
    page.goto(page.base + "/achievements/")
    titles = " ".join(page.locator("article.card h3").all_inner_texts())
    assert "限定公开的育种成果" in titles and "尚未提交" not in titles
    logout(page)

    # The team sees its draft and submits it for review.
    login(page, "team")
    assert "尚未提交的芯片成果" in page.inner_text("main")
    page.goto(page.base + f"/achievements/{draft.pk}/")
    page.click("text=提交保密审查")
    page.wait_for_selector(".msg-success")
    page.screenshot(path=page.shots / "team-detail.png", full_page=True)
    logout(page)

    # The reviewer finds it in the queue and clears it.
    login(page, "reviewer")
    page.click("text=尚未提交的芯片成果")
    page.select_option("select[name=action]", "clear")
    page.fill("textarea[name=comment]", "无涉密内容")
    page.click("text=记录审查结论")
    page.wait_for_selector(".msg-success")
    # Nothing else waits: the reviewer is back on the (empty) queue.
    assert page.url.endswith("/workspace/reviews/")
    assert "待审查的成果已全部处理完毕" in page.inner_text(".msg-success")
    page.goto(page.base + f"/achievements/{draft.pk}/")
    assert "无涉密内容" in page.inner_text("table.list")
    page.screenshot(path=page.shots / "reviewer-history.png", full_page=True)
    logout(page)

    # Now the public sees it, and the page speaks English on request.
    page.goto(page.base + "/achievements/?q=芯片")
    assert page.locator("article.card h3").all_inner_texts() == ["尚未提交的芯片成果"]
    page.click("nav.lang a[lang=en]")
    page.wait_for_load_state()
    assert "National Programme Achievement Library" in page.inner_text("h1")
    page.screenshot(path=page.shots / "catalogue-en.png", full_page=True)
