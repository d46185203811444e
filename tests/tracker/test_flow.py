"""The deal flow (#6): one table of moves, required data, history never
edited, and two people moving one deal at once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError

from achievements.models import Province
from tests.concurrency import race
from tests.factories import make_achievement
from tracker.models import Deal, DealMove
from tracker.services import (
    DealError,
    allowed_moves,
    deal_create,
    deal_move,
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
        asking_amount="300",
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
        listing_price="280",
    )
    move(
        deal, "signed", contract_number="HT-1", contract_date=TODAY, agreed_amount="260"
    )
    move(deal, "settlement")
    payment_add(deal_id=deal.pk, amount="100", paid_on=TODAY, by=users["organizer"])
    payment_add(deal_id=deal.pk, amount="160", paid_on=TODAY, by=users["organizer"])
    move(deal, "registration", registration_number="110108-2027-0001")
    move(deal, "disclosure", disclosure_starts=TODAY)
    deal.refresh_from_db()
    assert deal.disclosure_ends == TODAY + dt.timedelta(days=15)  # the default period
    move(deal, "certificate", certificate_number="PZ-9")
    move(
        deal,
        "landed",
        landed_kind="production_line",
        landed_evidence="常州中试线投产",
        province_id=Province.objects.get(code="32").pk,
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
    assert allowed_moves("landed") == []


def test_optional_stages_may_be_skipped_others_never(deal):
    with pytest.raises(DealError, match="不能从"):
        move(deal, "signed")  # interest → signed skips negotiation and listing
    move(deal, "negotiation")
    move(deal, "evaluation")  # optional, taken
    with pytest.raises(DealError, match="不能从"):
        move(deal, "signed")  # listing is not optional
    move(deal, "listing", listing_number="L-1", listing_date=TODAY, listing_price="10")
    move(
        deal, "signed", contract_number="C", contract_date=TODAY, agreed_amount="10"
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
            deal, "listing", listing_number="L", listing_date=TODAY, listing_price="-5"
        )
    with pytest.raises(DealError, match="日期格式"):
        move(
            deal, "listing", listing_number="L", listing_date="明天", listing_price="5"
        )
    with pytest.raises(DealError, match="不接受字段"):
        move(
            deal,
            "listing",
            listing_number="L",
            listing_date=TODAY,
            listing_price="5",
            stage="landed",
        )
    assert deal.moves.count() == 2


def test_settlement_never_exceeds_the_agreed_amount(deal, roles):
    users, _orgs = roles
    move(deal, "negotiation")
    with pytest.raises(DealError, match="结算阶段"):
        payment_add(deal_id=deal.pk, amount="1", paid_on=TODAY, by=None)
    move(deal, "listing", listing_number="L", listing_date=TODAY, listing_price="50")
    move(deal, "signed", contract_number="C", contract_date=TODAY, agreed_amount="50")
    move(deal, "settlement")
    payment_add(deal_id=deal.pk, amount="30", paid_on=TODAY, by=None)
    with pytest.raises(DealError, match="不能超过成交金额"):
        payment_add(deal_id=deal.pk, amount="20.01", paid_on=TODAY, by=None)
    with pytest.raises(DealError, match="大于零"):
        payment_add(deal_id=deal.pk, amount="0", paid_on=TODAY, by=None)
    deal.refresh_from_db()
    assert deal.settled_amount == Decimal("30")
    with pytest.raises(IntegrityError):  # and the database says so too
        Deal.objects.filter(pk=deal.pk).update(settled_amount=Decimal("51"))


def test_an_upheld_objection_sends_the_deal_back_as_a_recorded_move(deal):
    move(deal, "negotiation")
    move(deal, "listing", listing_number="L", listing_date=TODAY, listing_price="5")
    move(deal, "signed", contract_number="C", contract_date=TODAY, agreed_amount="5")
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
    assert allowed_moves("abandoned") == []
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
