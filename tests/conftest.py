import datetime as dt
import os

import pytest
from django.db import connection

from accounts.enums import InvestorStatus, OrganizationKind, Role
from tests.factories import make_achievement, make_org, make_user


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(
        reason="needs PostgreSQL: run `make test` with the service on 127.0.0.1:5432"
    )
    on_redis = bool(os.environ.get("REDIS_URL"))
    skip_redis = pytest.mark.skip(
        reason="needs Redis: run `make test` with the service on 127.0.0.1:6379"
    )
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not on_redis:
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache and the default language."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    cache.clear()
    # A request in English leaves English active in this thread: reset.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def vendor():
    return connection.vendor


@pytest.fixture
def roles(db):
    """One user per role, plus the organizations they belong to."""
    owner = make_org(kind=OrganizationKind.UNIVERSITY, name="甲大学")
    other = make_org(kind=OrganizationKind.UNIVERSITY, name="乙研究院")
    fund = make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="丙基金",
        investor_status=InvestorStatus.APPROVED,
    )
    pending_fund = make_org(
        kind=OrganizationKind.MARKET_FUND,
        name="丁基金",
        investor_status=InvestorStatus.PENDING,
    )
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    enterprise = make_org(
        kind=OrganizationKind.ENTERPRISE,
        name="戊企业",
        investor_status=InvestorStatus.APPROVED,
    )
    users = {
        "team": make_user(role=Role.TEAM, org=owner, username="team"),
        "other_team": make_user(role=Role.TEAM, org=other, username="other_team"),
        "investor": make_user(role=Role.INVESTOR, org=fund, username="investor"),
        "pending_investor": make_user(
            role=Role.INVESTOR, org=pending_fund, username="pending"
        ),
        "reviewer": make_user(role=Role.REVIEWER, org=torch, username="reviewer"),
        "organizer": make_user(role=Role.ORGANIZER, org=torch, username="organizer"),
        "enterprise": make_user(
            role=Role.INVESTOR, org=enterprise, username="enterprise"
        ),
        "nobody": make_user(username="nobody"),
    }
    orgs = {
        "owner": owner,
        "other": other,
        "fund": fund,
        "torch": torch,
        "enterprise": enterprise,
    }
    return users, orgs


@pytest.fixture
def live(roles):
    """A live public roadshow with one pitch, and its room."""
    from django.utils import timezone

    from events.enums import SlotKind
    from events.models import Slot
    from livestream.services import room_of
    from tests.factories.events import make_roadshow

    users, orgs = roles
    now = timezone.now()
    roadshow = make_roadshow(
        status="live",
        first_published_at=now,
        start=now - dt.timedelta(minutes=5),
        end=now + dt.timedelta(hours=3),
    )
    achievement = make_achievement(owner=orgs["owner"], state="public")
    slot = Slot.objects.create(
        roadshow=roadshow,
        kind=SlotKind.PITCH,
        achievement=achievement,
        team=orgs["owner"],
        position=1,
    )
    room = room_of(roadshow)
    # A room opened up by its moderators: most tests follow a question
    # straight onto the screen (pre-moderation, the default, has its own).
    room.premoderation = False
    room.save(update_fields=["premoderation"])
    return {"roadshow": roadshow, "room": room, "slot": slot, **users}


@pytest.fixture
def private(settings, tmp_path):
    """The private storage (jobs' uploads and files) in the test's folder."""
    from tests.exports import private_storage_in

    return private_storage_in(settings, tmp_path / "private")


@pytest.fixture(params=["inline", "job"])
def downloads(request, settings, private):
    """Exports written in the request, then (every row over the limit) by a
    background job: a test using this runs both ways."""
    from tests.exports import Downloads

    through_job = request.param == "job"
    settings.EXPORT_INLINE_ROWS = 0 if through_job else 10**9
    return Downloads(through_job=through_job)
