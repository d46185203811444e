"""The organizers' admin pages for accounts: the approval queue (investor
organizations, and investor colleagues added by members) and the roles page
(organizer and reviewer roles are granted here, every change recorded)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, selectors, services
from .enums import InvestorStatus, Role
from .forms import (
    AutoApproveForm,
    DecisionForm,
    DelegationGrantForm,
    MemberDecisionForm,
    RoleGrantForm,
    RoleRevokeForm,
)
from .models import Membership, Organization, RoleChange
from .view_helpers import (
    delegation_grant_from,
    delegation_revoke_posted,
    first_error,
    revoke_posted,
)


def _organizers_only(request) -> None:
    if not permissions.user_can(request.user, "role.grant"):
        raise PermissionDenied


def approval_queue(request):
    if not permissions.user_can(request.user, "organization.manage"):
        raise PermissionDenied
    if request.method == "POST":
        organization = get_object_or_404(
            Organization, pk=request.POST.get("organization")
        )
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                services.investor_decide(
                    organization=organization,
                    approve=form.cleaned_data["decision"] == "approve",
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(request, _("已记录审核结果，并通知申请机构。"))
            except services.AccountError as exc:
                messages.error(request, str(exc))
        return redirect("accounts_approvals")
    pending = (
        Organization.objects.filter(investor_status=InvestorStatus.PENDING)
        .prefetch_related("memberships__user")
        .order_by("created_at")
    )
    decided = (
        Organization.objects.filter(investor_decided_at__isnull=False)
        .select_related("investor_decided_by")
        .order_by("-investor_decided_at")[:30]
    )
    pending_members = (
        Membership.objects.filter(approved=False)
        .select_related("user", "organization", "added_by")
        .order_by("created_at")
    )
    return render(
        request,
        "accounts/admin/approvals.html",
        {
            "pending": pending,
            "decided": decided,
            "pending_members": pending_members,
            "auto_approved": Organization.objects.filter(colleagues_auto_approved=True),
            "header_title": _("投资方注册审核"),
        },
    )


@require_POST
def member_decision(request):
    """Approve or refuse an investor colleague a member added."""
    _organizers_only(request)
    form = MemberDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("accounts_approvals")
    membership = form.cleaned_data["membership"]
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.member_decide(membership=membership, approve=approve, by=request.user)
    except services.AccountError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            (_("已批准 %(user)s。") if approve else _("已拒绝 %(user)s。"))
            % {"user": membership.user},
        )
    return redirect("accounts_approvals")


@require_POST
def colleagues_auto_approved(request):
    """Switch an organization's rule: its investor colleagues approved at once."""
    _organizers_only(request)
    form = AutoApproveForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return redirect("accounts_approvals")
    organization = services.organization_colleagues_auto_approved(
        organization=form.cleaned_data["organization"],
        enabled=form.cleaned_data["enabled"],
        by=request.user,
    )
    messages.success(
        request,
        (
            _("%(org)s 成员添加的同事今后自动获批。")
            if organization.colleagues_auto_approved
            else _("%(org)s 成员添加的同事今后须经组织方批准。")
        )
        % {"org": organization.name},
    )
    return redirect("accounts_approvals")


def _roles_page(request, form, status=200):
    return render(
        request,
        "accounts/admin/roles.html",
        {
            "form": form,
            "memberships": Membership.objects.filter(
                role__in=[Role.ORGANIZER, Role.REVIEWER]
            )
            .select_related("user", "organization")
            .order_by("role", "organization__name", "user__username"),
            "changes": RoleChange.objects.select_related("user", "organization", "by")[
                :100
            ],
            "header_title": _("角色授予"),
        },
        status=status,
    )


def roles(request):
    _organizers_only(request)
    return _roles_page(request, RoleGrantForm())


@require_POST
def role_grant(request):
    _organizers_only(request)
    form = RoleGrantForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.role_grant(
                user=data["user"],
                organization=data["organization"],
                role=data["role"],
                by=request.user,
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已授予 %(user)s “%(role)s”角色。")
                % {"user": data["user"], "role": Role(data["role"]).label},
            )
            return redirect("accounts_roles")
    return _roles_page(request, form, status=400)


@require_POST
def role_revoke(request):
    _organizers_only(request)
    return revoke_posted(
        request,
        RoleRevokeForm(request.POST),
        key="membership",
        revoke=lambda membership: services.role_revoke(
            membership=membership, by=request.user
        ),
        success=lambda membership: (
            _("已撤销 %(user)s 的“%(role)s”角色。")
            % {"user": membership.user, "role": membership.get_role_display()}
        ),
        to="accounts_roles",
    )


def _delegations_page(request, form, status=200):
    return render(
        request,
        "accounts/admin/delegations.html",
        {
            "form": form,
            "delegations": selectors.delegations_granted(
                institutions=selectors.delegating_institutions(user=request.user)
            )[:200],
            "today": timezone.localdate(),
            "header_title": _("技术经理人委托"),
        },
        status=status,
    )


def delegations(request):
    """Organizers delegate technology managers for any university or
    institute, and revoke them."""
    _organizers_only(request)
    return _delegations_page(
        request,
        DelegationGrantForm(
            institutions=selectors.delegating_institutions(user=request.user)
        ),
    )


@require_POST
def delegation_grant(request):
    _organizers_only(request)
    form = DelegationGrantForm(
        request.POST, institutions=selectors.delegating_institutions(user=request.user)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            delegation_grant_from(form, by=request.user)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已委托 %(manager)s 代理%(institution)s。")
                % {
                    "manager": data["manager_user"],
                    "institution": data["institution"],
                },
            )
            return redirect("accounts_delegations")
    return _delegations_page(request, form, status=400)


@require_POST
def delegation_revoke(request):
    _organizers_only(request)
    return delegation_revoke_posted(request, to="accounts_delegations")
