from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts import permissions
from achievements import selectors as achievement_selectors


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
            "my_achievements": achievement_selectors.achievements_of_user(
                user=user
            ).order_by("-updated_at")[:100],
            "review_queue": achievement_selectors.review_queue(user=user)[:100],
            "my_demands": achievement_selectors.demands_visible_to(user=user)
            .filter(organization_id__in=permissions.organization_ids(user))
            .select_related("organization")[:50],
            "is_organizer": permissions.is_organizer(user),
            "is_reviewer": permissions.is_reviewer(user),
            "is_approved_investor": permissions.is_approved_investor(user),
        },
    )
