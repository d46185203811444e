"""The deal flow: the one table of allowed moves (MOVES, BACK), the data
each stage needs (REQUIRED, ACCEPTED), and the writes that move a deal
along it — each checked, applied and recorded in one transaction, on a
locked deal, so two people moving the same deal cannot both win."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from achievements.enums import TransferMode
from achievements.models import Province
from achievements.selectors import achievement_was_published
from uploads import CheckedFile

from ..enums import AbandonReason, DisclosureReview, LandedKind, ObjectionStatus, Stage
from ..models import Deal, DealMove
from ..selectors import achievement_is_public
from .checks import (
    TEXT_LIMIT,
    DealError,
    actor,
    attach_documents,
    checked_amount,
    checked_text,
    locked_deal,
    require,
)

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
DISCLOSURE_SUMMARY_LIMIT = 2000


def fields_of(stage: str) -> tuple[str, ...]:
    """The deal fields a move into ``stage`` takes."""
    return REQUIRED.get(stage, ()) + ACCEPTED.get(stage, ())


def allowed_moves(stage: str) -> list[tuple[str, bool]]:
    """(stage, backwards) pairs a deal in ``stage`` may move to."""
    if stage in Stage.ended():
        return []
    moves = [(to, False) for to in sorted(MOVES.get(stage, ()))]
    moves += [(to, True) for to in sorted(BACK.get(stage, ()))]
    return moves + [(Stage.ABANDONED, False)]


def _checked(field: str, value: Any) -> Any:
    """A deal field's value as given to a move (typed by the form), checked
    against what the record may hold."""
    if field in MONEY_FIELDS:
        return checked_amount(value)
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
    """An organization's province from its unified social credit code (its
    characters 3–4 are the province of the registering authority)."""
    code = getattr(org, "credit_code", "") or ""
    if len(code) != 18:
        return None
    return Province.objects.filter(code=code[2:4]).first()


def achievement_open_for_deals(*, achievement: Any) -> None:
    """A deal follows an achievement that was published (to everyone, or to
    approved investors); never a draft or one never cleared by review."""
    if not achievement_was_published(achievement=achievement):
        raise DealError(
            _("该成果尚未通过审查发布，不能登记转化项目。请在成果发布后再登记。")
        )


def deal_create(
    *, by: Any, note: str = "", documents: Iterable[CheckedFile] = (), **fields: Any
) -> Deal:
    """An expression of interest becomes a deal (stage: interest), recorded."""
    if fields.get("transfer_mode") not in TransferMode.values:
        raise DealError(_("请选择转化方式。"))
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
        deal = Deal.objects.create(stage=Stage.INTEREST, **fields)
        entry = DealMove.objects.create(
            deal=deal, by=actor(by), to_stage=Stage.INTEREST, note=note
        )
        attach_documents(deal, entry, documents, by)
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
        deal.save(update_fields=["updated_at"])
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
        attach_documents(deal, entry, documents, by)
    return deal


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
