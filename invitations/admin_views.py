"""The organizers' invitations page of a roadshow in the Wagtail admin: the
replies, the expected audience by kind, and one small view per action
(invite one organization, a saved list, recommended organizations; keep
places; remind).  wagtail_hooks registers them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import user_can
from events.models import Roadshow

from . import selectors, services
from .enums import InvitationSource, InvitationStatus
from .forms import InviteForm, InviteListForm, InviteRecommendedForm, PlacesForm


def _roadshow(request, pk: int) -> Roadshow:
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not user_can(request.user, "invitation.manage", roadshow):
        raise PermissionDenied
    return roadshow


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def _page(request, roadshow: Roadshow, *, invite_form=None, status: int = 200):
    counts = selectors.reply_counts(roadshow=roadshow)
    return render(
        request,
        "invitations/admin/roadshow.html",
        {
            "roadshow": roadshow,
            "header_title": _("邀请与答复：%(title)s") % {"title": roadshow.title},
            "invitations": selectors.invitations_of(roadshow=roadshow),
            "counts": [
                (value, label, counts[value])
                for value, label in InvitationStatus.choices
            ],
            "audience": selectors.expected_audience(roadshow=roadshow),
            "recommended": selectors.recommended_organizations(roadshow=roadshow),
            "saved_lists": selectors.saved_lists(),
            "pair": selectors.pair_invitees(roadshow=roadshow),
            "problem": services.roadshow_invitation_problem(roadshow=roadshow),
            "invite_form": invite_form or InviteForm(),
            "list_form": InviteListForm(),
            "places_form": PlacesForm(initial={"places": roadshow.invitation_places}),
        },
        status=status,
    )


@require_GET
def roadshow_invitations_view(request, pk: int):
    return _page(request, _roadshow(request, pk))


@require_POST
def invite_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = InviteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _page(request, roadshow, invite_form=form, status=400)
    data = form.cleaned_data
    organization = data["organization"]
    try:
        people = services.parse_people(data["people"])
        email = data["email"] or (people[0][1] if people else "")
        email = email or organization.contact_email
        if not email:
            raise services.InvitationError(
                _("请填写联系人邮箱：“%(org)s”没有登记联系邮箱。")
                % {"org": organization.name}
            )
        name = data["name"] or (
            people[0][0] if people and email == people[0][1] else ""
        )
        services.invitations_send(
            roadshow=roadshow,
            by=request.user,
            invitees=[
                services.Invitee(
                    organization=organization,
                    name=name,
                    email=email,
                    people=tuple(people),
                )
            ],
            message=data["message"],
        )
    except services.InvitationError as exc:
        messages.error(request, str(exc))
        return _page(request, roadshow, invite_form=form, status=400)
    messages.success(request, _("已向“%(org)s”发出邀请。") % {"org": organization.name})
    return redirect("invitations_roadshow", pk=roadshow.pk)


def _send_many(
    request, roadshow, organizations, *, source, saved_list=None, message=""
):
    found = selectors.candidates_of(roadshow=roadshow, organizations=organizations)
    skipped = []
    if found.already_invited:
        skipped.append(
            _("已受邀，未重复邀请：%(orgs)s")
            % {"orgs": "、".join(o.name for o in found.already_invited)}
        )
    if found.without_email:
        skipped.append(
            _("没有联系邮箱，请逐个邀请：%(orgs)s")
            % {"orgs": "、".join(o.name for o in found.without_email)}
        )
    try:
        services.invitations_send(
            roadshow=roadshow,
            by=request.user,
            invitees=[
                services.Invitee(organization=o, name="", email=o.contact_email)
                for o in found.to_invite
            ],
            source=source,
            saved_list=saved_list,
            message=message,
        )
    except services.InvitationError as exc:
        messages.error(request, " ".join([str(exc), *skipped]))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    messages.success(
        request,
        _("已向 %(n)d 家机构发出邀请。") % {"n": len(found.to_invite)},
    )
    for line in skipped:
        messages.warning(request, line)
    return redirect("invitations_roadshow", pk=roadshow.pk)


@require_POST
def invite_list_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = InviteListForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    saved_list = form.cleaned_data["saved_list"]
    return _send_many(
        request,
        roadshow,
        saved_list.organizations.order_by("kind", "name"),
        source=InvitationSource.LIST,
        saved_list=saved_list,
        message=form.cleaned_data["message"],
    )


@require_POST
def invite_recommended_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = InviteRecommendedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    return _send_many(
        request,
        roadshow,
        form.cleaned_data["organizations"],
        source=InvitationSource.RECOMMENDED,
    )


@require_POST
def invite_pair_view(request, pk: int):
    """One click: invite the institutions of the provinces paired (结对) with
    the region roadshow's province or zone; those already invited are left
    as they are."""
    roadshow = _roadshow(request, pk)
    found = selectors.pair_invitees(roadshow=roadshow)
    if not found.sides:
        messages.error(request, _("本场路演的省份或园区没有结对。"))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    if not found.organizations:
        messages.error(request, _("结对省份还没有可邀请的机构。"))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    return _send_many(
        request, roadshow, found.organizations, source=InvitationSource.PAIR
    )


@require_POST
def places_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    form = PlacesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("invitations_roadshow", pk=roadshow.pk)
    try:
        services.invitation_places_set(
            roadshow=roadshow, places=form.cleaned_data["places"], by=request.user
        )
    except services.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("预留邀请名额已保存。"))
    return redirect("invitations_roadshow", pk=roadshow.pk)


@require_POST
def remind_view(request, pk: int):
    roadshow = _roadshow(request, pk)
    try:
        n = services.invitations_remind(roadshow=roadshow, by=request.user)
    except services.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        if n:
            messages.success(request, _("已提醒 %(n)d 位尚未答复的联系人。") % {"n": n})
        else:
            messages.info(
                request, _("没有需要提醒的联系人（今天已提醒过的不再重复）。")
            )
    return redirect("invitations_roadshow", pk=roadshow.pk)
