from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.enums import Role
from accounts.models import Organization
from accounts.permissions import user_can
from jobs.exports import export_response
from uploads import UploadRefused, check_attachment, protected_file_response

from . import selectors, services
from .enums import TRL_DESCRIPTIONS, DemandKind, ReviewStatus, TransferMode
from .export_jobs import LIBRARY_EXPORT, library_export_params
from .extensions import demand_sections, detail_sections
from .forms import AchievementForm, AttachmentForm, DemandForm, ReviewForm
from .matching import demand_matches
from .models import Achievement, Demand, IndustryField


def _trl_level(value: str | None) -> int | None:
    try:
        level = int(value or 0)
    except ValueError:
        return None
    return level if 1 <= level <= 9 else None


def trl_range_of(get) -> tuple[int | None, int | None]:
    """The readiness range asked for: ``trl_min``/``trl_max``, or the older
    single ``trl=N`` (exactly N). Ends that do not narrow (1, 9) are open."""
    low, high = _trl_level(get.get("trl_min")), _trl_level(get.get("trl_max"))
    if low is None and high is None:
        low = high = _trl_level(get.get("trl"))
    if low is not None and high is not None and low > high:
        low, high = high, low
    return (None if low == 1 else low), (None if high == 9 else high)


def _filters(request) -> selectors.CatalogueFilters:
    get = request.GET
    trl_min, trl_max = trl_range_of(get)
    sort = get.get("sort", "newest")
    return selectors.CatalogueFilters(
        q=get.get("q", "").strip()[:100],
        field=get.get("field", "")[:40],
        trl_min=trl_min,
        trl_max=trl_max,
        province=get.get("province", "")[:2],
        mode=get.get("mode", "") if get.get("mode") in TransferMode.values else "",
        programme=get.get("programme", "")[:120],
        agri_tech=get.get("agri_tech", "")[:40],
        agri_industry=get.get("agri_industry", "")[:40],
        agri_scenario=get.get("agri_scenario", "")[:40],
        sort=sort if sort in selectors.SORTS else "newest",
    )


@require_GET
def catalogue(request):
    filters = _filters(request)
    counts = selectors.catalogue_counts(user=request.user, filters=filters)
    results = selectors.catalogue_search(user=request.user, filters=filters)
    paginator = Paginator(results, 20)
    paginator.count = counts.total  # counted with the facets, in the same pass
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    trl_counts = {int(item["value"]): item["count"] for item in counts.facets["trl"]}
    active_filters = sum(
        1
        for on in (
            filters.field,
            filters.trl_min is not None or filters.trl_max is not None,
            filters.province,
            filters.mode,
            filters.programme,
            *filters.agri_codes().values(),
        )
        if on
    )
    return render(
        request,
        "achievements/catalogue.html",
        {
            "page": page,
            "active_filters": active_filters,
            "trl_levels": [(level, trl_counts.get(level, 0)) for level in range(1, 10)],
            "trl_low": filters.trl_min or 1,
            "trl_high": filters.trl_max or 9,
            "filters": filters,
            "facets": counts.facets,
            "querystring": params.urlencode(),
            "can_export": user_can(request.user, "achievement.export"),
            "sorts": [
                ("newest", _("最新发布")),
                ("trl", _("成熟度从高到低")),
                ("title", _("按名称")),
            ],
        },
    )


def _visible_or_404(request, pk: int) -> Achievement:
    achievement = get_object_or_404(
        Achievement.objects.select_related(
            "field", "owner", "agri_tech_field", "agri_industry", "agri_scenario"
        ),
        pk=pk,
    )
    if not user_can(request.user, "achievement.view", achievement):
        raise Http404
    return achievement


@require_GET
def detail(request, pk: int):
    achievement = _visible_or_404(request, pk)
    can_history = user_can(request.user, "achievement.history", achievement)
    return render(
        request,
        "achievements/detail.html",
        {
            "achievement": achievement,
            "trl_text": TRL_DESCRIPTIONS.get(achievement.trl, ""),
            "provinces": achievement.target_provinces.all(),
            "attachments": selectors.attachments_visible_to(
                user=request.user, achievement=achievement
            ),
            "published_view": selectors.achievement_is_published_to(
                user=request.user, achievement=achievement
            ),
            "history": selectors.review_history(achievement=achievement)
            if can_history
            else None,
            "return_reason": selectors.return_reason(achievement=achievement)
            if can_history
            else None,
            "can_edit": user_can(request.user, "achievement.edit", achievement),
            "can_review": user_can(request.user, "achievement.review", achievement),
            "review_form": ReviewForm(
                status=achievement.status,
                initial={"revision": achievement.revision},
            ),
            "pending_diff": services.achievement_pending_diff(achievement=achievement)
            if can_history
            else [],
            "attachment_form": AttachmentForm(),
            "sections": detail_sections(request, achievement),
        },
    )


@require_GET
def attachment_download(request, pk: int, attachment_id: int):
    achievement = _visible_or_404(request, pk)
    attachment = get_object_or_404(
        selectors.attachments_visible_to(user=request.user, achievement=achievement),
        pk=attachment_id,
    )
    return protected_file_response(
        attachment.file,
        content_type=attachment.content_type,
        filename=attachment.original_name,
    )


@login_required
@require_POST
def attachment_upload(request, pk: int):
    achievement = get_object_or_404(Achievement, pk=pk)
    if not user_can(request.user, "achievement.edit", achievement):
        raise PermissionDenied
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择要上传的文件。"))
        return redirect(achievement)
    try:
        checked = check_attachment(form.cleaned_data["file"])
    except UploadRefused as exc:
        messages.error(request, str(exc))
        return redirect(achievement)
    try:
        services.attachment_add(
            achievement=achievement,
            content=checked.content,
            original_name=checked.original_name,
            content_type=checked.content_type,
            size=checked.size,
            by=request.user,
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
        return redirect(achievement)
    messages.success(request, _("附件已上传。"))
    return redirect(achievement)


@login_required
@require_GET
def export_xlsx(request):
    if not user_can(request.user, "achievement.export"):
        raise PermissionDenied
    return export_response(
        request,
        kind=LIBRARY_EXPORT,
        params=library_export_params(_filters(request)),
    )


def _owner_choices(user):
    if permissions.is_organizer(user):
        return Organization.objects.all()
    return Organization.objects.filter(
        pk__in=permissions.organization_ids(user, role=Role.TEAM)
    )


@login_required
def achievement_new(request):
    if not user_can(request.user, "achievement.create"):
        raise PermissionDenied
    owners = _owner_choices(request.user)
    form = AchievementForm(request.POST or None, owners=owners)
    if request.method == "POST" and form.is_valid():
        achievement = services.achievement_create(
            owner=form.cleaned_data["owner"], data=form.content(), by=request.user
        )
        messages.success(request, _("成果已保存为草稿，完善后请提交保密审查。"))
        return redirect(achievement)
    return render(request, "achievements/form.html", {"form": form, "creating": True})


@login_required
def achievement_edit(request, pk: int):
    achievement = get_object_or_404(Achievement, pk=pk)
    if not user_can(request.user, "achievement.edit", achievement):
        raise PermissionDenied
    initial = services.achievement_content(achievement=achievement)
    if request.method == "POST":
        form = AchievementForm(request.POST, instance=Achievement(pk=achievement.pk))
        if form.is_valid():
            try:
                services.achievement_update(
                    achievement=achievement, data=form.content(), by=request.user
                )
            except services.ReviewError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("修改已保存。"))
                return redirect(achievement)
    else:
        form = AchievementForm(initial=initial)
    return render(
        request,
        "achievements/form.html",
        {
            "form": form,
            "achievement": achievement,
            "creating": False,
            "return_reason": selectors.return_reason(achievement=achievement),
        },
    )


@login_required
@require_POST
def achievement_submit(request, pk: int):
    achievement = get_object_or_404(Achievement, pk=pk)
    if not user_can(request.user, "achievement.submit", achievement):
        raise PermissionDenied
    try:
        services.achievement_transition(
            achievement=achievement,
            action="submit",
            by=request.user,
            comment=request.POST.get("comment", "")[:2000],
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交保密审查。"))
    return redirect(achievement)


@login_required
@require_POST
def achievement_review(request, pk: int):
    achievement = get_object_or_404(Achievement, pk=pk)
    if not user_can(request.user, "achievement.review", achievement):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("审查结论无效。"))
        return redirect(achievement)
    try:
        services.achievement_transition(
            achievement=achievement,
            action=form.cleaned_data["action"],
            by=request.user,
            comment=form.cleaned_data["comment"],
            seen_revision=form.cleaned_data["revision"],
        )
    except services.ReviewError as exc:
        messages.error(request, str(exc))
    else:
        if form.cleaned_data["action"] in services.DECISIONS:
            return _next_in_queue(request, decided=achievement)
        messages.success(request, _("已开始审查。"))
    return redirect(achievement)


def _next_in_queue(request, *, decided: Achievement):
    """After a decision: the next item of the reviewer's queue, or the queue
    itself once it is empty."""
    following = selectors.review_queue_next(user=request.user, after=decided)
    if following is None:
        messages.success(request, _("审查结论已记录。待审查的成果已全部处理完毕。"))
        return redirect("achievements:review_queue")
    messages.success(
        request,
        _("审查结论已记录（%(decided)s）。下一项：%(next)s")
        % {
            "decided": Truncator(decided.title).chars(60),
            "next": Truncator(following.title).chars(60),
        },
    )
    return redirect(following)


def _days_waiting(since, now) -> int:
    return max((now - since).days, 0)


@login_required
@require_GET
def review_queue(request):
    """A reviewer's queue: count, age, sort and filters."""
    if not permissions.is_reviewer(request.user):
        raise PermissionDenied
    get = request.GET
    field = get.get("field", "")[:40]
    status = get.get("status", "")
    if status not in selectors.REVIEW_QUEUE_STATES:
        status = ""
    newest_first = get.get("sort") == "newest"
    rows = selectors.review_queue(
        user=request.user, field=field, status=status, newest_first=newest_first
    )
    page = Paginator(rows, 20).get_page(get.get("page"))
    now = timezone.now()
    params = get.copy()
    params.pop("page", None)
    return render(
        request,
        "achievements/review_queue.html",
        {
            "page": page,
            "items": [(a, _days_waiting(a.waiting_since, now)) for a in page],
            "total": selectors.review_queue(user=request.user).count(),
            "fields": IndustryField.objects.all(),
            "field": field,
            "status": status,
            "statuses": [
                (value, ReviewStatus(value).label)
                for value in selectors.REVIEW_QUEUE_STATES
            ],
            "sort": "newest" if newest_first else "oldest",
            "sorts": [("oldest", _("等待最久的在前")), ("newest", _("最新提交的在前"))],
            "querystring": params.urlencode(),
        },
    )


@login_required
@require_GET
def my_achievements(request):
    """A team's own achievements, paginated, sorted and filtered by status."""
    if not permissions.organization_ids(request.user, role=Role.TEAM):
        raise PermissionDenied
    get = request.GET
    status = get.get("status", "")
    if status not in ReviewStatus.values:
        status = ""
    sort = get.get("sort", "updated")
    if sort not in selectors.TEAM_SORTS:
        sort = "updated"
    rows = selectors.team_achievements(user=request.user, status=status, sort=sort)
    page = Paginator(rows, 20).get_page(get.get("page"))
    params = get.copy()
    params.pop("page", None)
    return render(
        request,
        "achievements/mine.html",
        {
            "page": page,
            "status": status,
            "statuses": ReviewStatus.choices,
            "sort": sort,
            "sorts": [
                ("updated", _("最近修改")),
                ("title", _("按名称")),
                ("status", _("按状态（待处理的在前）")),
            ],
            "querystring": params.urlencode(),
        },
    )


@require_GET
def demand_list(request):
    demands = selectors.demands_visible_to(user=request.user).select_related(
        "organization", "field", "province"
    )
    field = request.GET.get("field", "")
    if field:
        demands = demands.filter(field__code=field)
    kind = request.GET.get("kind", "")
    if kind not in DemandKind.values:
        kind = ""
    if kind:
        demands = demands.filter(kind=kind)
    params = request.GET.copy()
    params.pop("page", None)
    page = Paginator(demands, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "achievements/demand_list.html",
        {
            "page": page,
            "fields": IndustryField.objects.all(),
            "field": field,
            "kinds": DemandKind.choices,
            "kind": kind,
            "querystring": params.urlencode(),
            "can_create": bool(permissions.organization_ids(request.user))
            or permissions.is_organizer(request.user),
        },
    )


@require_GET
def demand_detail(request, pk: int):
    demand = get_object_or_404(
        Demand.objects.select_related("organization", "field", "province"), pk=pk
    )
    if not user_can(request.user, "demand.view", demand):
        raise Http404
    return render(
        request,
        "achievements/demand_detail.html",
        {
            "demand": demand,
            "matches": demand_matches(demand=demand, user=request.user),
            "can_edit": user_can(request.user, "demand.edit", demand),
            "sections": demand_sections(request, demand),
        },
    )


def _demand_orgs(user):
    if permissions.is_organizer(user):
        return Organization.objects.all()
    orgs = Organization.objects.filter(pk__in=permissions.organization_ids(user))
    return orgs.filter(
        pk__in=[o.pk for o in orgs if user_can(user, "demand.create", o)]
    )


@login_required
def demand_edit(request, pk: int | None = None):
    demand = None
    if pk is not None:
        demand = get_object_or_404(Demand, pk=pk)
        if not user_can(request.user, "demand.edit", demand):
            raise PermissionDenied
    organizations = _demand_orgs(request.user)
    if demand is None and not organizations.exists():
        raise PermissionDenied
    form = DemandForm(
        request.POST or None, instance=demand, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save(commit=False)
            if demand is None:
                saved.created_by = request.user
            saved.save()
        messages.success(request, _("技术需求已保存。"))
        return redirect(saved)
    return render(
        request, "achievements/demand_form.html", {"form": form, "demand": demand}
    )


@login_required
def investor_profile(request):
    """An investor organization's declared interests."""
    from .forms import InvestorProfileForm
    from .models import InvestorProfile

    organization = (
        Organization.objects.filter(
            pk__in=permissions.organization_ids(request.user, role=Role.INVESTOR)
        )
        .order_by("name")
        .first()
    )
    if organization is None:
        raise PermissionDenied
    profile = InvestorProfile.objects.filter(organization=organization).first()
    form = InvestorProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.organization = organization
        saved.save()
        form.save_m2m()
        messages.success(request, _("投资偏好已保存。"))
        return redirect("accounts:workspace")
    return render(
        request,
        "achievements/investor_profile.html",
        {"form": form, "organization": organization},
        status=400 if form.errors else 200,
    )
