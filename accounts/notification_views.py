"""The notifications' pages: one's own list (mark one or all read, open
one) and the email settings. Only ever one's own: someone else's
notification is the same 404 as one that does not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import notifications
from .forms import NotificationSettingsForm
from .models import Notification

PER_PAGE = 20


@login_required
@require_GET
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows = notifications.notifications_of(user=request.user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/notifications.html",
        {
            "page": page,
            "shown": notifications.shown_to(
                user=request.user, notifications=page.object_list
            ),
            "unread_only": unread_only,
            "unread": notifications.unread_count(user=request.user),
            "querystring": "unread=1" if unread_only else "",
        },
    )


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark the notification read and go where it points — if its subject
    is still visible to the reader, else back to the list."""
    try:
        notification = notifications.notification_read(
            notification_id=pk, by=request.user
        )
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    (shown,) = notifications.shown_to(user=request.user, notifications=[notification])
    if shown.link and url_has_allowed_host_and_scheme(shown.link, allowed_hosts=None):
        return redirect(shown.link)
    return redirect("accounts:notifications")


def _back(request):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notification_mark_read(request, pk: int):
    try:
        notifications.notification_read(notification_id=pk, by=request.user)
    except Notification.DoesNotExist as exc:
        raise Http404 from exc
    return _back(request)


@login_required
@require_POST
def notifications_mark_all_read(request):
    count = notifications.notifications_read_all(by=request.user)
    messages.success(request, _("已将 %(n)d 条通知标为已读。") % {"n": count})
    return _back(request)


@login_required
def notification_settings(request):
    kinds = notifications.kinds_for(request.user)
    current = notifications.email_settings_of(user=request.user)
    form = NotificationSettingsForm(request.POST or None, kinds=kinds, initial=current)
    if request.method == "POST" and form.is_valid():
        notifications.notification_settings_set(
            user=request.user, emails=form.emails(), by=request.user
        )
        messages.success(request, _("通知设置已保存。"))
        return redirect("accounts:notification_settings")
    return render(
        request,
        "accounts/notification_settings.html",
        {"form": form, "kinds": kinds},
        status=400 if form.errors else 200,
    )
