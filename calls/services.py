"""Writes for calls for pitches: opening a call, applying, reviewing, the
organizers' decision with its slots, the waitlist, closing.  Every write
checks its rule and logs a CallEvent (who, what, when)."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import actor_of
from accounts.permissions import user_can
from achievements.enums import Publication, ReviewStatus
from achievements.models import Achievement, IndustryField, Province
from achievements.services import TRANSITIONS as REVIEW_TRANSITIONS
from achievements.services import ReviewError, achievement_transition
from events.enums import RoadshowStatus, SlotKind
from events.models import Roadshow
from events.services import (
    RoadshowError,
    pitch_problem,
    slot_add,
    slot_move,
    slot_remove,
)
from uploads import UploadRefused, check_pdf, clean_name

from . import emails
from .enums import ApplicationStatus, CallAction, CallStatus
from .models import Application, Call, CallEvent, Criterion, Review, Score
from .rules import conflict_of_interest, is_named_reviewer

DECK_MAX_BYTES = 50 * 1024 * 1024
MAX_CRITERIA = 8
MAX_SLOTS = 50
SUMMARY_MAX = 1000

__all__ = ["CallError", "UploadRefused"]


class CallError(Exception):
    """A change that is not allowed; the message is for the user."""


def _log(
    *, call: Call, action: str, by: Any, application: Application | None = None, note=""
) -> None:
    CallEvent.objects.create(
        call=call,
        application=application,
        actor=actor_of(by),
        action=action,
        note=note,
    )


def _local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _organizer(by: Any) -> None:
    if not user_can(by, "call.manage"):
        raise CallError(_("只有组织方可以管理路演征集。"))


def _lock_open(call: Call) -> Call:
    """The call's row, locked; refused once the call is closed."""
    locked = (
        Call.objects.select_for_update(of=("self",))
        .select_related("roadshow")
        .get(pk=call.pk)
    )
    if locked.status != CallStatus.OPEN:
        raise CallError(_("征集已结束，不能再进行该操作。"))
    return locked


def _roadshow_to_come(call: Call) -> None:
    """Nothing is applied for or accepted into a roadshow that was held,
    is on now, or was called off."""
    roadshow = call.roadshow
    if roadshow.status not in RoadshowStatus.planned_states or roadshow.start <= (
        timezone.now()
    ):
        raise CallError(
            _("路演“%(title)s”已开始、已结束或已取消。") % {"title": roadshow.title}
        )


def _criteria(names: Sequence[str]) -> list[str]:
    cleaned = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        if len(name) > 60:
            raise CallError(_("评审标准名称最多 60 个字符。"))
        if name in cleaned:
            raise CallError(_("评审标准“%(name)s”重复。") % {"name": name})
        cleaned.append(name)
    if not cleaned:
        raise CallError(_("请至少填写一项评审标准。"))
    if len(cleaned) > MAX_CRITERIA:
        raise CallError(_("评审标准最多 %(n)d 项。") % {"n": MAX_CRITERIA})
    return cleaned


@transaction.atomic
def call_open(
    *,
    roadshow: Roadshow,
    title: str,
    deadline: dt.datetime,
    slots: int,
    criteria: Sequence[str],
    by: Any,
    description: str = "",
    field: IndustryField | None = None,
    province: Province | None = None,
    pitch_minutes: int = 15,
    anonymised: bool = False,
    reviewers: Sequence[Any] = (),
) -> Call:
    """Open a call for pitches for a roadshow still to come."""
    _organizer(by)
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if locked.status not in RoadshowStatus.planned_states or locked.start <= (
        timezone.now()
    ):
        raise CallError(_("只能为尚未举行的路演开启征集。"))
    if deadline <= timezone.now():
        raise CallError(_("申请截止时间必须晚于现在。"))
    if deadline >= locked.start:
        raise CallError(_("申请截止时间必须早于路演开始时间。"))
    if not 1 <= slots <= MAX_SLOTS:
        raise CallError(_("路演名额必须在 1 到 %(n)d 之间。") % {"n": MAX_SLOTS})
    if not 5 <= pitch_minutes <= 120:
        raise CallError(_("每个项目的路演时长必须在 5 到 120 分钟之间。"))
    names = _criteria(criteria)
    if not title.strip():
        raise CallError(_("请填写征集名称。"))
    call = Call.objects.create(
        roadshow=locked,
        title=title.strip()[:200],
        description=description.strip(),
        field=field if field is not None else locked.field,
        province=province if province is not None else locked.province,
        deadline=deadline,
        slots=slots,
        pitch_minutes=pitch_minutes,
        anonymised=anonymised,
        opened_by=actor_of(by),
    )
    Criterion.objects.bulk_create(
        [
            Criterion(call=call, position=i, name=name)
            for i, name in enumerate(names, start=1)
        ]
    )
    if reviewers:
        call.reviewers.set(reviewers)
    _log(call=call, action=CallAction.OPENED, by=by, note=call.title)
    return call


@transaction.atomic
def reviewer_add(*, call: Call, user: Any, by: Any) -> None:
    _organizer(by)
    locked = _lock_open(call)
    if locked.reviewers.filter(pk=user.pk).exists():
        raise CallError(_("%(name)s 已是评审人。") % {"name": user})
    locked.reviewers.add(user)
    _log(call=locked, action=CallAction.REVIEWER_ADDED, by=by, note=str(user))


@transaction.atomic
def reviewer_remove(*, call: Call, user: Any, by: Any) -> None:
    """The reviewer's sheets stay (they are the record); they score no more."""
    _organizer(by)
    locked = _lock_open(call)
    locked.reviewers.remove(user)
    _log(call=locked, action=CallAction.REVIEWER_REMOVED, by=by, note=str(user))


# ------------------------------------------------------------ applications --


def _deck(upload: Any) -> tuple[ContentFile, str, int]:
    """The deck checked by its content: a PDF, not encrypted, without scripts."""
    name = clean_name(upload.name)
    too_big = _("文件过大：最大 %(mb)d MB。") % {"mb": DECK_MAX_BYTES // (1024 * 1024)}
    if upload.size > DECK_MAX_BYTES:
        raise UploadRefused(too_big)
    data = upload.read(DECK_MAX_BYTES + 1)
    if len(data) > DECK_MAX_BYTES:
        raise UploadRefused(too_big)
    check_pdf(data)
    return ContentFile(data, name=f"{uuid.uuid4().hex}-deck.pdf"), name, len(data)


def _summary(summary: str) -> str:
    summary = summary.strip()
    if not summary:
        raise CallError(_("请填写路演简介。"))
    if len(summary) > SUMMARY_MAX:
        raise CallError(_("路演简介最多 %(n)d 个字。") % {"n": SUMMARY_MAX})
    return summary


def _before_deadline(call: Call) -> None:
    if timezone.now() > call.deadline:
        raise CallError(_("申请已于 %(time)s 截止。") % {"time": _local(call.deadline)})


# An achievement that waits for review, or may be sent to it with the application.
_IN_REVIEW = {ReviewStatus.SUBMITTED, ReviewStatus.UNDER_REVIEW}
_SUBMITTABLE = REVIEW_TRANSITIONS["submit"][0]


def achievement_readiness(*, call: Call, achievement: Achievement) -> str | None:
    """Why this achievement may not be pitched in the call's roadshow yet
    (the programme's own rule), or None when it is cleared for it."""
    return pitch_problem(roadshow=call.roadshow, achievement=achievement)


def _check_achievement(
    *, call: Call, achievement: Achievement, submit_for_review: bool, by: Any
) -> None:
    """Cleared for the roadshow; or not yet reviewed, and sent (or already
    waiting) for review when the team asks for it."""
    problem = achievement_readiness(call=call, achievement=achievement)
    if problem is None:
        return
    if achievement.publication != Publication.NONE:
        # Cleared for another audience (restricted): review would not help.
        raise CallError(problem)
    if not submit_for_review:
        raise CallError(problem + _("请勾选“同时提交保密审查”，或等审查通过后再申请。"))
    if achievement.status in _IN_REVIEW:
        return
    if achievement.status not in _SUBMITTABLE:
        raise CallError(problem)
    try:
        achievement_transition(achievement=achievement, action="submit", by=by)
    except ReviewError as exc:
        raise CallError(str(exc)) from exc


def application_submit(
    *,
    call: Call,
    achievement: Achievement,
    summary: str,
    deck: Any,
    by: Any,
    submit_for_review: bool = False,
) -> Application:
    """A team applies with one of its achievements, a pitch summary and a deck."""
    if not user_can(by, "call.apply", achievement):
        raise CallError(_("只能用本单位的成果申请。"))
    summary = _summary(summary)
    content, name, size = _deck(deck)
    with transaction.atomic():
        locked = _lock_open(call)
        _before_deadline(locked)
        _roadshow_to_come(locked)
        achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
        if locked.applications.filter(
            achievement=achievement, status__in=ApplicationStatus.active_states
        ).exists():
            raise CallError(_("该成果已申请本次征集，请修改原申请。"))
        _check_achievement(
            call=locked,
            achievement=achievement,
            submit_for_review=submit_for_review,
            by=by,
        )
        application = Application(
            call=locked,
            achievement=achievement,
            organization_id=achievement.owner_id,
            summary=summary,
            deck_name=name,
            deck_size=size,
            applied_by=actor_of(by),
        )
        application.deck.save(content.name, content, save=False)
        application.save()
        _log(call=locked, application=application, action=CallAction.APPLIED, by=by)
    return application


def application_update(
    *, application: Application, summary: str, by: Any, deck: Any = None
) -> Application:
    """Change the summary (and the deck) until the deadline."""
    if not user_can(by, "application.edit", application):
        raise CallError(_("您无权修改该申请。"))
    summary = _summary(summary)
    checked = _deck(deck) if deck is not None else None
    with transaction.atomic():
        call = _lock_open(application.call)
        _before_deadline(call)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise CallError(_("该申请已撤回或已评定，不能修改。"))
        locked.summary = summary
        changed = [_("路演简介")]
        if checked is not None:
            content, name, size = checked
            locked.deck.save(content.name, content, save=False)
            locked.deck_name, locked.deck_size = name, size
            changed.append(_("路演 PDF"))
        locked.save()
        _log(
            call=call,
            application=locked,
            action=CallAction.UPDATED,
            by=by,
            note="、".join(str(c) for c in changed),
        )
    return locked


def application_withdraw(*, application: Application, by: Any) -> Application:
    """Withdraw: before the deadline while undecided; an accepted or waitlisted
    team until the roadshow starts.  An accepted team's slot goes to the next
    on the waitlist, in the same place of the programme."""
    if not user_can(by, "application.edit", application):
        raise CallError(_("您无权撤回该申请。"))
    with transaction.atomic():
        call = _lock_open(application.call)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status == ApplicationStatus.SUBMITTED:
            _before_deadline(call)
        elif locked.status in {
            ApplicationStatus.ACCEPTED,
            ApplicationStatus.WAITLISTED,
        }:
            if call.roadshow.start <= timezone.now():
                raise CallError(_("路演已开始，不能再撤回，请联系组织方。"))
        else:
            raise CallError(_("该申请已撤回或未入选，无需撤回。"))
        freed = locked.slot
        was = locked.status
        locked.status = ApplicationStatus.WITHDRAWN
        locked.waitlist_position = None
        locked.slot = None
        locked.save()
        _log(call=call, application=locked, action=CallAction.WITHDRAWN, by=by)
        if was == ApplicationStatus.ACCEPTED and freed is not None:
            position = freed.position
            # slot_remove's own renumbering, then the runner-up in its place.
            slot_remove(slot=freed)
            _promote_next(call=call, position=position, by=by)
    return locked


def _promote_next(*, call: Call, position: int, by: Any) -> Application | None:
    """The first runner-up still cleared for the roadshow takes the freed
    place (the call's row is locked by the caller)."""
    for runner_up in call.applications.filter(
        status=ApplicationStatus.WAITLISTED
    ).order_by("waitlist_position", "id"):
        if achievement_readiness(call=call, achievement=runner_up.achievement):
            continue
        _accept(call=call, application=runner_up, by=by, position=position)
        _log(
            call=call,
            application=runner_up,
            action=CallAction.PROMOTED,
            by=by,
        )
        emails.promoted(application_id=runner_up.pk)
        return runner_up
    return None


def _accept(
    *, call: Call, application: Application, by: Any, position: int | None = None
) -> None:
    """Give the application its pitch slot (at the programme's end, or at
    ``position``) through the programme's own service."""
    try:
        slot = slot_add(
            roadshow=call.roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=call.pitch_minutes,
            achievement=application.achievement,
            team=application.organization,
        )
    except RoadshowError as exc:
        raise CallError(str(exc)) from exc
    if position is not None:
        slot_move(slot=slot, position=position)
        slot.refresh_from_db()
    application.status = ApplicationStatus.ACCEPTED
    application.slot = slot
    application.waitlist_position = None
    application.decided_at = timezone.now()
    application.decided_by = actor_of(by)
    application.save()


# ----------------------------------------------------------------- reviews --


def review_save(
    *, application: Application, marks: dict[int, Any], by: Any, comment: str = ""
) -> Review:
    """A named reviewer scores every criterion 1–5, with a comment; scoring
    again replaces the sheet (the log keeps each version)."""
    call = application.call
    if not is_named_reviewer(by, call):
        raise CallError(_("您不是本次征集的评审人。"))
    if conflict_of_interest(by, application):
        raise CallError(_("评审人不能评审本单位的申请（利益冲突）。"))
    if not user_can(by, "application.score", application):
        raise CallError(_("该申请的成果尚未通过保密审查，暂不能评审。"))
    criteria = list(call.criteria.all())
    values: dict[int, int] = {}
    for criterion in criteria:
        raw = marks.get(criterion.pk)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if str(raw).strip() != str(value) or not 1 <= value <= 5:
            raise CallError(
                _("“%(name)s”的评分必须是 1 到 5 的整数。") % {"name": criterion.name}
            )
        values[criterion.pk] = value
    if set(marks) - set(values):
        raise CallError(_("评分中有不属于本次征集的评审标准。"))
    comment = comment.strip()
    if len(comment) > 2000:
        raise CallError(_("评语最多 2000 个字。"))
    with transaction.atomic():
        locked_call = _lock_open(call)
        if locked_call.decided_at is not None:
            raise CallError(_("征集已评定，不能再评分。"))
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != ApplicationStatus.SUBMITTED:
            raise CallError(_("该申请已撤回，不能评分。"))
        review, _created = Review.objects.get_or_create(
            application=locked, reviewer=by, defaults={"comment": comment}
        )
        if not _created:
            review.comment = comment
            review.save()
        review.scores.all().delete()
        Score.objects.bulk_create(
            [
                Score(review=review, criterion_id=pk, value=value)
                for pk, value in values.items()
            ]
        )
        _log(
            call=locked_call,
            application=locked,
            action=CallAction.SCORED,
            by=by,
            note="；".join(f"{c.name} {values[c.pk]}" for c in criteria),
        )
    return review


# --------------------------------------------------------------- decisions --


def call_decide(
    *,
    call: Call,
    accepted: Sequence[Application],
    by: Any,
    waitlist: int = 0,
    reasons: dict[int, str] | None = None,
) -> list[Application]:
    """Accept these applications (at most the call's slots), each given a
    pitch slot in ranking order; the next ``waitlist`` runners-up wait for a
    place; the rest are declined, with the reason the organizer gave (if
    any).  Every team is told by email."""
    from .selectors import call_ranking

    _organizer(by)
    reasons = reasons or {}
    if waitlist < 0:
        raise CallError(_("候补数量不能为负数。"))
    with transaction.atomic():
        locked = _lock_open(call)
        if locked.decided_at is not None:
            raise CallError(_("本次征集已评定；候补可在名额空出时递补。"))
        _roadshow_to_come(locked)
        if timezone.now() <= locked.deadline:
            raise CallError(
                _("申请截止（%(time)s）之后才能评定。")
                % {"time": _local(locked.deadline)}
            )
        ranking = [
            row.application
            for row in call_ranking(call=locked)
            if row.application.status == ApplicationStatus.SUBMITTED
        ]
        pending = {a.pk for a in ranking}
        chosen = {a.pk for a in accepted}
        if not chosen:
            raise CallError(_("请至少选择一项入选的申请。"))
        if chosen - pending:
            raise CallError(_("所选的申请不属于本次征集，或已撤回。"))
        if len(chosen) > locked.slots:
            raise CallError(
                _("入选 %(n)d 项，超过了 %(slots)d 个名额。")
                % {"n": len(chosen), "slots": locked.slots}
            )
        decided = []
        for application in ranking:
            if application.pk not in chosen:
                continue
            problem = achievement_readiness(
                call=locked, achievement=application.achievement
            )
            if problem:
                raise CallError(problem)
            _accept(call=locked, application=application, by=by)
            _log(
                call=locked,
                application=application,
                action=CallAction.ACCEPTED,
                by=by,
            )
            decided.append(application)
        runners_up = [a for a in ranking if a.pk not in chosen]
        now = timezone.now()
        for index, application in enumerate(runners_up, start=1):
            application.decided_at, application.decided_by = now, actor_of(by)
            if index <= waitlist:
                application.status = ApplicationStatus.WAITLISTED
                application.waitlist_position = index
                action = CallAction.WAITLISTED
            else:
                application.status = ApplicationStatus.DECLINED
                application.decline_reason = reasons.get(application.pk, "").strip()
                action = CallAction.DECLINED
            application.save()
            _log(
                call=locked,
                application=application,
                action=action,
                by=by,
                note=application.decline_reason,
            )
            decided.append(application)
        locked.decided_at = now
        locked.save(update_fields=["decided_at", "updated_at"])
        for application in decided:
            emails.decided(application_id=application.pk)
    return decided


def application_accept(*, application: Application, by: Any) -> Application:
    """The organizer picks a runner-up by hand while a place is free."""
    _organizer(by)
    with transaction.atomic():
        call = _lock_open(application.call)
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.call_id != call.pk or locked.status != ApplicationStatus.WAITLISTED:
            raise CallError(_("只能从候补名单中递补。"))
        _roadshow_to_come(call)
        taken = call.applications.filter(status=ApplicationStatus.ACCEPTED).count()
        if taken >= call.slots:
            raise CallError(
                _("%(slots)d 个名额已满，不能再入选。") % {"slots": call.slots}
            )
        problem = achievement_readiness(call=call, achievement=locked.achievement)
        if problem:
            raise CallError(problem)
        _accept(call=call, application=locked, by=by)
        _log(call=call, application=locked, action=CallAction.PROMOTED, by=by)
        emails.promoted(application_id=locked.pk)
    return locked


@transaction.atomic
def call_close(*, call: Call, by: Any, reason: str = "") -> Call:
    """End the call: runners-up still waiting are declined (and told)."""
    _organizer(by)
    locked = _lock_open(call)
    if locked.decided_at is None:
        raise CallError(_("请先评定入选项目，再结束征集。"))
    now = timezone.now()
    for application in locked.applications.filter(status=ApplicationStatus.WAITLISTED):
        application.status = ApplicationStatus.DECLINED
        application.waitlist_position = None
        application.decline_reason = reason.strip()
        application.decided_at, application.decided_by = now, actor_of(by)
        application.save()
        _log(
            call=locked,
            application=application,
            action=CallAction.DECLINED,
            by=by,
            note=application.decline_reason,
        )
        emails.decided(application_id=application.pk)
    locked.status = CallStatus.CLOSED
    locked.save(update_fields=["status", "updated_at"])
    _log(call=locked, action=CallAction.CLOSED, by=by)
    return locked
