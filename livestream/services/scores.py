"""Pitch scores: approved investors and the room's judges mark a pitch 1–5
on each of the room's criteria, once per person and pitch (changeable while
the roadshow is live); never a pitch of their own organization."""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from events.enums import SlotKind
from events.models import Slot
from events.services import programme_timeline

from ..enums import Audience
from ..errors import LiveError
from ..models import PitchScore
from ..selectors import current_slot_id, room_by_id
from .base import emit, require, throttle


def pitch_score(
    *, user: Any, room_id: int, slot_id: int, values: dict[str, int]
) -> dict[str, int]:
    """Score one pitch on every criterion of the room; returns the marks."""
    room = room_by_id(room_id)
    require(user, "live.score", room)
    slot = Slot.objects.filter(
        pk=slot_id, roadshow_id=room.roadshow_id, kind=SlotKind.PITCH
    ).first()
    if slot is None:
        raise LiveError("bad_slot", _("这个路演项目不属于本场路演。"))
    if slot.team_id and slot.team_id in permissions.organization_ids(user):
        raise LiveError("own_pitch", _("不能给本单位的路演项目评分。"))
    started = {
        t.slot.pk
        for t in programme_timeline(roadshow=room.roadshow)
        if t.start <= timezone.now()
    }
    if slot.pk not in started and slot.pk != current_slot_id(room):
        raise LiveError("not_started", _("这个项目还没有开始路演，暂不能评分。"))
    criteria = list(room.score_criteria)
    if set(values) != set(criteria):
        raise LiveError("invalid", _("请对每一项评分维度打分。"))
    if any(not (isinstance(v, int) and 1 <= v <= 5) for v in values.values()):
        raise LiveError("invalid", _("每项评分应为 1 到 5 分。"))
    throttle("score", user)
    with transaction.atomic():
        # The pitch's row orders two sheets of one scorer sent at once.
        Slot.objects.select_for_update().filter(pk=slot.pk).first()
        PitchScore.objects.filter(slot=slot, user=user).exclude(
            criterion__in=criteria
        ).delete()
        for criterion in criteria:
            PitchScore.objects.update_or_create(
                slot=slot,
                user=user,
                criterion=criterion,
                defaults={"value": values[criterion], "updated_at": timezone.now()},
            )
        scorers = (
            PitchScore.objects.filter(slot=slot).values("user_id").distinct().count()
        )
        # Who scored, and how many have: for the moderators (and the scorer's
        # own other pages); the marks themselves never travel.
        emit(
            room,
            "scored",
            {"slot": slot.pk, "scorers": scorers},
            audience=Audience.MODERATORS,
            user_id=user.pk,
        )
    return {c: values[c] for c in criteria}
