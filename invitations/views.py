"""The invitee's pages, reached by the personal link only: the invitation
(with the programme as this visitor may see it) and one view per answer."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from events.registrations import attendance_options, registration_window
from events.selectors import programme_shown_to

from . import services
from .enums import InvitationStatus
from .forms import AcceptForm, DeclineForm, DelegateForm
from .models import Invitation
from .tokens import invitation_for_token


def _invitation(token: str) -> Invitation:
    invitation = invitation_for_token(token)
    if invitation is None:
        raise Http404
    return invitation


def _page(
    request, invitation: Invitation, *, error: str = "", status: int = 200, **forms
):
    roadshow = invitation.roadshow
    problem = services.invitation_problem(invitation=invitation, user=request.user)
    timeline, _published = programme_shown_to(roadshow=roadshow, user=request.user)
    options = attendance_options(roadshow)
    return render(
        request,
        "invitations/invitation.html",
        {
            "invitation": invitation,
            "roadshow": roadshow,
            "timeline": timeline,
            "people": list(invitation.people.select_related("registration")),
            "closes": registration_window(roadshow=roadshow).closes,
            "problem": error or problem,
            "answerable": problem is None,
            "someone_else": services.is_someone_else(
                invitation=invitation, user=request.user
            ),
            "accept_form": forms.get("accept_form") or AcceptForm(options=options),
            "decline_form": forms.get("decline_form") or DeclineForm(),
            "delegate_form": forms.get("delegate_form") or DelegateForm(),
        },
        status=status,
    )


@require_GET
def invitation_view(request, token: str):
    return _page(request, _invitation(token))


def _refused(request, invitation, exc, **forms):
    """Used already: 409; someone else's invitation: 403; else the answer
    itself was refused (a delegation loop, a person who cannot register)."""
    if invitation.status != InvitationStatus.PENDING:
        status = 409
    elif services.is_someone_else(invitation=invitation, user=request.user):
        status = 403
    else:
        status = 400
    return _page(request, invitation, error=str(exc), status=status, **forms)


@require_POST
def accept_view(request, token: str):
    invitation = _invitation(token)
    form = AcceptForm(request.POST, options=attendance_options(invitation.roadshow))
    if not form.is_valid():
        return _page(request, invitation, status=400, accept_form=form)
    try:
        registrations = services.invitation_accept(
            invitation=invitation,
            by=request.user,
            attendance=form.cleaned_data["attendance"],
        )
    except services.InvitationError as exc:
        invitation.refresh_from_db()
        return _refused(request, invitation, exc, accept_form=form)
    messages.success(
        request,
        _("已接受邀请，%(n)d 人已报名；门票已分别发到各自的邮箱。")
        % {"n": len(registrations)},
    )
    return redirect("invitations:detail", token=token)


@require_POST
def decline_view(request, token: str):
    invitation = _invitation(token)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, invitation, status=400, decline_form=form)
    try:
        services.invitation_decline(
            invitation=invitation, by=request.user, reason=form.cleaned_data["reason"]
        )
    except services.InvitationError as exc:
        invitation.refresh_from_db()
        return _refused(request, invitation, exc, decline_form=form)
    messages.success(request, _("已谢绝邀请，感谢您的答复。"))
    return redirect("invitations:detail", token=token)


@require_POST
def delegate_view(request, token: str):
    invitation = _invitation(token)
    form = DelegateForm(request.POST)
    if not form.is_valid():
        return _page(request, invitation, status=400, delegate_form=form)
    try:
        successor = services.invitation_delegate(
            invitation=invitation,
            by=request.user,
            name=form.cleaned_data["name"],
            email=form.cleaned_data["email"],
        )
    except services.InvitationError as exc:
        invitation.refresh_from_db()
        return _refused(request, invitation, exc, delegate_form=form)
    messages.success(
        request,
        _("已把邀请转交给 %(name)s，对方会收到新的邀请链接。")
        % {"name": successor.name},
    )
    return redirect("invitations:detail", token=token)
