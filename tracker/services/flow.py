"""The deal flow: the one table of allowed moves of each path (MOVES, BACK),
the data each stage needs on it (REQUIRED, ACCEPTED), and the writes that
move a deal along it — each checked, applied and recorded in one
transaction, on a locked deal, so two people moving the same deal cannot
both win."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from achievements import selectors as achievements_selectors
from achievements.enums import TransferMode
from achievements.models import Province
from achievements.selectors import achievement_was_published
from uploads import CheckedFile

from ..enums import (
    AbandonReason,
    DealPath,
    DisclosureReview,
    EvaluationMethod,
    LandedKind,
    LicenceFee,
    LicenceKind,
    ObjectionStatus,
    Stage,
)
from ..models import Deal, DealMove
from ..notices import interest_notify, move_notify
from ..selectors import achievement_is_public
from .checks import (
    TEXT_LIMIT,
    DealError,
    actor,
    attach_documents,
    checked_amount,
    checked_percent,
    checked_text,
    handled_by_office,
    locked_deal,
    require,
)

# The one table of allowed moves, per path 交易路径: path → stage → the stages
# it may move to.  Every path opens with the optional consultation 咨询 and
# plan design 方案设计 and ends with the same tail from signing to landing;
# a stage is optional on a path when a move may go past it (optional_on).
# Abandoning is allowed from every open stage.
_OPENING: dict[str, set[str]] = {
    Stage.INTEREST: {Stage.CONSULTATION, Stage.PLAN, Stage.NEGOTIATION},
    Stage.CONSULTATION: {Stage.PLAN, Stage.NEGOTIATION},
    Stage.PLAN: {Stage.NEGOTIATION},
}
_TAIL: dict[str, set[str]] = {
    Stage.SIGNED: {Stage.SETTLEMENT},
    Stage.SETTLEMENT: {Stage.REGISTRATION},
    Stage.REGISTRATION: {Stage.DISCLOSURE},
    Stage.DISCLOSURE: {Stage.CERTIFICATE},
    Stage.CERTIFICATE: {Stage.LANDED},
}
# Negotiated: the price is agreed, an evaluation may back it.
_AGREED: dict[str, set[str]] = {
    Stage.NEGOTIATION: {Stage.EVALUATION, Stage.SIGNED},
    Stage.EVALUATION: {Stage.SIGNED},
}
MOVES: dict[str, dict[str, set[str]]] = {
    DealPath.NEGOTIATED: {**_OPENING, **_AGREED, **_TAIL},
    # Listed at an exchange: then a buyer signs, or the bidders bid.
    DealPath.LISTED: {
        **_OPENING,
        Stage.NEGOTIATION: {Stage.EVALUATION, Stage.LISTING},
        Stage.EVALUATION: {Stage.LISTING},
        Stage.LISTING: {Stage.BIDDING, Stage.SIGNED},
        Stage.BIDDING: {Stage.SIGNED},
        **_TAIL,
    },
    # Auction: listed with a reserve and an increment; the highest valid bid
    # at the listing's close wins (settlement.bid_place, _guard).
    DealPath.AUCTION: {
        **_OPENING,
        Stage.NEGOTIATION: {Stage.EVALUATION, Stage.LISTING},
        Stage.EVALUATION: {Stage.LISTING},
        Stage.LISTING: {Stage.BIDDING},
        Stage.BIDDING: {Stage.SIGNED},
        **_TAIL,
    },
    DealPath.EQUITY: {**_OPENING, **_AGREED, **_TAIL},
    DealPath.LICENCE: {**_OPENING, **_AGREED, **_TAIL},
    DealPath.CONTRACT: {**_OPENING, **_AGREED, **_TAIL},
}
# Explicit moves back, recorded as such (e.g. a disclosure objection upheld).
BACK: dict[str, set[str]] = {Stage.DISCLOSURE: {Stage.NEGOTIATION}}
# Data a stage needs before it is entered (deal fields), on every path…
_STAGE_REQUIRED: dict[str, tuple[str, ...]] = {
    Stage.EVALUATION: (
        "evaluation_method",
        "evaluator",
        "evaluation_min",
        "evaluated_on",
    ),
    Stage.LISTING: ("listing_number", "listing_date", "listing_price"),
    Stage.SIGNED: ("contract_number", "contract_date", "agreed_amount"),
    Stage.REGISTRATION: ("registration_number",),
    Stage.DISCLOSURE: ("disclosure_starts", "disclosure_ends"),
    Stage.CERTIFICATE: ("certificate_number",),
    Stage.LANDED: ("landed_kind", "landed_evidence", "province"),
    Stage.ABANDONED: ("abandon_reason",),
}
_SIGNED = _STAGE_REQUIRED[Stage.SIGNED]
# …and what each path adds: path → stage → fields.
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    path: dict(_STAGE_REQUIRED) for path in DealPath.values
}
REQUIRED[DealPath.AUCTION][Stage.LISTING] += (
    "agency",
    "listing_ends",
    "bid_increment",
)
REQUIRED[DealPath.EQUITY][Stage.SIGNED] = _SIGNED + (
    "equity_valuation",
    "equity_share",
    "company_name",
)
REQUIRED[DealPath.LICENCE][Stage.SIGNED] = _SIGNED + (
    "licence_kind",
    "licence_territory",
    "licence_ends",
    "licence_fee",
)
REQUIRED[DealPath.CONTRACT][Stage.SIGNED] = _SIGNED + ("milestones",)
# Data a stage accepts without requiring it (the disclosure's own title and
# description are required for an achievement the public may not see; the
# royalty rate for a licence paid by royalty, see _guard).
ACCEPTED: dict[str, tuple[str, ...]] = {
    Stage.EVALUATION: ("evaluation_max",),
    Stage.DISCLOSURE: ("disclosure_title", "disclosure_summary"),
    Stage.ABANDONED: ("abandon_note",),
}
_PATH_ACCEPTED: dict[tuple[str, str], tuple[str, ...]] = {
    (DealPath.LISTED, Stage.LISTING): ("agency", "listing_ends"),
    (DealPath.LICENCE, Stage.SIGNED): ("royalty_rate",),
}
MONEY_FIELDS = {
    "listing_price",
    "agreed_amount",
    "asking_amount",
    "bid_increment",
    "evaluation_min",
    "evaluation_max",
    "equity_valuation",
}
PERCENT_FIELDS = {"equity_share", "royalty_rate"}
DATE_FIELDS = {
    "listing_date",
    "listing_ends",
    "contract_date",
    "disclosure_starts",
    "disclosure_ends",
    "evaluated_on",
    "licence_ends",
}
CHOICE_FIELDS = {
    "landed_kind": LandedKind.values,
    "abandon_reason": AbandonReason.values,
    "evaluation_method": EvaluationMethod.values,
    "licence_kind": LicenceKind.values,
    "licence_fee": LicenceFee.values,
}
DISCLOSURE_SUMMARY_LIMIT = 2000
# Which paths a transfer mode may take, the first being the usual one.
PATHS_OF_MODE: dict[str, tuple[str, ...]] = {
    TransferMode.ASSIGNMENT: (DealPath.NEGOTIATED, DealPath.LISTED, DealPath.AUCTION),
    TransferMode.LICENCE: (DealPath.LICENCE, DealPath.LISTED, DealPath.AUCTION),
    TransferMode.OPEN_LICENCE: (DealPath.LICENCE,),
    TransferMode.EQUITY: (DealPath.EQUITY,),
    TransferMode.JOINT_DEVELOPMENT: (DealPath.CONTRACT,),
}


def required_of(path: str, stage: str) -> tuple[str, ...]:
    """The deal fields a move into ``stage`` on ``path`` needs."""
    return REQUIRED.get(path, _STAGE_REQUIRED).get(stage, ())


def fields_of(stage: str, *, path: str) -> tuple[str, ...]:
    """The deal fields a move into ``stage`` on ``path`` takes."""
    return (
        required_of(path, stage)
        + ACCEPTED.get(stage, ())
        + _PATH_ACCEPTED.get((path, stage), ())
    )


def stages_of(path: str) -> list[str]:
    """The stages of a path in the order of the flow (read from MOVES)."""
    moves = MOVES[path]
    on_path = set(moves) | {to for targets in moves.values() for to in targets}
    return [s for s in Stage.path() if s in on_path]


def optional_on(path: str) -> frozenset[str]:
    """The stages of a path a deal may skip: some move goes past them."""
    order = {s: i for i, s in enumerate(Stage.path())}
    return frozenset(
        to
        for targets in MOVES[path].values()
        for to in targets
        if any(order[other] > order[to] for other in targets)
    )


def allowed_moves(stage: str, *, path: str) -> list[tuple[str, bool]]:
    """(stage, backwards) pairs a deal on ``path`` in ``stage`` may move to."""
    if stage in Stage.ended():
        return []
    moves = [(to, False) for to in stages_of(path) if to in MOVES[path].get(stage, ())]
    moves += [(to, True) for to in sorted(BACK.get(stage, ()))]
    return moves + [(Stage.ABANDONED, False)]


def _checked(field: str, value: Any) -> Any:
    """A deal field's value as given to a move (typed by the form), checked
    against what the record may hold."""
    if field in MONEY_FIELDS:
        return checked_amount(value)
    if field in PERCENT_FIELDS:
        return checked_percent(value, label=Deal._meta.get_field(field).verbose_name)
    if field in DATE_FIELDS and not isinstance(value, dt.date | None):
        raise TypeError(f"{field} is a date, not {type(value).__name__}")
    if field in DATE_FIELDS or isinstance(value, models.Model) or value is None:
        return value
    model_field = Deal._meta.get_field(field)
    limit = (
        DISCLOSURE_SUMMARY_LIMIT
        if field == "disclosure_summary"
        else model_field.max_length or TEXT_LIMIT
    )
    value = checked_text(value, limit=limit, label=model_field.verbose_name)
    if value and field in CHOICE_FIELDS and value not in CHOICE_FIELDS[field]:
        raise DealError(_("选项不正确。"))
    return value


def _recorded(value: Any) -> str | None:
    """A value as the history keeps it (a record by its id)."""
    if value is None:
        return None
    if isinstance(value, models.Model):
        return str(value.pk)
    return str(value)


def _recorded_name(field: str, value: Any) -> str:
    """The history names a record by its column (``province_id``)."""
    return f"{field}_id" if isinstance(value, models.Model) else field


def province_of_organization(org: Any) -> Province | None:
    """An organization's province (the library's rule: its credit code)."""
    return achievements_selectors.province_of_organization(org)


def achievement_open_for_deals(*, achievement: Any) -> None:
    """A deal follows an achievement that was published (to everyone, or to
    approved investors); never a draft or one never cleared by review."""
    if not achievement_was_published(achievement=achievement):
        raise DealError(
            _("该成果尚未通过审查发布，不能登记转化项目。请在成果发布后再登记。")
        )


def deal_create(
    *,
    by: Any,
    note: str = "",
    documents: Iterable[CheckedFile] = (),
    path: str = "",
    announce: bool = True,
    **fields: Any,
) -> Deal:
    """An expression of interest becomes a deal (stage: interest), recorded,
    on the path its transfer mode takes (the usual one when none is named).
    ``announce=False``: the caller tells the team itself (a licence taken
    sends the written notice), so it hears of it once."""
    if fields.get("transfer_mode") not in TransferMode.values:
        raise DealError(_("请选择转化方式。"))
    paths = PATHS_OF_MODE[fields["transfer_mode"]]
    path = path or paths[0]
    if path not in paths:
        raise DealError(
            _("“%(mode)s”可选的交易路径为：%(paths)s。")
            % {
                "mode": TransferMode(fields["transfer_mode"]).label,
                "paths": "、".join(str(DealPath(p).label) for p in paths),
            }
        )
    fields["path"] = path
    if not fields.get("achievement") or not fields.get("counterparty"):
        raise DealError(_("请选择成果和受让/合作方。"))
    achievement_open_for_deals(achievement=fields["achievement"])
    require(by, "deal.create", fields["achievement"])
    if fields["counterparty"].pk == fields["achievement"].owner_id:
        raise DealError(_("受让/合作方不能是成果持有单位本身。"))
    note = checked_text(note, limit=TEXT_LIMIT)
    if "asking_amount" in fields:
        fields["asking_amount"] = checked_amount(fields["asking_amount"])
    if fields.get("origin_province") is None:
        fields["origin_province"] = province_of_organization(
            fields["achievement"].owner
        )
    with transaction.atomic():
        deal = Deal(stage=Stage.INTEREST, **fields)
        handled_by_office(deal, by)
        deal.save()
        entry = DealMove.objects.create(
            deal=deal, by=actor(by), to_stage=Stage.INTEREST, note=note
        )
        attach_documents(deal, entry, documents, by)
        if announce:
            interest_notify(deal=deal, by=by)
    return deal


def deal_note(
    *, deal_id: int, by: Any, note: str, documents: Iterable[CheckedFile] = ()
) -> DealMove:
    """A progress report (or documents) on the deal's current stage: recorded
    in the history like a move that stays where it is."""
    note = checked_text(note, limit=TEXT_LIMIT)
    documents = list(documents)
    if not note and not documents:
        raise DealError(_("请填写进展说明或选择文件。"))
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.move", deal)
        entry = DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
        )
        attach_documents(deal, entry, documents, by)
        deal.save(update_fields=["updated_at", *handled_by_office(deal, by)])
    return entry


def deal_meeting_add(*, deal_id: int, meeting: Any, by: Any, note: str) -> DealMove:
    """A matchmaking meeting on a deal already followed: recorded in its
    history, and kept as its origin when it has none."""
    note = checked_text(note, limit=TEXT_LIMIT)
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.move", deal)
        if meeting.request.achievement_id != deal.achievement_id:
            raise DealError(_("该会面与此项目的成果不符。"))
        entry = DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
        )
        fields = ["updated_at"]
        if deal.meeting_id is None:
            deal.meeting = meeting
            fields.append("meeting")
        deal.save(update_fields=fields)
    return entry


def deal_move(
    *,
    deal_id: int,
    to: str,
    by: Any,
    expected: str,
    data: dict[str, Any] | None = None,
    note: str = "",
    documents: Iterable[CheckedFile] = (),
) -> Deal:
    """Move a deal from ``expected`` to ``to`` with the data that stage needs.

    ``expected`` is the stage the mover saw: if someone moved the deal in the
    meantime, this move is refused rather than applied to a stage they did
    not see.  Who may move a deal at all is the rule "deal.move"."""
    data = dict(data or {})
    note = checked_text(note, limit=TEXT_LIMIT)
    today = timezone.localdate()
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.move", deal)
        if deal.stage != expected:
            raise DealError(
                _("该项目刚被他人推进到“%(stage)s”，请刷新后再操作。")
                % {"stage": deal.get_stage_display()}
            )
        moves = dict(allowed_moves(deal.stage, path=deal.path))
        if to not in moves:
            raise DealError(
                _("“%(path)s”路径上不能从“%(from)s”进入“%(to)s”。")
                % {
                    "path": deal.get_path_display(),
                    "from": deal.get_stage_display(),
                    "to": Stage(to).label if to in Stage.values else to,
                }
            )
        backwards = moves[to]
        if (
            to == Stage.DISCLOSURE
            and not data.get("disclosure_ends")
            and data.get("disclosure_starts")
        ):
            data["disclosure_ends"] = data["disclosure_starts"] + dt.timedelta(
                days=settings.TRACKER_DISCLOSURE_MIN_DAYS
            )
        recorded = {}
        taken = fields_of(to, path=deal.path)
        for field, value in data.items():
            if field not in taken and field not in ("asking_amount",):
                raise DealError(
                    _("“%(stage)s”阶段不接受字段 %(field)s。")
                    % {"stage": Stage(to).label, "field": field}
                )
            checked = _checked(field, value)
            setattr(deal, field, checked)
            recorded[_recorded_name(field, checked)] = _recorded(checked)
        missing = [
            f for f in required_of(deal.path, to) if getattr(deal, f) in (None, "")
        ]
        if missing:
            labels = "、".join(
                str(Deal._meta.get_field(f).verbose_name) for f in missing
            )
            raise DealError(
                _("进入“%(stage)s”前请填写：%(fields)s。")
                % {"stage": Stage(to).label, "fields": labels}
            )
        if deal.agreed_amount is not None and deal.settled_amount > deal.agreed_amount:
            raise DealError(
                _("成交金额不能低于已结算的 %(settled)s 万元。")
                % {"settled": deal.settled_amount}
            )
        if to == Stage.DISCLOSURE:
            recorded.update(_disclosure_open(deal, by=by, note=note, today=today))
        documents = list(documents)
        _terms(deal, to, documents)
        recorded.update(_guard(deal, to, today=today))
        from_stage = deal.stage
        deal.stage = to
        deal.stage_entered_at = timezone.now()
        handled_by_office(deal, by)
        deal.save()
        entry = DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=from_stage,
            to_stage=to,
            backwards=backwards,
            note=note,
            data=recorded,
        )
        attached = attach_documents(deal, entry, documents, by)
        if to == Stage.EVALUATION:
            deal.evaluation_report = next(
                d for d in attached if d.content_type == "application/pdf"
            )
            deal.evaluation_cleared_by = None
            deal.evaluation_cleared_at = None
            deal.save(
                update_fields=[
                    "evaluation_report",
                    "evaluation_cleared_by",
                    "evaluation_cleared_at",
                ]
            )
        move_notify(deal=deal, from_stage=from_stage, note=note, by=by)
    return deal


def _terms(deal: Deal, to: str, documents: list[CheckedFile]) -> None:
    """What a stage's data must say together: an evaluation's range and its
    report (a PDF), a listing's period, a licence's fee."""
    if to == Stage.EVALUATION:
        if deal.evaluation_max is not None and deal.evaluation_max < (
            deal.evaluation_min or 0
        ):
            raise DealError(_("评价价值上限不能低于下限。"))
        if not any(d.content_type == "application/pdf" for d in documents):
            raise DealError(_("请上传评价报告（PDF）。"))
    if (
        to == Stage.LISTING
        and deal.listing_ends is not None
        and deal.listing_ends < deal.listing_date
    ):
        raise DealError(_("挂牌截止日期不能早于挂牌日期。"))
    if to == Stage.SIGNED and deal.path == DealPath.LICENCE:
        if deal.licence_fee in LicenceFee.with_royalty() and deal.royalty_rate is None:
            raise DealError(_("提成支付的许可请填写提成比例。"))
        if deal.licence_ends <= deal.contract_date:
            raise DealError(_("许可期限应晚于签约日期。"))


def _disclosure_open(deal: Deal, *, by: Any, note: str, today: dt.date) -> dict:
    """A deal entering disclosure: the period starts today or later and
    lasts the minimum (organizers alone may shorten it, with a reason).  On
    an achievement published to everyone it is public at once; otherwise it
    waits, unpublished and with no period running, until a reviewer clears
    the title and description its parties wrote for it.  Returns what the
    history records beyond the fields."""
    if deal.disclosure_starts < today:
        raise DealError(_("公示开始日期不能早于今天。"))
    if deal.disclosure_ends <= deal.disclosure_starts:
        raise DealError(_("公示结束日期应晚于开始日期。"))
    recorded: dict[str, Any] = {}
    days = (deal.disclosure_ends - deal.disclosure_starts).days
    minimum = settings.TRACKER_DISCLOSURE_MIN_DAYS
    if days < minimum:
        if not permissions.is_organizer(by):
            raise DealError(_("公示期不得少于 %(n)d 天。") % {"n": minimum})
        if not note:
            raise DealError(_("缩短公示期须在“说明”中写明理由。"))
        recorded["disclosure_shortened_to_days"] = days
    deal.disclosure_review = ""
    deal.disclosure_reviewed_by = None
    deal.disclosure_reviewed_at = None
    deal.disclosure_published_at = None
    if achievement_is_public(achievement=deal.achievement):
        deal.disclosure_published_at = timezone.now()
    else:
        if not (deal.disclosure_title and deal.disclosure_summary):
            raise DealError(
                _(
                    "该成果未向公众公开：请填写公示用的成果名称和简介"
                    "（不得含保密内容），经审查人员审查后公示。"
                )
            )
        deal.disclosure_review = DisclosureReview.PENDING
        recorded["disclosure_review"] = DisclosureReview.PENDING
    return recorded


def _guard(deal: Deal, to: str, *, today: dt.date) -> dict[str, Any]:
    """Conditions beyond the data: a winner before signing after bidding
    (at an auction, the highest bid once the listing has closed); the
    disclosure published, its period over, with no objection open, before
    the certificate.  Returns what the history records beyond the fields."""
    if deal.stage == Stage.BIDDING and to == Stage.SIGNED:
        if deal.path == DealPath.AUCTION:
            return _auction_close(deal, today=today)
        if not deal.bids.filter(winner=True).exists():
            raise DealError(_("竞价尚未确定竞得方。"))
    if deal.stage == Stage.DISCLOSURE and to == Stage.CERTIFICATE:
        if deal.disclosure_published_at is None:
            raise DealError(_("公示尚未发布（等待审查），公示期尚未开始。"))
        if today <= deal.disclosure_ends:
            raise DealError(
                _("公示期到 %(date)s 结束，结束后才能出具凭证。")
                % {"date": deal.disclosure_ends.isoformat()}
            )
        if deal.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise DealError(_("仍有未处理的公示异议，处理后才能结束公示。"))
    return {}


def _auction_close(deal: Deal, *, today: dt.date) -> dict[str, Any]:
    """An auction closes with the listing's period: the highest bid wins and
    its bidder signs at its amount — a bidder from outside the deal becomes
    its counterparty (the party that first showed interest, outbid, is no
    longer one)."""
    if today <= deal.listing_ends:
        raise DealError(
            _("竞价到 %(date)s 结束，结束后才能签约。")
            % {"date": deal.listing_ends.isoformat()}
        )
    best = deal.bids.order_by("-amount", "placed_at", "id").first()
    if best is None:
        raise DealError(_("竞价期内没有有效出价，不能签约；可终止项目。"))
    if deal.agreed_amount != best.amount:
        raise DealError(
            _("成交金额应为最高有效出价 %(amount)s 万元。")
            % {"amount": Decimal(best.amount).quantize(Decimal("0.01"))}
        )
    deal.bids.exclude(pk=best.pk).filter(winner=True).update(winner=False)
    if not best.winner:
        best.winner = True
        best.save(update_fields=["winner"])
    recorded = {"winner": best.bidder_id, "amount": str(best.amount)}
    if best.bidder_id != deal.counterparty_id:
        recorded["previous_counterparty"] = deal.counterparty_id
        deal.counterparty_id = best.bidder_id
        deal.counterparty_contact_id = best.placed_by_id
    return recorded


def deal_edit(*, deal_id: int, by: Any, changes: dict[str, Any]) -> Deal:
    """Change the deal's facts outside the stage data (people, agency,
    asking amount), recorded in its history as a new entry."""
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.move", deal)
        changes = dict(changes)
        if "asking_amount" in changes:
            changes["asking_amount"] = checked_amount(changes["asking_amount"])
        for field, value in changes.items():
            setattr(deal, field, value)
        deal.save()
        if changes:
            DealMove.objects.create(
                deal=deal,
                by=actor(by),
                from_stage=deal.stage,
                to_stage=deal.stage,
                note=_("修改项目信息"),
                data={f: str(v or "") for f, v in changes.items()},
            )
    return deal


def evaluation_clear(*, deal_id: int, by: Any) -> Deal:
    """An organizer confirms the deal's evaluation (its report read): the
    achievement's page then says 已评价.  The parties record an evaluation;
    only the platform's organizers vouch for it in public."""
    with transaction.atomic():
        deal = locked_deal(deal_id)
        require(by, "deal.clear_evaluation", deal)
        if deal.evaluation_report_id is None:
            raise DealError(_("该项目还没有评价记录。"))
        if deal.evaluation_cleared_at is not None:
            raise DealError(_("评价已确认。"))
        deal.evaluation_cleared_by = actor(by)
        deal.evaluation_cleared_at = timezone.now()
        deal.save(
            update_fields=[
                "evaluation_cleared_by",
                "evaluation_cleared_at",
                "updated_at",
            ]
        )
        DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            data={"evaluation_cleared": deal.evaluation_report_id},
        )
    return deal
