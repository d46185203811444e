"""The organizers' call pages in the Wagtail admin, next to the roadshow's:
a roadshow's calls with the form to open one, and a call's page (reviewers,
the ranking, the decision, the waitlist, the log) with one small view per
action.  wagtail_hooks registers them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import user_can
from events.models import Roadshow
from jobs.exports import export_response

from . import selectors, services
from .enums import ApplicationStatus
from .export_jobs import CALL_EXPORT
from .forms import CallOpenForm, ReviewerForm
from .models import Application, Call


def _organizer(request) -> None:
    if not user_can(request.user, "call.manage"):
        raise PermissionDenied


def _call(request, pk: int) -> Call:
    _organizer(request)
    return get_object_or_404(Call.objects.select_related("roadshow"), pk=pk)


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@require_GET
def index_view(request):
    _organizer(request)
    calls = Call.objects.select_related("roadshow").order_by("-deadline", "-id")
    return render(
        request,
        "calls/admin/index.html",
        {"calls": calls[:200], "header_title": _("路演征集")},
    )


def _roadshow_page(request, roadshow: Roadshow, form: CallOpenForm, status: int):
    return render(
        request,
        "calls/admin/roadshow_calls.html",
        {
            "roadshow": roadshow,
            "calls": roadshow.calls.order_by("-id"),
            "form": form,
            "header_title": _("路演征集 · %(title)s") % {"title": roadshow.title},
        },
        status=status,
    )


@require_GET
def roadshow_calls_view(request, pk: int):
    """A roadshow's calls, and the form to open one."""
    _organizer(request)
    roadshow = get_object_or_404(Roadshow, pk=pk)
    form = CallOpenForm(
        initial={
            "title": _("%(title)s · 路演征集") % {"title": roadshow.title},
            "field": roadshow.field_id,
            "province": roadshow.province_id,
        }
    )
    return _roadshow_page(request, roadshow, form, 200)


@require_POST
def call_open_view(request, pk: int):
    _organizer(request)
    roadshow = get_object_or_404(Roadshow, pk=pk)
    form = CallOpenForm(request.POST)
    if not form.is_valid():
        return _roadshow_page(request, roadshow, form, 400)
    data = form.cleaned_data
    try:
        call = services.call_open(
            roadshow=roadshow,
            title=data["title"],
            description=data["description"],
            field=data["field"],
            province=data["province"],
            deadline=data["deadline"],
            slots=data["slots"],
            pitch_minutes=data["pitch_minutes"],
            criteria=data["criteria"],
            anonymised=data["anonymised"],
            reviewers=data["reviewers"],
            by=request.user,
        )
    except services.CallError as exc:
        form.add_error(None, str(exc))
        return _roadshow_page(request, roadshow, form, 400)
    messages.success(request, _("征集已开启。"))
    return redirect("calls_manage", pk=call.pk)


@require_GET
def manage_view(request, pk: int):
    """The call: reviewers, the ranked applications with their marks and
    comments, the decision, the waitlist, the log."""
    call = _call(request, pk)
    ranking = selectors.call_ranking(call=call)
    pending = [
        r for r in ranking if r.application.status == ApplicationStatus.SUBMITTED
    ]
    return render(
        request,
        "calls/admin/manage.html",
        {
            "call": call,
            "roadshow": call.roadshow,
            "criteria": list(call.criteria.all()),
            "reviewers": call.reviewers.order_by("name", "username"),
            "reviewer_form": ReviewerForm(),
            "ranking": ranking,
            "pending": pending,
            "top": {r.application.pk for r in pending[: call.slots]},
            "counts": selectors.call_counts(call=call),
            "accepted": sum(
                1 for r in ranking if r.application.status == ApplicationStatus.ACCEPTED
            ),
            "deadline_passed": call.deadline < timezone.now(),
            "events": call.events.select_related("actor", "application__achievement"),
            "header_title": call.title,
        },
    )


@require_POST
def reviewer_add_view(request, pk: int):
    call = _call(request, pk)
    form = ReviewerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("calls_manage", pk=pk)
    try:
        services.reviewer_add(
            call=call, user=form.cleaned_data["login"], by=request.user
        )
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("评审人已添加。"))
    return redirect("calls_manage", pk=pk)


@require_POST
def reviewer_remove_view(request, pk: int, user_pk: int):
    call = _call(request, pk)
    reviewer = get_object_or_404(call.reviewers, pk=user_pk)
    try:
        services.reviewer_remove(call=call, user=reviewer, by=request.user)
    except services.CallError as exc:
        messages.error(request, str(exc))
    return redirect("calls_manage", pk=pk)


@require_POST
def decide_view(request, pk: int):
    """Accept the ticked applications; keep the next N as a waitlist;
    decline the rest with the reasons given."""
    call = _call(request, pk)
    ids = [int(v) for v in request.POST.getlist("accept") if v.isdigit()]
    accepted = list(call.applications.filter(pk__in=ids))
    if len(accepted) != len(set(ids)):
        messages.error(request, _("所选的申请不属于本次征集。"))
        return redirect("calls_manage", pk=pk)
    waitlist = request.POST.get("waitlist", "0").strip() or "0"
    if not waitlist.isdigit():
        messages.error(request, _("候补数量必须是 0 或正整数。"))
        return redirect("calls_manage", pk=pk)
    reasons = {
        a.pk: request.POST.get(f"reason_{a.pk}", "")[:1000]
        for a in call.applications.all()
    }
    try:
        decided = services.call_decide(
            call=call,
            accepted=accepted,
            waitlist=int(waitlist),
            reasons=reasons,
            by=request.user,
        )
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已评定：%(n)d 项入选，已通知 %(all)d 个团队。")
            % {"n": len(accepted), "all": len(decided)},
        )
    return redirect("calls_manage", pk=pk)


@require_POST
def accept_view(request, pk: int, app_pk: int):
    call = _call(request, pk)
    application = get_object_or_404(Application, pk=app_pk, call=call)
    try:
        services.application_accept(application=application, by=request.user)
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已从候补名单递补入选。"))
    return redirect("calls_manage", pk=pk)


@require_POST
def close_view(request, pk: int):
    call = _call(request, pk)
    try:
        services.call_close(
            call=call, reason=request.POST.get("reason", "")[:1000], by=request.user
        )
    except services.CallError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("征集已结束。"))
    return redirect("calls_manage", pk=pk)


@require_GET
def export_view(request, pk: int):
    call = _call(request, pk)
    return export_response(request, kind=CALL_EXPORT, params={"call": call.pk})
