"""Public disclosure 公示 after the flow opens it: the reviewers' clearance of
what it shows, objections filed by anyone during its period, and their
decision by organizers (upheld: the deal goes back to negotiation)."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions

from ..enums import (
    DisclosureReview,
    ObjectionStatus,
    Stage,
)
from ..models import Deal, DealMove, Objection
from ..selectors import (
    disclosures_awaiting_review,
    disclosures_published,
)
from .checks import (
    TEXT_LIMIT,
    DealError,
    actor,
    checked_text,
    require,
)
from .flow import deal_move


def disclosure_review(*, deal_id: int, by: Any, neutral: bool, note: str = "") -> Deal:
    """A reviewer clears what a disclosure shows of an achievement the public
    may not see: the title and description its parties wrote, or the neutral
    label "保密成果".  The disclosure is published now; a period whose start
    has passed while it waited starts today, as long as it was meant to."""
    if not permissions.is_reviewer(by):
        raise DealError(_("只有审查人员可以审查公示内容。"))
    note = checked_text(note, limit=TEXT_LIMIT)
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


def objection_file(
    *, deal_id: int, name: str, contact: str, reason: str, today: dt.date | None = None
) -> Objection:
    """Anyone may object while the deal is on public disclosure, never after."""
    today = today or timezone.localdate()
    name = checked_text(name, limit=100)
    contact = checked_text(contact, limit=100)
    reason = checked_text(reason, limit=2000)
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
        require(by, "deal.decide_objection", objection.deal)
        resolution = checked_text(resolution, limit=2000)
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
