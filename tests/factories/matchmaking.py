"""A published roadshow with a matchmaking session, its pitch, and people
registered on both sides: built through the real services."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from events.enums import SlotKind
from events.models import Slot
from events.registrations import registration_create
from events.services import SHANGHAI
from matchmaking.services import session_create
from tests.factories import make_achievement
from tests.factories.events import make_roadshow


def make_market(roles, *, day: dt.date | None = None, tables: int = 2, **settings):
    """Roadshow 14:00–17:00 (the owner's pitch first), matchmaking 14:00–17:00
    in 20-minute slots with 5-minute gaps; the fund, the enterprise and the
    team registered."""
    users, orgs = roles
    day = day or (timezone.localdate() + dt.timedelta(days=10))
    roadshow = make_roadshow(
        day=day, status="published", first_published_at=timezone.now()
    )
    achievement = make_achievement(owner=orgs["owner"], state="public")
    Slot.objects.create(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        achievement=achievement,
        team=orgs["owner"],
        position=1,
    )
    for name in ("investor", "enterprise", "team"):
        with transaction.atomic():
            registration_create(
                roadshow=roadshow, user=users[name], attendance="onsite"
            )
    fields = {
        "starts_at": dt.datetime.combine(day, dt.time(14), tzinfo=SHANGHAI),
        "ends_at": dt.datetime.combine(day, dt.time(17), tzinfo=SHANGHAI),
    }
    fields.update(settings)
    session = session_create(
        roadshow=roadshow,
        by=users["organizer"],
        tables=tables,
        online_rooms=1,
        **fields,
    )
    return {
        "roadshow": roadshow,
        "session": session,
        "achievement": achievement,
        "slots": list(session.slots.order_by("index")),
        **orgs,
        **users,
        "enterprise_org": orgs["enterprise"],
    }


def make_meeting(market):
    """The fund asks about the market's achievement, the team accepts, the
    organizer schedules and publishes: (request, meeting)."""
    from matchmaking.models import Meeting
    from matchmaking.services import (
        request_accept,
        request_create,
        schedule_publish,
        schedule_run,
    )

    request = request_create(
        by=market["investor"],
        session=market["session"],
        achievement=market["achievement"],
        investor_org=market["fund"],
        direction="to_team",
    )
    request_accept(
        request_id=request.pk, by=market["team"], attendee_ids=[market["team"].pk]
    )
    schedule_run(session_id=market["session"].pk, by=market["organizer"])
    schedule_publish(session_id=market["session"].pk, by=market["organizer"])
    return request, Meeting.objects.get(request=request)


def make_emailed_market(roles):
    """``make_market`` with everyone given an address (username@example.com),
    for tests of what people are told."""
    from accounts.models import User

    for user in User.objects.all():
        user.email = f"{user.username}@example.com"
        user.save()
    market = make_market(roles)
    for key in ("investor", "team", "enterprise"):
        market[key].refresh_from_db()
    return market
