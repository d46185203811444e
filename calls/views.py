"""The calls' pages outside the admin: open calls for anyone, a team's
application in its workspace, a named reviewer's scoring."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from accounts.enums import Role
from accounts.permissions import user_can
from uploads import UploadRefused, pdf_without_metadata, protected_file_response

from . import selectors, services
from .enums import ApplicationStatus
from .forms import ApplicationUpdateForm, ApplyForm, ReviewForm
from .models import Application, Call


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@require_GET
def call_list(request):
    """Open calls, for teams to discover (the calls' own words only)."""
    return render(
        request,
        "calls/call_list.html",
        {
            "calls": selectors.calls_open(),
            "is_team": bool(permissions.organization_ids(request.user, role=Role.TEAM)),
        },
    )


def _call_shown(request, pk: int) -> Call:
    call = get_object_or_404(Call.objects.select_related("roadshow"), pk=pk)
    if selectors.call_is_listed(call=call) or user_can(request.user, "call.manage"):
        return call
    if user_can(request.user, "call.review", call):
        return call
    if selectors.applications_of_user(user=request.user).filter(call=call).exists():
        return call
    raise Http404


@require_GET
def call_detail(request, pk: int):
    call = _call_shown(request, pk)
    mine = selectors.applications_of_user(user=request.user).filter(call=call)
    return render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "mine": mine,
            "open": selectors.call_is_listed(call=call),
            "is_team": bool(permissions.organization_ids(request.user, role=Role.TEAM)),
            "is_reviewer": user_can(request.user, "call.review", call),
        },
    )


@login_required
def apply(request, pk: int):
    call = get_object_or_404(selectors.calls_open(), pk=pk)
    if not permissions.organization_ids(request.user, role=Role.TEAM):
        raise PermissionDenied
    form = ApplyForm(request.POST or None, request.FILES or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                application = services.application_submit(
                    call=call,
                    achievement=data["achievement"],
                    summary=data["summary"],
                    deck=data["deck"],
                    submit_for_review=data["submit_for_review"],
                    by=request.user,
                )
            except (services.CallError, UploadRefused) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("申请已提交。截止前可以修改或撤回。"))
                return redirect("calls:application", pk=application.pk)
        status = 400
    return render(
        request,
        "calls/apply.html",
        {"call": call, "form": form, "deck_mb": services.DECK_MAX_BYTES >> 20},
        status=status,
    )


def _own(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related("call__roadshow", "achievement"), pk=pk
    )
    if not user_can(request.user, "application.edit", application):
        raise Http404
    return application


@login_required
@require_GET
def application_detail(request, pk: int):
    application = _own(request, pk)
    editable = application.status == ApplicationStatus.SUBMITTED
    return render(
        request,
        "calls/application.html",
        {
            "application": application,
            "call": application.call,
            "form": ApplicationUpdateForm(initial={"summary": application.summary}),
            "editable": editable,
            "readiness": services.achievement_readiness(
                call=application.call, achievement=application.achievement
            ),
            "deck_mb": services.DECK_MAX_BYTES >> 20,
        },
    )


@login_required
@require_POST
def application_update(request, pk: int):
    application = _own(request, pk)
    form = ApplicationUpdateForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("calls:application", pk=pk)
    try:
        services.application_update(
            application=application,
            summary=form.cleaned_data["summary"],
            deck=form.cleaned_data["deck"],
            by=request.user,
        )
    except (services.CallError, UploadRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("申请已更新。"))
    return redirect("calls:application", pk=pk)


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = _own(request, pk)
    try:
        services.application_withdraw(application=application, by=request.user)
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("申请已撤回。"))
    return redirect("calls:application", pk=pk)


@login_required
@require_GET
def application_deck(request, pk: int):
    """The deck, for those who may see the application.  A reviewer of an
    anonymised call gets it under a neutral name: a file name often names
    the institution."""
    application = get_object_or_404(
        Application.objects.select_related("call", "achievement"), pk=pk
    )
    if not user_can(request.user, "application.view", application):
        raise Http404
    neutral = (
        application.call.anonymised
        and not user_can(request.user, "application.edit", application)
        and not user_can(request.user, "call.manage")
    )
    if not neutral:
        return protected_file_response(
            application.deck,
            content_type="application/pdf",
            filename=application.deck_name,
        )
    # The file's own name and its metadata (author, title) often name the
    # institution: the reviewer gets neither.
    with application.deck.open("rb") as stored:
        data = pdf_without_metadata(stored.read())
    return protected_file_response(
        ContentFile(data),
        content_type="application/pdf",
        filename=_("申请-%(n)d.pdf") % {"n": application.pk},
    )


@login_required
@require_GET
def review_list(request, pk: int):
    """A named reviewer's applications to score (never their institution's)."""
    call = get_object_or_404(Call.objects.select_related("roadshow"), pk=pk)
    if not user_can(request.user, "call.review", call):
        raise Http404
    rows = list(selectors.reviewable(call=call, user=request.user))
    sheets = {
        r.application_id: r
        for r in request.user.call_scores.filter(application__in=rows)
    }
    hidden = call.applications.filter(
        status__in=ApplicationStatus.active_states
    ).count() - len(rows)
    return render(
        request,
        "calls/review_list.html",
        {
            "call": call,
            "rows": [(a, sheets.get(a.pk)) for a in rows],
            "hidden": hidden,
        },
    )


def _scorable(request, pk: int) -> Application:
    application = get_object_or_404(
        Application.objects.select_related(
            "call__roadshow", "achievement__field", "organization"
        ),
        pk=pk,
    )
    if not user_can(request.user, "application.score", application):
        raise Http404
    return application


@login_required
def review_score(request, pk: int):
    application = _scorable(request, pk)
    call = application.call
    criteria = list(call.criteria.all())
    sheet = request.user.call_scores.filter(application=application).first()
    initial = {}
    if sheet is not None:
        initial = {f"score_{s.criterion_id}": str(s.value) for s in sheet.scores.all()}
        initial["comment"] = sheet.comment
    form = ReviewForm(request.POST or None, criteria=criteria, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.review_save(
                    application=application,
                    marks=form.marks(),
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except services.CallError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("评分已保存。"))
                return redirect("calls:review_list", pk=call.pk)
        status = 400
    return render(
        request,
        "calls/review_score.html",
        {
            "application": application,
            "call": call,
            "achievement": application.achievement,
            "form": form,
            "anonymised": call.anonymised,
            "decided": call.decided_at is not None,
        },
        status=status,
    )
