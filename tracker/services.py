"""The deal flow: the one table of allowed moves, the data each stage needs,
and the writes — each move checked, applied and recorded in one transaction,
on a locked deal, so two people moving the same deal cannot both win.

Every write takes typed values (Decimal amounts, dates, model instances; the
forms parse what people type) and checks its own permission through
``accounts.permissions``.  ``by=None`` is the platform itself (the demo
data, management commands), never a visitor: views pass ``request.user``."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.permissions import user_can
from achievements.enums import Publication, TransferMode
from achievements.models import Province
from achievements.uploads import CheckedFile, UploadRefused, check_attachment

from .enums import (
    AbandonReason,
    DisclosureReview,
    FinancingKind,
    LandedKind,
    ObjectionStatus,
    Stage,
)
from .models import Bid, Deal, DealDocument, DealMove, Financing, Objection, Payment
from .selectors import (
    achievement_is_public,
    disclosures_awaiting_review,
    disclosures_published,
)

MAX_DOCUMENTS = 5

# The one table of allowed moves: stage → the stages it may move to.  A stage
# that may be skipped (Stage.optional(): evaluation, bidding) is simply not
# the only way on; abandoning is allowed from every open stage.
MOVES: dict[str, set[str]] = {
    Stage.INTEREST: {Stage.NEGOTIATION},
    Stage.NEGOTIATION: {Stage.EVALUATION, Stage.LISTING},
    Stage.EVALUATION: {Stage.LISTING},
    Stage.LISTING: {Stage.BIDDING, Stage.SIGNED},
    Stage.BIDDING: {Stage.SIGNED},
    Stage.SIGNED: {Stage.SETTLEMENT},
    Stage.SETTLEMENT: {Stage.REGISTRATION},
    Stage.REGISTRATION: {Stage.DISCLOSURE},
    Stage.DISCLOSURE: {Stage.CERTIFICATE},
    Stage.CERTIFICATE: {Stage.LANDED},
}
# Explicit moves back, recorded as such (e.g. a disclosure objection upheld).
BACK: dict[str, set[str]] = {Stage.DISCLOSURE: {Stage.NEGOTIATION}}
# Data a stage needs before it is entered (deal fields).
REQUIRED: dict[str, tuple[str, ...]] = {
    Stage.LISTING: ("listing_number", "listing_date", "listing_price"),
    Stage.SIGNED: ("contract_number", "contract_date", "agreed_amount"),
    Stage.REGISTRATION: ("registration_number",),
    Stage.DISCLOSURE: ("disclosure_starts", "disclosure_ends"),
    Stage.CERTIFICATE: ("certificate_number",),
    Stage.LANDED: ("landed_kind", "landed_evidence", "province"),
    Stage.ABANDONED: ("abandon_reason",),
}
# Data a stage accepts without requiring it (the disclosure's own title and
# description are required for an achievement the public may not see).
ACCEPTED: dict[str, tuple[str, ...]] = {
    Stage.DISCLOSURE: ("disclosure_title", "disclosure_summary"),
    Stage.ABANDONED: ("abandon_note",),
}
MONEY_FIELDS = {"listing_price", "agreed_amount", "asking_amount"}
DATE_FIELDS = {"listing_date", "contract_date", "disclosure_starts", "disclosure_ends"}
CHOICE_FIELDS = {
    "landed_kind": LandedKind.values,
    "abandon_reason": AbandonReason.values,
}
# The longest free text (notes, evidence, resolutions) in characters.
TEXT_LIMIT = 4000
DISCLOSURE_SUMMARY_LIMIT = 2000


def fields_of(stage: str) -> tuple[str, ...]:
    """The deal fields a move into ``stage`` takes."""
    return REQUIRED.get(stage, ()) + ACCEPTED.get(stage, ())


class DealError(Exception):
    """A move or write that is not allowed; the message is for the user."""


def allowed_moves(stage: str) -> list[tuple[str, bool]]:
    """(stage, backwards) pairs a deal in ``stage`` may move to."""
    if stage in Stage.ended():
        return []
    moves = [(to, False) for to in sorted(MOVES.get(stage, ()))]
    moves += [(to, True) for to in sorted(BACK.get(stage, ()))]
    return moves + [(Stage.ABANDONED, False)]


def actor(by: Any) -> Any:
    """Who a record names as having done it: a person, or nobody for the
    platform itself (and for an anonymous visitor)."""
    return by if getattr(by, "pk", None) else None


def _require(by: Any, action: str, deal: Deal) -> None:
    """The permission of a write, asked of accounts.permissions (the rules
    are in tracker/rules.py); ``None`` is the platform itself."""
    if by is not None and not user_can(by, action, deal):
        raise PermissionDenied


def _amount(value: Decimal | int | None) -> Decimal | None:
    """An amount as the flow keeps it: the forms parsed it; never negative
    (the database's constraints say so too)."""
    if value is None:
        return None
    if not isinstance(value, Decimal | int) or isinstance(value, bool):
        raise TypeError(f"an amount is a Decimal, not {type(value).__name__}")
    amount = Decimal(value)
    if amount < 0:
        raise DealError(_("金额不能为负数。"))
    return amount


def _text(value: str | None, *, limit: int, label: Any = None) -> str:
    """Free text as typed: trimmed, no NUL (the database refuses it), not
    longer than its column or ``limit``."""
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise DealError(_("内容包含无效字符。"))
    if len(text) > limit:
        if label:
            raise DealError(
                _("“%(field)s”不能超过 %(n)d 个字。") % {"field": label, "n": limit}
            )
        raise DealError(_("内容过长。"))
    return text


def _checked(field: str, value: Any) -> Any:
    """A deal field's value as given to a move (typed by the form), checked
    against what the record may hold."""
    if field in MONEY_FIELDS:
        return _amount(value)
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
    value = _text(value, limit=limit, label=model_field.verbose_name)
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
    achievement_open_for_deals(achievement=fields["achievement"])
    if by is not None and not user_can(by, "deal.create", fields["achievement"]):
        raise PermissionDenied
    if fields["counterparty"].pk == fields["achievement"].owner_id:
        raise DealError(_("受让/合作方不能是成果持有单位本身。"))
    note = _text(note, limit=TEXT_LIMIT)
    if "asking_amount" in fields:
        fields["asking_amount"] = _amount(fields["asking_amount"])
    if fields.get("origin_province") is None:
        fields["origin_province"] = province_of_organization(
            fields["achievement"].owner
        )
    with transaction.atomic():
        deal = Deal.objects.create(stage=Stage.INTEREST, **fields)
        entry = DealMove.objects.create(
            deal=deal, by=actor(by), to_stage=Stage.INTEREST, note=note
        )
        _attach(deal, entry, documents, by)
    return deal


def achievement_open_for_deals(*, achievement: Any) -> None:
    """A deal follows an achievement that was published (to everyone, or to
    approved investors); never a draft or one never cleared by review."""
    if achievement.publication == Publication.NONE:
        raise DealError(
            _("该成果尚未通过审查发布，不能登记转化项目。请在成果发布后再登记。")
        )


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
            uploaded_by=actor(by),
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
    note = _text(note, limit=TEXT_LIMIT)
    documents = list(documents)
    if not note and not documents:
        raise DealError(_("请填写进展说明或选择文件。"))
    with transaction.atomic():
        deal = _locked(deal_id)
        _require(by, "deal.move", deal)
        entry = DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note,
        )
        _attach(deal, entry, documents, by)
        deal.save(update_fields=["updated_at"])
    return entry


def _locked(deal_id: int) -> Deal:
    """The deal, locked for the rest of the transaction."""
    deal = (
        Deal.objects.select_for_update()
        .filter(pk=deal_id)
        .select_related("achievement")
        .first()
    )
    if deal is None:
        raise DealError(_("项目不存在。"))
    return deal


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
    note = _text(note, limit=TEXT_LIMIT)
    today = timezone.localdate()
    with transaction.atomic():
        deal = _locked(deal_id)
        _require(by, "deal.move", deal)
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
            to == Stage.DISCLOSURE
            and not data.get("disclosure_ends")
            and data.get("disclosure_starts")
        ):
            data["disclosure_ends"] = data["disclosure_starts"] + dt.timedelta(
                days=settings.TRACKER_DISCLOSURE_MIN_DAYS
            )
        recorded = {}
        for field, value in data.items():
            if field not in fields_of(to) and field not in ("asking_amount",):
                raise DealError(
                    _("“%(stage)s”阶段不接受字段 %(field)s。")
                    % {"stage": Stage(to).label, "field": field}
                )
            checked = _checked(field, value)
            setattr(deal, field, checked)
            recorded[_recorded_name(field, checked)] = _recorded(checked)
        missing = [f for f in REQUIRED.get(to, ()) if getattr(deal, f) in (None, "")]
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
        _guard(deal, to, today=today)
        from_stage = deal.stage
        deal.stage = to
        deal.stage_entered_at = timezone.now()
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
        _attach(deal, entry, documents, by)
    return deal


def _recorded_name(field: str, value: Any) -> str:
    """The history names a record by its column (``province_id``)."""
    return f"{field}_id" if isinstance(value, models.Model) else field


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


def disclosure_review(*, deal_id: int, by: Any, neutral: bool, note: str = "") -> Deal:
    """A reviewer clears what a disclosure shows of an achievement the public
    may not see: the title and description its parties wrote, or the neutral
    label "保密成果".  The disclosure is published now; a period whose start
    has passed while it waited starts today, as long as it was meant to."""
    if not permissions.is_reviewer(by):
        raise DealError(_("只有审查人员可以审查公示内容。"))
    note = _text(note, limit=TEXT_LIMIT)
    today = timezone.localdate()
    with transaction.atomic():
        deal = (
            Deal.objects.select_for_update()
            .filter(pk=deal_id)
            .select_related("achievement")
            .first()
        )
        if deal is None:
            raise DealError(_("项目不存在。"))
        if not disclosures_awaiting_review().filter(pk=deal.pk).exists():
            raise DealError(_("该公示不在待审查之列。"))
        parties = {deal.achievement.owner_id, deal.counterparty_id, deal.agency_id}
        if parties & permissions.organization_ids(by):
            raise DealError(_("审查人员不能审查本单位参与的项目的公示。"))
        if not neutral and not (deal.disclosure_title and deal.disclosure_summary):
            raise DealError(_("该公示没有撰写的成果名称和简介，只能以“保密成果”公示。"))
        deal.disclosure_review = (
            DisclosureReview.NEUTRAL if neutral else DisclosureReview.CLEARED
        )
        deal.disclosure_reviewed_by = actor(by)
        deal.disclosure_reviewed_at = timezone.now()
        recorded: dict[str, Any] = {"disclosure_review": deal.disclosure_review}
        if deal.disclosure_published_at is None:
            if deal.disclosure_starts < today:
                length = deal.disclosure_ends - deal.disclosure_starts
                deal.disclosure_starts = today
                deal.disclosure_ends = today + length
            deal.disclosure_published_at = deal.disclosure_reviewed_at
            recorded["disclosure_starts"] = deal.disclosure_starts.isoformat()
            recorded["disclosure_ends"] = deal.disclosure_ends.isoformat()
        deal.save()
        DealMove.objects.create(
            deal=deal,
            by=actor(by),
            from_stage=deal.stage,
            to_stage=deal.stage,
            note=note or str(DisclosureReview(deal.disclosure_review).label),
            data=recorded,
        )
    return deal


def _guard(deal: Deal, to: str, *, today: dt.date) -> None:
    """Conditions beyond the data: a winner before signing after bidding; the
    disclosure published, its period over, with no objection open, before
    the certificate."""
    if deal.stage == Stage.BIDDING and to == Stage.SIGNED:
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


def deal_edit(*, deal_id: int, by: Any, changes: dict[str, Any]) -> Deal:
    """Change the deal's facts outside the stage data (people, agency,
    asking amount), recorded in its history as a new entry."""
    with transaction.atomic():
        deal = _locked(deal_id)
        _require(by, "deal.move", deal)
        changes = dict(changes)
        if "asking_amount" in changes:
            changes["asking_amount"] = _amount(changes["asking_amount"])
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


def payment_add(
    *,
    deal_id: int,
    amount: Decimal,
    paid_on: dt.date | None,
    by: Any,
    note: str = "",
) -> Payment:
    """Record a settlement payment; the total never exceeds the agreed amount."""
    amount = _amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    if paid_on is None:
        raise DealError(_("请填写支付日期。"))
    note = _text(note, limit=200, label=Payment._meta.get_field("note").verbose_name)
    with transaction.atomic():
        deal = _locked(deal_id)
        _require(by, "deal.move", deal)
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


def bid_place(*, deal_id: int, bidder: Any, amount: Decimal, by: Any) -> Bid:
    """A bid is placed by the bidder's own people, or by an organizer on the
    bidder's behalf (recorded as such)."""
    amount = _amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    own = bidder.pk in permissions.organization_ids(by)
    if not own and not permissions.is_organizer(by):
        raise DealError(_("只能以本单位名义出价；代其他单位登记出价须由组织方办理。"))
    with transaction.atomic():
        deal = _locked(deal_id)
        _require(by, "deal.move", deal)
        if deal.stage != Stage.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
        if bidder.pk in (deal.achievement.owner_id, deal.agency_id):
            raise DealError(_("成果持有单位和承办交易机构不能参与竞价。"))
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


def bid_award(*, deal_id: int, bid_id: int, by: Any) -> Bid:
    """Only organizers and the handling exchange (the deal's agency) award."""
    with transaction.atomic():
        deal = _locked(deal_id)
        if not user_can(by, "deal.award_bid", deal):
            raise DealError(_("只有组织方或承办的技术交易机构可以确定竞得方。"))
        if deal.stage != Stage.BIDDING:
            raise DealError(_("项目不在竞价阶段。"))
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


def objection_file(
    *, deal_id: int, name: str, contact: str, reason: str, today: dt.date | None = None
) -> Objection:
    """Anyone may object while the deal is on public disclosure, never after."""
    today = today or timezone.localdate()
    name = _text(name, limit=100)
    contact = _text(contact, limit=100)
    reason = _text(reason, limit=2000)
    if not (name and contact and reason):
        raise DealError(_("请填写姓名或单位、联系方式和异议理由。"))
    with transaction.atomic():
        deal = Deal.objects.select_for_update().filter(pk=deal_id).first()
        if (
            deal is None
            or deal.stage != Stage.DISCLOSURE
            or not disclosures_published().filter(pk=deal.pk).exists()
        ):
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
    (a recorded move back), and its other open objections close with it.
    Organizers alone decide (the rule "deal.decide_objection")."""
    with transaction.atomic():
        objection = (
            Objection.objects.select_for_update()
            .filter(pk=objection_id)
            .select_related("deal__achievement")
            .first()
        )
        if objection is None:
            raise DealError(_("异议不存在。"))
        _require(by, "deal.decide_objection", objection.deal)
        resolution = _text(resolution, limit=2000)
        if not resolution:
            raise DealError(_("请填写处理意见。"))
        if objection.status != ObjectionStatus.OPEN:
            raise DealError(_("该异议已处理。"))
        objection.status = (
            ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED
        )
        objection.resolution = resolution
        objection.resolved_by = actor(by)
        objection.resolved_at = timezone.now()
        objection.save()
        if upheld:
            deal_move(
                deal_id=objection.deal_id,
                to=Stage.NEGOTIATION,
                by=by,
                expected=Stage.DISCLOSURE,
                note=resolution,
            )
            Objection.objects.filter(
                deal_id=objection.deal_id, status=ObjectionStatus.OPEN
            ).update(
                status=ObjectionStatus.UPHELD,
                resolution=resolution,
                resolved_by=actor(by),
                resolved_at=objection.resolved_at,
            )
    return objection


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
        _require(by, "deal.move", deal)
    elif by is not None and not permissions.is_organizer(by):
        raise PermissionDenied
    if kind not in FinancingKind.values:
        raise DealError(_("选项不正确。"))
    amount = _amount(amount)
    if not amount:
        raise DealError(_("金额必须大于零。"))
    institution = _text(
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
