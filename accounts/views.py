from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions

from . import selectors, services
from .enums import Role
from .forms import (
    DelegationGrantForm,
    LoginForm,
    MemberForm,
    SignUpForm,
)
from .models import Membership
from .view_helpers import delegation_grant_from, delegation_revoke_posted
from .workspace import panel, panels_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.delayed:
            response.status_code = 429
        return response


@login_required
@require_GET
def workspace(request):
    user = request.user
    return render(
        request,
        "accounts/workspace.html",
        {
            "memberships": user.memberships.select_related("organization"),
            "is_organizer": permissions.is_organizer(user),
            "panels": panels_for(request),
        },
    )


def sign_up(request):
    """Investors and the demand side apply: account, organization, credit code."""
    if request.user.is_authenticated:
        return redirect("accounts:workspace")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.investor_sign_up(
                username=data["username"],
                name=data["name"],
                email=data["email"],
                password=data["password1"],
                organization_name=data["organization_name"],
                kind=data["kind"],
                credit_code=data["credit_code"],
                phone=data["phone"],
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            return render(
                request, "accounts/signup_done.html", {"email": data["email"]}
            )
    return render(
        request,
        "accounts/signup.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
def confirm(request, token: str):
    try:
        user = services.confirm_email(token=token)
    except services.AccountError as exc:
        return render(
            request, "accounts/confirm_failed.html", {"error": str(exc)}, status=400
        )
    messages.success(
        request,
        _("邮箱已确认。贵机构的注册申请正在等待组织方审核；请先填写投资偏好。"),
    )
    login(request, user, backend="accounts.backends.RoleBackend")
    return redirect("/workspace/profile/")


@login_required
def members(request):
    """An organization's members, and adding a colleague."""
    memberships = request.user.memberships.select_related("organization")
    organizations = {m.organization for m in memberships}
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        org = next(
            (o for o in organizations if str(o.pk) == request.POST.get("organization")),
            None,
        )
        if org is None:
            form.add_error(None, _("请选择机构。"))
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.member_add(
                    organization=org,
                    by=request.user,
                    username=data["username"],
                    name=data["name"],
                    email=data["email"],
                    password=data["password1"],
                )
            except services.AccountError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request, _("已添加同事 %(name)s。") % {"name": data["name"]}
                )
                return redirect("accounts:members")
    return render(
        request,
        "accounts/members.html",
        {
            "form": form,
            "organizations": sorted(organizations, key=lambda o: o.name),
            "colleagues": Membership.objects.filter(organization__in=organizations)
            .select_related("user", "organization")
            .order_by("organization__name"),
        },
        status=400 if form.errors else 200,
    )


def _delegations_page(request, form=None, status=200):
    user = request.user
    institutions = selectors.delegating_institutions(user=user)
    mine = institutions.filter(
        pk__in=permissions.own_organization_ids(user, role=Role.TEAM)
    )
    return render(
        request,
        "accounts/delegations.html",
        {
            "form": form or DelegationGrantForm(institutions=mine, prefix="grant"),
            "can_grant": mine.exists(),
            "granted": selectors.delegations_granted(institutions=mine),
            "held": selectors.delegations_held(user=user),
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_GET
def delegations(request):
    """Technology managers: those the user's institutions delegated, and the
    institutions the user acts for (代理机构)."""
    return _delegations_page(request)


@login_required
@require_POST
def delegation_grant(request):
    user = request.user
    mine = selectors.delegating_institutions(user=user).filter(
        pk__in=permissions.own_organization_ids(user, role=Role.TEAM)
    )
    form = DelegationGrantForm(request.POST, institutions=mine, prefix="grant")
    if form.is_valid():
        try:
            delegation = delegation_grant_from(form, by=user)
        except services.AccountError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已委托 %(manager)s（%(office)s）代理%(institution)s。")
                % {
                    "manager": delegation.manager,
                    "office": delegation.office,
                    "institution": delegation.institution,
                },
            )
            return redirect("accounts:delegations")
    return _delegations_page(request, form, status=400)


@login_required
@require_POST
def delegation_revoke(request):
    return delegation_revoke_posted(request, to="accounts:delegations")


@panel(order=8)
def delegations_panel(request):
    """The institutions a manager acts for (代理机构), and for a university's
    or an institute's team, its technology managers."""
    user = request.user
    held = [
        d
        for d in selectors.delegations_held(user=user)
        if d.is_active(on=timezone.localdate())
    ]
    mine = selectors.delegating_institutions(user=user).filter(
        pk__in=permissions.own_organization_ids(user, role=Role.TEAM)
    )
    if not held and not mine.exists():
        return None
    granted = [
        d
        for d in selectors.delegations_granted(institutions=mine)
        if d.is_active(on=timezone.localdate())
    ]
    return "accounts/includes/panel_delegations.html", {
        "held": held,
        "granted": granted,
        "can_grant": mine.exists(),
    }
