"""Pages of the live room: the room, the big screen, the questions export and
the moderators list.  The room's life runs over its WebSocket."""

import io

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from events.models import Roadshow
from spreadsheets import xlsx_response

from . import selectors, services
from .errors import LiveError
from .exporting import export_questions
from .i18n import client_text
from .limits import CHAT_MAX, QUESTION_MAX
from .models import Room
from .stream import stream_of


def _room_or_refuse(request, pk: int) -> tuple[Roadshow, Room, selectors.Access]:
    roadshow = get_object_or_404(Roadshow, pk=pk)
    access = selectors.access(user=request.user, roadshow_id=pk)
    if not access.can_view:
        if not request.user.is_authenticated and roadshow.investors_only:
            raise _LoginFirst
        raise Http404
    return roadshow, Room.objects.get(pk=access.room_id), access


class _LoginFirst(Exception):
    pass


def _page(template):
    def view(request, pk: int):
        try:
            roadshow, room, access = _room_or_refuse(request, pk)
        except _LoginFirst:
            return redirect_to_login(request.get_full_path())
        return render(
            request,
            template,
            {
                "roadshow": roadshow,
                "room": room,
                "access": access,
                "stream": stream_of(roadshow.stream_url),
                "moderators": room.moderators.order_by("name", "username")
                if permissions.is_organizer(request.user)
                else None,
                "client_text": client_text(),
                # The demand side asks for meetings from a pitch (matchmaking).
                "can_request_meetings": permissions.is_approved_investor(request.user),
                "question_max": QUESTION_MAX,
                "chat_max": CHAT_MAX,
            },
        )

    return require_GET(view)


room_page = _page("livestream/room.html")
screen_page = _page("livestream/screen.html")


@require_GET
def questions_export(request, pk: int):
    try:
        roadshow, room, access = _room_or_refuse(request, pk)
    except _LoginFirst:
        return redirect_to_login(request.get_full_path())
    if not access.is_moderator:
        raise PermissionDenied
    stream = io.BytesIO()
    export_questions(room=room, user=request.user, stream=stream)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(stream, filename=f"questions-{roadshow.pk}-{stamp}.xlsx")


@require_POST
def moderators_edit(request, pk: int):
    """Organizers name the people who moderate this room."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not permissions.is_organizer(request.user):
        raise PermissionDenied
    room = selectors.room_of(roadshow)
    try:
        if "remove" in request.POST:
            services.moderator_remove(room=room, user_id=request.POST["remove"])
        else:
            added = services.moderator_add(
                room=room, login=request.POST.get("login", "")
            )
            messages.success(
                request,
                _("已添加主持人：%(name)s") % {"name": added.name or added.username},
            )
    except LiveError as error:
        messages.error(request, error.message)
    return redirect("livestream:room", pk=roadshow.pk)
