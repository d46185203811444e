"""Issue 19's invitations end to end in Chromium: an organizer invites a bank
with two named people from the roadshow's invitations page; the bank's
contact accepts through the personal link in the email; the organizer sees
both people registered."""

import re

import pytest
from django.core import mail

from accounts.enums import OrganizationKind, Role
from tests.browser.conftest import login
from tests.factories import make_org, make_user
from tests.factories.invitations import make_bank, make_published_roadshow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_organizer_invites_a_bank_whose_two_people_register(page, browser):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    roadshow = make_published_roadshow(lead_host=torch, capacity=100)
    bank = make_bank("成都银行")

    login(page, "organizer")
    page.goto(page.base + f"/admin/roadshow/edit/{roadshow.pk}/")
    page.click("text=邀请与答复")
    page.wait_for_url(f"**/admin/roadshows/{roadshow.pk}/invitations/")
    page.select_option("select[name=organization]", str(bank.pk))
    page.fill(
        "textarea[name=people]", "李行长 li@bank.example\n赵经理 zhao@bank.example"
    )
    page.click("form.invite-one button[type=submit]")
    page.wait_for_url(f"**/admin/roadshows/{roadshow.pk}/invitations/")
    assert "已向“成都银行”发出邀请。" in page.inner_text("body")
    page.screenshot(path=page.shots / "invitations-admin-sent.png", full_page=True)

    # The email reaches the first named person, with the personal link.
    (letter,) = [m for m in mail.outbox if m.to == ["li@bank.example"]]
    link = re.search(r"https?://\S+/invitations/\S+/", letter.body).group(0)
    path = link[link.index("/invitations/") :]

    bank_side = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    phone = bank_side.new_page()
    phone.goto(page.base + path)
    assert "诚邀成都银行参加本场路演" in phone.inner_text("main")
    phone.screenshot(path=page.shots / "invitation-phone.png", full_page=True)
    phone.click("button[name=accept]")
    phone.wait_for_selector("text=已接受邀请，2 人已报名")
    assert phone.inner_text("[data-status]") == "已接受"
    # The link is used: no answer is offered any more.
    assert phone.locator("button[name=accept]").count() == 0
    bank_side.close()

    page.reload()
    row = page.locator("tr[data-invitation]")
    text = row.inner_text()
    assert "已接受" in text
    people = row.locator(".invited-person")
    assert people.count() == 2
    assert [people.nth(i).inner_text().split(" ")[0] for i in range(2)] == [
        "李行长",
        "赵经理",
    ]
    assert all("已报名" in people.nth(i).inner_text() for i in range(2))
    assert roadshow.registrations.count() == 2
    page.screenshot(path=page.shots / "invitations-admin-accepted.png", full_page=True)
