"""The deal pages: the list (with "needs attention"), a new deal from an
expression of interest, and a deal's page (its actions are in actions.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.selectors import achievements_visible_to
from events.models import Slot
from jobs.exports import export_response
from uploads import UploadRefused

from .. import services
from ..enums import Stage
from ..filtering import deals_filtered
from ..forms import DealCreateForm
from ..jobs import DEALS_EXPORT, deals_export_params
from ..models import Deal
from ..rules import may_start_deals
from ..selectors import (
    deals_needing_attention,
    deals_visible_to,
)
from .actions import legacy_post
from .deal_page import deal_or_404, deal_page

PAGE_SIZE = 50


def filtered_deals(request, qs):
    return deals_filtered(qs=qs, params=request.GET)


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
        return export_response(
            request, kind=DEALS_EXPORT, params=deals_export_params(request.GET)
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
            "may_start": may_start_deals(request.user),
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
    if source["meeting"] is not None:
        followed = _followed_deal(request, source)
        if followed is not None:
            return followed
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
                path=data["path"],
                asking_amount=data["asking_amount"],
                agency=data["agency"],
                roadshow=source["roadshow"],
                slot=source["slot"],
                question=question,
                meeting=source["meeting"],
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
    meeting_id = params.get("meeting", "")
    found["meeting"] = None
    if meeting_id.isdigit():
        found.update(_meeting_source(request, int(meeting_id)))
    elif question_id.isdigit():
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


def _followed_deal(request, source: dict):
    """A meeting about a deal already followed updates it instead of
    opening a second one."""
    deal = (
        deals_visible_to(user=request.user)
        .filter(achievement=source["achievement"], counterparty=source["counterparty"])
        .exclude(stage__in=Stage.ended())
        .order_by("-updated_at")
        .first()
    )
    if deal is None:
        return None
    if (
        deal.meeting_id == source["meeting"].pk
        or deal.moves.filter(note=source["note"]).exists()
    ):
        messages.info(request, _("本次会面已记录在该项目中。"))
        return redirect("tracker:deal", pk=deal.pk)
    if request.method == "POST":
        try:
            services.deal_meeting_add(
                deal_id=deal.pk,
                meeting=source["meeting"],
                by=request.user,
                note=source["note"],
            )
        except services.DealError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已在跟踪中的项目里记录本次会面。"))
        return redirect("tracker:deal", pk=deal.pk)
    return render(
        request,
        "tracker/deal_meeting.html",
        {"deal": deal, "source": source, "achievement": source["achievement"]},
    )


def _meeting_source(request, meeting_id: int) -> dict:
    """A matchmaking meeting whose side said "continue": its parties (and
    organizers) register the interest, the meeting as its origin."""
    from matchmaking.enums import MeetingStatus, Outcome, RequestStatus
    from matchmaking.models import Meeting
    from matchmaking.rules import sides_of

    meeting = (
        Meeting.objects.select_related(
            "request__achievement", "request__investor_org", "session__roadshow", "slot"
        )
        .filter(pk=meeting_id, published_at__isnull=False)
        .exclude(status=MeetingStatus.CANCELLED)
        .first()
    )
    if meeting is None or not (
        permissions.is_organizer(request.user)
        or user_can(request.user, "meeting.outcome", meeting)
    ):
        raise Http404
    request_ = meeting.request
    # After the meeting, and (but for organizers) once the user's side said
    # "continue".
    said_continue = meeting.outcomes.filter(
        side__in=sides_of(request.user, request_), outcome=Outcome.CONTINUE
    ).exists()
    if (
        request_.status != RequestStatus.ACCEPTED
        or meeting.slot.start > timezone.now()
        or not (said_continue or permissions.is_organizer(request.user))
    ):
        raise PermissionDenied
    return {
        "achievement": request_.achievement,
        "meeting": meeting,
        "roadshow": meeting.session.roadshow,
        "counterparty": request_.investor_org,
        "note": _("对接会面：%(when)s，%(org)s")
        % {
            "when": timezone.localtime(meeting.slot.start).strftime("%Y-%m-%d %H:%M"),
            "org": request_.investor_org.name,
        },
    }


def _pick_achievement(request):
    if not may_start_deals(request.user):
        raise PermissionDenied  # the refusal page says why and what next
    text = request.GET.get("q", "").strip()[:100]
    results = []
    if text:
        results = list(
            achievements_visible_to(user=request.user)
            .filter(Q(title__icontains=text) | Q(project_number__iexact=text))
            .select_related("owner")
            .order_by("-updated_at")[:20]
        )
    return render(request, "tracker/deal_pick.html", {"q": text, "results": results})


@login_required
def deal_detail(request, pk: int):
    """The deal's page.  Its actions post to their own addresses (actions.py);
    a post here is a page loaded before they had them."""
    if request.method == "POST":
        return legacy_post(request, pk)
    return deal_page(request, deal_or_404(request, pk))
