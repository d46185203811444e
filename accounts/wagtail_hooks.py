"""The organizers' approval queue for investors and the demand side."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks

from . import permissions, services
from .admin_menu import OrganizerMenuItem
from .enums import InvestorStatus
from .forms import DecisionForm
from .models import Organization


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
    return render(
        request,
        "accounts/admin/approvals.html",
        {
            "pending": pending,
            "decided": decided,
            "header_title": _("投资方注册审核"),
        },
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [path("approvals/", approval_queue, name="accounts_approvals")]


@hooks.register("register_admin_menu_item")
def approvals_menu_item():
    return OrganizerMenuItem(
        gettext_lazy("注册审核"),
        reverse("accounts_approvals"),
        icon_name="user",
        order=215,
    )


@hooks.register("after_edit_user")
def record_who_deactivated(request, user):
    """The deactivation itself is recorded by User.save; here, by whom."""
    if not user.is_active and user.deactivated_by_id is None:
        user.deactivated_by = request.user
        user.save(update_fields=["deactivated_by"])
