"""Reads for roadshows: what is public, the plan's warnings, progress."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import workdays
from accounts import permissions
from achievements.selectors import achievements_published_to, province_code_of

from .enums import (
    Attendance,
    Level,
    PublicStatus,
    RegistrationStatus,
    RoadshowKind,
    RoadshowStatus,
    SlotKind,
)
from .models import TICKET_Q, RegionPair, Registration, Roadshow, YearPlan
from .registrations import (
    attendance_options,
    places_left,
    registration_is_open,
    registration_window,
)
from .services import (
    PUBLIC_Q,
    SHANGHAI,
    pitch_publications,
    programme_problems,
    programme_timeline,
)


def roadshows_public() -> QuerySet[Roadshow]:
    """Roadshows anyone may see (published ones, and what became of them)."""
    return Roadshow.objects.filter(PUBLIC_Q)


def roadshows_listed(
    *,
    month: tuple[int, int] | None = None,
    kind: str = "",
    field: str = "",
    province: str = "",
    status: str = "",
) -> QuerySet[Roadshow]:
    """The public roadshows, filtered (a month in Shanghai time, a kind, a
    field or province code, a status), in the order they take place."""
    qs = roadshows_public().select_related("field", "province", "zone")
    if month is not None:
        year, number = month
        first = dt.datetime(year, number, 1, tzinfo=SHANGHAI)
        after = (first + dt.timedelta(days=32)).replace(day=1)
        qs = qs.filter(start__gte=first, start__lt=after)
    if kind:
        qs = qs.filter(kind=kind)
    if field:
        qs = qs.filter(field__code=field)
    if province:
        qs = qs.filter(province__code=province)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("start", "id")


def programme_shown_to(*, roadshow: Roadshow, user: Any) -> tuple[list, set[int]]:
    """The programme as this user may see it, and the ids of its achievements
    they may see (the visibility rule).  A slot whose achievement they may not
    see is left out whole — its title, team and time would tell of it."""
    timeline = programme_timeline(roadshow=roadshow)
    published = achievements_published_to(
        user=user,
        ids=[i.slot.achievement_id for i in timeline if i.slot.achievement_id],
    )
    shown = [
        item
        for item in timeline
        if item.slot.achievement_id is None or item.slot.achievement_id in published
    ]
    return shown, published


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
    window = registration_window(roadshow=roadshow, now=now)
    opens, closes = window.opens, window.closes
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
        open=window.is_open,
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
    # gap | clash | non_working | adjusted_workday | repeat | double
    # | calendar_unknown
    kind: str
    message: str


def _closures(plan: YearPlan | None) -> set[dt.date]:
    return {dt.date.fromisoformat(d) for d in (plan.blocked_dates if plan else [])}


def _day_warnings(roadshow: Roadshow, closures: set[dt.date]) -> list[PlanWarning]:
    """A roadshow on a day off (a holiday, a rest day moved next to one, a
    weekend, a closure) or on a weekend worked for a holiday (调休上班)."""
    first = roadshow.start.astimezone(SHANGHAI).date()
    last = max(first, roadshow.end.astimezone(SHANGHAI).date())
    warnings = []
    for offset in range((last - first).days + 1):
        found = workdays.day_info(first + dt.timedelta(days=offset), closures=closures)
        if found.kind == workdays.DayKind.WORKDAY:
            continue
        warnings.append(
            PlanWarning(
                "non_working" if not found.working else "adjusted_workday",
                _("“%(title)s”：%(note)s。")
                % {"title": roadshow.title, "note": workdays.day_note(found)},
            )
        )
    return warnings


def roadshow_day_warnings(*, roadshow: Roadshow) -> list[PlanWarning]:
    """What the working calendar says about one roadshow's days (with the
    closures of its year's plan), for its admin pages."""
    year = roadshow.start.astimezone(SHANGHAI).year
    plan = YearPlan.objects.filter(year=year).first()
    return _day_warnings(roadshow, _closures(plan))


def calendar_unknown_warning(*, year: int) -> PlanWarning | None:
    """A year whose holidays and 调休 the calendar does not know yet."""
    if workdays.year_known(year):
        return None
    return PlanWarning(
        "calendar_unknown",
        _(
            "日历尚未收录 %(year)d 年的国务院放假安排（通常于上一年 11 月公布）："
            "目前只按周末和固定日期的法定假日（元旦、清明节、劳动节、国庆节）计算，"
            "春节、端午节、中秋节和调休尚未计入。请把这些日期填入“避开的日期”，"
            "或在平台更新日历后再核对。"
        )
        % {"year": year},
    )


def plan_warnings(*, year: int) -> list[PlanWarning]:
    """What is wrong with a year's plan as it stands: shown, never fixed silently."""
    roadshows = list(
        Roadshow.objects.filter(start__year=year)
        .exclude(status=RoadshowStatus.CANCELLED)
        .select_related("field", "province", "zone")
        .order_by("start")
    )
    plan = YearPlan.objects.filter(year=year).first()
    closures = _closures(plan)
    unknown = calendar_unknown_warning(year=year)
    warnings: list[PlanWarning] = [unknown] if unknown else []
    by_month: dict[tuple[int, str], list[Roadshow]] = {}
    by_day: dict[dt.date, list[Roadshow]] = {}
    for r in roadshows:
        local = r.start.astimezone(SHANGHAI)
        by_month.setdefault((local.month, r.kind), []).append(r)
        by_day.setdefault(local.date(), []).append(r)
        warnings += _day_warnings(r, closures)
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


def roadshows_held(
    *,
    starts: dt.date | None = None,
    ends: dt.date | None = None,
    level: str | None = None,
) -> QuerySet[Roadshow]:
    """The one definition of a roadshow held (`RoadshowStatus.held_states`:
    live, closed or archived) in a period: its start's date, Shanghai time,
    within ``starts``–``ends`` (either open).  Every figure of roadshows held
    counts this: the home page, the planner, the organizers' dashboard and its
    export, the public summary and the API."""
    qs = Roadshow.objects.filter(status__in=RoadshowStatus.held_states)
    if starts is not None:
        qs = qs.filter(start__date__gte=starts)
    if ends is not None:
        qs = qs.filter(start__date__lte=ends)
    if level is not None:
        qs = qs.filter(level=level)
    return qs


def period_is_year(starts: dt.date, ends: dt.date) -> bool:
    """A target period that is one calendar year (its target is a yearly
    one: the 1+1 roadshows of each month, 24) rather than a programme period
    of several years (2022–2025: 80)."""
    return (starts.month, starts.day, ends.month, ends.day) == (1, 1, 12, 31) and (
        starts.year == ends.year
    )


@dataclass(frozen=True)
class ProgrammeTarget:
    """How many national roadshows the programme means to hold in a period."""

    roadshows: int
    starts: dt.date
    ends: dt.date
    name: str = ""

    @property
    def yearly(self) -> bool:
        return period_is_year(self.starts, self.ends)


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
    """National roadshows held in the current target period toward its
    target; those still planned in it (drafts included: for organizers) and
    those announced (published, not held yet: what the public is told)."""

    held: int
    planned: int
    announced: int
    target: int | None
    period: ProgrammeTarget | None = None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.held / self.target)) if self.target else 0

    @property
    def yearly(self) -> bool:
        return self.period is not None and self.period.yearly


def programme_progress() -> Progress:
    """National roadshows held toward the current target (the period the
    organizers' dashboard opens on, counted as it counts them:
    `roadshows_held` within the period, national level), and those still
    planned or announced in the same period.  Without a target, every
    national roadshow held so far and every one planned."""
    target = _target_source[0]() if _target_source else None
    starts = target.starts if target is not None else None
    ends = target.ends if target is not None else None
    in_period = Roadshow.objects.filter(level=Level.NATIONAL)
    if starts is not None:
        in_period = in_period.filter(start__date__gte=starts, start__date__lte=ends)
    counts = in_period.aggregate(
        planned=Count("id", filter=Q(status__in=RoadshowStatus.planned_states)),
        announced=Count("id", filter=Q(status=RoadshowStatus.PUBLISHED)),
    )
    return Progress(
        held=roadshows_held(starts=starts, ends=ends, level=Level.NATIONAL).count(),
        planned=counts["planned"],
        announced=counts["announced"],
        target=target.roadshows if target is not None else None,
        period=target,
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


@dataclass(frozen=True)
class Check:
    """One line of a roadshow's pre-flight before publishing."""

    label: str
    ok: bool
    detail: str = ""


def publish_preflight(*, roadshow: Roadshow) -> list[Check]:
    """What an organizer should see before making a roadshow public: where
    it is, how it is watched, when people may register, its programme and
    materials, and its day in the working calendar."""
    from .materials import materials_missing

    options = attendance_options(roadshow)
    checks = []
    if Attendance.ONSITE in options:
        checks.append(
            Check(
                _("会场"),
                bool(roadshow.venue and roadshow.address),
                f"{roadshow.venue} · {roadshow.address}"
                if roadshow.venue and roadshow.address
                else _("未填写会场或地址：现场参加的人不知道去哪里。"),
            )
        )
    if Attendance.ONLINE in options:
        checks.append(
            Check(
                _("直播地址"),
                bool(roadshow.stream_url),
                roadshow.stream_url or _("未设直播地址：线上参加的人看不到直播。"),
            )
        )
    opens, closes = roadshow.registration_opens, roadshow.registration_closes
    checks.append(
        Check(
            _("报名时间"),
            bool(opens or closes),
            _("%(opens)s 至 %(closes)s")
            % {
                "opens": _local(opens) if opens else _("发布时"),
                "closes": _local(closes or roadshow.start),
            }
            if opens or closes
            else _("未设报名时间：发布后立即开放报名，直至路演开始。"),
        )
    )
    pitches = roadshow.slots.filter(kind=SlotKind.PITCH).count()
    problems = programme_problems(roadshow=roadshow)
    checks.append(
        Check(
            _("议程"),
            bool(pitches) and not problems,
            " ".join(problems) if pitches else _("议程中还没有路演项目。"),
        )
    )
    if pitches:
        missing = materials_missing(roadshow=roadshow)
        checks.append(
            Check(
                _("路演材料"),
                not missing,
                ngettext("%(n)d 个项目缺材料。", "%(n)d 个项目缺材料。", len(missing))
                % {"n": len(missing)}
                if missing
                else "",
            )
        )
    warnings = roadshow_day_warnings(roadshow=roadshow)
    checks.append(
        Check(
            _("日期"),
            not warnings,
            " ".join(w.message for w in warnings) or _local(roadshow.start),
        )
    )
    return checks


def _local(moment: dt.datetime) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def pitch_choices(*, roadshow: Roadshow, text: str, limit: int = 20) -> list[dict]:
    """Achievements that may be pitched in this roadshow (published for its
    audience: restricted ones only in an investors-only roadshow), matching
    ``text`` in the title, the institution or the project number; those
    already in its programme left out."""
    from achievements.models import Achievement

    text = text.strip()[:100]
    if not text:
        return []
    found = (
        Achievement.objects.filter(
            publication__in=pitch_publications(roadshow=roadshow)
        )
        .filter(
            Q(title__icontains=text)
            | Q(owner__name__icontains=text)
            | Q(project_number__icontains=text)
        )
        .exclude(slots__roadshow=roadshow)
        .select_related("owner")
        .order_by("title", "pk")[:limit]
    )
    return [
        {
            "id": a.pk,
            "value": a.project_number or str(a.pk),
            "title": a.title,
            "owner": a.owner.name,
            "number": a.project_number,
        }
        for a in found
    ]


@dataclass(frozen=True)
class PairedSide:
    """The other side of a pairing 结对 that a region roadshow belongs to."""

    pair: RegionPair
    province: Any
    zone: Any = None


def paired_sides(*, roadshow: Roadshow) -> list[PairedSide]:
    """The other sides of the pairs a region roadshow's province or zone is
    in.  A province's roadshow stands for its zones too; a zone's roadshow
    for its own side and for a pair of its whole province (the zone's
    province: its credit code's)."""
    if roadshow.kind != RoadshowKind.REGION:
        return []
    province_code = roadshow.province.code if roadshow.province_id else ""
    zone = roadshow.zone if roadshow.zone_id else None
    if not province_code and zone is not None:
        province_code = province_code_of(zone)
    if not province_code and zone is None:
        return []
    sides: list[PairedSide] = []
    pairs = RegionPair.objects.select_related(
        "province_a", "province_b", "zone_a", "zone_b"
    )
    for pair in pairs:
        for mine, other in (("a", "b"), ("b", "a")):
            my_zone = getattr(pair, f"zone_{mine}")
            if roadshow.province_id:
                matches = getattr(pair, f"province_{mine}").code == province_code
            else:
                matches = (my_zone is not None and my_zone == zone) or (
                    my_zone is None
                    and getattr(pair, f"province_{mine}").code == province_code
                )
            if matches:
                sides.append(
                    PairedSide(
                        pair=pair,
                        province=getattr(pair, f"province_{other}"),
                        zone=getattr(pair, f"zone_{other}"),
                    )
                )
    return sides
