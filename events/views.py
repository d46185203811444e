from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Organization
from accounts.permissions import user_can
from achievements.models import IndustryField, Province
from uploads import protected_file_response

from . import selectors
from .calendars import calendar_bytes, user_for_token
from .forms import MaterialReviewForm, MaterialUploadForm, VideoLinksForm
from .materials import (
    COVER_MAX_BYTES,
    DECK_MAX_BYTES,
    ReviewRefused,
    UploadRefused,
    current_materials,
    material_links_review,
    material_links_set,
    material_review,
    material_upload,
)
from .models import MaterialKind, PitchMaterial, Roadshow, Slot


def _ics(request, roadshows, *, name: str, filename: str, user=None) -> HttpResponse:
    body = calendar_bytes(
        roadshows,
        name=name,
        base_url=request.build_absolute_uri("/").rstrip("/"),
        user=user,
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
def feed_zone(request, pk: int):
    zone = get_object_or_404(Organization, pk=pk)
    return _ics(
        request,
        selectors.roadshows_for_feed(zone=pk),
        name=_("%(region)s区域路演") % {"region": zone.name},
        filename=f"zone-{pk}.ics",
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
        user=user,
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


def _team_slot(request, pk: int) -> Slot:
    slot = get_object_or_404(
        Slot.objects.select_related("roadshow", "achievement", "team"),
        pk=pk,
        kind="pitch",
    )
    if not user_can(request.user, "slot.materials", slot):
        raise PermissionDenied
    return slot


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_GET
def slot_materials(request, pk: int):
    """A team's page for its pitch: deck, cover image, video links."""
    slot = _team_slot(request, pk)
    history = slot.materials.select_related("uploaded_by")
    return render(
        request,
        "events/slot_materials.html",
        {
            "slot": slot,
            "roadshow": slot.roadshow,
            "current": current_materials(slot=slot),
            "history": history,
            "kinds": MaterialKind.choices,
            "deck_mb": DECK_MAX_BYTES // (1024 * 1024),
            "cover_mb": COVER_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_POST
def slot_material_upload(request, pk: int):
    slot = _team_slot(request, pk)
    form = MaterialUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("events:slot_materials", pk=pk)
    try:
        material_upload(
            slot=slot,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            by=request.user,
        )
    except UploadRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已上传。"))
    return redirect("events:slot_materials", pk=pk)


@login_required
@require_POST
def slot_links(request, pk: int):
    slot = _team_slot(request, pk)
    form = VideoLinksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("events:slot_materials", pk=pk)
    try:
        material_links_set(
            slot=slot,
            links=form.cleaned_data["video_links"],
            private=form.cleaned_data["materials_private"],
            by=request.user,
        )
    except UploadRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("视频链接和公开设置已保存。"))
    return redirect("events:slot_materials", pk=pk)


@require_GET
def material_download(request, pk: int, thumbnail: bool = False):
    material = get_object_or_404(
        PitchMaterial.objects.select_related("slot__roadshow", "slot__achievement"),
        pk=pk,
    )
    if not user_can(request.user, "material.view", material):
        raise Http404
    stored = material.thumbnail if thumbnail else material.file
    if not stored:
        raise Http404
    # A deck is the one PDF kind: downloaded; covers and thumbnails shown.
    return protected_file_response(
        stored,
        content_type=material.content_type,
        filename=material.original_name,
        cache="private, max-age=300",
    )


def _review_answer(request, done) -> HttpResponse:
    """Run one review decision; say what happened; back to the queue."""
    try:
        done()
    except ReviewRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("审核结论已记录。"))
    return redirect("accounts:workspace")


@login_required
@require_POST
def material_review_view(request, pk: int):
    material = get_object_or_404(
        PitchMaterial.objects.select_related("slot__achievement"), pk=pk
    )
    if not user_can(request.user, "material.review", material.slot):
        raise PermissionDenied
    form = MaterialReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("审核结论无效。"))
        return redirect("accounts:workspace")
    return _review_answer(
        request,
        lambda: material_review(
            material=material,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            by=request.user,
        ),
    )


@login_required
@require_POST
def links_review_view(request, pk: int):
    slot = get_object_or_404(Slot.objects.select_related("achievement"), pk=pk)
    if not user_can(request.user, "material.review", slot):
        raise PermissionDenied
    form = MaterialReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("审核结论无效。"))
        return redirect("accounts:workspace")
    return _review_answer(
        request,
        lambda: material_links_review(
            slot=slot,
            decision=form.cleaned_data["decision"],
            seen=form.seen_links(),
            comment=form.cleaned_data["comment"],
            by=request.user,
        ),
    )
