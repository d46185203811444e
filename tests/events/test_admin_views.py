"""One roadshow's admin page: each action has its own form, view and URL
(no view switching on an "op" field), each checked for organizers."""

import re

import pytest

from accounts.models import User
from events.enums import RoadshowStatus, SlotKind
from events.services import slot_add
from tests.factories import make_achievement, make_user
from tests.factories.events import make_roadshow


@pytest.fixture
def programme(roles, client):
    users, orgs = roles
    roadshow = make_roadshow(lead_host=orgs["torch"])
    first, second = (
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=20,
            achievement=make_achievement(owner=orgs["owner"], title=title),
        )
        for title in ("第一项成果", "第二项成果")
    )
    staff = make_user(username="door")
    roadshow.door_staff.add(staff)
    client.force_login(users["organizer"])
    return client, users, roadshow, first, second, staff


def _order(roadshow) -> list[int]:
    return list(roadshow.slots.order_by("position").values_list("pk", flat=True))


def test_every_form_on_the_page_posts_to_its_own_action(programme):
    client, _users, roadshow, first, second, staff = programme
    html = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    one = f"/admin/roadshows/{roadshow.pk}/"
    assert 'name="op"' not in html
    assert set(re.findall(r'\s(?:action|formaction)="(/admin/[^"]+)"', html)) - {
        "/admin/logout/"
    } == {
        one + "transition/",
        one + "slots/add/",
        *(
            one + f"slots/{slot.pk}/{what}/"
            for slot in (first, second)
            for what in ("up", "down", "remove", "remind")
        ),
        one + "door-staff/add/",
        one + f"door-staff/{staff.pk}/remove/",
    }


def test_programme_moves_and_removals_have_their_own_urls(programme):
    client, _users, roadshow, first, second, _staff = programme
    one = f"/admin/roadshows/{roadshow.pk}/slots/"
    response = client.post(one + f"{first.pk}/down/")
    assert response["Location"] == f"/admin/roadshows/{roadshow.pk}/manage/"
    assert _order(roadshow) == [second.pk, first.pk]
    client.post(one + f"{first.pk}/up/")
    assert _order(roadshow) == [first.pk, second.pk]
    client.post(one + f"{first.pk}/remove/")
    assert _order(roadshow) == [second.pk]


def test_door_staff_are_named_and_removed_with_their_own_urls(programme):
    client, _users, roadshow, _first, _second, staff = programme
    add = f"/admin/roadshows/{roadshow.pk}/door-staff/add/"
    page = client.post(add, {"login": "nobody-by-that-name"}, follow=True)
    assert "没有这个用户名或邮箱的账户。" in page.content.decode()
    assert list(roadshow.door_staff.all()) == [staff]
    newcomer = make_user(username="usher")
    page = client.post(add, {"login": "usher"}, follow=True)
    assert "已添加签到工作人员：" in page.content.decode()
    assert set(roadshow.door_staff.all()) == {staff, newcomer}
    client.post(f"/admin/roadshows/{roadshow.pk}/door-staff/{staff.pk}/remove/")
    assert list(roadshow.door_staff.all()) == [newcomer]
    # Someone who is not door staff here is not found; nothing changes.
    response = client.post(
        f"/admin/roadshows/{roadshow.pk}/door-staff/{staff.pk}/remove/"
    )
    assert response.status_code == 404
    assert list(roadshow.door_staff.all()) == [newcomer]


def test_a_slot_of_another_roadshow_is_not_found(programme, roles):
    client, _users, roadshow, first, _second, _staff = programme
    other = make_roadshow(lead_host=roles[1]["torch"])
    for what in ("up", "down", "remove", "remind"):
        response = client.post(f"/admin/roadshows/{other.pk}/slots/{first.pk}/{what}/")
        assert response.status_code == 404
    assert first.pk in _order(roadshow)


def test_a_bad_transition_says_why_and_changes_nothing(programme):
    client, _users, roadshow, _first, _second, _staff = programme
    url = f"/admin/roadshows/{roadshow.pk}/transition/"
    page = client.post(url, {"action": "archive"}, follow=True).content.decode()
    assert "路演当前状态为“草案”，不能执行该操作。" in page
    page = client.post(url, {"note": "x"}, follow=True).content.decode()
    assert "必需字段" in page
    roadshow.refresh_from_db()
    assert roadshow.status == RoadshowStatus.DRAFT


def test_the_page_itself_takes_no_posts(programme):
    client, _users, roadshow, _first, _second, _staff = programme
    response = client.post(
        f"/admin/roadshows/{roadshow.pk}/manage/",
        {"op": "transition", "action": "schedule"},
    )
    assert response.status_code == 405
    roadshow.refresh_from_db()
    assert roadshow.status == RoadshowStatus.DRAFT


def test_the_actions_are_for_organizers_only(programme):
    client, users, roadshow, first, second, staff = programme
    client.force_login(users["reviewer"])
    one = f"/admin/roadshows/{roadshow.pk}/"
    for url, data in (
        (one + "transition/", {"action": "schedule"}),
        (one + "slots/add/", {"kind": "break", "title": "茶歇", "duration_minutes": 5}),
        (one + f"slots/{first.pk}/down/", {}),
        (one + f"slots/{first.pk}/remove/", {}),
        (one + "door-staff/add/", {"login": "reviewer"}),
        (one + f"door-staff/{staff.pk}/remove/", {}),
    ):
        assert client.post(url, data).status_code in (302, 403)
    roadshow.refresh_from_db()
    assert roadshow.status == RoadshowStatus.DRAFT
    assert _order(roadshow) == [first.pk, second.pk]
    assert list(roadshow.door_staff.all()) == [staff]
    assert User.objects.filter(door_roadshows=roadshow).count() == 1


def test_the_pitch_chooser_offers_only_what_may_be_pitched_here(programme, roles):
    client, users, roadshow, first, _second, _staff = programme
    _users, orgs = roles
    url = f"/admin/roadshows/{roadshow.pk}/slots/choices/"
    public = make_achievement(
        owner=orgs["other"], title="固态电池电解质", project_number="2026YFB0101"
    )
    restricted = make_achievement(
        owner=orgs["other"], title="固态电池隔膜", state="restricted"
    )
    make_achievement(owner=orgs["other"], title="固态电池草稿", state="draft")

    def titles(q):
        return [r["title"] for r in client.get(url, {"q": q}).json()["results"]]

    # By title, by institution, by project number; never a draft, never a
    # restricted one in a public roadshow, never one already in the programme.
    assert titles("固态电池") == ["固态电池电解质"]
    assert "固态电池电解质" in titles("乙研究院")
    assert titles("0101") == ["固态电池电解质"]
    assert titles("第一项") == []
    assert titles("") == []
    roadshow.investors_only = True
    roadshow.save(update_fields=["investors_only"])
    assert titles("固态电池") == ["固态电池电解质", "固态电池隔膜"]
    result = client.get(url, {"q": "隔膜"}).json()["results"][0]
    assert result["value"] == restricted.project_number
    assert result["owner"] == "乙研究院" and public.pk != restricted.pk
    # Organizers only.
    client.force_login(users["reviewer"])
    assert client.get(url, {"q": "固态"}).status_code in (302, 403)
