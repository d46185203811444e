"""The reads of matchmaking: who is busy when, which requests and meetings
a user sees, and the session's figures."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from accounts import permissions
from accounts.enums import Role
from achievements.selectors import achievements_published_visible_to
from events.models import Registration, Roadshow
from events.services import programme_timeline

from .enums import (
    DeclineReason,
    Direction,
    MeetingStatus,
    Outcome,
    RequestStatus,
    Side,
)
from .models import (
    BlockedSlot,
    MatchSession,
    MatchSlot,
    Meeting,
    MeetingOutcome,
    MeetingRequest,
    MeetingSeat,
)


def session_window_open(
    *, session: MatchSession, now: dt.datetime | None = None
) -> bool:
    now = now or timezone.now()
    if session.requests_open and now < session.requests_open:
        return False
    close = session.requests_close or session.ends_at
    return now < close


def roadshow_takes_requests(*, roadshow: Roadshow) -> bool:
    """Its session may take requests at all: the roadshow is public and
    neither cancelled nor archived."""
    from events.enums import RoadshowStatus
    from events.services import roadshow_is_public

    return roadshow_is_public(roadshow) and roadshow.status not in (
        RoadshowStatus.CANCELLED,
        RoadshowStatus.ARCHIVED,
    )


def sessions_taking_requests(*, now: dt.datetime | None = None) -> list[MatchSession]:
    """Every session taking requests now (the same two conditions)."""
    now = now or timezone.now()
    candidates = (
        MatchSession.objects.filter(ends_at__gt=now)
        .select_related("roadshow")
        .order_by("starts_at", "pk")
    )
    return [
        session
        for session in candidates
        if roadshow_takes_requests(roadshow=session.roadshow)
        and session_window_open(session=session, now=now)
    ]


def people_of(request: MeetingRequest) -> set[int]:
    """Everyone who attends: the requester and the answering side's attendees."""
    return {request.requester_id, *(u.pk for u in request.attendees.all())}


def presenting_orgs(*, session: MatchSession) -> dict[int, list[tuple]]:
    """Organization → the times (start, end) it pitches in the roadshow."""
    times: dict[int, list[tuple]] = defaultdict(list)
    for timed in programme_timeline(roadshow=session.roadshow):
        slot = timed.slot
        if slot.kind != "pitch":
            continue
        for org in {slot.team_id, getattr(slot.achievement, "owner_id", None)} - {None}:
            times[org].append((timed.start, timed.end))
    return times


def busy_slots(
    *,
    session: MatchSession,
    user_ids: Iterable[int],
    slots: list[MatchSlot] | None = None,
    ignore_meetings: Iterable[int] = (),
) -> dict[int, set[int]]:
    """User → the session's slot ids they cannot meet in: slots they blocked,
    their own pitch (with the buffer) for members of a presenting team, and
    meetings already holding them here or at the same time in another
    session (other than ``ignore_meetings``)."""
    user_ids = set(user_ids)
    slots = slots if slots is not None else list(session.slots.all())
    busy: dict[int, set[int]] = {uid: set() for uid in user_ids}
    if not user_ids or not slots:
        return busy
    for uid, slot_id in BlockedSlot.objects.filter(
        user_id__in=user_ids, slot__session=session
    ).values_list("user_id", "slot_id"):
        busy[uid].add(slot_id)
    # Pitch times: the team's own members, around their pitch.
    buffer = dt.timedelta(minutes=session.pitch_buffer_minutes)
    pitches = presenting_orgs(session=session)
    if pitches:
        from accounts.models import Membership

        for uid, org in Membership.objects.filter(
            user_id__in=user_ids, role=Role.TEAM, organization_id__in=list(pitches)
        ).values_list("user_id", "organization_id"):
            for start, end in pitches[org]:
                for slot in slots:
                    if slot.start < end + buffer and slot.end > start - buffer:
                        busy[uid].add(slot.pk)
    # Meetings: here by slot; elsewhere by overlapping time.
    first, last = min(s.start for s in slots), max(s.end for s in slots)
    seats = (
        MeetingSeat.objects.filter(
            user_id__in=user_ids,
            meeting__status__in=MeetingStatus.active_states,
            slot__start__lt=last,
            slot__end__gt=first,
        )
        .exclude(meeting_id__in=list(ignore_meetings))
        .values_list(
            "user_id", "slot_id", "slot__session_id", "slot__start", "slot__end"
        )
    )
    for uid, slot_id, session_id, start, end in seats:
        if session_id == session.pk:
            busy[uid].add(slot_id)
            continue
        for slot in slots:
            if slot.start < end and slot.end > start:
                busy[uid].add(slot.pk)
    return busy


def free_common_slots(
    *, request: MeetingRequest, slots: list[MatchSlot] | None = None
) -> list[MatchSlot]:
    session = request.session
    slots = slots if slots is not None else list(session.slots.all())
    # A meeting is never placed in a slot that has begun.
    now = timezone.now()
    slots = [slot for slot in slots if slot.start > now]
    people = people_of(request)
    busy = busy_slots(session=session, user_ids=people, slots=slots)
    taken = set().union(*busy.values()) if busy else set()
    return [slot for slot in slots if slot.pk not in taken]


def registered_orgs(*, session: MatchSession) -> set[int]:
    """Organizations with someone registered for the roadshow."""
    from accounts.models import Membership

    users = Registration.objects.active().filter(roadshow=session.roadshow)
    return set(
        Membership.objects.filter(user__in=users.values("user")).values_list(
            "organization_id", flat=True
        )
    )


def requests_of(*, user: Any) -> QuerySet[MeetingRequest]:
    """The requests of the user's organizations, on either side (organizers
    see theirs through the session's admin page)."""
    teams = permissions.organization_ids(user, role=Role.TEAM)
    investors = permissions.approved_investor_orgs(user)
    if not teams and not investors:
        return MeetingRequest.objects.none()
    return (
        MeetingRequest.objects.filter(
            Q(team_org_id__in=teams) | Q(investor_org_id__in=investors)
        )
        .select_related(
            "session__roadshow", "achievement", "team_org", "investor_org", "requester"
        )
        .prefetch_related("attendees", "preferred_slots")
    )


def meetings_of(*, user: Any, published_only: bool = True) -> QuerySet[Meeting]:
    """The meetings the user attends."""
    meetings = Meeting.objects.filter(
        Q(request__requester=user) | Q(request__attendees=user)
    ).distinct()
    if published_only:
        meetings = meetings.filter(published_at__isnull=False)
    return meetings.select_related(
        "slot",
        "place",
        "session__roadshow",
        "request__achievement",
        "request__team_org",
        "request__investor_org",
    ).order_by("slot__start", "pk")


def figures_of_sessions(*, session_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Per session: requests and how they were answered, meetings published
    and how they went, "continue" outcomes (meetings with at least one),
    deals created from its meetings, and why requests were declined — five
    grouped queries whatever the number of sessions (the session's page and
    the tracker's dashboard read the same figures)."""
    ids = list(session_ids)
    figures: dict[int, dict[str, Any]] = {
        pk: {
            "requests": 0,
            "accepted": 0,
            "declined": 0,
            "meetings": 0,
            "held": 0,
            "no_show": 0,
            "continue": 0,
            "deals": 0,
            "decline_reasons": {},
        }
        for pk in ids
    }
    for row in (
        MeetingRequest.objects.filter(session_id__in=ids)
        .values("session")
        .annotate(
            requests=Count("id"),
            accepted=Count("id", filter=Q(status=RequestStatus.ACCEPTED)),
            declined=Count("id", filter=Q(status=RequestStatus.DECLINED)),
        )
    ):
        figures[row.pop("session")].update(row)
    for pk, reason, n in (
        MeetingRequest.objects.filter(session_id__in=ids, status=RequestStatus.DECLINED)
        .values_list("session", "decline_reason")
        .annotate(n=Count("id"))
    ):
        figures[pk]["decline_reasons"][reason] = n
    published = Meeting.objects.filter(session_id__in=ids, published_at__isnull=False)
    for row in published.values("session").annotate(
        meetings=Count("id", filter=~Q(status=MeetingStatus.CANCELLED)),
        held=Count("id", filter=Q(status=MeetingStatus.HELD)),
        no_show=Count("id", filter=Q(status=MeetingStatus.NO_SHOW)),
    ):
        figures[row.pop("session")].update(row)
    for pk, n in (
        MeetingOutcome.objects.filter(
            meeting__session_id__in=ids, outcome=Outcome.CONTINUE
        )
        .values_list("meeting__session")
        .annotate(n=Count("meeting", distinct=True))
    ):
        figures[pk]["continue"] = n
    # Deals point at their meeting (tracker.Deal.meeting): counted through
    # that relation, without this app importing the tracker.
    for pk, n in (
        Meeting.objects.filter(session_id__in=ids, deals__isnull=False)
        .values_list("session")
        .annotate(n=Count("deals", distinct=True))
    ):
        figures[pk]["deals"] = n
    labels = dict(DeclineReason.choices)
    for row in figures.values():
        answered = row["accepted"] + row["declined"]
        row["acceptance"] = row["accepted"] / answered if answered else None
        row["acceptance_rate"] = round(100 * row["acceptance"]) if answered else None
        row["decline_labels"] = sorted(
            ((labels.get(k, k), n) for k, n in row["decline_reasons"].items()),
            key=lambda item: -item[1],
        )
    return figures


def session_figures(*, session: MatchSession) -> dict[str, Any]:
    return figures_of_sessions(session_ids=[session.pk])[session.pk]


def feedback_of_team(*, org_ids: set[int]) -> dict[str, int]:
    """What the demand side said no for, across the team's requests and
    meetings: reason → count."""
    counts: dict[str, int] = defaultdict(int)
    declined = MeetingRequest.objects.filter(
        team_org_id__in=org_ids,
        status=RequestStatus.DECLINED,
        direction=Direction.TO_INVESTOR,
    )
    for reason, n in declined.values_list("decline_reason").annotate(n=Count("id")):
        counts[reason] += n
    passed = MeetingOutcome.objects.filter(
        meeting__request__team_org_id__in=org_ids,
        side=Side.INVESTOR,
        outcome=Outcome.PASS,
    )
    for reason, n in passed.values_list("reason").annotate(n=Count("id")):
        counts[reason] += n
    return dict(counts)


def achievement_titles(*, user: Any, requests: Iterable[MeetingRequest]) -> dict:
    """Request id → the achievement's title as this user may see it: the
    title where the visibility rule lets them see it published (or it is
    their own), a neutral label otherwise (an achievement withdrawn after
    the request was made)."""
    from django.utils.translation import gettext as _

    from achievements.selectors import achievements_published_to

    requests = list(requests)
    teams = permissions.organization_ids(user, role=Role.TEAM)
    seen = achievements_published_to(
        user=user, ids=[r.achievement_id for r in requests]
    )
    return {
        r.pk: (
            r.achievement.title
            if r.achievement_id in seen or r.team_org_id in teams
            else _("（该成果已不公开）")
        )
        for r in requests
    }


def sessions_for_request(*, achievement: Any) -> list[MatchSession]:
    """Sessions taking requests about this achievement now: the achievement
    is in the roadshow's programme or its team registered."""
    return [
        session
        for session in sessions_taking_requests()
        if achievement_on_show(session=session, achievement=achievement)
    ]


def achievement_on_show(*, session: MatchSession, achievement: Any) -> bool:
    """The achievement is in the roadshow's programme, or its team comes."""
    shown = session.roadshow.slots.filter(
        kind="pitch", achievement_id=achievement.pk
    ).exists()
    return shown or achievement.owner_id in registered_orgs(session=session)


def achievements_bookable(*, ids: Iterable[int]) -> set[int]:
    """Of these achievements, those a session takes requests about now (the
    same conditions as sessions_for_request, for a list at once)."""
    from achievements.models import Achievement
    from events.models import Slot

    ids = set(ids)
    if not ids:
        return set()
    sessions = sessions_taking_requests()
    if not sessions:
        return set()
    shown = set(
        Slot.objects.filter(
            roadshow__in=[s.roadshow_id for s in sessions],
            kind="pitch",
            achievement_id__in=ids,
        ).values_list("achievement_id", flat=True)
    )
    coming = set().union(*(registered_orgs(session=s) for s in sessions))
    owned = set(
        Achievement.objects.filter(pk__in=ids, owner_id__in=coming).values_list(
            "pk", flat=True
        )
    )
    return shown | owned


def not_approved_reason(user: Any) -> str:
    """Why this user may not ask a team for a meeting, in words that say
    what to do next."""
    from django.utils.translation import gettext as _

    from accounts.enums import InvestorStatus
    from accounts.models import Membership

    if not (user is not None and user.is_authenticated):
        return _("投资方/需求方登录并获批准后可预约对接。")
    waiting = (
        Membership.objects.filter(user=user, role=Role.INVESTOR)
        .select_related("organization")
        .first()
    )
    if waiting is None:
        return _("只有已获批准的投资方/需求方成员可以约见成果团队。")
    if waiting.organization.investor_status != InvestorStatus.APPROVED:
        return _("您的机构（%(org)s）正在审核中，通过后即可预约对接。") % {
            "org": waiting.organization.name
        }
    return _("您在%(org)s的成员资格正在等待批准，批准后即可预约对接。") % {
        "org": waiting.organization.name
    }


def demand_responses_shown(*, demand: Any, user: Any) -> QuerySet:
    """The responses to a demand this user may see: every one for the
    demand's own people and organizers, their own for a team."""
    from .models import DemandResponse

    responses = (
        DemandResponse.objects.filter(demand=demand)
        .select_related("achievement", "team_org", "meeting_request")
        .order_by("-score", "-created_at", "-id")
    )
    if permissions.is_organizer(user):
        return responses
    if demand.organization_id in permissions.organization_ids(user):
        # Never an achievement this person may not see (the one rule).
        return responses.filter(
            achievement__in=achievements_published_visible_to(user=user)
        )
    return responses.filter(
        team_org_id__in=permissions.organization_ids(user, role=Role.TEAM)
    )


def demand_responses_waiting(*, user: Any) -> QuerySet:
    """Responses to the demands of the user's organizations still waiting."""
    from .enums import DemandResponseStatus
    from .models import DemandResponse

    orgs = permissions.organization_ids(user)
    if not orgs:
        return DemandResponse.objects.none()
    return (
        DemandResponse.objects.filter(
            demand__organization_id__in=orgs,
            status=DemandResponseStatus.OPEN,
            achievement__in=achievements_published_visible_to(user=user),
        )
        .select_related("demand", "achievement", "team_org")
        .order_by("-created_at", "-id")
    )


def team_achievements_for_response(*, user: Any) -> QuerySet:
    """The published achievements of the user's teams, which may answer a
    demand ("我们可以对接")."""
    from achievements.enums import Publication
    from achievements.models import Achievement

    return (
        Achievement.objects.filter(
            owner_id__in=permissions.organization_ids(user, role=Role.TEAM)
        )
        .exclude(publication=Publication.NONE)
        .select_related("field")
        .prefetch_related("target_provinces")
        .order_by("-published_at", "-id")
    )
