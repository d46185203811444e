"""The live room's exports (its questions, the pitches' scores): written in
the request, or by a background job for a large room; either way as the
person who asked, judged when the file is written."""

from functools import partial

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from events.enums import SlotKind
from events.models import Roadshow, Slot
from jobs.exports import ExportPlan, export_kind
from jobs.services import JobRefused

from . import selectors
from .exporting import export_questions, export_scores
from .models import PitchScore, Question

QUESTIONS_EXPORT = "livestream.questions_export"
SCORES_EXPORT = "livestream.scores_export"


def _stamp() -> str:
    return f"{timezone.localtime():%Y%m%d-%H%M}"


@export_kind(QUESTIONS_EXPORT)
def questions_export(*, user, roadshow: int) -> ExportPlan:
    access = selectors.access(user=user, roadshow_id=roadshow)
    if access is None or not access.can_view or not access.is_moderator:
        raise JobRefused(_("你已不是该直播间的主持人，不能导出其问题。"))
    room = selectors.room_by_id(access.room_id)
    return ExportPlan(
        rows=Question.objects.filter(room=room).count(),
        write=partial(export_questions, room=room, user=user),
        filename=f"questions-{roadshow}-{_stamp()}.xlsx",
        title=_("直播间问题"),
        back=reverse("livestream:room", args=[roadshow]),
    )


@export_kind(SCORES_EXPORT)
def scores_export(*, user, roadshow: int) -> ExportPlan:
    shown = Roadshow.objects.filter(pk=roadshow).first()
    room = selectors.room_of(shown) if shown is not None else None
    if room is not None:
        room.roadshow = shown
    if room is None or not permissions.user_can(user, "live.scores", room):
        raise JobRefused(_("你已没有查看该路演评分的权限。"))
    scored = PitchScore.objects.filter(slot__roadshow_id=roadshow)
    return ExportPlan(
        # The summary (a row per pitch) and the detail (a row per scorer).
        rows=Slot.objects.filter(roadshow_id=roadshow, kind=SlotKind.PITCH).count()
        + scored.values("slot_id", "user_id").distinct().count(),
        write=partial(export_scores, room=room, user=user),
        filename=f"scores-{roadshow}-{_stamp()}.xlsx",
        title=_("路演项目评分"),
        back=reverse("livestream:scores", args=[roadshow]),
    )
