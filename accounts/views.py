from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions

from .workspace import panels_for


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


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
