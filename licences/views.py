"""The public open-licence list (with its XLSX export and calendar feed),
a declaration's page, and taking a licence: 取得许可 on the declaration,
then the confirmation with the terms and the written notice, then send."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import IndustryField, Province
from jobs.exports import export_response
from tracker.enums import LicenceFee

from . import services
from .calendars import declarations_calendar
from .enums import DeclarationStatus
from .export_jobs import OPEN_LICENCES_EXPORT, open_licences_export_params
from .forms import TakeForm
from .models import Declaration
from .rules import licensee_orgs
from .selectors import (
    ListFilters,
    declarations_listed_to,
    declarations_public,
    declarations_visible_to,
    open_licences,
    open_notice,
)

PAGE_SIZE = 30
FEED_SIZE = 500


def _filters(request) -> ListFilters:
    params = request.GET
    institution = params.get("institution", "").strip()
    fee_mode = params.get("fee", "").strip()
    return ListFilters(
        field=params.get("field", "").strip()[:40],
        province=params.get("province", "").strip()[:2],
        fee_mode=fee_mode if fee_mode in LicenceFee.values else "",
        institution=int(institution) if institution.isdigit() else None,
        all=params.get("all") == "1",
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def open_licence_list(request):
    filters = _filters(request)
    rows = open_licences(user=request.user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    listed = declarations_listed_to(user=request.user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "licences/list.html",
        {
            "page": page,
            "filters": filters,
            "today": timezone.localdate(),
            "fields": IndustryField.objects.filter(
                pk__in=listed.values("achievement__field_id")
            ),
            "provinces": Province.objects.all(),
            "fee_modes": LicenceFee.choices,
            "institutions": Organization.objects.filter(
                pk__in=listed.values("achievement__owner_id")
            ).order_by("name"),
            "querystring": query.urlencode(),
        },
    )


@require_GET
def open_licence_export(request):
    return export_response(
        request,
        kind=OPEN_LICENCES_EXPORT,
        params=open_licences_export_params(
            _filters(request), base_url=_base_url(request)
        ),
    )


@require_GET
def open_licence_calendar(request):
    """New declarations, for the public (calendar clients send no cookie)."""
    rows = (
        declarations_public()
        .select_related("achievement__owner")
        .order_by("-cleared_at", "-id")[:FEED_SIZE]
    )
    body = declarations_calendar(
        rows, name=_("开放许可：新发布的声明"), base_url=_base_url(request)
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="open-licences.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response


def _visible_or_404(request, pk: int) -> Declaration:
    return get_object_or_404(
        declarations_visible_to(user=request.user).select_related(
            "achievement", "achievement__owner", "achievement__field", "reviewed_by"
        ),
        pk=pk,
    )


@require_GET
def open_licence_detail(request, pk: int):
    declaration = _visible_or_404(request, pk)
    user = request.user
    today = timezone.localdate()
    orgs = licensee_orgs(user, declaration) if user.is_authenticated else set()
    held = [
        notice
        for notice in (
            open_notice(declaration=declaration, organization_id=org) for org in orgs
        )
        if notice is not None
    ]
    manages = user_can(user, "licence.manage", declaration)
    notices = (
        declaration.notices.select_related("organization", "deal", "sent_by")
        if manages
        else None
    )
    return render(
        request,
        "licences/detail.html",
        {
            "d": declaration,
            "today": today,
            "in_force": declaration.in_force_on(today),
            "expired": declaration.expired_on(today),
            "fee": services.fee_in_words(declaration),
            "may_take": bool(orgs) and declaration.in_force_on(today),
            "held": held,
            "manages": manages,
            "may_review": declaration.status == DeclarationStatus.SUBMITTED
            and user_can(user, "licence.review", declaration),
            "notices": notices,
        },
    )


def licence_take(request, pk: int):
    """The second click: the terms and the written notice, then send."""
    declaration = get_object_or_404(
        declarations_listed_to(user=request.user).select_related(
            "achievement", "achievement__owner"
        ),
        pk=pk,
    )
    if not user_can(request.user, "licence.take", declaration):
        raise PermissionDenied
    organizations = list(
        Organization.objects.filter(
            pk__in=licensee_orgs(request.user, declaration)
        ).order_by("name")
    )
    form = TakeForm(request.POST or None, organizations=organizations)
    chosen = organizations[0]
    error = None
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise services.LicenceError(
                    " ".join(m for ms in form.errors.values() for m in ms)
                )
            chosen = next(
                o for o in organizations if o.pk == form.cleaned_data["organization"]
            )
            notice = services.licence_take(
                declaration_id=declaration.pk, organization=chosen, by=request.user
            )
        except services.LicenceError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("书面通知已发出（%(time)s），许可项目已登记，专利权人已收到通知。")
                % {
                    "time": timezone.localtime(notice.sent_at).strftime(
                        "%Y-%m-%d %H:%M"
                    )
                },
            )
            return redirect("tracker:deal", pk=notice.deal_id)
    problem = error or services.licence_problem(
        declaration=declaration,
        organization_id=chosen.pk,
        today=timezone.localdate(),
    )
    return render(
        request,
        "licences/take.html",
        {
            "d": declaration,
            "fee": services.fee_in_words(declaration),
            "organizations": organizations,
            "chosen": chosen,
            "notice": services.notice_text(
                declaration=declaration, organization=chosen
            ),
            "problem": problem,
        },
        status=409 if problem else 200,
    )
