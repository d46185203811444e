"""An organizer signs in to the admin and lands on the inbox: what waits,
counted, each count opening its list (Chromium, desktop and phone)."""

import pytest

from accounts.enums import InvestorStatus, OrganizationKind, Role
from achievements.enums import ReviewStatus
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_organizer_lands_on_the_inbox_and_opens_a_list(page, browser):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="待审基金",
        investor_status=InvestorStatus.PENDING,
    )
    for title, state in (
        ("待审成果甲", ReviewStatus.SUBMITTED),
        ("待审成果乙", ReviewStatus.UNDER_REVIEW),
        ("已公开成果", None),
    ):
        achievement = make_achievement(owner=university, title=title, state="public")
        if state:
            achievement.status = state
            achievement.save(update_fields=["status"])

    login(page, "organizer")
    page.goto(page.base + "/admin/")
    inbox = page.locator("section.inbox")
    review = inbox.locator(".inbox-item", has_text="待审查的成果")
    assert review.locator("strong").inner_text() == "2"
    assert "待审成果甲 · 今天提交" in review.inner_text()
    approvals = inbox.locator(".inbox-item", has_text="待审核的投资方")
    assert approvals.locator("strong").inner_text() == "1"
    page.screenshot(path=page.shots / "organizer-inbox.png", full_page=True)

    review.locator("a.inbox-count").click()
    page.wait_for_url("**/admin/achievement/**")
    listing = page.inner_text("main")
    assert "待审成果甲" in listing and "待审成果乙" in listing
    assert "已公开成果" not in listing

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    small = phone.new_page()
    small.base = page.base
    login(small, "organizer")
    small.goto(small.base + "/admin/")
    assert small.evaluate("document.documentElement.scrollWidth") <= 390
    small.screenshot(path=page.shots / "organizer-inbox-phone.png", full_page=True)
    phone.close()
