"""Reads for roadshows: what is public, the plan's warnings, progress."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions

from .enums import (
    Attendance,
    Level,
    PublicStatus,
    RegistrationStatus,
    RoadshowKind,
    RoadshowStatus,
)
from .models import TICKET_Q, Registration, Roadshow, YearPlan
from .registrations import (
    attendance_options,
    places_left,
    registration_is_open,
    registration_window,
)
from .services import PUBLIC_Q, SHANGHAI, is_working_day


def roadshows_public() -> QuerySet[Roadshow]:
    """Roadshows anyone may see (published ones, and what became of them)."""
    return Roadshow.objects.filter(PUBLIC_Q)


def roadshow_public_status(
    *, roadshow: Roadshow, now: dt.datetime | None = None
) -> PublicStatus:
    """What the public is told this roadshow is now: the one decision behind
    every public badge (the index, the home page, the roadshow's page, the
    live room, an achievement's roadshows).  Live and cancelled are the
    organizers' word; a roadshow whose end has passed has ended even before
    anyone closes it; before that, registering while registration is open
    (registrations.registration_is_open, on the window registration itself
    obeys), else upcoming."""
    now = now or timezone.now()
    if roadshow.status == RoadshowStatus.CANCELLED:
        return PublicStatus.CANCELLED
    if roadshow.status == RoadshowStatus.LIVE:
        return PublicStatus.LIVE
    if roadshow.status in RoadshowStatus.ended_states or roadshow.end <= now:
        return PublicStatus.ENDED
    if registration_is_open(roadshow=roadshow, now=now):
        return PublicStatus.REGISTERING
    return PublicStatus.UPCOMING


@dataclass
class PublicOrder:
    """Roadshows as the public looks for them: what is coming (soonest
    first, a cancelled one among them until its date), what is live, and
    what is over (most recent first)."""

    upcoming: list[Roadshow]
    live: list[Roadshow]
    past: list[Roadshow]


def roadshows_in_public_order(
    roadshows, *, now: dt.datetime | None = None
) -> PublicOrder:
    now = now or timezone.now()
    order = PublicOrder(upcoming=[], live=[], past=[])
    for roadshow in sorted(roadshows, key=lambda r: (r.start, r.pk)):
        status = roadshow_public_status(roadshow=roadshow, now=now)
        if status == PublicStatus.LIVE:
            order.live.append(roadshow)
        elif status == PublicStatus.ENDED or (
            status == PublicStatus.CANCELLED and roadshow.start <= now
        ):
            order.past.append(roadshow)
        else:
            order.upcoming.append(roadshow)
    order.past.reverse()
    return order


@dataclass(frozen=True)
class RegistrationFacts:
    """What a roadshow's page tells about registering: whether it is open,
    its window, the on-site places left (None: no limit, or nobody on
    site) and the reader's own registration (while it may still be used).  The places are a figure to
    show, read without a lock: registering decides under the roadshow's
    row lock (registrations.registration_create)."""

    open: bool
    opens: dt.datetime | None
    # Registration will open later (it has not yet).
    opens_later: bool
    closes: dt.datetime
    capacity: int | None
    places_left: int | None
    registration: Registration | None


def registration_facts(*, roadshow: Roadshow, user: Any) -> RegistrationFacts:
    now = timezone.now()
    opens, closes = registration_window(roadshow=roadshow)
    onsite = Attendance.ONSITE in attendance_options(roadshow)
    left = places_left(roadshow=roadshow) if onsite else None
    mine = None
    # One's registration matters to the page until the roadshow is over.
    if (
        getattr(user, "is_authenticated", False)
        and roadshow.status in RoadshowStatus.open_states
    ):
        mine = roadshow.registrations.active().filter(user=user).first()
    return RegistrationFacts(
        open=registration_is_open(roadshow=roadshow, now=now),
        opens=opens,
        opens_later=opens is not None and now < opens,
        closes=closes,
        capacity=roadshow.capacity if onsite else None,
        # Below zero when the capacity was lowered under the tickets given.
        places_left=None if left is None else max(left, 0),
        registration=mine,
    )


@dataclass
class PlanWarning:
    kind: str  # gap | clash | non_working | repeat | double
    message: str


def plan_warnings(*, year: int) -> list[PlanWarning]:
    """What is wrong with a year's plan as it stands: shown, never fixed silently."""
    roadshows = list(
        Roadshow.objects.filter(start__year=year)
        .exclude(status=RoadshowStatus.CANCELLED)
        .select_related("field", "province", "zone")
        .order_by("start")
    )
    plan = YearPlan.objects.filter(year=year).first()
    blocked = {dt.date.fromisoformat(d) for d in (plan.blocked_dates if plan else [])}
    warnings: list[PlanWarning] = []
    by_month: dict[tuple[int, str], list[Roadshow]] = {}
    by_day: dict[dt.date, list[Roadshow]] = {}
    for r in roadshows:
        local = r.start.astimezone(SHANGHAI)
        by_month.setdefault((local.month, r.kind), []).append(r)
        by_day.setdefault(local.date(), []).append(r)
        if not is_working_day(local.date(), blocked):
            warnings.append(
                PlanWarning(
                    "non_working",
                    _("“%(title)s”安排在非工作日或避开的日期（%(day)s）。")
                    % {"title": r.title, "day": local.date().isoformat()},
                )
            )
    for month in range(1, 13):
        for kind, label in RoadshowKind.choices:
            items = by_month.get((month, kind), [])
            if not items:
                warnings.append(
                    PlanWarning(
                        "gap",
                        _("%(month)d月没有%(kind)s。")
                        % {"month": month, "kind": label},
                    )
                )
            elif len(items) > 1:
                warnings.append(
                    PlanWarning(
                        "double",
                        _("%(month)d月有 %(n)d 场%(kind)s。")
                        % {"month": month, "n": len(items), "kind": label},
                    )
                )
    for day, items in sorted(by_day.items()):
        if len(items) > 1:
            warnings.append(
                PlanWarning(
                    "clash",
                    _("%(day)s 同一天有 %(n)d 场路演：%(titles)s。")
                    % {
                        "day": day.isoformat(),
                        "n": len(items),
                        "titles": "、".join(r.title for r in items),
                    },
                )
            )
    if plan is not None:
        warnings += _rotation_warnings(plan, roadshows)
    return warnings


def _rotation_warnings(plan: YearPlan, roadshows: list[Roadshow]) -> list[PlanWarning]:
    warnings = []
    rota_fields = [entry["field"] for entry in plan.field_rota]
    seen: list[int] = []
    for r in (x for x in roadshows if x.kind == RoadshowKind.FIELD):
        if r.field_id in seen and len(set(seen)) < len(rota_fields):
            warnings.append(
                PlanWarning(
                    "repeat",
                    _("“%(field)s”在其他领域轮到之前再次出现（%(title)s）。")
                    % {"field": r.field.local_name, "title": r.title},
                )
            )
        if len(set(seen) | {r.field_id}) >= len(rota_fields):
            seen = []
        else:
            seen.append(r.field_id)
    rota_regions = [(entry["kind"], entry["ref"]) for entry in plan.region_rota]
    seen_regions: list[tuple] = []
    for r in (x for x in roadshows if x.kind == RoadshowKind.REGION):
        key = (r.region_kind, r.province_id or r.zone_id)
        if key in seen_regions and len(set(seen_regions)) < len(rota_regions):
            warnings.append(
                PlanWarning(
                    "repeat",
                    _("“%(region)s”在其他区域轮到之前再次出现（%(title)s）。")
                    % {"region": r.region_name, "title": r.title},
                )
            )
        if len(set(seen_regions) | {key}) >= len(rota_regions):
            seen_regions = []
        else:
            seen_regions.append(key)
    return warnings


@dataclass(frozen=True)
class ProgrammeTarget:
    """How many national roadshows the programme means to hold in a period."""

    roadshows: int
    starts: dt.date
    ends: dt.date


TargetSource = Callable[[], ProgrammeTarget | None]
_target_source: list[TargetSource] = []


def programme_target_source(source: TargetSource) -> TargetSource:
    """Name where the programme's current target comes from.  Targets are data
    kept after this app (the tracker's target periods), which this app may not
    import: the project's wiring registers the source at start-up."""
    _target_source[:] = [source]
    return source


@dataclass
class Progress:
    held: int
    planned: int
    target: int | None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.held / self.target)) if self.target else 0


def programme_progress() -> Progress:
    """Roadshows held toward the current target, and those still planned.

    Held counts what the target counts (as the tracker's dashboard does): the
    national roadshows held within the target's period.  Without a target,
    every roadshow held so far."""
    target = _target_source[0]() if _target_source else None
    held = Roadshow.objects.filter(status__in=RoadshowStatus.held_states)
    if target is not None:
        held = held.filter(
            level=Level.NATIONAL,
            start__date__gte=target.starts,
            start__date__lte=target.ends,
        )
    return Progress(
        held=held.count(),
        planned=Roadshow.objects.filter(
            status__in=RoadshowStatus.planned_states
        ).count(),
        target=target.roadshows if target is not None else None,
    )


def roadshows_for_feed(
    *,
    field: str = "",
    province: str = "",
    zone: int | None = None,
    host: int | None = None,
) -> QuerySet[Roadshow]:
    qs = roadshows_public().select_related("field", "province", "zone")
    if field:
        qs = qs.filter(field__code=field)
    if province:
        qs = qs.filter(province__code=province)
    if zone is not None:
        qs = qs.filter(zone_id=zone)
    if host is not None:
        qs = qs.filter(Q(lead_host_id=host) | Q(co_hosts=host)).distinct()
    return qs.order_by("start", "id")


def roadshows_of_user(*, user: Any) -> QuerySet[Roadshow]:
    """A user's own roadshows: they registered for them (not cancelled), or
    their organizations host, are invited to, or pitch in them.  (Their
    meetings join the personal feed from events.calendars.personal_events.)"""
    orgs = permissions.organization_ids(user)
    registered = Registration.objects.active().filter(user=user).values("roadshow")
    return (
        roadshows_public()
        .filter(
            Q(pk__in=registered)
            | Q(lead_host_id__in=orgs)
            | Q(co_hosts__in=orgs)
            | Q(invited__in=orgs)
            | Q(slots__team_id__in=orgs)
        )
        .distinct()
        .order_by("start", "id")
    )


def roadshows_of_achievement(*, achievement_id: int) -> QuerySet[Roadshow]:
    """The public roadshows an achievement was pitched in (its showcase record)."""
    return (
        roadshows_public()
        .filter(slots__achievement_id=achievement_id)
        .select_related("page")
        .distinct()
        .order_by("-start")
    )


def checkin_counts(*, roadshow: Roadshow) -> dict[str, int]:
    """The door's counter, in one query."""
    return roadshow.registrations.aggregate(
        registered=Count("id", filter=TICKET_Q),
        checked_in=Count("id", filter=TICKET_Q & Q(checked_in_at__isnull=False)),
        waitlisted=Count("id", filter=Q(status=RegistrationStatus.WAITLISTED)),
        online=Count(
            "id",
            filter=Q(status=RegistrationStatus.CONFIRMED, attendance=Attendance.ONLINE),
        ),
    )
