"""Technology managers and auctions' outside bidders in Chromium: a
university's team delegates a manager of a transfer office, who then sees
the institutions it acts for; an approved fund registers for an auction it
did not start and outbids, seeing the other bidder only as 竞买人 1."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user
from tracker.models import AuctionBidder, Bid
from tracker.services import bid_place, deal_create, deal_move

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _switch(page, username):
    page.context.clear_cookies()
    login(page, username)


@pytest.fixture
def world(transactional_db):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="东海大学")
    office = make_org(kind=OrganizationKind.TRANSFER_OFFICE, name="东海技术转移中心")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    make_user(role=Role.TEAM, org=university, username="east")
    make_user(role=Role.TEAM, org=office, username="mgr")
    buyer = make_org(
        kind=OrganizationKind.ENTERPRISE,
        name="南方装备公司",
        investor_status=InvestorStatus.APPROVED,
    )
    fund = make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="北岸创投基金",
        investor_status=InvestorStatus.APPROVED,
    )
    buyer_user = make_user(role=Role.INVESTOR, org=buyer, username="buyer")
    make_user(role=Role.INVESTOR, org=fund, username="fund")
    exchange = make_org(
        kind=OrganizationKind.TECHNOLOGY_EXCHANGE, name="东海技术交易所"
    )
    deal = deal_create(
        by=None,
        achievement=make_achievement(
            owner=university, state="public", title="海水淡化膜材料"
        ),
        counterparty=buyer,
        transfer_mode="assignment",
        path="auction",
    )
    today = timezone.localdate()
    deal_move(deal_id=deal.pk, to="negotiation", by=None, expected="interest")
    deal_move(
        deal_id=deal.pk,
        to="listing",
        by=None,
        expected="negotiation",
        data={
            "listing_number": "PM-2026-018",
            "listing_date": today,
            "listing_ends": today + dt.timedelta(days=5),
            "listing_price": Decimal("200"),
            "bid_increment": Decimal("10"),
            "agency": exchange,
        },
    )
    deal_move(deal_id=deal.pk, to="bidding", by=None, expected="listing")
    bid_place(deal_id=deal.pk, bidder=buyer, amount=Decimal("200"), by=buyer_user)
    return {"deal": deal, "fund": fund}


def test_delegate_a_manager_then_bid_from_outside(world, page):
    deal = world["deal"]
    login(page, "east")
    page.goto(page.base + "/workspace/delegations/")
    page.fill("input[name=grant-manager]", "mgr")
    page.select_option("select[name=grant-office]", label="东海技术转移中心")
    page.click("form[action$='/grant/'] button[type=submit]")
    page.wait_for_url("**/workspace/delegations/")
    body = page.inner_text("main")
    assert "已委托 测试用户（东海技术转移中心）代理东海大学。" in body
    page.screenshot(path=page.shots / "managers-delegations-zh.png", full_page=True)

    _switch(page, "mgr")
    panel = page.inner_text("main")
    assert "代理机构" in panel and "东海大学" in panel
    page.screenshot(path=page.shots / "managers-workspace-zh.png", full_page=True)

    _switch(page, "fund")
    page.goto(page.base + f"/deals/{deal.pk}/auction/")
    page.click("form[action$='/register/'] button[type=submit]")
    assert "已登记竞买，竞买号 2。" in page.inner_text("main")
    page.fill("input[name=amount]", "210")
    page.click("form[action$='/auction/bids/'] button[type=submit]")
    body = page.inner_text("main")
    assert "出价已登记。" in body
    assert "竞买人 1" in body and "南方装备公司" not in body
    assert list(Bid.objects.values_list("amount", flat=True)) == [
        Decimal("200"),
        Decimal("210"),
    ]
    assert AuctionBidder.objects.get(organization=world["fund"]).number == 2
    page.screenshot(path=page.shots / "managers-auction-zh.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=page.shots / "managers-auction-phone-zh.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base + f"/lang/en/?next=/deals/{deal.pk}/auction/")
    body = page.inner_text("main")
    assert "Bidder 1" in body and "Register to bid" not in body
    page.screenshot(path=page.shots / "managers-auction-en.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.screenshot(path=page.shots / "managers-auction-phone-en.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})
    _switch(page, "east")
    page.goto(page.base + "/workspace/delegations/")
    page.screenshot(path=page.shots / "managers-delegations-en.png", full_page=True)
