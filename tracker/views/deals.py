"""The deal pages: the list (with "needs attention"), a new deal from an
expression of interest, and a deal's page (its actions are in actions.py)."""

import datetime as dt
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions
from accounts.models import Organization
from accounts.permissions import user_can
from achievements.enums import MacroRegion, TransferMode
from achievements.models import IndustryField, Province
from achievements.selectors import achievements_visible_to
from events.models import RegionPair, Roadshow, Slot
from spreadsheets import About, xlsx_response
from uploads import UploadRefused

from .. import services
from ..dashboard.figures import CROSS_Q, pair_q, with_sides
from ..enums import DealPath, Stage
from ..exporting import export_deals
from ..forms import DayField, DealCreateForm
from ..models import Deal
from ..rules import may_start_deals
from ..selectors import (
    deals_needing_attention,
    deals_visible_to,
    deals_with_open_objections,
    needs_attention_q,
)
from .actions import legacy_post
from .deal_page import deal_or_404, deal_page

PAGE_SIZE = 50


def filtered_deals(request, qs):
    """The list's filters (also the targets of the dashboard's figures)."""
    params = request.GET
    if params.get("stage") in Stage.values:
        qs = qs.filter(stage=params["stage"])
    if params.get("open"):
        qs = qs.exclude(stage__in=Stage.ended())
    if params.get("attention"):
        qs = qs.filter(needs_attention_q()).distinct()
    if params.get("objections"):
        qs = qs.filter(pk__in=deals_with_open_objections().values("pk"))
    if params.get("q"):
        text = params["q"].strip()[:100]
        qs = qs.filter(
            Q(achievement__title__icontains=text)
            | Q(achievement__project_number__iexact=text)
            | Q(counterparty__name__icontains=text)
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
        ("path", "path"),
    ):
        value = params.get(key, "").strip()
        if value:
            if lookup.endswith("_id") and not value.isdigit():
                continue
            qs = qs.filter(**{lookup: value})
    pair = params.get("pair", "")
    if pair.isdigit():
        found = RegionPair.objects.select_related("province_a", "province_b")
        found = found.filter(pk=int(pair)).first()
        qs = with_sides(qs).filter(pair_q(found)) if found else qs.none()
    cross = params.get("cross", "")
    if cross in CROSS_Q:
        qs = qs.filter(CROSS_Q[cross])
    elif cross:
        qs = qs.exclude(origin_province__macro_region=None).exclude(
            province__macro_region=None
        )
        qs = qs.exclude(origin_province__macro_region=F("province__macro_region"))
    if params.get("reached") in Stage.values:
        qs = qs.filter(moves__to_stage=params["reached"]).distinct()
    for key, lookup, extra in (
        ("landed_from", "stage_entered_at__date__gte", {"stage": Stage.LANDED}),
        ("landed_to", "stage_entered_at__date__lte", {"stage": Stage.LANDED}),
        ("signed_from", "contract_date__gte", {}),
        ("signed_to", "contract_date__lte", {}),
        ("created_from", "created_at__date__gte", {}),
        ("created_to", "created_at__date__lte", {}),
    ):
        day = _day(params.get(key, ""))
        if day is not None:
            qs = qs.filter(**{lookup: day}, **extra)
            if key.startswith("signed"):
                qs = qs.exclude(stage=Stage.ABANDONED)
    return qs


def deal_filters_in_words(request) -> list[tuple[str, str]]:
    """The list's filters in words, for the export's "说明" sheet: each filter
    that `filtered_deals` applies, none that it ignores."""
    params = request.GET
    words: list[tuple[str, str]] = []
    if params.get("stage") in Stage.values:
        words.append((_("阶段"), str(Stage(params["stage"]).label)))
    if params.get("open"):
        words.append((_("项目范围"), _("进行中的项目")))
    if params.get("attention"):
        words.append((_("项目范围"), _("需要跟进的项目")))
    if params.get("objections"):
        words.append((_("项目范围"), _("有待处理异议的项目")))
    if params.get("q", "").strip():
        words.append((_("关键词"), params["q"].strip()[:100]))
    records = (
        ("roadshow", _("来源路演"), Roadshow.objects, "title"),
        ("achievement", _("成果"), achievements_visible_to(user=request.user), "title"),
        ("counterparty", _("受让/合作方"), Organization.objects, "name"),
    )
    for key, name, objects, attribute in records:
        value = params.get(key, "").strip()
        if value.isdigit():
            found = objects.filter(pk=value).first()
            words.append((name, getattr(found, attribute) if found else value))
    value = params.get("field", "").strip()
    if value:
        field = IndustryField.objects.filter(code=value).first()
        words.append((_("产业领域"), field.local_name if field else value))
    value = params.get("province", "").strip()
    if value:
        province = Province.objects.filter(code=value).first()
        words.append((_("落地省份"), province.local_name if province else value))
    for key, name in (("origin", _("成果所在地区")), ("region", _("落地地区"))):
        value = params.get(key, "").strip()
        if value:
            label = dict(MacroRegion.choices).get(value, value)
            words.append((name, str(label)))
    value = params.get("mode", "").strip()
    if value:
        words.append((_("转化方式"), str(dict(TransferMode.choices).get(value, value))))
    value = params.get("path", "").strip()
    if value:
        words.append((_("交易路径"), str(dict(DealPath.choices).get(value, value))))
    if params.get("cross"):
        words.append((_("项目范围"), _("跨区域转化")))
    if params.get("reached") in Stage.values:
        words.append((_("曾到达阶段"), str(Stage(params["reached"]).label)))
    for key, name in (
        ("landed_from", _("落地日期起")),
        ("landed_to", _("落地日期止")),
        ("signed_from", _("签约日期起")),
        ("signed_to", _("签约日期止")),
        ("created_from", _("创建日期起")),
        ("created_to", _("创建日期止")),
    ):
        day = _day(params.get(key, ""))
        if day is not None:
            words.append((name, day.isoformat()))
    return words


def _day(value: str) -> dt.date | None:
    """A date filter as the forms read dates; a filter that is none is
    ignored."""
    try:
        return DayField(required=False).clean(value)
    except ValidationError:
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
        about = About(
            title=_("成果转化项目跟踪表"),
            exported_by=str(request.user),
            filters=deal_filters_in_words(request),
        )
        stream = io.BytesIO()
        export_deals(queryset=qs, stream=stream, about=about)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return xlsx_response(stream, filename=f"deals-{stamp}.xlsx")
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
