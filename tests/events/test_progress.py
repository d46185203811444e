"""The programme's progress on the home page, the roadshow list and the
planner: "held" means what it means on the tracker's dashboard (a roadshow
that has taken place or is taking place), and the target is the current target
period's, data organizers set, not a number in the code."""

import datetime as dt
import re

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
        (RoadshowStatus.PUBLISHED, dt.date(year, 12, 31), Level.NATIONAL),
        (RoadshowStatus.DRAFT, dt.date(year, 12, 30), Level.NATIONAL),
    ):
        make_roadshow(
            lead_host=host,
            status=status,
            day=day,
            level=level,
            first_published_at=published_at,
        )


def _number(html: str, marker: str, cls: str) -> int:
    """The number in the first <… class="cls"> after ``marker``."""
    rest = html[html.index(marker) :]
    rest = rest[rest.index(f'class="{cls}"') :]
    return int(re.search(r">\s*/?\s*(\d+)", rest).group(1))


def test_home_page_and_dashboard_show_the_same_held_and_target(
    client, roles, this_year
):
    """Both pages rendered, their numbers read and compared: held this
    period (the live one and January's national one — not the local one nor
    last year's archived one), against the same yearly target, labelled as
    the yearly target of the same period."""
    users, _orgs = roles
    year = timezone.localdate().year
    home = client.get("/").content.decode()
    link = home[home.index('id="progress-held"') :]
    home_held = int(re.search(r"<strong>(\d+)</strong>", link).group(1))
    home_target = int(re.search(r"年度目标 (\d+) 场", link).group(1))
    assert f"场国家级路演已举办（{year} 年度，年度目标 24 场）" in link
    assert home[: home.index('id="progress-held"')].endswith('<a href="/progress/" ')
    # Announced: this year's published one (next year's is another period;
    # the draft is the organizers' business).
    assert "<strong>1</strong>场国家级路演已公布、即将举行" in home

    client.force_login(users["organizer"])
    dashboard = client.get("/deals/dashboard/").content.decode()
    row = 'id="target-roadshows"'
    assert (
        (home_held, home_target)
        == (
            _number(dashboard, row, "t-value"),
            _number(dashboard, row, "t-goal"),
        )
        == (2, 24)
    )
    assert f"{year} 年度（年度目标）" in dashboard

    # The public summary the home page links to says the same.
    client.logout()
    public = client.get("/progress/").content.decode()
    assert (
        _number(public, row, "t-value"),
        _number(public, row, "t-goal"),
    ) == (2, 24)
    assert f"{year} 年度（年度目标：每月领域、区域路演各一场）" in public
    # And the API.
    api = client.get("/api/v1/progress").json()
    held = next(f for f in api["figures"] if f["key"] == "roadshows")
    assert (held["value"], held["target"]) == (2, 24)
    assert (api["period"]["name"], api["period"]["yearly"]) == (f"{year} 年度", True)


def test_roadshow_list_and_planner_show_the_same_progress(client, roles, this_year):
    users, _orgs = roles
    year = timezone.localdate().year
    listing = client.get("/roadshows/").content.decode()
    assert (
        "<strong>2</strong> 场国家级路演已举办"
        f"（{year} 年度，年度目标 24 场）</a>；另有 1 场已公布、即将举行。"
    ) in listing
    client.force_login(users["organizer"])
    planner = client.get("/admin/roadshows/plan/").content.decode()
    assert (
        f"进度（{year} 年度）：已举办国家级路演 2 场 / 年度目标 24 场，"
        "本期另有 2 场在计划中。"
    ) in planner


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
    assert "<strong>1</strong>场国家级路演已举办（2022—2025 规划期目标 81 场）" in home


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
    assert "进度：已举办国家级路演 1 场（尚未设置目标），另有 0 场在计划中。" in planner


def test_a_target_changed_in_the_admin_shows_at_once_on_cached_pages(roles):
    from django.test import Client

    users, _orgs = roles
    visitor, organizer = Client(), Client()
    assert "规划期目标 80 场）" in visitor.get("/").content.decode()
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
    assert "规划期目标 90 场）" in home.content.decode()
