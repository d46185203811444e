"""Notifications in Chromium, on a phone and a desktop: a team member sees
the header's unread count, reads the list, marks one and then all read,
opens one (which goes to the achievement's edit page), and turns an email
off on the settings page. The pages never scroll sideways on a phone."""

import os
from pathlib import Path

import pytest

from accounts.enums import OrganizationKind, Role
from accounts.models import Notification
from accounts.notifications import email_settings_of
from achievements.services import achievement_transition
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"phone": (390, 844), "desktop": (1366, 768)}


@pytest.fixture
def world(transactional_db):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="东海大学")
    reviewer = make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    team = make_user(role=Role.TEAM, org=university, username="team")
    team.email = "team@example.com"
    team.save()
    titles = ["海水淡化膜材料", "深海探测用耐压壳体", "面向高寒地区的光伏支架系统"]
    achievements = []
    for title in titles:
        achievement = make_achievement(owner=university, state="submitted", title=title)
        achievement.refresh_from_db()
        action = "return" if title != titles[1] else "clear"
        achievement_transition(
            achievement=achievement,
            action=action,
            by=reviewer,
            comment="请补充专利号和实验数据" if action == "return" else "",
            seen_revision=achievement.revision,
        )
        achievements.append(achievement)
    return {"team": team, "achievements": achievements}


@pytest.mark.parametrize("size", sorted(SIZES))
def test_list_mark_read_and_settings(world, browser, live_server, size, tmp_path):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale="zh-CN"
    )
    page = context.new_page()
    page.base = live_server.url
    team = world["team"]
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        login(page, "team")
        count = page.locator(".account-nav .badge.count")
        assert count.inner_text() == "3"
        page.click(".account-nav a[href='/workspace/notifications/']")
        page.wait_for_url("**/workspace/notifications/")
        items = page.locator("li.notification")
        assert items.count() == 3
        assert page.locator("li.notification.unread").count() == 3
        assert "成果“深海探测用耐压壳体”的审查结论：已通过（公开）" in (
            items.nth(1).inner_text()
        )
        assert "原因：请补充专利号和实验数据" in items.nth(0).inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=shots / f"notify-list-{size}-zh.png", full_page=True)

        # Mark the newest read: the count goes down.
        items.nth(0).locator("button", has_text="标为已读").click()
        page.wait_for_url("**/workspace/notifications/")
        assert page.locator("li.notification.unread").count() == 2
        assert page.locator(".account-nav .badge.count").inner_text() == "2"

        # Open one: read, and to the achievement's edit page.
        oldest = Notification.objects.filter(user=team).order_by("pk").first()
        page.click(f"a[href='/workspace/notifications/{oldest.pk}/']")
        page.wait_for_url(f"**/workspace/achievements/{oldest.subject_id}/edit/")
        oldest.refresh_from_db()
        assert oldest.read_at is not None

        page.goto(page.base + "/workspace/notifications/")
        page.click("button:has-text('全部标为已读')")
        page.wait_for_url("**/workspace/notifications/")
        assert page.locator("li.notification.unread").count() == 0
        assert page.locator(".account-nav .badge.count").count() == 0

        # The settings: turn the returns' email off.
        page.click("a:has-text('邮件通知设置')")
        page.wait_for_url("**/accounts/notifications/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.uncheck("input[name=email_achievements__returned]")
        page.screenshot(path=shots / f"notify-settings-{size}-zh.png", full_page=True)
        page.click("form.notification-settings button[type=submit]")
        page.wait_for_url("**/accounts/notifications/")
        assert "通知设置已保存" in page.inner_text("body")
        assert email_settings_of(user=team)["achievements.returned"] is False
        assert not page.is_checked("input[name=email_achievements__returned]")

        # The same pages in English.
        page.goto(page.base + "/lang/en/?next=/workspace/notifications/")
        page.wait_for_url("**/workspace/notifications/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=shots / f"notify-list-{size}-en.png", full_page=True)
        page.goto(page.base + "/accounts/notifications/")
        page.screenshot(path=shots / f"notify-settings-{size}-en.png", full_page=True)
    finally:
        context.close()
