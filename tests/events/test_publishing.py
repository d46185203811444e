"""Publishing a roadshow creates its CMS page; the page renders the record live."""

import pytest

from accounts.enums import OrganizationKind
from cms.models import RoadshowPage
from events.enums import SlotKind
from events.services import roadshow_transition, roadshow_update, slot_add
from tests.factories import make_achievement, make_org
from tests.factories.events import make_roadshow


@pytest.fixture
def published(roles, django_capture_on_commit_callbacks):
    users, orgs = roles
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        title="2027年3月新材料领域成果路演",
        summary="新材料领域的月度路演。",
    )
    roadshow.co_hosts.add(
        make_org(
            kind=OrganizationKind.SPECIALIZED_AGENCY,
            name="国家新材料产业发展专家咨询委员会",
        )
    )
    a = make_achievement(owner=orgs["owner"], title="专用碳纤维复合材料研发")
    with django_capture_on_commit_callbacks(execute=True):
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=20,
            achievement=a,
            presenters="王教授",
        )
        roadshow = roadshow_transition(
            roadshow=roadshow, action="publish", by=users["organizer"]
        )
    return roadshow, a


def test_publishing_creates_a_live_page(client, published):
    roadshow, _a = published
    page = RoadshowPage.objects.get(roadshow=roadshow)
    assert page.live
    assert page.url == f"/roadshows/2027-03-field-{roadshow.pk}/"
    html = client.get(page.url).content.decode()
    for text in (
        "2027年3月新材料领域成果路演",
        "2027-03-10 14:00",
        "科技会堂",
        "专用碳纤维复合材料研发",
        "14:00–14:20",
        "王教授",
        ">报名中</span>",
        "国家新材料产业发展专家咨询委员会",
    ):
        assert text in html, text
    assert (
        f'type="text/calendar" title="{roadshow.title}" href="/calendar/roadshows/{roadshow.pk}.ics"'
        in html
    )
    assert client.get(f"/r/{roadshow.pk}/")["Location"] == page.url
    # The workflow's word is never the public's.
    assert "已发布" not in html


def test_index_lists_published_roadshows_only(client, published, roles):
    roadshow, _a = published
    make_roadshow(lead_host=roles[1]["torch"], title="尚未发布的路演")
    html = client.get("/roadshows/").content.decode()
    assert roadshow.title in html and "尚未发布的路演" not in html
    assert 'type="text/calendar"' in html
    html = client.get("/roadshows/", {"kind": "region"}).content.decode()
    assert roadshow.title not in html


def test_changes_show_at_once(
    client, published, roles, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    roadshow, _a = published
    page = RoadshowPage.objects.get(roadshow=roadshow)
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_update(
            roadshow=roadshow,
            data={"title": "改期后的新材料路演", "venue": "国家会议中心"},
            by=None,
        )
    html = client.get(page.url).content.decode()
    assert "改期后的新材料路演" in html and "国家会议中心" in html
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_transition(
            roadshow=roadshow, action="cancel", by=users["organizer"], note="场地维修"
        )
    html = client.get(page.url).content.decode()
    assert "本场路演已取消：场地维修" in html


def test_unpublishing_takes_the_page_down(
    client, published, roles, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    roadshow, _a = published
    url = RoadshowPage.objects.get(roadshow=roadshow).url
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_transition(
            roadshow=roadshow, action="unpublish", by=users["organizer"]
        )
    assert client.get(url).status_code == 404
    assert client.get(f"/r/{roadshow.pk}/").status_code == 404


def test_withheld_achievement_disappears_from_the_programme(client, published, roles):
    users, _orgs = roles
    roadshow, a = published
    from achievements.services import achievement_transition

    achievement_transition(
        achievement=a,
        action="withhold",
        by=users["reviewer"],
        comment="涉密",
        seen_revision=a.revision,
    )
    html = client.get(RoadshowPage.objects.get(roadshow=roadshow).url).content.decode()
    assert "专用碳纤维复合材料研发" not in html


def test_home_page_shows_next_roadshows_and_progress(client, published):
    roadshow, _a = published
    html = client.get("/").content.decode()
    assert roadshow.title in html
    assert "场国家级路演已举办（2022—2025 规划期目标 80 场）" in html


def test_achievement_page_lists_the_roadshows_it_was_pitched_in(client, published):
    roadshow, achievement = published
    html = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert "路演记录" in html and roadshow.title in html


def test_zone_feed(client, roles):
    from accounts.enums import OrganizationKind
    from tests.factories import make_org

    users, orgs = roles
    zone = make_org(kind=OrganizationKind.HI_TECH_ZONE, name="东湖高新区")
    r = make_roadshow(
        lead_host=orgs["torch"],
        kind="region",
        field=None,
        region_kind="hi_tech_zone",
        zone=zone,
        title="东湖区域路演",
    )
    roadshow_transition(roadshow=r, action="publish", by=users["organizer"])
    body = client.get(f"/calendar/zone/{zone.pk}.ics").content.decode()
    assert "东湖区域路演" in body
