"""Registration, tickets and check-in views."""

import datetime as dt
import json
import time
import uuid

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import ratelimit
from accounts.models import Membership
from accounts.permissions import user_can
from jobs.exports import export_response

from .enums import Attendance, RegistrationStatus, ScanResult
from .export_jobs import REGISTRATIONS_EXPORT
from .links import watch_path
from .models import Registration, Roadshow
from .registrations import (
    QR_PREFIX,
    RegistrationError,
    attendance_options,
    checkin_day_problem,
    registration_cancel,
    registration_create,
    registration_problem,
    ticket_check_in,
    ticket_png,
)
from .selectors import checkin_counts


def scans_per_minute() -> int:
    from django.conf import settings

    return getattr(settings, "CHECKIN_SCANS_PER_MINUTE", 120)


@login_required
def register(request, pk: int):
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not user_can(request.user, "roadshow.view", roadshow):
        raise Http404
    existing = roadshow.registrations.active().filter(user=request.user).first()
    if existing is not None:
        return redirect("events:ticket", pk=existing.pk)
    options = [(a, Attendance(a).label) for a in attendance_options(roadshow)]
    error = registration_problem(roadshow=roadshow, user=request.user)
    if request.method == "POST" and error is None:
        try:
            registration = registration_create(
                roadshow=roadshow,
                user=request.user,
                attendance=request.POST.get("attendance", ""),
            )
        except RegistrationError as exc:
            error = str(exc)
        else:
            if registration.status == RegistrationStatus.WAITLISTED:
                messages.warning(request, _("现场名额已满，您已加入候补名单。"))
            else:
                messages.success(request, _("报名成功，确认邮件已发送。"))
            return redirect("events:ticket", pk=registration.pk)
    return render(
        request,
        "events/register.html",
        {
            "roadshow": roadshow,
            "options": options,
            "error": error,
        },
        status=400 if error and request.method == "POST" else 200,
    )


def _own(request, pk: int) -> Registration:
    registration = get_object_or_404(
        Registration.objects.select_related("roadshow"), pk=pk
    )
    if registration.user_id != request.user.pk:
        raise Http404
    return registration


@login_required
@require_GET
def ticket(request, pk: int):
    registration = _own(request, pk)
    return render(
        request,
        "events/ticket.html",
        {
            "registration": registration,
            "roadshow": registration.roadshow,
            "svg": _qr_svg(registration) if registration.has_ticket else "",
            "watch_url": watch_path(roadshow=registration.roadshow),
        },
    )


def _qr_payload(registration: Registration) -> str:
    return QR_PREFIX + registration.secret


def _qr_svg(registration: Registration) -> str:
    image = qrcode.make(
        _qr_payload(registration),
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=12,
    )
    return image.to_string(encoding="unicode")


@login_required
@require_GET
def ticket_qr(request, pk: int, fmt: str):
    registration = _own(request, pk)
    if not registration.has_ticket:
        raise Http404
    if fmt == "svg":
        response = HttpResponse(_qr_svg(registration), content_type="image/svg+xml")
    else:
        response = HttpResponse(ticket_png(registration), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def ticket_cancel(request, pk: int):
    registration = _own(request, pk)
    try:
        registration_cancel(registration=registration, by=request.user)
    except RegistrationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("报名已取消，门票随即失效。"))
    return redirect("events:ticket", pk=pk)


def _door_staff(request, roadshow: Roadshow) -> None:
    if not user_can(request.user, "roadshow.checkin", roadshow):
        raise PermissionDenied


@login_required
@require_GET
def scanner(request, pk: int):
    roadshow = get_object_or_404(Roadshow, pk=pk)
    _door_staff(request, roadshow)
    return render(
        request,
        "events/scanner.html",
        {
            "roadshow": roadshow,
            "counts": checkin_counts(roadshow=roadshow),
            "results": dict(ScanResult.choices),
            "can_export": user_can(request.user, "roadshow.manage", roadshow),
            "off_day": checkin_day_problem(start=roadshow.start, end=roadshow.end),
        },
    )


NOT_READ = object()  # an attribute a retried scan's registration lacks

# A roadshow's dates, as the door reads them: kept a minute per process, so
# the usual scan stays one statement and one INSERT (a date moved on the day
# reaches the doors within the minute).
_DATES: dict[int, tuple[float, dt.datetime, dt.datetime]] = {}
DATES_FOR_SECONDS = 60


def _dates_of(pk: int) -> tuple[dt.datetime, dt.datetime] | None:
    kept = _DATES.get(pk)
    if kept is not None and time.monotonic() - kept[0] < DATES_FOR_SECONDS:
        return kept[1], kept[2]
    row = Roadshow.objects.filter(pk=pk).values_list("start", "end").first()
    if row is None:
        return None
    _DATES[pk] = (time.monotonic(), *row)
    return row


@login_required
@require_POST
def checkin_api(request, pk: int):
    """JSON: {"code", "door", "scan_id"} → {"ok", "result", "message", …}."""
    # A scan needs only the roadshow's key (door staff are a list by key): a
    # roadshow that does not exist is found out when the scan is recorded.
    roadshow = Roadshow(pk=pk)
    _door_staff(request, roadshow)
    if not ratelimit.allow(
        "scan", request.user.pk, limit=scans_per_minute(), window=60
    ):
        return JsonResponse(
            {
                "ok": False,
                "result": "throttled",
                "message": _("扫码过于频繁，请稍后再试。"),
            },
            status=429,
        )
    try:
        body = json.loads(request.body.decode("utf-8"))
        code = str(body.get("code", ""))[:200]
        door = str(body.get("door", ""))[:40]
        scan_id = str(body.get("scan_id") or uuid.uuid4())[:64]
        off_day_confirmed = body.get("confirm_off_day") is True
    except (ValueError, AttributeError, UnicodeDecodeError):
        return JsonResponse(
            {"ok": False, "result": "bad_request", "message": _("请求格式错误。")},
            status=400,
        )
    dates = _dates_of(pk)
    if dates is None:
        raise Http404
    problem = checkin_day_problem(start=dates[0], end=dates[1])
    if problem and not off_day_confirmed:
        # Nothing is checked in or recorded: the door confirms first.
        return JsonResponse(
            {"ok": False, "result": "off_day", "message": problem}, status=409
        )
    try:
        scan = ticket_check_in(
            roadshow=roadshow, code=code, door=door, scan_id=scan_id, by=request.user
        )
    except Roadshow.DoesNotExist as exc:
        raise Http404 from exc
    registration = scan.registration
    payload = {
        "ok": scan.result == ScanResult.OK,
        "result": scan.result,
        "message": str(ScanResult(scan.result).label),
    }
    if registration is not None and scan.result in (ScanResult.OK, ScanResult.ALREADY):
        organization = getattr(registration, "organization_name", NOT_READ)
        if organization is NOT_READ:  # a retried scan: its first answer, read back
            org = (
                Membership.objects.filter(user_id=registration.user_id)
                .select_related("organization")
                .order_by("pk")
                .first()
            )
            organization = org.organization.name if org else ""
        payload.update(
            name=str(registration.user),
            organization=organization or "",
            checked_in_at=timezone.localtime(registration.checked_in_at).strftime(
                "%H:%M:%S"
            ),
            door=registration.checked_in_door,
        )
    # A scan id sent before with another ticket: nothing happened (409).
    return JsonResponse(
        payload, status=409 if scan.result == ScanResult.REUSED else 200
    )


@login_required
@require_GET
def checkin_counts_api(request, pk: int):
    """The door's live counter (the scanner page polls it)."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    _door_staff(request, roadshow)
    response = JsonResponse(checkin_counts(roadshow=roadshow))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def registrations_export(request, pk: int):
    roadshow = get_object_or_404(Roadshow, pk=pk)
    # The list carries registrants' emails: organizers only, not door staff.
    if not user_can(request.user, "roadshow.manage", roadshow):
        raise PermissionDenied
    return export_response(
        request, kind=REGISTRATIONS_EXPORT, params={"roadshow": roadshow.pk}
    )
