import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import user_can
from achievements.selectors import agri_terms
from spreadsheets import xlsx_response

from . import selectors, services
from .enums import ListScope, ListStatus
from .forms import EntriesAddForm, ListCreateForm
from .models import AgriList, AgriListEntry

# The candidates' filters: the query parameter → the achievement's column.
CANDIDATE_FILTERS = {
    "agri_tech": "agri_tech_field",
    "agri_industry": "agri_industry",
    "agri_scenario": "agri_scenario",
}


def _list_or_404(request, pk: int) -> AgriList:
    agri_list = get_object_or_404(AgriList.objects.select_related("province"), pk=pk)
    if not user_can(request.user, "agrilist.view", agri_list):
        raise Http404
    return agri_list


def _manager(request) -> None:
    if not user_can(request.user, "agrilist.manage"):
        raise PermissionDenied


@require_GET
def index(request):
    lists = list(selectors.lists_published())
    return render(
        request,
        "agrilists/index.html",
        {
            "national": [x for x in lists if x.scope == ListScope.NATIONAL],
            "local": [x for x in lists if x.scope == ListScope.LOCAL],
            "can_manage": user_can(request.user, "agrilist.manage"),
        },
    )


@require_GET
def detail(request, pk: int):
    agri_list = _list_or_404(request, pk)
    rows = selectors.list_rows(agri_list=agri_list)
    return render(
        request,
        "agrilists/detail.html",
        {
            "agri_list": agri_list,
            "rows": rows,
            "linkable": selectors.linkable_ids(rows=rows),
            "can_manage": user_can(request.user, "agrilist.manage"),
        },
    )


@require_GET
def download(request, pk: int):
    agri_list = _list_or_404(request, pk)
    if agri_list.status != ListStatus.PUBLISHED:
        raise Http404
    return xlsx_response(
        io.BytesIO(bytes(agri_list.xlsx)),
        filename=f"agri-list-{agri_list.pk}-{agri_list.issued_on:%Y%m%d}.xlsx",
    )


@login_required
@require_GET
def manage(request):
    _manager(request)
    return render(
        request,
        "agrilists/manage.html",
        {
            "lists": AgriList.objects.select_related("province"),
            "form": ListCreateForm(),
        },
    )


@login_required
@require_POST
def create(request):
    _manager(request)
    form = ListCreateForm(request.POST)
    if form.is_valid():
        try:
            agri_list = services.list_create(**form.cleaned_data, by=request.user)
        except services.ListRefused as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("agrilists:edit", agri_list.pk)
    return render(
        request,
        "agrilists/manage.html",
        {"lists": AgriList.objects.select_related("province"), "form": form},
        status=400,
    )


def _candidate_filters(request) -> dict[str, str]:
    get = request.GET
    filters = {
        column: get.get(param, "")[:40] for param, column in CANDIDATE_FILTERS.items()
    }
    filters["q"] = get.get("q", "").strip()[:100]
    return filters


@login_required
@require_GET
def edit(request, pk: int):
    _manager(request)
    agri_list = _list_or_404(request, pk)
    if agri_list.is_frozen:
        messages.info(request, _("该清单已发布并冻结，不能再修改。"))
        return redirect(agri_list)
    filters = _candidate_filters(request)
    candidates = selectors.list_candidates(agri_list=agri_list, filters=filters)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    terms = agri_terms()
    return render(
        request,
        "agrilists/edit.html",
        {
            "agri_list": agri_list,
            "rows": selectors.list_rows(agri_list=agri_list),
            "page": page,
            "querystring": params.urlencode(),
            "q": filters["q"],
            "term_filters": [
                (param, title, terms[param], request.GET.get(param, ""))
                for param, title in (
                    ("agri_tech", _("技术领域（农业）")),
                    ("agri_industry", _("服务产业类型（农业）")),
                    ("agri_scenario", _("产业应用场景（农业）")),
                )
            ],
        },
    )


@login_required
@require_POST
def entries_add(request, pk: int):
    _manager(request)
    agri_list = _list_or_404(request, pk)
    form = EntriesAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["achievements"][0])
        return redirect("agrilists:edit", agri_list.pk)
    try:
        added = services.list_entries_add(
            agri_list=agri_list,
            achievement_ids=form.cleaned_data["achievements"],
            by=request.user,
        )
    except services.ListRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已加入 %(n)d 项成果。") % {"n": added})
    return redirect("agrilists:edit", agri_list.pk)


@login_required
@require_POST
def entry_remove(request, pk: int, entry_id: int):
    _manager(request)
    entry = get_object_or_404(AgriListEntry, pk=entry_id, agri_list_id=pk)
    try:
        services.list_entry_remove(entry=entry, by=request.user)
    except services.ListRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已移出清单。"))
    return redirect("agrilists:edit", pk)


@login_required
@require_POST
def publish(request, pk: int):
    _manager(request)
    agri_list = _list_or_404(request, pk)
    try:
        services.list_publish(agri_list=agri_list, by=request.user)
    except services.ListRefused as exc:
        messages.error(request, str(exc))
        if agri_list.is_frozen:
            return redirect(agri_list)
        return redirect("agrilists:edit", agri_list.pk)
    messages.success(request, _("清单已发布并冻结。"))
    return redirect(agri_list)


@login_required
@require_GET
def place_fits(request):
    places = list(selectors.places_of(user=request.user))
    if not places:
        raise Http404
    chosen = request.GET.get("place")
    place = next((p for p in places if str(p.pk) == chosen), places[0])
    if not user_can(request.user, "agrilist.place_fits", place):
        raise Http404
    return render(
        request,
        "agrilists/fits.html",
        {
            "places": places,
            "fits": selectors.place_fits(place=place, user=request.user),
        },
    )
