"""Money on a deal: settlement payments (never above the agreed amount),
bids and their winner, follow-up financing."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import user_can

from ..enums import (
    DealPath,
    FinancingKind,
    Stage,
)
from ..models import AuctionBidder, Bid, Deal, DealMove, Financing, Payment
from .checks import (
    DealError,
    actor,
    checked_amount,
    checked_text,
    locked_deal,
    require,
)


def payment_add(
    *,
    deal_id: int,
    amount: Decimal,
    paid_on: dt.date | None,
    by: Any,
    note: str = "",
) -> Payment:
    """Record a settlement payment; the total never exceeds the agreed amount."""
    amount = checked_amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    if paid_on is None:
        raise DealError(_("请填写支付日期。"))
    note = checked_text(
        note, limit=200, label=Payment._meta.get_field("note").verbose_name
    )
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.move", deal)
        if deal.stage not in Stage.settling():
            raise DealError(_("进入结算阶段后才能登记付款。"))
        if deal.settled_amount + amount > deal.agreed_amount:
            raise DealError(
                _(
                    "累计结算不能超过成交金额（%(agreed)s 万元，已结算 %(settled)s 万元）。"
                )
                % {"agreed": deal.agreed_amount, "settled": deal.settled_amount}
            )
        payment = Payment.objects.create(
            deal=deal, amount=amount, paid_on=paid_on, note=note
        )
        deal.settled_amount += amount
        deal.save(update_fields=["settled_amount", "updated_at"])
        DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
            data={"payment": str(amount), "paid_on": paid_on.isoformat()},
        )
    return payment


AUCTION_OPEN_STAGES = (Stage.LISTING, Stage.BIDDING)


def _not_a_bidder(deal: Deal, organization: Any) -> None:
    if organization.pk in (deal.achievement.owner_id, deal.agency_id, deal.office_id):
        raise DealError(_("成果持有单位和承办交易机构不能参与竞价。"))


def _auction_seen_by(deal: Deal, by: Any) -> None:
    """The listing exists for this user only if the achievement is published
    to them (the library's visibility rule); else it is not found."""
    if by is None or user_can(by, "deal.view", deal):
        return
    if not user_can(by, "deal.listing", deal):
        raise DealError(_("找不到该拍卖项目。"))


def auction_register(*, deal_id: int, organization: Any, by: Any) -> AuctionBidder:
    """An approved investor or enterprise registers to bid at an auction
    (拍卖/竞价) during the listing's period, before it closes, if the
    achievement is published to it.  Numbered in the order of registration
    under the deal's lock (竞买人 1, 2, 3…)."""
    with transaction.atomic():
        deal = locked_deal(deal_id)
        if deal.path != DealPath.AUCTION:
            raise DealError(_("只有拍卖/竞价项目接受竞买登记。"))
        _auction_seen_by(deal, by)
        if by is not None and organization.pk not in permissions.approved_investor_orgs(
            by
        ):
            raise DealError(
                _(
                    "只有经组织方批准的投资方或需求方机构可以登记竞买，且须以本机构名义登记。"
                )
            )
        _not_a_bidder(deal, organization)
        today = timezone.localdate()
        if deal.stage not in AUCTION_OPEN_STAGES or (
            deal.listing_ends is not None and today > deal.listing_ends
        ):
            raise DealError(_("该项目不在挂牌期内，不能登记竞买。"))
        return _registered(deal, organization=organization, by=by, create_only=True)


def _registered(
    deal: Deal, *, organization: Any, by: Any, create_only: bool = False
) -> AuctionBidder:
    """The organization's registration at the (locked) deal's auction,
    made now if there is none."""
    found = deal.auction_bidders.filter(organization=organization).first()
    if found is not None:
        if create_only:
            raise DealError(
                _("%(org)s已登记为竞买人 %(number)s。")
                % {"org": organization, "number": found.number}
            )
        return found
    last = deal.auction_bidders.aggregate(m=Max("number"))["m"] or 0
    return AuctionBidder.objects.create(
        deal=deal,
        organization=organization,
        number=last + 1,
        registered_by=actor(by),
        registered_at=timezone.now(),
    )


def bid_place(*, deal_id: int, bidder: Any, amount: Decimal, by: Any) -> Bid:
    """A bid is placed by the bidder's own people, or (after a listing, not
    at an auction) by an organizer on the bidder's behalf, recorded as such.
    At an auction every bid comes within the listing's period, the first at
    least the reserve price, each next one at least the increment above the
    highest so far — so two bids can never tie; the deal's row lock orders
    bids placed at the same moment.  At an auction the deal's parties bid,
    and so do the approved organizations registered as bidders (the parties
    are registered with their first bid)."""
    amount = checked_amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    own = bidder.pk in permissions.organization_ids(by)
    if not own and not permissions.is_organizer(by):
        raise DealError(_("只能以本单位名义出价；代其他单位登记出价须由组织方办理。"))
    with transaction.atomic():
        deal = locked_deal(deal_id)
        party = by is None or user_can(by, "deal.move", deal)
        if deal.path == DealPath.AUCTION and not party:
            _auction_seen_by(deal, by)
            registered = deal.auction_bidders.filter(organization=bidder).exists()
            if not registered or bidder.pk not in permissions.approved_investor_orgs(
                by
            ):
                raise DealError(_("请先以本机构名义登记竞买，再出价。"))
        elif not party:
            raise PermissionDenied
        if deal.stage != Stage.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
        _not_a_bidder(deal, bidder)
        if deal.path == DealPath.AUCTION:
            _auction_bid_allowed(deal, amount=amount, own=own)
            _registered(deal, organization=bidder, by=by)
        bid = Bid.objects.create(
            deal=deal,
            bidder=bidder,
            amount=amount,
            placed_at=timezone.now(),
            placed_by=actor(by),
            on_behalf=not own,
        )
        DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            data={"bid": str(amount), "bidder": bidder.pk, "on_behalf": not own},
        )
    return bid


CENT = Decimal("0.01")


def _auction_bid_allowed(deal: Deal, *, amount: Decimal, own: bool) -> None:
    if not own:
        raise DealError(_("拍卖/竞价须由竞买方本单位人员出价，不能代为登记。"))
    today = timezone.localdate()
    if today < deal.listing_date:
        raise DealError(
            _("竞价自 %(date)s 开始。") % {"date": deal.listing_date.isoformat()}
        )
    if today > deal.listing_ends:
        raise DealError(
            _("竞价已于 %(date)s 结束，不再接受出价。")
            % {"date": deal.listing_ends.isoformat()}
        )
    highest = deal.bids.aggregate(m=Max("amount"))["m"]
    if highest is not None:
        highest = Decimal(highest).quantize(CENT)
    if highest is None:
        if amount < deal.listing_price:
            raise DealError(
                _("出价不能低于挂牌底价 %(price)s 万元。")
                % {"price": deal.listing_price}
            )
        return
    if amount == highest:
        raise DealError(
            _("已有相同金额的出价 %(amount)s 万元，出价须高出至少一个加价幅度。")
            % {"amount": highest}
        )
    least = highest + deal.bid_increment
    if amount < least:
        raise DealError(
            _(
                "出价须不低于 %(least)s 万元（当前最高价 %(highest)s 万元"
                "加加价幅度 %(step)s 万元）。"
            )
            % {"least": least, "highest": highest, "step": deal.bid_increment}
        )


def bid_award(*, deal_id: int, bid_id: int, by: Any) -> Bid:
    """Only organizers and the handling exchange (the deal's agency) award."""
    with transaction.atomic():
        deal = locked_deal(deal_id)
        if not user_can(by, "deal.award_bid", deal):
            raise DealError(_("只有组织方或承办的技术交易机构可以确定竞得方。"))
        if deal.stage != Stage.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
        if deal.path == DealPath.AUCTION:
            raise DealError(_("拍卖/竞价由截止时的最高有效出价竞得，无需指定。"))
        bid = deal.bids.filter(pk=bid_id).first()
        if bid is None:
            raise DealError(_("出价不存在。"))
        deal.bids.update(winner=False)
        bid.winner = True
        bid.save(update_fields=["winner"])
        DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            data={"winner": bid.bidder_id, "amount": str(bid.amount)},
        )
    return bid


def financing_add(
    *,
    achievement: Any,
    kind: str,
    institution: str,
    amount: Decimal,
    on: dt.date | None,
    by: Any,
    deal: Deal | None = None,
) -> Financing:
    """Follow-up financing of an achievement, linked to the deal it came
    from; recorded by the deal's parties or organizers."""
    if deal is not None:
        require(by, "deal.move", deal)
    elif by is not None and not permissions.is_organizer(by):
        raise PermissionDenied
    if kind not in FinancingKind.values:
        raise DealError(_("选项不正确。"))
    amount = checked_amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    institution = checked_text(
        institution,
        limit=200,
        label=Financing._meta.get_field("institution").verbose_name,
    )
    if on is None or not institution:
        raise DealError(_("请填写机构和日期。"))
    if deal is not None and deal.achievement_id != achievement.pk:
        raise DealError(_("项目与成果不一致。"))
    return Financing.objects.create(
        achievement=achievement,
        deal=deal,
        kind=kind,
        institution=institution,
        amount=amount,
        on=on,
    )
