"""Bidders from outside the deal at an auction (拍卖/竞价): approved
organizations register during the listing and bid; the listing is seen only
by whom the achievement is published to; bidders see each other as 竞买人
1, 2, 3…; the winner becomes the counterparty; races on PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.enums import InvestorStatus, OrganizationKind, Role
from tests.concurrency import race
from tests.factories import make_achievement, make_org, make_user
from tests.tracker.helpers import signing_terms
from tracker.models import AuctionBidder, Bid, Deal
from tracker.services import (
    DealError,
    auction_register,
    bid_place,
    deal_create,
    deal_move,
)

pytestmark = pytest.mark.django_db


def _auction(roles, *, state="public", stage="bidding", days=3):
    """An auction listed today for ``days`` more days at a reserve of 100
    and an increment of 5, at the exchange; moved by the platform."""
    users, orgs = roles
    exchange = make_org(kind=OrganizationKind.TECHNOLOGY_EXCHANGE, name="产权交易所")
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state=state),
        counterparty=orgs["enterprise"],
        transfer_mode="assignment",
        path="auction",
    )
    deal_move(deal_id=deal.pk, to="negotiation", by=None, expected="interest")
    today = timezone.localdate()
    deal_move(
        deal_id=deal.pk,
        to="listing",
        by=None,
        expected="negotiation",
        data={
            "listing_number": "PM-7",
            "listing_date": today,
            "listing_ends": today + dt.timedelta(days=days),
            "listing_price": Decimal("100"),
            "bid_increment": Decimal("5"),
            "agency": exchange,
        },
    )
    if stage == "bidding":
        deal_move(deal_id=deal.pk, to="bidding", by=None, expected="listing")
    deal.refresh_from_db()
    return deal


def _bank(name="某商业银行"):
    bank = make_org(
        kind=OrganizationKind.COMMERCIAL_BANK,
        name=name,
        investor_status=InvestorStatus.APPROVED,
    )
    return bank, make_user(role=Role.INVESTOR, org=bank)


def test_an_outside_bidder_registers_bids_and_wins(roles):
    users, orgs = roles
    deal = _auction(roles, stage="listing")
    row = auction_register(
        deal_id=deal.pk, organization=orgs["fund"], by=users["investor"]
    )
    assert (row.number, row.registered_by) == (1, users["investor"])
    with pytest.raises(DealError) as refused:
        auction_register(
            deal_id=deal.pk, organization=orgs["fund"], by=users["investor"]
        )
    assert str(refused.value) == "丙基金已登记为竞买人 1。"
    deal_move(deal_id=deal.pk, to="bidding", by=None, expected="listing")
    bid_place(
        deal_id=deal.pk,
        bidder=orgs["enterprise"],
        amount=Decimal("100"),
        by=users["enterprise"],
    )
    bid_place(
        deal_id=deal.pk,
        bidder=orgs["fund"],
        amount=Decimal("105"),
        by=users["investor"],
    )
    # The party was registered with its first bid, after the fund.
    assert dict(deal.auction_bidders.values_list("organization__name", "number")) == {
        "丙基金": 1,
        "戊企业": 2,
    }
    today = timezone.localdate()
    Deal.objects.filter(pk=deal.pk).update(
        listing_date=today - dt.timedelta(days=5),
        listing_ends=today - dt.timedelta(days=1),
    )
    deal_move(
        deal_id=deal.pk,
        to="signed",
        by=users["team"],
        expected="bidding",
        data=signing_terms(deal, agreed="105"),
    )
    deal.refresh_from_db()
    assert deal.counterparty == orgs["fund"]
    assert deal.counterparty_contact == users["investor"]
    signed = deal.moves.get(to_stage="signed").data
    assert (signed["winner"], signed["previous_counterparty"]) == (
        orgs["fund"].pk,
        orgs["enterprise"].pk,
    )
    from accounts.permissions import user_can

    assert user_can(users["investor"], "deal.view", deal) is True
    assert user_can(users["enterprise"], "deal.view", deal) is False


def test_who_may_register_and_when(roles):
    users, orgs = roles
    deal = _auction(roles, state="restricted")
    pending = make_user(role=Role.INVESTOR, org=orgs["fund"])
    pending.memberships.update(approved=False)
    cases = [
        # Not an approved organization of the user's own.
        (
            orgs["fund"],
            users["enterprise"],
            "只有经组织方批准的投资方或需求方机构可以登记竞买，且须以本机构名义登记。",
        ),
        (orgs["fund"], pending, "找不到该拍卖项目。"),  # not approved: cannot see it
        (orgs["other"], users["other_team"], "找不到该拍卖项目。"),
        (
            orgs["owner"],
            users["team"],
            "只有经组织方批准的投资方或需求方机构可以登记竞买，且须以本机构名义登记。",
        ),
    ]
    for organization, by, message in cases:
        with pytest.raises(DealError) as refused:
            auction_register(deal_id=deal.pk, organization=organization, by=by)
        assert str(refused.value) == message
    assert AuctionBidder.objects.count() == 0
    # After the close: no registration.
    today = timezone.localdate()
    Deal.objects.filter(pk=deal.pk).update(
        listing_date=today - dt.timedelta(days=5),
        listing_ends=today - dt.timedelta(days=1),
    )
    with pytest.raises(DealError) as refused:
        auction_register(
            deal_id=deal.pk, organization=orgs["fund"], by=users["investor"]
        )
    assert str(refused.value) == "该项目不在挂牌期内，不能登记竞买。"
    assert AuctionBidder.objects.count() == 0


def test_an_unregistered_outsider_cannot_bid(roles):
    users, orgs = roles
    deal = _auction(roles)
    with pytest.raises(DealError) as refused:
        bid_place(
            deal_id=deal.pk,
            bidder=orgs["fund"],
            amount=Decimal("100"),
            by=users["investor"],
        )
    assert str(refused.value) == "请先以本机构名义登记竞买，再出价。"
    assert deal.bids.count() == 0


def test_bidders_see_numbers_the_seller_and_organizers_see_names(client, roles):
    users, orgs = roles
    deal = _auction(roles)
    bank, banker = _bank()
    users["investor"].name = "王投资"
    users["investor"].save(update_fields=["name"])
    auction_register(deal_id=deal.pk, organization=orgs["fund"], by=users["investor"])
    auction_register(deal_id=deal.pk, organization=bank, by=banker)
    bid_place(
        deal_id=deal.pk,
        bidder=orgs["fund"],
        amount=Decimal("100"),
        by=users["investor"],
    )
    bid_place(deal_id=deal.pk, bidder=bank, amount=Decimal("105"), by=banker)
    bid_place(
        deal_id=deal.pk,
        bidder=orgs["enterprise"],
        amount=Decimal("110"),
        by=users["enterprise"],
    )
    url = f"/deals/{deal.pk}/auction/"
    client.force_login(banker)
    page = client.get(url).content.decode()
    assert "竞买人 1" in page and "竞买人 3" in page
    assert "丙基金" not in page and "戊企业" not in page
    assert "某商业银行 已登记，竞买号 2。" in page
    assert '<span class="badge">本单位</span>' in page
    # The counterparty is a bidder too: on the deal's own page, numbers only,
    # and the history does not say who bid for the others.
    client.force_login(users["enterprise"])
    page = client.get(f"/deals/{deal.pk}/").content.decode()
    assert "竞买人 1" in page and "丙基金" not in page and "某商业银行" not in page
    assert "王投资" not in page
    for viewer in ("team", "organizer"):
        client.force_login(users[viewer])
        page = client.get(url).content.decode()
        assert "丙基金" in page and "某商业银行" in page and "戊企业" in page


def test_the_listing_follows_the_visibility_rule(client, roles):
    users, orgs = roles
    deal = _auction(roles, state="restricted")
    url = f"/deals/{deal.pk}/auction/"
    for viewer, status in [
        ("investor", 200),
        ("organizer", 200),
        ("team", 200),
        ("pending_investor", 404),
        ("other_team", 404),
        ("nobody", 404),
    ]:
        client.force_login(users[viewer])
        assert client.get(url).status_code == status, viewer
        listed = client.get("/deals/auctions/").content.decode()
        assert (url in listed) is (status == 200), viewer
    client.logout()
    assert client.get(url).status_code == 302


def test_registering_and_bidding_through_the_listing_page(client, roles):
    users, orgs = roles
    deal = _auction(roles)
    client.force_login(users["investor"])
    url = f"/deals/{deal.pk}/auction/"
    refused = client.post(f"{url}bids/", {"bidder": orgs["fund"].pk, "amount": "100"})
    assert refused.status_code == 400
    assert "请先以本机构名义登记竞买，再出价。" in refused.content.decode()
    done = client.post(f"{url}register/", {"organization": orgs["fund"].pk})
    assert done.status_code == 302
    low = client.post(f"{url}bids/", {"bidder": orgs["fund"].pk, "amount": "99"})
    assert "出价不能低于挂牌底价 100.00 万元。" in low.content.decode()
    assert (
        client.post(
            f"{url}bids/", {"bidder": orgs["fund"].pk, "amount": "100"}
        ).status_code
        == 302
    )
    assert list(deal.bids.values_list("bidder__name", "amount")) == [
        ("丙基金", Decimal("100"))
    ]
    page = client.get(url).content.decode()
    assert "下一次出价至少 105.00 万元。" in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_registrations_at_once_get_distinct_numbers(roles):
    users, orgs = roles
    deal = _auction(roles)
    bank, banker = _bank()
    other_bank, other_banker = _bank("另一商业银行")

    def register(org, by):
        return lambda: auction_register(deal_id=deal.pk, organization=org, by=by)

    outcomes = race(
        [
            register(orgs["fund"], users["investor"]),
            register(bank, banker),
            register(other_bank, other_banker),
            register(bank, banker),
        ],
        expected=(DealError,),
    )
    assert sum(isinstance(o, AuctionBidder) for o in outcomes) == 3
    number = AuctionBidder.objects.get(organization=bank).number
    assert [str(o) for o in outcomes if isinstance(o, DealError)] == [
        f"某商业银行已登记为竞买人 {number}。"
    ]
    assert sorted(deal.auction_bidders.values_list("number", flat=True)) == [1, 2, 3]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_bidders_racing_one_amount_one_is_taken(roles):
    users, orgs = roles
    deal = _auction(roles)
    bank, banker = _bank()
    auction_register(deal_id=deal.pk, organization=orgs["fund"], by=users["investor"])
    auction_register(deal_id=deal.pk, organization=bank, by=banker)

    def bid(org, by):
        return lambda: bid_place(
            deal_id=deal.pk, bidder=org, amount=Decimal("120"), by=by
        )

    outcomes = race(
        [
            bid(orgs["fund"], users["investor"]),
            bid(bank, banker),
            bid(orgs["enterprise"], users["enterprise"]),
        ],
        expected=(DealError,),
    )
    assert sum(isinstance(o, Bid) for o in outcomes) == 1
    refused = [str(o) for o in outcomes if isinstance(o, DealError)]
    assert len(refused) == 2
    assert all("已有相同金额的出价 120.00 万元" in r for r in refused)
    assert list(deal.bids.values_list("amount", flat=True)) == [Decimal("120")]
