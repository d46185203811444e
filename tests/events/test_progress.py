"""The programme's progress on the home page, the roadshow list and the
planner: "held" means what it means on the tracker's dashboard (a roadshow
that has taken place or is taking place), and the target is the current target
period's, data organizers set, not a number in the code."""

import datetime as dt

import pytest
from django.utils import timezone

from events.enums import Level, RoadshowStatus
from tests.factories.events import make_roadshow
from tracker.models import TargetPeriod


@pytest.fixture
def this_year(roles):
    """This year's target period (24 roadshows) and roadshows in every state."""
    _users, orgs = roles
    year = timezone.localdate().year
    TargetPeriod.objects.create(
        name=f"{year} 年度",
        starts=dt.date(year, 1, 1),
        ends=dt.date(year, 12, 31),
        roadshows=24,
        promoted_national=300,
        promoted_total=500,
        landed=40,
    )
    now = timezone.now()
    published_at = now - dt.timedelta(days=30)
    host = orgs["torch"]
    make_roadshow(
        lead_host=host,
        status=RoadshowStatus.LIVE,
        first_published_at=published_at,
        start=now - dt.timedelta(minutes=5),
        end=now + dt.timedelta(hours=3),
        title="正在举办的路演",
    )
    for status, day, level in (
        (RoadshowStatus.CLOSED, dt.date(year, 1, 10), Level.NATIONAL),
        (RoadshowStatus.CLOSED, dt.date(year, 1, 11), Level.LOCAL),
        (RoadshowStatus.ARCHIVED, dt.date(year - 1, 6, 10), Level.NATIONAL),
        (RoadshowStatus.CANCELLED, dt.date(year, 2, 10), Level.NATIONAL),
        (RoadshowStatus.PUBLISHED, dt.date(year + 1, 3, 10), Level.NATIONAL),
    ):
        make_roadshow(
            lead_host=host,
            status=status,
            day=day,
            level=level,
            first_published_at=published_at,
        )


def test_home_page_progress_counts_held_as_the_dashboard_does(client, roles, this_year):
    users, _orgs = roles
    home = client.get("/").content.decode()
    # Held this period: the live one and January's national one (the local one
    # and last year's archived one are not what the target counts).
    assert "<strong>2</strong>场路演已举办（目标 24 场）" in home
    assert "<strong>1</strong>场路演在计划中" in home

    client.force_login(users["organizer"])
    dashboard = client.get("/deals/dashboard/").content.decode()
    row = dashboard[dashboard.index('id="target-roadshows"') :]
    assert row.index('<span class="t-value">2</span>') < row.index("</a>")
    assert row.index('<span class="t-goal"> / 24</span>') < row.index("</a>")


def test_roadshow_list_and_planner_show_the_same_progress(client, roles, this_year):
    users, _orgs = roles
    listing = client.get("/roadshows/").content.decode()
    assert "已举办 2 场，目标 24 场；另有 1 场在计划中。" in listing
    client.force_login(users["organizer"])
    planner = client.get("/admin/roadshows/plan/").content.decode()
    assert "进度：已举办 2 场 / 目标 24 场，另有 1 场在计划中。" in planner


def test_home_page_target_is_the_latest_period_when_none_is_current(client, roles):
    """No period includes today: the latest one (here the seeds' 2022–2025),
    as on the dashboard; its roadshows held are the ones in that period."""
    _users, orgs = roles
    make_roadshow(
        lead_host=orgs["torch"], status=RoadshowStatus.CLOSED, day=dt.date(2024, 5, 9)
    )
    TargetPeriod.objects.filter(starts__year=2022).update(roadshows=81)
    assert not TargetPeriod.objects.filter(
        starts__lte=timezone.localdate(), ends__gte=timezone.localdate()
    ).exists()
    home = client.get("/").content.decode()
    assert "<strong>1</strong>场路演已举办（目标 81 场）" in home


def test_held_is_one_group_of_states():
    from tracker.dashboard import HELD

    assert (
        HELD
        == RoadshowStatus.held_states
        == {
            RoadshowStatus.LIVE,
            RoadshowStatus.CLOSED,
            RoadshowStatus.ARCHIVED,
        }
    )


def test_planner_says_when_no_target_is_set(client, roles):
    users, orgs = roles
    make_roadshow(
        lead_host=orgs["torch"], status=RoadshowStatus.CLOSED, day=dt.date(2024, 5, 9)
    )
    TargetPeriod.objects.all().delete()
    client.force_login(users["organizer"])
    planner = client.get("/admin/roadshows/plan/").content.decode()
    assert "进度：已举办 1 场（尚未设置目标），另有 0 场在计划中。" in planner


def test_a_target_changed_in_the_admin_shows_at_once_on_cached_pages(roles):
    from django.test import Client

    users, _orgs = roles
    visitor, organizer = Client(), Client()
    assert "（目标 80 场）" in visitor.get("/").content.decode()
    assert visitor.get("/")["X-Page-Cache"] == "hit"
    organizer.force_login(users["organizer"])
    period = TargetPeriod.objects.get()
    response = organizer.post(
        f"/admin/tracker/targetperiod/edit/{period.pk}/",
        {
            "name": period.name,
            "starts": "2022-01-01",
            "ends": "2025-12-31",
            "roadshows": "90",
            "promoted_national": "3000",
            "promoted_total": "5000",
            "landed": "1000",
            "cross_region": "1000",
            "local_northwest": "1000",
        },
    )
    assert response.status_code == 302
    assert TargetPeriod.objects.get().roadshows == 90
    home = visitor.get("/")
    assert home["X-Page-Cache"] == "miss"
    assert "（目标 90 场）" in home.content.decode()
