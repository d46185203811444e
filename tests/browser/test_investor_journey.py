"""Issue 4 end to end in Chromium: an investor signs up, is approved, registers,
receives a ticket, and is checked in by a phone at the door."""

import re

import pytest
from django.core import mail

from accounts.enums import OrganizationKind, Role
from events.services import roadshow_transition
from tests.browser.conftest import login
from tests.factories import make_org, make_user
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_sign_up_approve_register_ticket_check_in(page, browser):
    import datetime as dt

    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    roadshow = make_roadshow(
        lead_host=torch,
        title="新材料领域成果路演",
        capacity=50,
        day=dt.date.today() + dt.timedelta(days=14),
    )
    roadshow_transition(roadshow=roadshow, action="publish", by=None)

    # Sign up.
    page.goto(page.base + "/accounts/signup/")
    for name, value in {
        "username": "fund_li",
        "name": "李投资",
        "email": "li@fund.example.cn",
        "password1": "Roadshow-2026-xyz",
        "password2": "Roadshow-2026-xyz",
        "organization_name": "华东科创基金",
        "credit_code": "91350100M000100Y43",
        "phone": "021-55556666",
    }.items():
        page.fill(f"input[name={name}]", value)
    page.select_option("select[name=kind]", "market_fund")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=确认邮件已发送")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+/)", mail.outbox[-1].body)[
        1
    ]
    page.goto(page.base + link)
    page.wait_for_selector("text=邮箱已确认")
    page.context.clear_cookies()

    # While waiting, every page says so and leads to what is open now.
    login(page, "fund_li", password="Roadshow-2026-xyz")
    page.goto(page.base + "/achievements/")
    banner = page.locator(".banner-waiting")
    assert "“华东科创基金”的投资方资格正在审核中" in banner.inner_text()
    banner.locator("a").click()
    page.wait_for_selector("#standing")
    card = page.inner_text("#standing")
    assert "组织方通常在 3 个工作日内完成审核" in card
    assert "报名投资方专场路演" in card
    page.screenshot(path=page.shots / "waiting-investor.png", full_page=True)
    # What needs approval explains itself instead of a bare refusal.
    page.goto(page.base + "/deals/new/")
    assert page.inner_text("h1") == "审核通过后开放"
    page.context.clear_cookies()

    # The organizer approves.
    login(page, "organizer")
    page.goto(page.base + "/admin/approvals/")
    page.click("tr:has-text('华东科创基金') button[value=approve]")
    page.wait_for_selector("text=已记录审核结果")
    page.context.clear_cookies()

    # The investor registers and gets a ticket; nothing is waiting any more.
    login(page, "fund_li", password="Roadshow-2026-xyz")
    assert page.locator(".banner-waiting, #standing").count() == 0
    page.goto(page.base + f"/r/{roadshow.pk}/register/")
    page.click("main button[type=submit]")
    page.wait_for_selector(".ticket .qr svg")
    code = page.inner_text(".short-code strong")
    page.screenshot(path=page.shots / "ticket.png", full_page=True)
    assert any("报名成功" in m.subject for m in mail.outbox)
    page.context.clear_cookies()

    # Door staff check the ticket in from a phone (typed code: no camera here).
    phone = browser.new_context(
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    door = phone.new_page()
    door.base, door.shots = page.base, page.shots
    login(door, "organizer")
    door.goto(door.base + f"/checkin/{roadshow.pk}/")
    # Two weeks early: the scanner warns and scans nothing until confirmed.
    assert "今天不是本场路演的日期" in door.inner_text("#off-day")
    door.fill("#typed input[name=code]", code)
    door.click("#typed button")
    assert "签到成功" not in door.inner_text("#result")
    door.screenshot(path=door.shots / "scanner-off-day.png", full_page=True)
    door.click("#off-day-confirm")
    assert door.locator("#off-day").is_hidden()
    door.fill("#typed input[name=code]", code)
    door.click("#typed button")
    door.wait_for_selector(".scan-ok")
    assert "签到成功" in door.inner_text("#result") and "李投资" in door.inner_text(
        "#result"
    )
    door.fill("#typed input[name=code]", code)
    door.click("#typed button")
    door.wait_for_selector(".scan-no")
    assert "已签到" in door.inner_text("#result")
    door.screenshot(path=door.shots / "scanner-phone.png", full_page=True)
    phone.close()
