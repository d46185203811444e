from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import permissions

from . import services
from .forms import LoginForm, MemberForm, SignUpForm
from .models import Membership
from .workspace import panels_for


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
