"""The deal pages: the list (with "needs attention"), a new deal from an
expression of interest, and a deal's page where its parties move it along
the flow the services define."""

import datetime as dt
import io
from types import SimpleNamespace

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import Province
from achievements.selectors import achievements_visible_to
from events.models import Slot
from uploads import UploadRefused, protected_file_response

from . import services
from .enums import AbandonReason, FinancingKind, LandedKind, ObjectionStatus, Stage
from .exporting import export_deals
from .forms import DealCreateForm, DealEditForm
from .models import Deal, DealDocument
from .selectors import (
    deals_needing_attention,
    deals_visible_to,
    disclosures_awaiting_review,
    disclosures_published,
    needs_attention_q,
)

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = services.MONEY_FIELDS
DATES = services.DATE_FIELDS


def filtered_deals(request, qs):
    """The list's filters (also the targets of the dashboard's figures)."""
    g = request.GET
    if g.get("stage") in Stage.values:
        qs = qs.filter(stage=g["stage"])
    if g.get("open"):
        qs = qs.exclude(stage__in=services.ENDED)
    if g.get("attention"):
        qs = qs.filter(needs_attention_q()).distinct()
    if g.get("q"):
        q = g["q"].strip()[:100]
        qs = qs.filter(
            Q(achievement__title__icontains=q)
            | Q(achievement__project_number__iexact=q)
            | Q(counterparty__name__icontains=q)
        )
    for key, lookup in (
        ("roadshow", "roadshow_id"),
        ("achievement", "achievement_id"),
        ("counterparty", "counterparty_id"),
        ("field", "achievement__field__code"),
        ("province", "province__code"),
        ("origin", "origin_province__macro_region"),
        ("region", "province__macro_region"),
        ("mode", "transfer_mode"),
    ):
        value = g.get(key, "").strip()
        if value:
            if lookup.endswith("_id") and not value.isdigit():
                continue
            qs = qs.filter(**{lookup: value})
    if g.get("cross"):
        qs = qs.exclude(origin_province__macro_region=None).exclude(
            province__macro_region=None
        )
        qs = qs.exclude(origin_province__macro_region=F("province__macro_region"))
    if g.get("reached") in Stage.values:
        qs = qs.filter(moves__to_stage=g["reached"]).distinct()
    for key, lookup, extra in (
        ("landed_from", "stage_entered_at__date__gte", {"stage": Stage.LANDED}),
        ("landed_to", "stage_entered_at__date__lte", {"stage": Stage.LANDED}),
        ("signed_from", "contract_date__gte", {}),
        ("signed_to", "contract_date__lte", {}),
        ("created_from", "created_at__date__gte", {}),
        ("created_to", "created_at__date__lte", {}),
    ):
        day = _day(g.get(key, ""))
        if day is not None:
            qs = qs.filter(**{lookup: day}, **extra)
            if key.startswith("signed"):
                qs = qs.exclude(stage=Stage.ABANDONED)
    return qs


def _day(value: str):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_GET
def deal_list(request):
    qs = filtered_deals(request, deals_visible_to(user=request.user))
    qs = qs.select_related(
        "achievement", "achievement__owner", "counterparty", "province"
    ).order_by("-updated_at", "-id")
    if request.GET.get("format") == "xlsx":
        if not permissions.is_organizer(request.user):
            raise PermissionDenied
        stream = io.BytesIO()
        export_deals(queryset=qs, stream=stream)
        stream.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(
            stream,
            as_attachment=True,
            filename=f"deals-{stamp}.xlsx",
            content_type=XLSX,
        )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    attention = set(
        deals_needing_attention(
            Deal.objects.filter(pk__in=[d.pk for d in page.object_list])
        ).values_list("pk", flat=True)
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "tracker/deal_list.html",
        {
            "page": page,
            "attention": attention,
            "stages": Stage.choices,
            "query": query.urlencode(),
            "xlsx_query": _with(query, format="xlsx"),
            "is_organizer": permissions.is_organizer(request.user),
            "attention_count": deals_needing_attention(
                deals_visible_to(user=request.user)
            ).count(),
        },
    )


def _with(query, **extra) -> str:
    query = query.copy()
    for key, value in extra.items():
        query[key] = value
    return query.urlencode()


@login_required
def deal_new(request):
    """An expression of interest becomes a deal: from a live-room question,
    a pitch, or an achievement picked here."""
    source = _source(request)
    if source["achievement"] is None:
        return _pick_achievement(request)
    achievement = source["achievement"]
    try:
        # Before the permission: nobody may follow an unpublished achievement.
        services.achievement_open_for_deals(achievement=achievement)
    except services.DealError as exc:
        return render(
            request, "tracker/deal_refused.html", {"error": str(exc)}, status=409
        )
    if not user_can(request.user, "deal.create", achievement):
        raise PermissionDenied
    initial = {}
    if source["counterparty"] is not None:
        initial["counterparty"] = source["counterparty"].pk
    if source["note"]:
        initial["note"] = source["note"]
    form = DealCreateForm(
        request.POST or None,
        user=request.user,
        achievement=achievement,
        initial=initial,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            documents = services.check_documents(request.FILES.getlist("documents"))
            data = form.cleaned_data
            question = source["question"]
            deal = services.deal_create(
                by=request.user,
                achievement=achievement,
                counterparty=data["counterparty"],
                transfer_mode=data["transfer_mode"],
                asking_amount=data["asking_amount"],
                agency=data["agency"],
                roadshow=source["roadshow"],
                slot=source["slot"],
                question=question,
                counterparty_contact=(
                    question.author
                    if question is not None
                    and data["counterparty"].pk
                    in permissions.organization_ids(question.author)
                    else request.user
                    if data["counterparty"].pk
                    in permissions.organization_ids(request.user)
                    else None
                ),
                note=data["note"],
                documents=documents,
            )
        except (services.DealError, UploadRefused) as exc:
            error = str(exc)
        else:
            messages.success(request, _("已登记为意向项目。"))
            return redirect("tracker:deal", pk=deal.pk)
    return render(
        request,
        "tracker/deal_new.html",
        {
            "form": form,
            "source": source,
            "achievement": achievement,
            "error": error,
            "doc_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "max_documents": services.MAX_DOCUMENTS,
        },
    )


def _source(request) -> dict:
    """Where the interest came from: ?question=, ?slot= or ?achievement=."""
    params = request.GET  # the form posts back to the same address
    found = {
        "achievement": None,
        "counterparty": None,
        "roadshow": None,
        "slot": None,
        "question": None,
        "note": "",
    }
    question_id = params.get("question", "")
    slot_id = params.get("slot", "")
    achievement_id = params.get("achievement", "")
    if question_id.isdigit():
        from livestream.models import Question

        question = (
            Question.objects.select_related(
                "room__roadshow", "slot", "achievement", "author"
            )
            .filter(pk=question_id)
            .first()
        )
        if question is None or question.achievement is None:
            raise Http404
        # Only the room's moderators may turn its questions into deals.
        if not user_can(request.user, "live.moderate", question.room):
            raise PermissionDenied
        orgs = sorted(permissions.organization_ids(question.author))
        found.update(
            achievement=question.achievement,
            question=question,
            slot=question.slot,
            roadshow=question.room.roadshow,
            counterparty=Organization.objects.filter(pk__in=orgs[:1]).first(),
            note=_("路演提问：%(text)s") % {"text": question.text},
        )
    elif slot_id.isdigit():
        slot = (
            Slot.objects.select_related("roadshow", "achievement")
            .filter(pk=slot_id, kind="pitch")
            .first()
        )
        if slot is None or slot.achievement is None:
            raise Http404
        found.update(achievement=slot.achievement, slot=slot, roadshow=slot.roadshow)
    elif achievement_id.isdigit():
        achievement = (
            achievements_visible_to(user=request.user).filter(pk=achievement_id).first()
        )
        if achievement is None:
            raise Http404
        found["achievement"] = achievement
    return found


def _pick_achievement(request):
    if not (
        permissions.is_organizer(request.user)
        or permissions.organization_ids(request.user)
    ):
        raise PermissionDenied
    q = request.GET.get("q", "").strip()[:100]
    results = []
    if q:
        results = list(
            achievements_visible_to(user=request.user)
            .filter(Q(title__icontains=q) | Q(project_number__iexact=q))
            .select_related("owner")
            .order_by("-updated_at")[:20]
        )
    return render(request, "tracker/deal_pick.html", {"q": q, "results": results})


def _deal_or_404(request, pk: int) -> Deal:
    deal = get_object_or_404(
        Deal.objects.select_related(
            "achievement",
            "achievement__owner",
            "achievement__field",
            "counterparty",
            "agency",
            "province",
            "origin_province",
            "roadshow",
            "slot",
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
    for name in services.fields_of(to):
        field = Deal._meta.get_field(name.removesuffix("_id"))
        value = posted.get(name) if posted is not None else None
        if value is None:
            current = getattr(deal, name)
            value = "" if current is None else str(current)
        kind = "text"
        choices = None
        if name in MONEY:
            kind = "money"
        elif name in DATES:
            kind = "date"
        elif name == "landed_kind":
            kind, choices = "select", LandedKind.choices
        elif name == "abandon_reason":
            kind, choices = "select", AbandonReason.choices
        elif name == "province_id":
            provinces = provinces or [
                (str(p.pk), p.local_name) for p in Province.objects.all()
            ]
            kind, choices = "select", provinces
        elif name in ("landed_evidence", "abandon_note", "disclosure_summary"):
            kind = "textarea"
        rows.append(
            {
                "name": name,
                "label": field.verbose_name,
                "kind": kind,
                "choices": choices,
                "value": value,
                "required": name in services.REQUIRED.get(to, ()),
                "max_length": getattr(field, "max_length", None),
            }
        )
    return rows


def _stage_path(deal: Deal) -> list[dict]:
    """The flow drawn as a path: the stages passed, the current one, the
    ones ahead (optional ones marked)."""
    order = [s for s in Stage.values if s != Stage.ABANDONED]
    reached = {m.to_stage for m in deal.moves.all()}
    current = deal.stage
    index = order.index(current) if current in order else None
    path = []
    for i, stage in enumerate(order):
        if index is not None:
            state = "done" if i < index else "current" if i == index else "ahead"
        else:
            state = "done" if stage in reached else "ahead"
        if state == "done" and stage in services.OPTIONAL and stage not in reached:
            state = "skipped"
        path.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "state": state,
                "optional": stage in services.OPTIONAL,
            }
        )
    return path


@login_required
def deal_detail(request, pk: int):
    deal = _deal_or_404(request, pk)
    can_move = user_can(request.user, "deal.move", deal)
    posted = None
    error = None
    error_op = None
    if request.method == "POST":
        if not can_move:
            raise PermissionDenied
        op = request.POST.get("op", "")
        try:
            done = _apply(request, deal, op)
        except (services.DealError, UploadRefused) as exc:
            error, error_op, posted = str(exc), op, request.POST
        else:
            if isinstance(done, HttpResponseRedirect):
                return done
            messages.success(request, done)
            return redirect("tracker:deal", pk=deal.pk)
        deal = _deal_or_404(request, pk)
    moves = [
        {
            "to": to,
            "label": Stage(to).label,
            "backwards": backwards,
            "inputs": _stage_inputs(
                deal, to, posted if error_op == f"move:{to}" else None
            ),
        }
        for to, backwards in services.allowed_moves(deal.stage)
    ]
    history = deal.moves.select_related("by").prefetch_related("documents")
    is_organizer = permissions.is_organizer(request.user)
    edit_form = DealEditForm(
        posted if error_op == "edit" else None, instance=deal, prefix="edit"
    )
    if error_op == "edit" and posted is not None:
        edit_form.is_valid()
    return render(
        request,
        "tracker/deal_detail.html",
        {
            "deal": deal,
            "path": _stage_path(deal),
            "moves": moves if can_move else [],
            "history": history,
            "documents": deal.documents.select_related("uploaded_by", "move"),
            "payments": deal.payments.all(),
            "bids": deal.bids.select_related("bidder", "placed_by"),
            "can_award": user_can(request.user, "deal.award_bid", deal),
            # Objectors' names and contacts are for organizers alone.
            "objections": deal.objections.all()
            if is_organizer
            else _objections_for_parties(deal),
            "financings": deal.financings.all(),
            "can_move": can_move,
            "can_decide": user_can(request.user, "deal.decide_objection", deal),
            "is_organizer": is_organizer,
            "attention": deals_needing_attention(
                Deal.objects.filter(pk=deal.pk)
            ).exists(),
            "edit_form": edit_form,
            "error": error,
            "error_op": error_op,
            "posted": posted or {},
            "financing_kinds": FinancingKind.choices,
            "bidders": _bidders(request.user, deal)
            if deal.stage == Stage.BIDDING
            else [],
            "today": timezone.localdate(),
            "public_disclosure": disclosures_published().filter(pk=deal.pk).exists(),
            "disclosure_min_days": settings.TRACKER_DISCLOSURE_MIN_DAYS,
            "case": _case_of(deal),
            "doc_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
            "max_documents": services.MAX_DOCUMENTS,
        },
    )


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
        pk__in=[deal.achievement.owner_id, deal.agency_id or 0]
    )
    if not permissions.is_organizer(user):
        orgs = orgs.filter(pk__in=permissions.organization_ids(user))
    return orgs.order_by("name")


def _case_of(deal: Deal):
    from cms.models import CasePage

    return CasePage.objects.filter(deal=deal).first()


def _apply(request, deal: Deal, op: str):
    """One write on the deal's page; returns the message to show."""
    post = request.POST
    user = request.user
    note = post.get("note", "")
    if op.startswith("move:"):
        to = op.removeprefix("move:")
        data = {f: post.get(f, "") for f in services.fields_of(to)}
        documents = services.check_documents(request.FILES.getlist("documents"))
        services.deal_move(
            deal_id=deal.pk,
            to=to,
            by=user,
            expected=post.get("expected", ""),
            data=data,
            note=note,
            documents=documents,
        )
        return _("已进入“%(stage)s”。") % {"stage": Stage(to).label}
    if op == "note":
        documents = services.check_documents(request.FILES.getlist("documents"))
        services.deal_note(deal_id=deal.pk, by=user, note=note, documents=documents)
        return _("进展已记录。")
    if op == "payment":
        services.payment_add(
            deal_id=deal.pk,
            amount=post.get("amount", ""),
            paid_on=post.get("paid_on", ""),
            by=user,
            note=note,
        )
        return _("付款已登记。")
    if op == "bid":
        bidder = Organization.objects.filter(pk=_int(post.get("bidder"))).first()
        if bidder is None:
            raise services.DealError(_("请选择竞买方。"))
        services.bid_place(
            deal_id=deal.pk, bidder=bidder, amount=post.get("amount", ""), by=user
        )
        return _("出价已登记。")
    if op == "award":
        services.bid_award(deal_id=deal.pk, bid_id=_int(post.get("bid")), by=user)
        return _("已确定竞得方。")
    if op == "objection":
        if not user_can(user, "deal.decide_objection", deal):
            raise PermissionDenied
        objection = deal.objections.filter(pk=_int(post.get("objection"))).first()
        if objection is None:
            raise services.DealError(_("异议不存在。"))
        decision = post.get("decision")
        if decision not in ("dismiss", "uphold"):
            raise services.DealError(_("请选择处理结果。"))
        services.objection_resolve(
            objection_id=objection.pk,
            upheld=decision == "uphold",
            resolution=post.get("resolution", ""),
            by=user,
        )
        return (
            _("异议成立，项目已退回洽谈阶段。")
            if decision == "uphold"
            else _("异议不成立，已记录。")
        )
    if op == "financing":
        services.financing_add(
            achievement=deal.achievement,
            deal=deal,
            kind=post.get("kind", ""),
            institution=post.get("institution", ""),
            amount=post.get("amount", ""),
            on=post.get("on", ""),
        )
        return _("融资已登记。")
    if op == "edit":
        form = DealEditForm(post, instance=deal, prefix="edit")
        if not form.is_valid():
            raise services.DealError(_("请更正下面标出的错误。"))
        with transaction.atomic():
            form.save()
            changed = {f: str(form.cleaned_data[f] or "") for f in form.changed_data}
            if changed:
                services.deal_record(deal_id=deal.pk, by=user, data=changed)
        return _("已保存。")
    if op == "case":
        if not permissions.is_organizer(user):
            raise PermissionDenied
        from .cases import case_draft_from_deal

        page = case_draft_from_deal(deal=deal, by=user)
        messages.success(request, _("已生成典型案例草稿，请编辑后发布。"))
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    raise services.DealError(_("未知的操作。"))


def _int(value) -> int:
    """A posted id; 0 (which matches nothing) for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**31 else 0


@login_required
def disclosure_review(request, pk: int):
    """A reviewer clears what a disclosure shows of an achievement the public
    may not see: the title and description the deal's parties wrote, or the
    neutral label; the disclosure is published then."""
    if not permissions.is_reviewer(request.user):
        raise Http404
    deal = get_object_or_404(
        disclosures_awaiting_review().select_related(
            "achievement", "achievement__owner", "counterparty"
        ),
        pk=pk,
    )
    error = None
    if request.method == "POST":
        decision = request.POST.get("decision")
        try:
            if decision not in ("cleared", "neutral"):
                raise services.DealError(_("请选择审查结果。"))
            services.disclosure_review(
                deal_id=deal.pk,
                by=request.user,
                neutral=decision == "neutral",
                note=request.POST.get("note", ""),
            )
        except services.DealError as exc:
            error = str(exc)
        else:
            messages.success(request, _("公示内容已审查，公示已发布。"))
            return redirect("accounts:workspace")
    return render(
        request,
        "tracker/disclosure_review.html",
        {"deal": deal, "error": error, "posted": request.POST},
        status=400 if error else 200,
    )


@require_GET
def document_download(request, pk: int):
    document = get_object_or_404(
        DealDocument.objects.select_related("deal", "deal__achievement"), pk=pk
    )
    if not user_can(request.user, "deal.view", document.deal):
        raise Http404
    return protected_file_response(
        document.file,
        content_type=document.content_type,
        filename=document.original_name,
    )
