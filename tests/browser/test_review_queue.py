"""A reviewer works through the queue (decide, land on the next item, back to
the queue when it is empty), and a team reads its list and a return reason —
in Chromium, on a desktop and a 390 px phone, in Chinese and English."""

import datetime as dt

import pytest
from django.utils import timezone

from accounts.enums import OrganizationKind, Role
from achievements.enums import ReviewStatus
from achievements.models import ReviewEvent
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LONG = "长" * 200


def _submitted(owner, title, days):
    achievement = make_achievement(owner=owner, title=title, state="submitted")
    ReviewEvent.objects.filter(
        achievement=achievement, to_status=ReviewStatus.SUBMITTED
    ).update(created_at=timezone.now() - dt.timedelta(days=days, hours=1))
    return achievement


def _context(browser, page, *, width, english=False):
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
    return context, other


def _fits(p, width):
    wide = p.evaluate(
        """w => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > w)
        .map(e => e.tagName + '.' + e.className).slice(0, 5)""",
        width,
    )
    assert p.evaluate("document.documentElement.scrollWidth") <= width, wide


def test_a_reviewer_decides_and_goes_to_the_next_item(page, browser):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    _submitted(university, "等了五天的成果", 5)
    _submitted(university, LONG, 2)
    _submitted(university, "今天提交的成果", 0)

    login(page, "reviewer")
    page.click("text=打开审查队列（3 项，等待最久的在前）")
    page.wait_for_url("**/workspace/reviews/")
    titles = page.locator("article.work-row h3").all_inner_texts()
    assert titles == ["等了五天的成果", LONG, "今天提交的成果"]
    assert "已等 5 天" in page.inner_text("main")
    _fits(page, 1280)
    page.screenshot(path=page.shots / "review-queue.png", full_page=True)

    page.click("text=等了五天的成果")
    page.select_option("select[name=action]", "clear")
    page.click("text=记录审查结论")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == LONG
    assert "审查结论已记录（等了五天的成果）。下一项：" in page.inner_text("main")
    _fits(page, 1280)
    page.screenshot(path=page.shots / "review-next-item.png", full_page=True)

    # The same flow on a phone, in English.
    context, phone = _context(browser, page, width=390, english=True)
    login(phone, "reviewer")
    phone.goto(phone.base + "/workspace/reviews/")
    assert "Waiting 2 days" in phone.inner_text("main")
    _fits(phone, 390)
    phone.screenshot(path=page.shots / "review-queue-phone-en.png", full_page=True)
    phone.locator("article.work-row h3 a").first.click()
    phone.select_option("select[name=action]", "return")
    phone.fill("textarea[name=comment]", "Please remove the site address.")
    phone.locator("form.card.stacked button[type=submit]").click()
    phone.wait_for_load_state()
    assert phone.locator("h1").inner_text() == "今天提交的成果"
    assert "Decision recorded" in phone.inner_text("main")
    _fits(phone, 390)
    phone.screenshot(path=page.shots / "review-next-phone-en.png", full_page=True)
    phone.select_option("select[name=action]", "restrict")
    phone.locator("form.card.stacked button[type=submit]").click()
    phone.wait_for_url("**/workspace/reviews/")
    assert "The review queue is now empty." in phone.inner_text("main")
    phone.screenshot(path=page.shots / "review-empty-phone-en.png", full_page=True)
    context.close()


def test_a_team_reads_its_list_and_the_return_reason(page, browser):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    make_user(role=Role.TEAM, org=university, username="team")
    make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    for n in range(6):
        make_achievement(owner=university, state="draft", title=f"草稿成果{n}")
    returned = make_achievement(owner=university, state="returned", title=LONG)
    ReviewEvent.objects.filter(
        achievement=returned, to_status=ReviewStatus.RETURNED
    ).update(comment="请删去第三段中的试验基地地址，并补充专利号。" + "x" * 120)

    for width, english in ((1280, False), (390, False), (1280, True), (390, True)):
        context, p = _context(browser, page, width=width, english=english)
        tag = f"{width}-{'en' if english else 'zh'}"
        login(p, "team")
        p.screenshot(path=page.shots / f"team-workspace-{tag}.png", full_page=True)
        _fits(p, width)
        p.goto(p.base + "/workspace/achievements/?sort=status")
        assert p.locator("article.work-row h3").first.inner_text() == LONG
        _fits(p, width)
        p.screenshot(path=page.shots / f"team-list-{tag}.png", full_page=True)
        p.goto(p.base + f"/achievements/{returned.pk}/")
        notice = p.locator("section.return-reason")
        assert "请删去第三段中的试验基地地址" in notice.inner_text()
        _fits(p, width)
        p.screenshot(path=page.shots / f"team-returned-{tag}.png", full_page=True)
        p.goto(p.base + "/workspace/achievements/new/")
        assert p.locator("fieldset legend").count() == 6
        _fits(p, width)
        p.screenshot(path=page.shots / f"team-form-{tag}.png", full_page=True)
        context.close()
