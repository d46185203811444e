from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import IndustryField, Province

from . import selectors
from .calendars import calendar_bytes, personal_token, user_for_token
from .models import Roadshow


def _ics(request, roadshows, *, name: str, filename: str) -> HttpResponse:
    body = calendar_bytes(
        roadshows, name=name, base_url=request.build_absolute_uri("/").rstrip("/")
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def feed_all(request):
    return _ics(
        request,
        selectors.roadshows_for_feed(),
        name=_("科技成果路演"),
        filename="roadshows.ics",
    )


@require_GET
def feed_field(request, code: str):
    field = get_object_or_404(IndustryField, code=code)
    return _ics(
        request,
        selectors.roadshows_for_feed(field=code),
        name=_("%(field)s领域路演") % {"field": field.local_name},
        filename=f"field-{code}.ics",
    )


@require_GET
def feed_province(request, code: str):
    province = get_object_or_404(Province, code=code)
    return _ics(
        request,
        selectors.roadshows_for_feed(province=code),
        name=_("%(region)s区域路演") % {"region": province.local_name},
        filename=f"province-{code}.ics",
    )


@require_GET
def feed_host(request, pk: int):
    org = get_object_or_404(Organization, pk=pk)
    return _ics(
        request,
        selectors.roadshows_for_feed(host=pk),
        name=_("%(org)s主办的路演") % {"org": org.name},
        filename=f"host-{pk}.ics",
    )


@require_GET
def feed_one(request, pk: int):
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not user_can(request.user, "roadshow.view", roadshow):
        raise Http404
    return _ics(request, [roadshow], name=roadshow.title, filename=f"roadshow-{pk}.ics")


@require_GET
def feed_personal(request, token: str):
    user = user_for_token(token)
    if user is None:
        raise Http404
    response = _ics(
        request,
        selectors.roadshows_of_user(user=user),
        name=_("我的路演日程"),
        filename="my-roadshows.ics",
    )
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
@require_POST
def feed_personal_reset(request):
    from accounts.models import _new_secret

    request.user.calendar_secret = _new_secret()
    request.user.save(update_fields=["calendar_secret"])
    messages.success(request, _("已生成新的个人日历订阅地址，旧地址已失效。"))
    return redirect("accounts:workspace")


def personal_feed_url(request) -> str:
    return request.build_absolute_uri(f"/calendar/u/{personal_token(request.user)}.ics")


@require_GET
def roadshow_page(request, pk: int):
    """The roadshow's public page (its CMS page), by record id."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not user_can(request.user, "roadshow.view", roadshow):
        raise Http404
    page = getattr(roadshow, "page", None)
    if page is None or not page.live:
        raise Http404
    return redirect(page.url)
