"""The meeting room's pages: the room itself (its life runs over its
WebSocket), sharing a document into it and fetching one, and the organizers'
live board of a session.  Anyone who may not enter gets the same 404 whether
or not the meeting exists."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from matchmaking.forms import outcome_context
from matchmaking.models import MatchSession
from matchmaking.selectors import achievement_titles
from uploads import protected_file_response

from . import limits, selectors, services
from .errors import MeetError
from .i18n import client_text
from .models import RoomDocument


def _access_or_404(request, pk: int) -> selectors.Access:
    found = selectors.access(user=request.user, meeting_id=pk)
    if found is None:
        raise Http404
    return found


@login_required
@require_GET
def room(request, pk: int):
    found = _access_or_404(request, pk)
    meeting = found.meeting
    sides = selectors.sides_of_meeting(meeting)
    people = {"team": [], "investor": []}
    users = [meeting.request.requester, *meeting.request.attendees.all()]
    for user in users:
        people[sides[user.pk]].append(user.name or user.username)
    context = {
        "meeting": meeting,
        "req": meeting.request,
        "access": found,
        "title": achievement_titles(user=request.user, requests=[meeting.request])[
            meeting.request_id
        ],
        "people": people,
        "closed": selectors.closed_reason(meeting),
        "client_text": client_text(),
        "chat_max": limits.CHAT_MAX,
        "note_max": limits.NOTE_MAX,
        "outcome_next": request.path,
        **outcome_context(
            user=request.user,
            meeting=meeting,
            side=None if found.is_organizer else found.side,
        ),
    }
    return render(request, "meetrooms/room.html", context)


@login_required
@require_POST
def document_add(request, pk: int):
    """Share a file (multipart ``file``); the answer is JSON, the others in
    the room see it through the room's events."""
    _access_or_404(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return JsonResponse({"error": _("请选择要共享的文件。")}, status=400)
    try:
        document = services.document_add(
            user=request.user, meeting_id=pk, upload=upload
        )
    except MeetError as error:
        status = 429 if error.code == "rate_limited" else 400
        return JsonResponse({"error": error.message, "code": error.code}, status=status)
    return JsonResponse({"id": document.pk}, status=201)


@login_required
@require_GET
def document_download(request, pk: int, doc: int):
    _access_or_404(request, pk)
    document = get_object_or_404(
        RoomDocument, pk=doc, room__meeting_id=pk, removed_at__isnull=True
    )
    return protected_file_response(
        document.file,
        content_type=document.content_type,
        filename=document.original_name,
    )


@login_required
@require_GET
def board(request, pk: int):
    """Organizers: every room of the session's slot on now (or the one
    chosen), who is in, who is missing, and a way into each."""
    if not permissions.is_organizer(request.user):
        raise Http404
    session = get_object_or_404(MatchSession.objects.select_related("roadshow"), pk=pk)
    slot = selectors.board_slot(session, request.GET.get("slot"))
    rows = selectors.board(session=session, slot=slot)
    titles = achievement_titles(
        user=request.user, requests=[r["meeting"].request for r in rows]
    )
    for row in rows:
        row["title"] = titles[row["meeting"].request_id]
    context = {
        "session": session,
        "slot": slot,
        "slots": session.slots.order_by("start"),
        "rows": rows,
        "counts": {
            state: sum(1 for r in rows if r["state"] == state)
            for state in ("both", "one", "waiting", "empty")
        },
        "no_shows": sum(1 for r in rows if r["no_show"]),
    }
    template = (
        "meetrooms/board_rows.html"
        if request.GET.get("partial") == "1"
        else "meetrooms/board.html"
    )
    return render(request, template, context)
