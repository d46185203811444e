"""The deal flow: the one table of allowed moves, the data each stage needs,
and the writes — each move checked, applied and recorded in one transaction,
on a locked deal, so two people moving the same deal cannot both win."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from achievements.enums import TransferMode
from achievements.models import Province
from achievements.uploads import CheckedFile, UploadRefused, check_attachment

from .enums import AbandonReason, FinancingKind, LandedKind, ObjectionStatus, Stage
from .models import Bid, Deal, DealDocument, DealMove, Financing, Objection, Payment

MAX_DOCUMENTS = 5

S = Stage
# The one table of forward moves: stage → the stages it may move to.  A stage
# that may be skipped (evaluation, bidding) is simply not the only way on.
MOVES: dict[str, set[str]] = {
    S.INTEREST: {S.NEGOTIATION},
    S.NEGOTIATION: {S.EVALUATION, S.LISTING},
    S.EVALUATION: {S.LISTING},
    S.LISTING: {S.BIDDING, S.SIGNED},
    S.BIDDING: {S.SIGNED},
    S.SIGNED: {S.SETTLEMENT},
    S.SETTLEMENT: {S.REGISTRATION},
    S.REGISTRATION: {S.DISCLOSURE},
    S.DISCLOSURE: {S.CERTIFICATE},
    S.CERTIFICATE: {S.LANDED},
}
# Explicit moves back, recorded as such (e.g. a disclosure objection upheld).
BACK: dict[str, set[str]] = {S.DISCLOSURE: {S.NEGOTIATION}}
OPTIONAL = {S.EVALUATION, S.BIDDING}
ENDED = {S.LANDED, S.ABANDONED}
# Data a stage needs before it is entered (deal fields).
REQUIRED: dict[str, tuple[str, ...]] = {
    S.LISTING: ("listing_number", "listing_date", "listing_price"),
    S.SIGNED: ("contract_number", "contract_date", "agreed_amount"),
    S.REGISTRATION: ("registration_number",),
    S.DISCLOSURE: ("disclosure_starts", "disclosure_ends"),
    S.CERTIFICATE: ("certificate_number",),
    S.LANDED: ("landed_kind", "landed_evidence", "province_id"),
    S.ABANDONED: ("abandon_reason",),
}
# Data a stage accepts without requiring it.
ACCEPTED: dict[str, tuple[str, ...]] = {S.ABANDONED: ("abandon_note",)}
DISCLOSURE_DAYS = 15
MONEY_FIELDS = {"listing_price", "agreed_amount", "asking_amount"}
DATE_FIELDS = {"listing_date", "contract_date", "disclosure_starts", "disclosure_ends"}
CHOICE_FIELDS = {
    "landed_kind": LandedKind.values,
    "abandon_reason": AbandonReason.values,
}


def fields_of(stage: str) -> tuple[str, ...]:
    """The deal fields a move into ``stage`` takes."""
    return REQUIRED.get(stage, ()) + ACCEPTED.get(stage, ())


class DealError(Exception):
    """A move or write that is not allowed; the message is for the user."""


def allowed_moves(stage: str) -> list[tuple[str, bool]]:
    """(stage, backwards) pairs a deal in ``stage`` may move to."""
    if stage in ENDED:
        return []
    moves = [(to, False) for to in sorted(MOVES.get(stage, ()))]
    moves += [(to, True) for to in sorted(BACK.get(stage, ()))]
    return moves + [(S.ABANDONED, False)]


def _money(value: Any) -> Decimal | None:
    """An amount in 10k CNY: a number, not negative; None when empty."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise DealError(_("金额格式不正确。")) from exc
    if not amount.is_finite():
        raise DealError(_("金额格式不正确。"))
    if amount < 0:
        raise DealError(_("金额不能为负数。"))
    return amount


def _date(value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise DealError(_("日期格式不正确，应为 YYYY-MM-DD。")) from exc


def _clean(field: str, value: Any) -> Any:
    """A deal field's value as given to a move, checked."""
    if field in MONEY_FIELDS:
        return _money(value)
    if field in DATE_FIELDS:
        return _date(value)
    if value in (None, ""):
        return None if field.endswith("_id") else ""
    if field in CHOICE_FIELDS and value not in CHOICE_FIELDS[field]:
        raise DealError(_("选项不正确。"))
    return value


def province_of_organization(org: Any) -> Province | None:
    """An organization's province from its unified social credit code (its
    characters 3–4 are the province of the registering authority)."""
    code = getattr(org, "credit_code", "") or ""
    if len(code) != 18:
        return None
    return Province.objects.filter(code=code[2:4]).first()


def deal_create(
    *, by: Any, note: str = "", documents: Iterable[CheckedFile] = (), **fields: Any
) -> Deal:
    """An expression of interest becomes a deal (stage: interest), recorded."""
    if fields.get("transfer_mode") not in TransferMode.values:
        raise DealError(_("请选择转化方式。"))
    if not fields.get("achievement") or not fields.get("counterparty"):
        raise DealError(_("请选择成果和受让/合作方。"))
    if fields["counterparty"].pk == fields["achievement"].owner_id:
        raise DealError(_("受让/合作方不能是成果持有单位本身。"))
    if "asking_amount" in fields:
        fields["asking_amount"] = _clean("asking_amount", fields["asking_amount"])
    if fields.get("origin_province") is None:
        fields["origin_province"] = province_of_organization(
            fields["achievement"].owner
        )
    with transaction.atomic():
        deal = Deal.objects.create(stage=S.INTEREST, **fields)
        entry = DealMove.objects.create(
            deal=deal, by=_actor(by), to_stage=S.INTEREST, note=note
        )
        _attach(deal, entry, documents, by)
    return deal


def _attach(deal: Deal, entry: DealMove | None, documents, by: Any) -> None:
    for checked in documents:
        DealDocument.objects.create(
            deal=deal,
            move=entry,
            title=checked.original_name,
            file=checked.content,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            uploaded_by=_actor(by),
        )


def check_documents(uploads: Iterable[Any]) -> list[CheckedFile]:
    """Uploaded documents checked by their content (the rules of pitch
    materials: a PDF that parses, without scripts, or an image that opens
    and is re-encoded), all before anything is written."""
    uploads = [u for u in uploads if u is not None]
    if len(uploads) > MAX_DOCUMENTS:
        raise UploadRefused(_("一次最多上传 %(n)d 个文件。") % {"n": MAX_DOCUMENTS})
    return [check_attachment(upload) for upload in uploads]


def deal_note(
    *, deal_id: int, by: Any, note: str, documents: Iterable[CheckedFile] = ()
) -> DealMove:
    """A progress report (or documents) on the deal's current stage: recorded
    in the history like a move that stays where it is."""
    note = note.strip()
    documents = list(documents)
    if not note and not documents:
        raise DealError(_("请填写进展说明或选择文件。"))
    if len(note) > 4000:
        raise DealError(_("内容过长。"))
    with transaction.atomic():
        deal = Deal.objects.select_for_update().filter(pk=deal_id).first()
        if deal is None:
            raise DealError(_("项目不存在。"))
        entry = DealMove.objects.create(
            deal=deal,
            by=_actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
        )
        _attach(deal, entry, documents, by)
        deal.save(update_fields=["updated_at"])
    return entry


def _actor(by: Any) -> Any:
    return by if getattr(by, "pk", None) else None


def deal_move(
    *,
    deal_id: int,
    to: str,
    by: Any,
    expected: str,
    data: dict | None = None,
    note: str = "",
    documents: Iterable[CheckedFile] = (),
) -> Deal:
    """Move a deal from ``expected`` to ``to`` with the data that stage needs.

    ``expected`` is the stage the mover saw: if someone moved the deal in the
    meantime, this move is refused rather than applied to a stage they did
    not see."""
    data = dict(data or {})
    with transaction.atomic():
        deal = Deal.objects.select_for_update().filter(pk=deal_id).first()
        if deal is None:
            raise DealError(_("项目不存在。"))
        if deal.stage != expected:
            raise DealError(
                _("该项目刚被他人推进到“%(stage)s”，请刷新后再操作。")
                % {"stage": deal.get_stage_display()}
            )
        moves = dict(allowed_moves(deal.stage))
        if to not in moves:
            raise DealError(
                _("不能从“%(from)s”进入“%(to)s”。")
                % {
                    "from": deal.get_stage_display(),
                    "to": Stage(to).label if to in Stage.values else to,
                }
            )
        backwards = moves[to]
        if (
            to == S.DISCLOSURE
            and not data.get("disclosure_ends")
            and data.get("disclosure_starts")
        ):
            starts = _date(data["disclosure_starts"])
            data["disclosure_ends"] = starts + dt.timedelta(days=DISCLOSURE_DAYS)
        recorded = {}
        for field, value in data.items():
            if field not in fields_of(to) and field not in ("asking_amount",):
                raise DealError(
                    _("“%(stage)s”阶段不接受字段 %(field)s。")
                    % {"stage": Stage(to).label, "field": field}
                )
            cleaned = _clean(field, value)
            setattr(deal, field, cleaned)
            recorded[field] = str(cleaned) if cleaned is not None else None
        missing = [f for f in REQUIRED.get(to, ()) if getattr(deal, f) in (None, "")]
        if missing:
            labels = "、".join(
                str(Deal._meta.get_field(f.removesuffix("_id")).verbose_name)
                for f in missing
            )
            raise DealError(
                _("进入“%(stage)s”前请填写：%(fields)s。")
                % {"stage": Stage(to).label, "fields": labels}
            )
        if to == S.DISCLOSURE and deal.disclosure_ends <= deal.disclosure_starts:
            raise DealError(_("公示结束日期应晚于开始日期。"))
        _guard(deal, to, today=timezone.localdate())
        from_stage = deal.stage
        deal.stage = to
        deal.stage_entered_at = timezone.now()
        deal.save()
        entry = DealMove.objects.create(
            deal=deal,
            by=_actor(by),
            from_stage=from_stage,
            to_stage=to,
            backwards=backwards,
            note=note,
            data=recorded,
        )
        _attach(deal, entry, documents, by)
    return deal


def _guard(deal: Deal, to: str, *, today: dt.date) -> None:
    """Conditions beyond the data: a winner before signing after bidding; the
    disclosure period over, with no objection open, before the certificate."""
    if deal.stage == S.BIDDING and to == S.SIGNED:
        if not deal.bids.filter(winner=True).exists():
            raise DealError(_("竞价尚未确定竞得方。"))
    if deal.stage == S.DISCLOSURE and to == S.CERTIFICATE:
        if today <= deal.disclosure_ends:
            raise DealError(
                _("公示期到 %(date)s 结束，结束后才能出具凭证。")
                % {"date": deal.disclosure_ends.isoformat()}
            )
        if deal.objections.filter(status=ObjectionStatus.OPEN).exists():
            raise DealError(_("仍有未处理的公示异议，处理后才能结束公示。"))


def deal_record(*, deal_id: int, by: Any, data: dict, note: str = "") -> DealMove:
    """Record a change of the deal's facts (people, agency, amounts) in its
    history; the change itself was saved in the same transaction."""
    deal = Deal.objects.get(pk=deal_id)
    return DealMove.objects.create(
        deal=deal,
        by=_actor(by),
        from_stage=deal.stage,
        to_stage=deal.stage,
        note=note or _("修改项目信息"),
        data=data,
    )


def payment_add(
    *, deal_id: int, amount: Any, paid_on: Any, by: Any, note: str = ""
) -> Payment:
    """Record a settlement payment; the total never exceeds the agreed amount."""
    amount = _money(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    paid_on = _date(paid_on)
    if paid_on is None:
        raise DealError(_("请填写支付日期。"))
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal_id)
        if deal.stage in (
            S.INTEREST,
            S.NEGOTIATION,
            S.EVALUATION,
            S.LISTING,
            S.BIDDING,
            S.SIGNED,
            S.ABANDONED,
        ):
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
            by=_actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
            data={"payment": str(amount), "paid_on": paid_on.isoformat()},
        )
    return payment


def bid_place(*, deal_id: int, bidder: Any, amount: Any, by: Any) -> Bid:
    amount = _money(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal_id)
        if deal.stage != S.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
        return Bid.objects.create(
            deal=deal, bidder=bidder, amount=amount, placed_at=timezone.now()
        )


def bid_award(*, deal_id: int, bid_id: int, by: Any) -> Bid:
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=deal_id)
        if deal.stage != S.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
        bid = deal.bids.filter(pk=bid_id).first()
        if bid is None:
            raise DealError(_("出价不存在。"))
        deal.bids.update(winner=False)
        bid.winner = True
        bid.save(update_fields=["winner"])
        DealMove.objects.create(
            deal=deal,
            by=_actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            data={"winner": bid.bidder_id, "amount": str(bid.amount)},
        )
    return bid


def objection_file(
    *, deal_id: int, name: str, contact: str, reason: str, today: dt.date | None = None
) -> Objection:
    """Anyone may object while the deal is on public disclosure, never after."""
    today = today or timezone.localdate()
    name, contact, reason = name.strip(), contact.strip(), reason.strip()
    if not (name and contact and reason):
        raise DealError(_("请填写姓名或单位、联系方式和异议理由。"))
    if len(name) > 100 or len(contact) > 100 or len(reason) > 2000:
        raise DealError(_("内容过长。"))
    with transaction.atomic():
        deal = Deal.objects.select_for_update().filter(pk=deal_id).first()
        if deal is None or deal.stage != S.DISCLOSURE:
            raise DealError(_("该项目不在公示期，不能提出异议。"))
        if not (deal.disclosure_starts <= today <= deal.disclosure_ends):
            raise DealError(
                _("公示期为 %(start)s 至 %(end)s，期外不能提出异议。")
                % {
                    "start": deal.disclosure_starts.isoformat(),
                    "end": deal.disclosure_ends.isoformat(),
                }
            )
        return Objection.objects.create(
            deal=deal, name=name, contact=contact, reason=reason
        )


def objection_resolve(
    *, objection_id: int, upheld: bool, resolution: str, by: Any
) -> Objection:
    """Dismiss an objection, or uphold it: the deal goes back to negotiation
    (a recorded move back), and its other open objections close with it."""
    resolution = resolution.strip()
    if not resolution:
        raise DealError(_("请填写处理意见。"))
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update().filter(pk=objection_id).first()
        )
        if objection is None:
            raise DealError(_("异议不存在。"))
        if objection.status != ObjectionStatus.OPEN:
            raise DealError(_("该异议已处理。"))
        objection.status = (
            ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        )
        objection.resolution = resolution
        objection.resolved_by = _actor(by)
        objection.resolved_at = timezone.now()
        objection.save()
        if upheld:
            deal_move(
                deal_id=objection.deal_id,
                to=S.NEGOTIATION,
                by=by,
                expected=S.DISCLOSURE,
                note=resolution,
            )
            Objection.objects.filter(
                deal_id=objection.deal_id, status=ObjectionStatus.OPEN
            ).update(
                status=ObjectionStatus.UPHELD,
                resolution=resolution,
                resolved_by=_actor(by),
                resolved_at=objection.resolved_at,
            )
    return objection


def financing_add(
    *,
    achievement: Any,
    kind: str,
    institution: str,
    amount: Any,
    on: Any,
    deal: Deal | None = None,
) -> Financing:
    if kind not in FinancingKind.values:
        raise DealError(_("选项不正确。"))
    amount = _money(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    on = _date(on)
    if on is None or not institution.strip():
        raise DealError(_("请填写机构和日期。"))
    if deal is not None and deal.achievement_id != achievement.pk:
        raise DealError(_("项目与成果不一致。"))
    return Financing.objects.create(
        achievement=achievement,
        deal=deal,
        kind=kind,
        institution=institution.strip(),
        amount=amount,
        on=on,
    )
