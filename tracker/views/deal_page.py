"""The deal's page as its parties and organizers see it, after a refused
action too (the action views render it with what was wrong)."""

from decimal import Decimal
from types import SimpleNamespace

from django.conf import settings
from django.db.models import Max
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from accounts import permissions
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import Province

from .. import services
from ..cases import case_of
from ..enums import DealPath, FinancingKind, ObjectionStatus, Stage
from ..forms import AGENCY_KINDS, POSTED_AS, STAGE_CHOICES, DealEditForm
from ..models import Deal
from ..rules import sees_bidder_names
from ..selectors import bids_shown_to, deals_needing_attention, disclosures_published


def deal_or_404(request, pk: int) -> Deal:
    deal = get_object_or_404(
        Deal.objects.select_related(
            "achievement",
            "achievement__owner",
            "achievement__field",
            "counterparty",
            "agency",
            "office",
            "manager",
            "evaluation_report",
            "province",
            "origin_province",
            "roadshow",
            "slot",
            "meeting__slot",
            "meeting__place",
            "question",
            "owner_contact",
            "counterparty_contact",
        ),
        pk=pk,
    )
    if not user_can(request.user, "deal.view", deal):
        raise Http404
    return deal


def _stage_inputs(deal: Deal, to: str, posted) -> list[dict]:
    """The inputs a move into ``to`` takes, with what was posted or the
    deal's current values."""
    provinces = None
    rows = []
    required = services.required_of(deal.path, to)
    for field_name in services.fields_of(to, path=deal.path):
        name = POSTED_AS.get(field_name, field_name)
        field = Deal._meta.get_field(field_name)
        value = posted.get(name) if posted is not None else None
        if value is None:
            current = getattr(deal, field.attname)
            value = "" if current is None else str(current)
        kind = "text"
        choices = None
        if field_name in services.MONEY_FIELDS:
            kind = "money"
        elif field_name in services.PERCENT_FIELDS:
            kind = "percent"
        elif field_name in services.DATE_FIELDS:
            kind = "date"
        elif field_name in STAGE_CHOICES:
            kind, choices = "select", STAGE_CHOICES[field_name].choices
        elif field_name == "agency":
            kind, choices = (
                "select",
                [
                    (str(o.pk), o.name)
                    for o in Organization.objects.filter(
                        kind__in=AGENCY_KINDS
                    ).order_by("name")
                ],
            )
        elif field_name == "province":
            provinces = provinces or [
                (str(p.pk), p.local_name) for p in Province.objects.all()
            ]
            kind, choices = "select", provinces
        elif field_name in (
            "landed_evidence",
            "abandon_note",
            "disclosure_summary",
            "milestones",
        ):
            kind = "textarea"
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "kind": kind,
                "choices": choices,
                "value": value,
                "required": field_name in required,
                "max_length": getattr(field, "max_length", None),
            }
        )
    return rows


def _stage_path(deal: Deal) -> list[dict]:
    """The deal's path drawn: the stages passed, the current one, the ones
    ahead (optional ones marked)."""
    order = services.stages_of(deal.path)
    optional = services.optional_on(deal.path)
    reached = {m.to_stage for m in deal.moves.all()}
    current = deal.stage
    index = order.index(current) if current in order else None
    path = []
    for i, stage in enumerate(order):
        if index is not None:
            state = "done" if i < index else "current" if i == index else "ahead"
        else:
            state = "done" if stage in reached else "ahead"
        if state == "done" and stage in optional and stage not in reached:
            state = "skipped"
        path.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "state": state,
                "optional": stage in optional,
            }
        )
    return path


def deal_page(
    request,
    deal: Deal,
    *,
    error: str | None = None,
    failed: str = "",
    edit_form: DealEditForm | None = None,
):
    """The deal's page; after a refused action (``failed`` names it: the
    move "move:<stage>", "edit", "note", "payment"), with what was wrong and
    what was posted, so nothing typed is lost."""
    user = request.user
    posted = request.POST if error else None
    can_move = user_can(user, "deal.move", deal)
    moves = [
        {
            "to": to,
            "label": Stage(to).label,
            "backwards": backwards,
            "inputs": _stage_inputs(
                deal, to, posted if failed == f"move:{to}" else None
            ),
        }
        for to, backwards in services.allowed_moves(deal.stage, path=deal.path)
    ]
    is_organizer = permissions.is_organizer(user)
    names = sees_bidder_names(user, deal)
    return render(
        request,
        "tracker/deal_detail.html",
        {
            "deal": deal,
            "path": _stage_path(deal),
            "moves": moves if can_move else [],
            "history": deal.moves.select_related("by").prefetch_related("documents"),
            "documents": deal.documents.select_related("uploaded_by", "move"),
            "payments": deal.payments.all(),
            "bids": bids_shown_to(user=user, deal=deal, names=names),
            "hide_bidders": not names,
            "own_orgs": permissions.organization_ids(user),
            "can_award": deal.path != DealPath.AUCTION
            and user_can(user, "deal.award_bid", deal),
            "next_bid": _next_bid(deal),
            "can_clear_evaluation": deal.evaluation_report_id is not None
            and deal.evaluation_cleared_at is None
            and user_can(user, "deal.clear_evaluation", deal),
            # Objectors' names and contacts are for organizers alone.
            "objections": deal.objections.all()
            if is_organizer
            else _objections_for_parties(deal),
            "financings": deal.financings.all(),
            "can_move": can_move,
            "can_decide": user_can(user, "deal.decide_objection", deal),
            "is_organizer": is_organizer,
            "attention": deals_needing_attention(
                Deal.objects.filter(pk=deal.pk)
            ).exists(),
            "edit_form": edit_form or DealEditForm(instance=deal, prefix="edit"),
            "error": error,
            "failed": failed,
            "posted": posted or {},
            "financing_kinds": FinancingKind.choices,
            "bidders": _bidders(user, deal) if deal.stage == Stage.BIDDING else [],
            "today": timezone.localdate(),
            "public_disclosure": disclosures_published().filter(pk=deal.pk).exists(),
            "disclosure_min_days": settings.TRACKER_DISCLOSURE_MIN_DAYS,
            "case": _case_of(deal),
            "doc_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "max_documents": services.MAX_DOCUMENTS,
        },
    )


def _next_bid(deal: Deal):
    """At an auction, the least the next bid may be (the reserve price, then
    the highest bid plus the increment); None elsewhere."""
    if deal.path != DealPath.AUCTION or deal.listing_price is None:
        return None
    highest = deal.bids.aggregate(m=Max("amount"))["m"]
    if highest is None:
        return deal.listing_price
    return (highest + (deal.bid_increment or 0)).quantize(Decimal("0.01"))


def _objections_for_parties(deal: Deal) -> list[SimpleNamespace]:
    """A deal's objections as its parties see them: the text and the
    decision, never who objected or how to reach them."""
    labels = dict(ObjectionStatus.choices)
    return [
        SimpleNamespace(**row, get_status_display=labels.get(row["status"], ""))
        for row in deal.objections.values(
            "pk", "reason", "status", "resolution", "created_at"
        )
    ]


def _bidders(user, deal: Deal):
    """Whom this user may place a bid for: their own organizations; an
    organizer, any (on the bidder's behalf).  Never the achievement's owner
    or the exchange that runs the bidding."""
    orgs = Organization.objects.exclude(
        pk__in=[deal.achievement.owner_id, deal.agency_id or 0, deal.office_id or 0]
    )
    if deal.path == DealPath.AUCTION or not permissions.is_organizer(user):
        # At an auction the bidders bid themselves.
        orgs = orgs.filter(pk__in=permissions.organization_ids(user))
    return orgs.order_by("name")


def _case_of(deal: Deal):
    return case_of(deal)
