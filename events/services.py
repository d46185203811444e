"""Writes for roadshows: status moves, changes, the programme, the yearly plan."""

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

import workdays
from accounts.models import Organization, actor_of
from achievements.enums import Publication
from achievements.models import Achievement, IndustryField, Province
from achievements.selectors import achievement_audience

from .enums import RoadshowKind, RoadshowStatus, SlotKind
from .models import Roadshow, RoadshowEvent, Slot, YearPlan
from .signals import roadshow_changed

SHANGHAI = ZoneInfo("Asia/Shanghai")


class RoadshowError(Exception):
    """A change that is not allowed; the message is for the user."""


def door_staff_add(*, roadshow: Roadshow, user: Any) -> None:
    """Name someone who may check people in at this roadshow's doors."""
    roadshow.door_staff.add(user)


def door_staff_remove(*, roadshow: Roadshow, user: Any) -> None:
    roadshow.door_staff.remove(user)


# The one table of allowed moves: action -> (from states, to state).
TRANSITIONS: dict[str, tuple[set[str], str]] = {
    "schedule": ({RoadshowStatus.DRAFT}, RoadshowStatus.SCHEDULED),
    "publish": (
        {RoadshowStatus.DRAFT, RoadshowStatus.SCHEDULED},
        RoadshowStatus.PUBLISHED,
    ),
    "unpublish": ({RoadshowStatus.PUBLISHED}, RoadshowStatus.SCHEDULED),
    "go_live": ({RoadshowStatus.PUBLISHED}, RoadshowStatus.LIVE),
    "close": ({RoadshowStatus.PUBLISHED, RoadshowStatus.LIVE}, RoadshowStatus.CLOSED),
    "archive": ({RoadshowStatus.CLOSED}, RoadshowStatus.ARCHIVED),
    "cancel": (
        {
            RoadshowStatus.DRAFT,
            RoadshowStatus.SCHEDULED,
            RoadshowStatus.PUBLISHED,
            RoadshowStatus.LIVE,
        },
        RoadshowStatus.CANCELLED,
    ),
}
# Who may see a roadshow at all: published once, whatever became of it since.
PUBLIC_Q = Q(status__in=RoadshowStatus.public_states) & Q(
    first_published_at__isnull=False
)


def roadshow_is_public(roadshow: Roadshow) -> bool:
    """PUBLIC_Q for one loaded roadshow (the same rule, without a query)."""
    return (
        roadshow.status in RoadshowStatus.public_states
        and roadshow.first_published_at is not None
    )


# Fields whose change calendar subscribers must see (bumps SEQUENCE).
CALENDAR_FIELDS = {
    "title",
    "summary",
    "start",
    "end",
    "format",
    "venue",
    "address",
    "stream_url",
}


def _announce(roadshow_id: int) -> None:
    """Tell the CMS (and anyone else listening) once the change is committed."""
    transaction.on_commit(
        lambda: roadshow_changed.send(sender=Roadshow, roadshow_id=roadshow_id)
    )


def _record(
    *, roadshow: Roadshow, by: Any, from_status: str, to_status: str, note: str
) -> None:
    RoadshowEvent.objects.create(
        roadshow=roadshow,
        actor=actor_of(by),
        from_status=from_status,
        to_status=to_status,
        note=note,
    )


@transaction.atomic
def roadshow_transition(
    *, roadshow: Roadshow, action: str, by: Any, note: str = ""
) -> Roadshow:
    try:
        allowed_from, to_status = TRANSITIONS[action]
    except KeyError as exc:
        raise RoadshowError(_("未知的操作。")) from exc
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if locked.status not in allowed_from:
        raise RoadshowError(
            _("路演当前状态为“%(status)s”，不能执行该操作。")
            % {"status": locked.get_status_display()}
        )
    if action == "cancel":
        if not note.strip():
            raise RoadshowError(_("取消路演必须填写原因。"))
        locked.cancel_reason = note.strip()
    if action == "publish":
        problems = programme_problems(roadshow=locked)
        if problems:
            raise RoadshowError(_("议程有问题，不能发布：") + "；".join(problems))
    previous = locked.status
    locked.status = to_status
    if action == "publish" and locked.first_published_at is None:
        locked.first_published_at = timezone.now()
    locked.sequence = F("sequence") + 1
    locked.save()
    locked.refresh_from_db()
    _record(
        roadshow=locked, by=by, from_status=previous, to_status=to_status, note=note
    )
    _announce(locked.pk)
    return locked


@transaction.atomic
def roadshow_update(*, roadshow: Roadshow, data: dict[str, Any], by: Any) -> Roadshow:
    """Change a roadshow's details; calendar-visible changes bump its SEQUENCE."""
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if locked.status in RoadshowStatus.ended_states:
        raise RoadshowError(_("已结束、已归档或已取消的路演不能修改。"))
    previous_capacity = locked.capacity
    changed = False
    many = {}
    for key, value in data.items():
        if key in {"co_hosts", "invited"}:
            many[key] = value
            continue
        if getattr(locked, key) != value:
            changed = changed or key in CALENDAR_FIELDS
            setattr(locked, key, value)
    if locked.end <= locked.start:
        raise RoadshowError(_("结束时间必须晚于开始时间。"))
    if changed:
        locked.sequence += 1
    more_places = "capacity" in data and _more_places(previous_capacity, locked)
    locked.save()
    for key, value in many.items():
        getattr(locked, key).set(value)
    problems = programme_problems(roadshow=locked)
    if problems and locked.status in {RoadshowStatus.PUBLISHED, RoadshowStatus.LIVE}:
        raise RoadshowError(_("修改后议程有问题：") + "；".join(problems))
    if more_places:
        # Registrations live above this module (they use its rules).
        from .registrations import waitlist_promote

        waitlist_promote(roadshow=locked)
    if changed and locked.status in RoadshowStatus.public_states:
        _record(
            roadshow=locked,
            by=by,
            from_status=locked.status,
            to_status=locked.status,
            note=gettext_noop("路演信息已更新"),
        )
    _announce(locked.pk)
    return locked


def _more_places(before: int | None, roadshow: Roadshow) -> bool:
    """Whether the on-site places grew (``None``: no limit)."""
    after = roadshow.capacity
    if after is None:
        return before is not None
    return before is not None and after > before


# ---------------------------------------------------------------- programme --


@dataclass
class TimedSlot:
    slot: Slot
    start: dt.datetime
    end: dt.datetime


def programme_timeline(*, roadshow: Roadshow) -> list[TimedSlot]:
    """Slots in order, each starting when the previous one ends."""
    at = roadshow.start
    timeline = []
    for slot in roadshow.slots.select_related("achievement", "team").order_by(
        "position", "id"
    ):
        end = at + dt.timedelta(minutes=slot.duration_minutes)
        timeline.append(TimedSlot(slot, at, end))
        at = end
    return timeline


def pitch_publications(*, roadshow: Roadshow) -> list[str]:
    """The publications an achievement pitched in this roadshow may have:
    public, and restricted ones only in an investors-only roadshow (what
    pitch_problem judges one by one, and the pitch chooser searches)."""
    allowed = [Publication.PUBLIC]
    if roadshow.investors_only:
        allowed.append(Publication.RESTRICTED)
    return allowed


def pitch_problem(*, roadshow: Roadshow, achievement: Achievement) -> str | None:
    """Why this achievement may not be pitched in this roadshow, or None."""
    if achievement.publication in pitch_publications(roadshow=roadshow):
        return None
    if achievement_audience(achievement=achievement) == "investors":
        return _("“%(title)s”仅限已批准投资方，只能进入仅限投资方的路演。") % {
            "title": achievement.title
        }
    return _("“%(title)s”尚未通过保密审查。") % {"title": achievement.title}


def programme_problems(*, roadshow: Roadshow) -> list[str]:
    problems = []
    timeline = programme_timeline(roadshow=roadshow)
    if timeline and timeline[-1].end > roadshow.end:
        local_end = timeline[-1].end.astimezone(SHANGHAI).strftime("%H:%M")
        problems.append(
            _("议程到 %(time)s 才结束，超出了路演的结束时间。") % {"time": local_end}
        )
    for item in timeline:
        if item.slot.achievement_id:
            problem = pitch_problem(
                roadshow=roadshow, achievement=item.slot.achievement
            )
            if problem:
                problems.append(problem)
    return problems


@transaction.atomic
def slot_add(
    *,
    roadshow: Roadshow,
    kind: str,
    duration_minutes: int,
    achievement: Achievement | None = None,
    team: Organization | None = None,
    title: str = "",
    presenters: str = "",
) -> Slot:
    locked = Roadshow.objects.select_for_update().get(pk=roadshow.pk)
    if kind == SlotKind.PITCH:
        if achievement is None:
            raise RoadshowError(_("项目路演必须选择成果。"))
        problem = pitch_problem(roadshow=locked, achievement=achievement)
        if problem:
            raise RoadshowError(problem)
    last = locked.slots.order_by("-position").values_list("position", flat=True).first()
    slot = Slot(
        roadshow=locked,
        position=(last or 0) + 1,
        kind=kind,
        duration_minutes=duration_minutes,
        achievement=achievement if kind == SlotKind.PITCH else None,
        team=team or (achievement.owner if achievement is not None else None),
        title=title,
        presenters=presenters,
    )
    slot.save()
    problems = programme_problems(roadshow=locked)
    if problems:
        raise RoadshowError("；".join(problems))  # rolls the new slot back
    Roadshow.objects.filter(pk=locked.pk).update(sequence=F("sequence") + 1)
    _announce(locked.pk)
    return slot


@transaction.atomic
def slot_move(*, slot: Slot, position: int) -> None:
    """Put a slot at a 1-based position; every later slot is re-timed."""
    roadshow = Roadshow.objects.select_for_update().get(pk=slot.roadshow_id)
    slots = list(roadshow.slots.order_by("position", "id"))
    current = next(s for s in slots if s.pk == slot.pk)
    slots.remove(current)
    position = max(1, min(position, len(slots) + 1))
    slots.insert(position - 1, current)
    for index, item in enumerate(slots, start=1):
        if item.position != index:
            Slot.objects.filter(pk=item.pk).update(position=index)
    Roadshow.objects.filter(pk=roadshow.pk).update(sequence=F("sequence") + 1)
    _announce(roadshow.pk)


@transaction.atomic
def slot_remove(*, slot: Slot) -> None:
    roadshow = Roadshow.objects.select_for_update().get(pk=slot.roadshow_id)
    slot.delete()
    for index, item in enumerate(roadshow.slots.order_by("position", "id"), start=1):
        if item.position != index:
            Slot.objects.filter(pk=item.pk).update(position=index)
    Roadshow.objects.filter(pk=roadshow.pk).update(sequence=F("sequence") + 1)
    _announce(roadshow.pk)


# ---------------------------------------------------------------- planning --

FIELD_TIME = (dt.time(14, 0), dt.time(17, 0))
REGION_TIME = (dt.time(9, 30), dt.time(12, 0))
FIELD_DAY, REGION_DAY = 10, 20  # first free working day on or after these


@dataclass(frozen=True)
class FieldTurn:
    field: IndustryField
    host: Organization


@dataclass(frozen=True)
class RegionTurn:
    kind: str
    province: Province | None
    zone: Organization | None
    host: Organization

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, (self.province or self.zone).pk)

    @property
    def name(self) -> str:
        return self.province.local_name if self.province else self.zone.name


def _first_free_day(
    year: int, month: int, from_day: int, taken: set[dt.date], blocked: set[dt.date]
) -> dt.date:
    """The month's first ordinary working day from `from_day` (else from the
    month's start) that no other roadshow has: never a holiday, a weekend
    worked for one (调休上班), or a date the organizers block."""
    for start in (dt.date(year, month, from_day), dt.date(year, month, 1)):
        day = workdays.next_working_day(
            start, closures=blocked, skip=taken, weekends_worked=False
        )
        if day.month == month:
            return day
    raise RoadshowError(
        _("%(year)d年%(month)d月没有可用的工作日。") % {"year": year, "month": month}
    )


def _next_index(rota_keys: list, last_key) -> int:
    if last_key in rota_keys:
        return (rota_keys.index(last_key) + 1) % len(rota_keys)
    return 0


def _last_turns(year: int) -> tuple[int | None, tuple[str, int] | None]:
    """The field and region of the last roadshows before this year (the rotation
    continues from them)."""
    before = Roadshow.objects.filter(start__year__lt=year).exclude(
        status=RoadshowStatus.CANCELLED
    )
    last_field = (
        before.filter(kind=RoadshowKind.FIELD)
        .order_by("-start")
        .values_list("field_id", flat=True)
        .first()
    )
    last_region = before.filter(kind=RoadshowKind.REGION).order_by("-start").first()
    region_key = None
    if last_region is not None:
        region_key = (
            last_region.region_kind,
            last_region.province_id or last_region.zone_id,
        )
    return last_field, region_key


def _aware(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=SHANGHAI)


@transaction.atomic
def year_plan_create(
    *,
    year: int,
    field_rota: list[FieldTurn],
    region_rota: list[RegionTurn],
    blocked: set[dt.date],
    lead_host: Organization,
    by: Any,
) -> YearPlan:
    """Propose the year's 12 field and 12 region roadshows (drafts).

    One of each per month, on working days, never two on one day, avoiding
    blocked dates and days already taken by other roadshows; each rota rotates
    so nothing repeats before every entry had its turn, continuing from where
    the previous year stopped.
    """
    if not field_rota:
        raise RoadshowError(_("领域轮值表为空：请至少选择一个产业领域及其承办机构。"))
    if not region_rota:
        raise RoadshowError(_("区域轮值表为空：请至少选择一个区域及其联合主办单位。"))
    if len({t.field.pk for t in field_rota}) != len(field_rota):
        raise RoadshowError(_("领域轮值表中有重复的产业领域。"))
    if len({t.key for t in region_rota}) != len(region_rota):
        raise RoadshowError(_("区域轮值表中有重复的区域。"))
    if YearPlan.objects.filter(year=year).exists():
        raise RoadshowError(
            _("%(year)d 年已有计划：请在原计划上调整，或先删除原计划。")
            % {"year": year}
        )
    plan = YearPlan.objects.create(
        year=year,
        field_rota=[{"field": t.field.pk, "host": t.host.pk} for t in field_rota],
        region_rota=[
            {"kind": t.kind, "ref": (t.province or t.zone).pk, "host": t.host.pk}
            for t in region_rota
        ],
        blocked_dates=sorted(d.isoformat() for d in blocked),
        created_by=actor_of(by),
    )
    taken = {
        start.astimezone(SHANGHAI).date()
        for start in Roadshow.objects.filter(start__year=year)
        .exclude(status=RoadshowStatus.CANCELLED)
        .values_list("start", flat=True)
    }
    last_field, last_region = _last_turns(year)
    f_index = _next_index([t.field.pk for t in field_rota], last_field)
    r_index = _next_index([t.key for t in region_rota], last_region)
    for month in range(1, 13):
        turn = field_rota[f_index % len(field_rota)]
        f_index += 1
        day = _first_free_day(year, month, FIELD_DAY, taken, blocked)
        taken.add(day)
        roadshow = Roadshow.objects.create(
            plan=plan,
            kind=RoadshowKind.FIELD,
            field=turn.field,
            title=_("%(year)d年%(month)d月%(field)s领域成果路演")
            % {"year": year, "month": month, "field": turn.field.name},
            start=_aware(day, FIELD_TIME[0]),
            end=_aware(day, FIELD_TIME[1]),
            lead_host=turn.host,
        )
        _record(
            roadshow=roadshow,
            by=by,
            from_status=RoadshowStatus.DRAFT,
            to_status=RoadshowStatus.DRAFT,
            note=gettext_noop("年度计划生成"),
        )

        region = region_rota[r_index % len(region_rota)]
        r_index += 1
        day = _first_free_day(year, month, REGION_DAY, taken, blocked)
        taken.add(day)
        roadshow = Roadshow.objects.create(
            plan=plan,
            kind=RoadshowKind.REGION,
            region_kind=region.kind,
            province=region.province,
            zone=region.zone,
            title=_("%(year)d年%(month)d月%(region)s区域成果路演")
            % {"year": year, "month": month, "region": region.name},
            start=_aware(day, REGION_TIME[0]),
            end=_aware(day, REGION_TIME[1]),
            lead_host=lead_host,
        )
        roadshow.co_hosts.set([region.host])
        _record(
            roadshow=roadshow,
            by=by,
            from_status=RoadshowStatus.DRAFT,
            to_status=RoadshowStatus.DRAFT,
            note=gettext_noop("年度计划生成"),
        )
    return plan


@transaction.atomic
def roadshows_swap_dates(*, first: Roadshow, second: Roadshow, by: Any) -> None:
    """Swap two roadshows' days, keeping each one's time of day."""
    a, b = Roadshow.objects.select_for_update().filter(pk__in=[first.pk, second.pk])
    a_day, b_day = (
        a.start.astimezone(SHANGHAI).date(),
        b.start.astimezone(SHANGHAI).date(),
    )

    def move(roadshow: Roadshow, day: dt.date) -> dict:
        start = roadshow.start.astimezone(SHANGHAI)
        end = roadshow.end.astimezone(SHANGHAI)
        return {
            "start": dt.datetime.combine(day, start.timetz()),
            "end": dt.datetime.combine(day + (end.date() - start.date()), end.timetz()),
        }

    roadshow_update(roadshow=a, data=move(a, b_day), by=by)
    roadshow_update(roadshow=b, data=move(b, a_day), by=by)
