"""Pages of the live room: the room, the big screen, the presenter view, the
questions and scores exports, and the organizers' lists (moderators, judges,
scoring criteria).  The room's life runs over its WebSocket."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import permissions
from achievements.selectors import achievements_published_to
from events.models import Roadshow
from jobs.exports import export_response

from . import selectors, services
from .errors import LiveError
from .export_jobs import QUESTIONS_EXPORT, SCORES_EXPORT
from .i18n import client_text
from .limits import (
    CHAT_MAX,
    CRITERIA,
    CRITERION_MAX,
    NOTE_MAX,
    POLL_OPTION_MAX,
    POLL_OPTIONS,
    POLL_QUESTION_MAX,
    QUESTION_MAX,
)
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
                "presenter_page": permissions.user_can(
                    request.user, "live.presenter_page", room
                ),
                "can_see_scores": permissions.user_can(
                    request.user, "live.scores", room
                ),
                "judges": room.judges.order_by("name", "username")
                if permissions.is_organizer(request.user)
                else None,
                "criteria_text": "\n".join(room.score_criteria),
                "criterion_max": CRITERION_MAX,
                "criteria_most": CRITERIA[1],
                "note_max": NOTE_MAX,
                "poll_question_max": POLL_QUESTION_MAX,
                "poll_option_max": POLL_OPTION_MAX,
                "poll_option_slots": range(1, POLL_OPTIONS[1] + 1),
                "poll_options_min": POLL_OPTIONS[0],
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
    return export_response(
        request, kind=QUESTIONS_EXPORT, params={"roadshow": roadshow.pk}
    )


@require_GET
def presenter_page(request, pk: int):
    """The presenting team's view beside the lectern (its questions, the
    pinned one, the slot's timer, the moderators' messages); its scores
    once the roadshow has ended."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    access = selectors.access(user=request.user, roadshow_id=pk)
    room = selectors.room_by_id(access.room_id)
    if not permissions.user_can(request.user, "live.presenter_page", room):
        if not access.can_view:
            raise Http404
        raise PermissionDenied
    results = None
    if permissions.user_can(request.user, "live.team_results", room):
        results = selectors.pitch_results(
            room=room,
            user=request.user,
            team_ids=permissions.organization_ids(request.user),
        )
    return render(
        request,
        "livestream/presenter.html",
        {
            "roadshow": roadshow,
            "room": room,
            "access": access,
            "results": results,
            "criteria": list(room.score_criteria),
            "client_text": client_text(),
        },
    )


def _organizer_room(request, pk: int) -> tuple[Roadshow, Room]:
    roadshow = get_object_or_404(Roadshow, pk=pk)
    room = selectors.room_of(roadshow)
    room.roadshow = roadshow
    if not permissions.user_can(request.user, "live.scores", room):
        if not request.user.is_authenticated:
            raise _LoginFirst
        raise PermissionDenied
    return roadshow, room


@require_GET
def scores_page(request, pk: int):
    """Every pitch's scores, with who gave which: organizers."""
    try:
        roadshow, room = _organizer_room(request, pk)
    except _LoginFirst:
        return redirect_to_login(request.get_full_path())
    sheets = selectors.pitch_score_sheets(room=room)
    criteria = list(room.score_criteria)
    shown = achievements_published_to(
        user=request.user,
        ids={slot.achievement_id for slot, *_rest in sheets if slot.achievement_id},
    )
    return render(
        request,
        "livestream/scores.html",
        {
            "roadshow": roadshow,
            "room": room,
            "criteria": criteria,
            "results": selectors.pitch_results(room=room, user=request.user),
            "sheets": [
                {
                    "pitch": selectors.slot_label(slot, shown),
                    "scorer": scorer.name or scorer.username,
                    "marks": [marks.get(c, "") for c in criteria],
                    "when": when,
                }
                for slot, scorer, marks, when in sheets
            ],
        },
    )


@require_GET
def scores_export(request, pk: int):
    try:
        roadshow, room = _organizer_room(request, pk)
    except _LoginFirst:
        return redirect_to_login(request.get_full_path())
    return export_response(
        request, kind=SCORES_EXPORT, params={"roadshow": roadshow.pk}
    )


@require_POST
def judges_edit(request, pk: int):
    """Organizers name the judges who score the pitches (besides approved
    investors)."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not permissions.is_organizer(request.user):
        raise PermissionDenied
    room = selectors.room_of(roadshow)
    try:
        if "remove" in request.POST:
            services.judge_remove(room=room, user_id=request.POST["remove"])
        else:
            added = services.judge_add(room=room, login=request.POST.get("login", ""))
            messages.success(
                request,
                _("已添加评委：%(name)s") % {"name": added.name or added.username},
            )
    except LiveError as error:
        messages.error(request, error.message)
    return redirect("livestream:room", pk=roadshow.pk)


@require_POST
def criteria_edit(request, pk: int):
    """Organizers set the criteria the pitches are scored on, one a line."""
    roadshow = get_object_or_404(Roadshow, pk=pk)
    if not permissions.is_organizer(request.user):
        raise PermissionDenied
    room = selectors.room_of(roadshow)
    try:
        services.criteria_set(
            room=room, criteria=request.POST.get("criteria", "").splitlines()
        )
        messages.success(request, _("评分维度已保存。"))
    except LiveError as error:
        messages.error(request, error.message)
    return redirect("livestream:room", pk=roadshow.pk)


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
