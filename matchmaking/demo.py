"""Demo data for matchmaking: the next published roadshow gets a session,
the demo fund and enterprise register and ask the demo team for meetings,
and the schedule is published — all through the services people use."""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from achievements.enums import Publication
from achievements.models import Achievement
from events.enums import RoadshowStatus, SlotKind
from events.models import Registration, Roadshow
from events.registrations import registration_create
from events.services import slot_add

from . import services
from .enums import Direction, Priority
from .models import MatchSession


def seed_matchmaking() -> MatchSession | None:
    """Runs once: nothing happens when a session already exists.  The demo
    accounts' notifications are not sent (they are shown in the workspace)."""
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
    ):
        return _seed()


def _seed() -> MatchSession | None:
    if MatchSession.objects.exists():
        return None
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["organizer", "team", "investor", "enterprise"]
        )
    }
    roadshow = (
        Roadshow.objects.filter(
            status=RoadshowStatus.PUBLISHED, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    if roadshow is None or len(users) < 4:
        return None
    team_org = users["team"].memberships.first().organization
    enterprise_org = users["enterprise"].memberships.first().organization
    own = _team_pitches(team_org, roadshow, enterprise_org)
    if len(own) < 2:
        return None
    with transaction.atomic():
        if not roadshow.slots.filter(achievement=own[0]).exists():
            slot_add(
                roadshow=roadshow,
                kind=SlotKind.PITCH,
                duration_minutes=15,
                achievement=own[0],
            )
        for name in ("investor", "enterprise", "team"):
            if not Registration.objects.active().filter(
                roadshow=roadshow, user=users[name]
            ):
                registration_create(
                    roadshow=roadshow, user=users[name], attendance="onsite"
                )
        session = services.session_create(
            roadshow=roadshow,
            by=users["organizer"],
            tables=8,
            online_rooms=2,
            starts_at=roadshow.end,
            ends_at=roadshow.end + dt.timedelta(hours=2),
        )
    fund = users["investor"].memberships.first().organization
    enterprise = users["enterprise"].memberships.first().organization
    _mandates(fund, enterprise, roadshow)
    asked = services.request_create(
        by=users["investor"],
        session=session,
        achievement=own[0],
        investor_org=fund,
        direction=Direction.TO_TEAM,
        message="希望了解中试数据和许可条件。",
        priority=Priority.MUST_MEET,
    )
    services.request_accept(request_id=asked.pk, by=users["team"], accept_priority=1)
    services.schedule_run(session_id=session.pk, by=users["organizer"])
    services.schedule_publish(session_id=session.pk, by=users["organizer"])
    services.request_create(
        by=users["enterprise"],
        session=session,
        achievement=own[1],
        investor_org=enterprise,
        direction=Direction.TO_TEAM,
        message="我们在长三角有产线，想谈独占许可。",
    )
    services.request_create(
        by=users["team"],
        session=session,
        achievement=own[0],
        investor_org=enterprise,
        direction=Direction.TO_INVESTOR,
        message="贵公司的产线与本成果高度匹配，期待现场交流。",
    )
    return session


def _team_pitches(team_org, roadshow, enterprise_org) -> list[Achievement]:
    """The team's public achievement of the roadshow's field (the fund asks
    for it), then one of the demo enterprise's field (the enterprise asks
    for that one); the team's first ones where it has none."""
    from achievements.demo_topics import FIELDS

    public = list(
        Achievement.objects.filter(owner=team_org, publication=Publication.PUBLIC)
        .select_related("field")
        .order_by("pk")
    )
    enterprise_field = next(
        (c for c, spec in FIELDS.items() if spec.enterprise[0] == enterprise_org.name),
        None,
    )
    wanted = [roadshow.field.code if roadshow.field else None, enterprise_field]
    chosen: list[Achievement] = []
    for code in wanted:
        rest = [a for a in public if a not in chosen]
        pick = next(
            (a for a in rest if a.field.code == code), rest[0] if rest else None
        )
        if pick is not None:
            chosen.append(pick)
    return chosen


def _mandates(fund, enterprise, roadshow) -> None:
    """The demo fund's and enterprise's investment profiles, so the
    workspace has recommendations to show."""
    from achievements.models import IndustryField, InvestorProfile, Province

    wanted = [
        (fund, ["new-it", "smart-manufacturing"], ["31", "32", "33"], (4, 9)),
        # An energy-equipment maker: energy technologies only.
        (enterprise, ["modern-energy"], ["32", "51"], (5, 9)),
    ]
    for org, fields, provinces, (low, high) in wanted:
        profile, created = InvestorProfile.objects.get_or_create(
            organization=org,
            defaults={
                "trl_min": low,
                "trl_max": high,
                "transfer_modes": ["licence", "assignment", "equity"],
            },
        )
        if created:
            codes = set(fields)
            if org == fund and roadshow.field:
                codes.add(roadshow.field.code)
            profile.industries.set(IndustryField.objects.filter(code__in=codes))
            profile.provinces.set(Province.objects.filter(code__in=provinces))
