"""The deal flow (#6): one table of moves, required data, history never
edited, and two people moving one deal at once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.utils import timezone

from achievements.models import Province
from tests.concurrency import race
from tests.factories import make_achievement
from tests.tracker.helpers import let_disclosure_run
from tracker.forms import DealMoveForm, form_errors
from tracker.models import Deal, DealMove, Objection
from tracker.services import (
    DealError,
    allowed_moves,
    bid_award,
    bid_place,
    deal_create,
    deal_move,
    financing_add,
    objection_file,
    objection_resolve,
    payment_add,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 5, 10)


@pytest.fixture
def deal(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    return deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        asking_amount=Decimal("300"),
        note="路演现场提问后表达意向",
    )


def move(deal, to, by=None, **data):
    deal.refresh_from_db()
    return deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)


def test_a_deal_goes_the_whole_way_and_every_move_is_recorded(deal, roles):
    users, _orgs = roles
    move(deal, "negotiation")
    move(
        deal,
        "listing",
        listing_number="BJ-2027-001",
        listing_date=TODAY,
        listing_price=Decimal("280"),
    )
    move(
        deal,
        "signed",
        contract_number="HT-1",
        contract_date=TODAY,
        agreed_amount=Decimal("260"),
    )
    move(deal, "settlement")
    payment_add(
        deal_id=deal.pk, amount=Decimal("100"), paid_on=TODAY, by=users["organizer"]
    )
    payment_add(
        deal_id=deal.pk, amount=Decimal("160"), paid_on=TODAY, by=users["organizer"]
    )
    move(deal, "registration", registration_number="110108-2027-0001")
    started = timezone.localdate()
    move(deal, "disclosure", disclosure_starts=started)
    deal.refresh_from_db()
    assert deal.disclosure_ends == started + dt.timedelta(days=15)  # the default period
    let_disclosure_run(deal)
    move(deal, "certificate", certificate_number="PZ-9")
    move(
        deal,
        "landed",
        landed_kind="production_line",
        landed_evidence="常州中试线投产",
        province=Province.objects.get(code="32"),
    )
    deal.refresh_from_db()
    assert (deal.stage, deal.settled_amount) == ("landed", Decimal("260"))
    assert [m.to_stage for m in deal.moves.all()] == [
        "interest",
        "negotiation",
        "listing",
        "signed",
        "settlement",
        "settlement",
        "settlement",
        "registration",
        "disclosure",
        "certificate",
        "landed",
    ]
    assert allowed_moves("landed", path="listed") == []


def test_optional_stages_may_be_skipped_others_never(deal):
    with pytest.raises(DealError, match="不能从"):
        move(deal, "signed")  # interest → signed skips negotiation and listing
    move(deal, "negotiation")  # consultation and plan skipped
    with pytest.raises(DealError, match="不能从"):
        move(deal, "signed")  # listing is not optional on the listed path
    move(
        deal,
        "listing",
        listing_number="L-1",
        listing_date=TODAY,
        listing_price=Decimal("10"),
    )
    move(
        deal,
        "signed",
        contract_number="C",
        contract_date=TODAY,
        agreed_amount=Decimal("10"),
    )  # bidding skipped


def test_a_stage_is_not_entered_without_its_data(deal):
    move(deal, "negotiation")
    with pytest.raises(DealError, match="挂牌编号"):
        move(deal, "listing", listing_date=TODAY)
    deal.refresh_from_db()
    assert (
        deal.stage == "negotiation" and deal.listing_date is None
    )  # nothing half-written
    with pytest.raises(DealError, match="负数"):
        move(
            deal,
            "listing",
            listing_number="L",
            listing_date=TODAY,
            listing_price=Decimal("-5"),
        )
    # What people type is parsed by the move's form, which says what is wrong.
    form = DealMoveForm(
        {"listing_number": "L", "listing_date": "明天", "listing_price": "5"},
        to="listing",
        path="listed",
    )
    assert not form.is_valid() and "日期格式" in form_errors(form)
    with pytest.raises(DealError, match="不接受字段"):
        move(
            deal,
            "listing",
            listing_number="L",
            listing_date=TODAY,
            listing_price=Decimal("5"),
            stage="landed",
        )
    assert deal.moves.count() == 2


def test_settlement_never_exceeds_the_agreed_amount(deal, roles):
    users, _orgs = roles
    move(deal, "negotiation")
    with pytest.raises(DealError, match="结算阶段"):
        payment_add(deal_id=deal.pk, amount=Decimal("1"), paid_on=TODAY, by=None)
    move(
        deal,
        "listing",
        listing_number="L",
        listing_date=TODAY,
        listing_price=Decimal("50"),
    )
    move(
        deal,
        "signed",
        contract_number="C",
        contract_date=TODAY,
        agreed_amount=Decimal("50"),
    )
    move(deal, "settlement")
    payment_add(deal_id=deal.pk, amount=Decimal("30"), paid_on=TODAY, by=None)
    with pytest.raises(DealError, match="不能超过成交金额"):
        payment_add(deal_id=deal.pk, amount=Decimal("20.01"), paid_on=TODAY, by=None)
    with pytest.raises(DealError, match="大于零"):
        payment_add(deal_id=deal.pk, amount=Decimal("0"), paid_on=TODAY, by=None)
    deal.refresh_from_db()
    assert deal.settled_amount == Decimal("30")
    with pytest.raises(IntegrityError):  # and the database says so too
        Deal.objects.filter(pk=deal.pk).update(settled_amount=Decimal("51"))


def test_an_upheld_objection_sends_the_deal_back_as_a_recorded_move(deal):
    move(deal, "negotiation")
    move(
        deal,
        "listing",
        listing_number="L",
        listing_date=TODAY,
        listing_price=Decimal("5"),
    )
    move(
        deal,
        "signed",
        contract_number="C",
        contract_date=TODAY,
        agreed_amount=Decimal("5"),
    )
    move(deal, "settlement")
    move(deal, "registration", registration_number="R")
    move(
        deal,
        "disclosure",
        disclosure_starts=TODAY,
        disclosure_ends=TODAY + dt.timedelta(days=20),
    )
    deal.refresh_from_db()
    back = deal_move(
        deal_id=deal.pk,
        to="negotiation",
        by=None,
        expected="disclosure",
        note="异议成立：权属存疑",
    )
    assert back.stage == "negotiation"
    last = deal.moves.last()
    assert (last.from_stage, last.to_stage, last.backwards, last.note) == (
        "disclosure",
        "negotiation",
        True,
        "异议成立：权属存疑",
    )


def test_abandoned_needs_a_reason_and_ends_the_deal(deal):
    with pytest.raises(DealError, match="终止原因"):
        move(deal, "abandoned")
    with pytest.raises(DealError, match="选项"):
        move(deal, "abandoned", abandon_reason="bored")
    move(deal, "abandoned", abandon_reason="price")
    assert allowed_moves("abandoned", path="listed") == []
    with pytest.raises(DealError):
        move(deal, "negotiation")


def test_the_history_is_never_edited_or_deleted(deal):
    first = deal.moves.get()
    first.note = "改写历史"
    with pytest.raises(TypeError):
        first.save()
    with pytest.raises(TypeError):
        first.delete()
    assert DealMove.objects.get().note == "路演现场提问后表达意向"


def test_a_move_on_a_stage_the_mover_did_not_see_is_refused(deal):
    move(deal, "negotiation")
    with pytest.raises(DealError, match="刚被他人推进"):
        deal_move(deal_id=deal.pk, to="negotiation", by=None, expected="interest")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_moving_one_deal_at_once_one_wins(deal):
    def forward():
        return deal_move(
            deal_id=deal.pk, to="negotiation", by=None, expected="interest"
        )

    outcomes = race([forward, forward, forward], expected=(DealError,))
    assert sum(isinstance(o, Deal) for o in outcomes) == 1
    losers = [o for o in outcomes if isinstance(o, DealError)]
    assert len(losers) == 2 and all("刚被他人推进" in str(o) for o in losers)
    assert deal.moves.filter(to_stage="negotiation").count() == 1


def _to_disclosure(deal, *, started_days_ago=0, **written):
    move(deal, "negotiation")
    move(
        deal,
        "listing",
        listing_number="L",
        listing_date=TODAY,
        listing_price=Decimal("5"),
    )
    move(
        deal,
        "signed",
        contract_number="C",
        contract_date=TODAY,
        agreed_amount=Decimal("5"),
    )
    move(deal, "settlement")
    move(deal, "registration", registration_number="R")
    move(deal, "disclosure", disclosure_starts=timezone.localdate(), **written)
    if started_days_ago:
        let_disclosure_run(deal, days=started_days_ago, left=15 - started_days_ago)
    deal.refresh_from_db()


def test_objections_only_during_the_period_and_the_period_waits_for_them(deal, roles):
    users, _orgs = roles
    today = timezone.localdate()
    _to_disclosure(deal, started_days_ago=3)
    with pytest.raises(DealError, match="期外"):
        objection_file(
            deal_id=deal.pk,
            name="张三",
            contact="13800000000",
            reason="权属",
            today=deal.disclosure_ends + dt.timedelta(days=1),
        )
    with pytest.raises(DealError, match="请填写"):
        objection_file(deal_id=deal.pk, name=" ", contact="x", reason="y")
    first = objection_file(
        deal_id=deal.pk,
        name="某研究所",
        contact="010-1234",
        reason="该专利的共有人未同意转让",
    )
    objection_resolve(
        objection_id=first.pk,
        upheld=False,
        resolution="共有人已书面同意",
        by=users["organizer"],
    )
    second = objection_file(
        deal_id=deal.pk, name="李四", contact="li@example.cn", reason="价格明显偏低"
    )
    # The period is not over, and an objection is open: no certificate yet.
    with pytest.raises(DealError, match="公示期到"):
        move(deal, "certificate", certificate_number="PZ")
    Deal.objects.filter(pk=deal.pk).update(
        disclosure_starts=today - dt.timedelta(days=20),
        disclosure_ends=today - dt.timedelta(days=5),
    )
    with pytest.raises(DealError, match="未处理的公示异议"):
        move(deal, "certificate", certificate_number="PZ")
    with pytest.raises(DealError, match="已处理"):
        objection_resolve(
            objection_id=first.pk, upheld=True, resolution="再议", by=None
        )
    objection_resolve(
        objection_id=second.pk, upheld=False, resolution="价格经评估合理", by=None
    )
    move(deal, "certificate", certificate_number="PZ")


def test_an_upheld_objection_sends_the_deal_back_to_negotiation(deal, roles):
    users, _orgs = roles
    _to_disclosure(deal)
    upheld = objection_file(
        deal_id=deal.pk, name="王五", contact="w@example.cn", reason="权属争议"
    )
    other = objection_file(
        deal_id=deal.pk, name="赵六", contact="z@example.cn", reason="同上"
    )
    objection_resolve(
        objection_id=upheld.pk,
        upheld=True,
        resolution="异议成立，重新洽谈",
        by=users["organizer"],
    )
    deal.refresh_from_db()
    assert deal.stage == "negotiation"
    last = deal.moves.last()
    assert (last.from_stage, last.to_stage, last.backwards) == (
        "disclosure",
        "negotiation",
        True,
    )
    assert Objection.objects.get(pk=other.pk).status == "upheld"
    with pytest.raises(DealError, match="不在公示期"):
        objection_file(deal_id=deal.pk, name="钱七", contact="q", reason="晚了")


def test_bidding_needs_a_winner_before_signing(deal, roles):
    users, orgs = roles
    organizer = users["organizer"]
    move(deal, "negotiation")
    with pytest.raises(DealError, match="竞价阶段"):
        bid_place(
            deal_id=deal.pk, bidder=orgs["fund"], amount=Decimal("10"), by=organizer
        )
    move(
        deal,
        "listing",
        listing_number="L",
        listing_date=TODAY,
        listing_price=Decimal("5"),
    )
    move(deal, "bidding")
    low = bid_place(
        deal_id=deal.pk, bidder=orgs["fund"], amount=Decimal("6"), by=organizer
    )
    high = bid_place(
        deal_id=deal.pk,
        bidder=orgs["enterprise"],
        amount=Decimal("8"),
        by=users["enterprise"],
    )
    assert (low.on_behalf, high.on_behalf) == (True, False)
    with pytest.raises(DealError, match="竞得方"):
        move(
            deal,
            "signed",
            contract_number="C",
            contract_date=TODAY,
            agreed_amount=Decimal("8"),
        )
    bid_award(deal_id=deal.pk, bid_id=low.pk, by=organizer)
    bid_award(
        deal_id=deal.pk, bid_id=high.pk, by=organizer
    )  # the winner can change before signing
    assert [b.winner for b in deal.bids.order_by("pk")] == [False, True]
    move(
        deal,
        "signed",
        contract_number="C",
        contract_date=TODAY,
        agreed_amount=Decimal("8"),
    )


def test_follow_up_financing_is_linked_to_the_achievement_and_deal(deal, roles):
    _users, orgs = roles
    pledge = financing_add(
        achievement=deal.achievement,
        deal=deal,
        kind="ip_pledge",
        institution="某银行",
        amount=Decimal("500"),
        on=TODAY,
        by=None,
    )
    assert list(deal.achievement.financings.all()) == [pledge]
    with pytest.raises(DealError, match="负数"):
        financing_add(
            achievement=deal.achievement,
            kind="equity",
            institution="某基金",
            amount=Decimal("-1"),
            on=TODAY,
            by=None,
        )
    other = make_achievement(owner=orgs["other"], state="public")
    with pytest.raises(DealError, match="不一致"):
        financing_add(
            achievement=other,
            deal=deal,
            kind="equity",
            institution="某基金",
            amount=Decimal("1"),
            on=TODAY,
            by=None,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_reviewers_clearing_one_disclosure_at_once_one_wins(roles):
    from tracker.services import disclosure_review

    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="restricted"),
        counterparty=orgs["fund"],
        transfer_mode="licence",
        path="listed",
    )
    _to_disclosure(
        deal, disclosure_title="某新材料", disclosure_summary="新材料技术许可。"
    )
    assert deal.disclosure_review == "pending"

    def clear():
        return disclosure_review(deal_id=deal.pk, by=users["reviewer"], neutral=False)

    outcomes = race([clear, clear, clear], expected=(DealError,))
    assert sum(isinstance(o, Deal) for o in outcomes) == 1
    assert all("不在待审查之列" in str(o) for o in outcomes if isinstance(o, DealError))
    assert deal.moves.filter(data__disclosure_review="cleared").count() == 1
