"""The workspace's side of open licences: the team declares (and changes a
declaration still in review, or withdraws one), reviewers clear or return
them, organizers see every declaration by its state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import user_can
from achievements.models import Achievement

from . import services
from .enums import DeclarationStatus
from .forms import DeclarationForm, ReviewForm
from .models import Declaration
from .selectors import (
    declarations_awaiting_review,
    declarations_of_team,
    declarations_visible_to,
)


def may_declare(user) -> bool:
    return permissions.is_organizer(user) or bool(
        permissions.organization_ids(user, role=Role.TEAM)
    )


@login_required
@require_GET
def declaration_list(request):
    """Organizers: every declaration; reviewers: those awaiting their
    review; teams: their own — each filterable by state."""
    user = request.user
    if permissions.is_organizer(user):
        rows = Declaration.objects.select_related("achievement", "achievement__owner")
    elif permissions.is_reviewer(user):
        rows = declarations_awaiting_review(user=user)
    elif may_declare(user):
        rows = declarations_of_team(user=user)
    else:
        raise PermissionDenied
    status = request.GET.get("status", "")
    if status in DeclarationStatus.values:
        rows = rows.filter(status=status)
    if not permissions.is_reviewer(user) or permissions.is_organizer(user):
        rows = rows.order_by("-submitted_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "licences/manage_list.html",
        {
            "page": page,
            "status": status,
            "statuses": DeclarationStatus.choices,
            "may_declare": may_declare(user),
            "querystring": f"status={status}" if status else "",
        },
    )


def _form_page(request, form, *, declaration=None, error=None):
    return render(
        request,
        "licences/form.html",
        {"form": form, "declaration": declaration, "error": error},
        status=400 if error else 200,
    )


@login_required
def declaration_new(request):
    if not may_declare(request.user):
        raise PermissionDenied
    fixed = None
    wanted = request.GET.get("achievement", "")
    if wanted.isdigit():
        fixed = Achievement.objects.filter(pk=wanted).first()
        if fixed is None or not user_can(request.user, "licence.declare", fixed):
            fixed = None
    form = DeclarationForm(request.POST or None, user=request.user, fixed=fixed)
    if request.method != "POST":
        return _form_page(request, form)
    if not form.is_valid():
        return _form_page(request, form, error=_("请更正下面标出的错误。"))
    try:
        declaration = services.declaration_submit(
            achievement=form.cleaned_data["achievement"],
            terms=form.terms(),
            by=request.user,
        )
    except services.LicenceError as exc:
        return _form_page(request, form, error=str(exc))
    messages.success(request, _("开放许可声明已提交保密审查，审查通过后公开。"))
    return redirect("licences:detail", pk=declaration.pk)


def _managed_or_404(request, pk: int) -> Declaration:
    declaration = get_object_or_404(
        declarations_visible_to(user=request.user).select_related(
            "achievement", "achievement__owner"
        ),
        pk=pk,
    )
    if not user_can(request.user, "licence.manage", declaration):
        raise Http404
    return declaration


@login_required
def declaration_edit(request, pk: int):
    declaration = _managed_or_404(request, pk)
    if declaration.status not in DeclarationStatus.editable():
        messages.error(
            request,
            _("“%(status)s”的声明不能修改；如需更改条件，请撤回后重新声明。")
            % {"status": declaration.get_status_display()},
        )
        return redirect("licences:detail", pk=declaration.pk)
    initial = {
        name: getattr(declaration, name)
        for name in (
            "patent_number",
            "patent_title",
            "patent_type",
            "starts",
            "ends",
            "territory",
            "fee_mode",
            "fee_amount",
            "royalty_rate",
            "royalty_base",
            "fee_note",
            "reporting",
        )
    }
    form = DeclarationForm(
        request.POST or None,
        user=request.user,
        fixed=declaration.achievement,
        initial=initial,
    )
    if request.method != "POST":
        return _form_page(request, form, declaration=declaration)
    if not form.is_valid():
        return _form_page(
            request, form, declaration=declaration, error=_("请更正下面标出的错误。")
        )
    try:
        services.declaration_update(
            declaration_id=declaration.pk, terms=form.terms(), by=request.user
        )
    except services.LicenceError as exc:
        return _form_page(request, form, declaration=declaration, error=str(exc))
    messages.success(request, _("修改已保存，声明重新提交保密审查。"))
    return redirect("licences:detail", pk=declaration.pk)


@login_required
@require_POST
def declaration_withdraw(request, pk: int):
    declaration = _managed_or_404(request, pk)
    try:
        services.declaration_withdraw(declaration_id=declaration.pk, by=request.user)
    except services.LicenceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("声明已撤回：不再接受新的许可，已取得的许可按其项目继续。")
        )
    return redirect("licences:detail", pk=declaration.pk)


@login_required
def declaration_review(request, pk: int):
    """A reviewer clears the declaration (it is listed from now on) or
    returns it with the reason; then the next one waiting."""
    if not permissions.is_reviewer(request.user):
        raise Http404
    declaration = get_object_or_404(
        Declaration.objects.select_related(
            "achievement", "achievement__owner", "achievement__field"
        ),
        pk=pk,
    )
    error = None
    if request.method == "POST":
        form = ReviewForm(request.POST)
        try:
            if not form.is_valid():
                raise services.LicenceError(
                    " ".join(m for ms in form.errors.values() for m in ms)
                )
            services.declaration_review(
                declaration_id=declaration.pk,
                by=request.user,
                clear=form.cleaned_data["decision"] == "clear",
                note=form.cleaned_data["note"],
            )
        except services.LicenceError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("声明已公开。")
                if form.cleaned_data["decision"] == "clear"
                else _("声明已退回团队。"),
            )
            following = (
                declarations_awaiting_review(user=request.user)
                .exclude(pk=declaration.pk)
                .first()
            )
            if following is not None:
                return redirect("licences:review", pk=following.pk)
            return redirect("licences:manage")
    return render(
        request,
        "licences/review.html",
        {
            "d": declaration,
            "fee": services.fee_in_words(declaration),
            "waiting": declaration.status == DeclarationStatus.SUBMITTED,
            "own": not user_can(request.user, "licence.review", declaration),
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )
