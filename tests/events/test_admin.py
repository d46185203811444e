"""The organizers' roadshow workplace in the Wagtail admin."""

import datetime as dt

import pytest

from accounts.enums import OrganizationKind
from events.models import PitchMaterial, Roadshow, Slot
from events.selectors import publish_preflight
from tests.factories import make_achievement, make_org
from tests.factories.events import make_roadshow


@pytest.fixture
def organizer(roles, client):
    users, orgs = roles
    client.force_login(users["organizer"])
    return client, users, orgs


def test_plan_a_year_in_a_few_clicks(organizer):
    client, _users, orgs = organizer
    agency = make_org(kind=OrganizationKind.SPECIALIZED_AGENCY, name="专业机构甲")
    dept = make_org(kind=OrganizationKind.LOCAL_ST_DEPARTMENT, name="江苏省科技厅")
    response = client.get("/admin/roadshows/plan/?year=2026")
    assert response.status_code == 200
    fields = response.context["fields_fs"].initial
    data = {
        "year": "2026",
        "lead_host": orgs["torch"].pk,
        # 10 January 2026 is a Saturday: the field roadshow's day would be the 12th.
        "blocked_dates": "2026-03-10 至 2026-03-12\n2026-01-12",
        "f-TOTAL_FORMS": str(len(fields)),
        "f-INITIAL_FORMS": str(len(fields)),
        "r-TOTAL_FORMS": "2",
        "r-INITIAL_FORMS": "0",
        "r-0-province": "32",
        "r-0-host": dept.pk,
        "r-1-province": "44",
        "r-1-host": dept.pk,
    }
    from achievements.models import Province

    data["r-0-province"] = Province.objects.get(code="32").pk
    data["r-1-province"] = Province.objects.get(code="44").pk
    for i, row in enumerate(fields):
        data[f"f-{i}-include"] = "on"
        data[f"f-{i}-field"] = row["field"]
        data[f"f-{i}-order"] = row["order"]
        data[f"f-{i}-host"] = agency.pk
    response = client.post("/admin/roadshows/plan/", data)
    assert response.status_code == 302
    assert response["Location"] == "/admin/roadshows/plan/2026/"
    assert Roadshow.objects.filter(start__year=2026).count() == 24
    page = client.get("/admin/roadshows/plan/2026/").content.decode()
    assert "没有冲突或空缺" in page
    import datetime as dt

    from events.services import SHANGHAI

    days = {r.start.astimezone(SHANGHAI).date() for r in Roadshow.objects.all()}
    assert dt.date(2026, 1, 12) not in days
    assert dt.date(2026, 1, 13) in days


def test_plan_with_missing_host_is_refused_with_a_message(organizer):
    client, _users, orgs = organizer
    response = client.get("/admin/roadshows/plan/?year=2027")
    fields = response.context["fields_fs"].initial
    data = {
        "year": "2027",
        "lead_host": orgs["torch"].pk,
        "blocked_dates": "",
        "f-TOTAL_FORMS": "1",
        "f-INITIAL_FORMS": "1",
        "r-TOTAL_FORMS": "0",
        "r-INITIAL_FORMS": "0",
        "f-0-include": "on",
        "f-0-field": fields[0]["field"],
        "f-0-order": "1",
    }
    response = client.post("/admin/roadshows/plan/", data)
    assert response.status_code == 200
    assert "请选择承办机构" in response.content.decode()
    assert Roadshow.objects.count() == 0


def test_manage_programme_and_publish(organizer):
    client, _users, orgs = organizer
    roadshow = make_roadshow(lead_host=orgs["torch"])
    a = make_achievement(owner=orgs["owner"], title="甲成果", project_number="P-100")
    hidden = make_achievement(
        owner=orgs["owner"], state="draft", project_number="P-200"
    )
    url = f"/admin/roadshows/{roadshow.pk}/slots/add/"
    transition = f"/admin/roadshows/{roadshow.pk}/transition/"
    response = client.post(
        url,
        {
            "kind": "pitch",
            "achievement": "P-100",
            "duration_minutes": "20",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "kind": "pitch",
            "achievement": "P-200",
            "duration_minutes": "20",
        },
        follow=True,
    )
    assert "尚未通过保密审查" in response.content.decode()
    response = client.post(
        url,
        {
            "kind": "pitch",
            "achievement": "NOPE",
            "duration_minutes": "20",
        },
    )
    assert response.status_code == 400
    assert roadshow.slots.count() == 1
    # Publishing shows what is missing first, and waits for a confirmation.
    preflight = client.post(transition, {"action": "publish"}).content.decode()
    assert "发布前检查" in preflight and "直播地址" in preflight
    assert "未设直播地址" in preflight and "仍然发布" in preflight
    roadshow.refresh_from_db()
    assert roadshow.status == "draft"
    client.post(transition, {"action": "publish", "confirmed": "1"})
    roadshow.refresh_from_db()
    assert roadshow.status == "published"
    response = client.post(transition, {"action": "cancel", "note": ""}, follow=True)
    assert "取消路演必须填写原因" in response.content.decode()
    assert hidden.slots.count() == 0 and a.slots.count() == 1


def test_admin_edit_goes_through_the_service(organizer):
    client, _users, orgs = organizer
    roadshow = make_roadshow(lead_host=orgs["torch"])
    response = client.get(f"/admin/roadshow/edit/{roadshow.pk}/")
    assert response.status_code == 200
    form = response.context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "title": "改名后的路演",
            "kind": "field",
            "field": roadshow.field_id,
            "lead_host": orgs["torch"].pk,
            "format": "hybrid",
            "start": "2027-03-10 14:00",
            "end": "2027-03-10 17:00",
            "co_hosts": [],
            "invited": [],
        }
    )
    data.pop("investors_only", None)
    response = client.post(f"/admin/roadshow/edit/{roadshow.pk}/", data)
    assert response.status_code == 302, response.context["form"].errors
    roadshow.refresh_from_db()
    assert (roadshow.title, roadshow.sequence) == ("改名后的路演", 1)


def test_planner_is_for_organizers_only(roles, client):
    users, _orgs = roles
    client.force_login(users["reviewer"])
    assert client.get("/admin/roadshows/plan/").status_code == 302


def test_roadshow_pages_edit_preview_and_search_in_wagtail(
    organizer, django_capture_on_commit_callbacks
):
    client, users, orgs = organizer
    from cms.models import RoadshowPage
    from events.services import roadshow_transition

    roadshow = make_roadshow(lead_host=orgs["torch"], title="可编辑的路演页面")
    with django_capture_on_commit_callbacks(execute=True):
        roadshow_transition(roadshow=roadshow, action="publish", by=users["organizer"])
    page = RoadshowPage.objects.get(roadshow=roadshow)
    assert client.get(f"/admin/pages/{page.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{page.pk}/edit/preview/").status_code == 200
    html = client.get("/admin/pages/search/", {"q": "可编辑"}).content.decode()
    assert "可编辑的路演页面" in html
    assert client.get("/admin/roadshow/").status_code == 200


def test_sitemap_lists_public_pages_and_achievements_only(client, roles):
    _users, orgs = roles
    public = make_achievement(owner=orgs["owner"], title="公开成果")
    restricted = make_achievement(owner=orgs["owner"], state="restricted")
    draft = make_achievement(owner=orgs["owner"], state="draft")
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-achievements.xml" in index and "sitemap-pages.xml" in index
    xml = client.get("/sitemap-achievements.xml").content.decode()
    assert f"/achievements/{public.pk}/" in xml
    assert f"/achievements/{restricted.pk}/" not in xml
    assert f"/achievements/{draft.pk}/" not in xml
    assert "/roadshows/" in client.get("/sitemap-pages.xml").content.decode()


def test_edit_and_manage_pages_warn_of_a_holiday(organizer):
    """A roadshow on 1 October 2026 (National Day) and one moved to a
    Saturday worked for it (10 October): each page says which."""
    import datetime as dt

    client, _users, orgs = organizer
    roadshow = make_roadshow(lead_host=orgs["torch"], day=dt.date(2026, 10, 1))
    note = f"“{roadshow.title}”：2026-10-01 是国庆节法定假日。"
    for url in (
        f"/admin/roadshow/edit/{roadshow.pk}/",
        f"/admin/roadshows/{roadshow.pk}/manage/",
    ):
        page = client.get(url).content.decode()
        assert "data-day-warnings" in page and note in page, url
    response = client.get(f"/admin/roadshow/edit/{roadshow.pk}/")
    data = {k: v for k, v in response.context["form"].initial.items() if v}
    data.update(
        {
            "lead_host": orgs["torch"].pk,
            "start": "2026-10-10 14:00",
            "end": "2026-10-10 17:00",
            "co_hosts": [],
            "invited": [],
        }
    )
    response = client.post(f"/admin/roadshow/edit/{roadshow.pk}/", data, follow=True)
    assert response.redirect_chain, response.context["form"].errors
    shown = [str(m) for m in response.context["messages"]]
    assert f"“{roadshow.title}”：2026-10-10 是国庆节调休上班日。" in shown
    client.cookies["django_language"] = "en"
    page = client.get(f"/admin/roadshow/edit/{roadshow.pk}/").content.decode()
    assert (
        "2026-10-10 is a weekend worked in exchange for the National Day break" in page
    )
    moved = make_roadshow(lead_host=orgs["torch"], day=dt.date(2026, 10, 12))
    page = client.get(f"/admin/roadshow/edit/{moved.pk}/").content.decode()
    assert "data-day-warnings" not in page


def test_materials_on_an_empty_programme_say_so(organizer):
    client, _users, orgs = organizer
    roadshow = make_roadshow(lead_host=orgs["torch"])
    page = client.get(f"/admin/roadshows/{roadshow.pk}/manage/").content.decode()
    assert "节目单中还没有路演项目" in page
    assert "所有项目的材料都已提交" not in page


def test_the_edit_page_leads_to_the_programme_and_status(organizer):
    client, _users, orgs = organizer
    roadshow = make_roadshow(lead_host=orgs["torch"])
    page = client.get(f"/admin/roadshow/edit/{roadshow.pk}/").content.decode()
    assert f'href="/admin/roadshows/{roadshow.pk}/manage/"' in page
    assert "议程与状态" in page


def test_a_roadshow_ready_to_publish_passes_its_preflight(organizer):
    client, _users, orgs = organizer
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        day=dt.date(2026, 12, 15),
        stream_url="https://live.example.cn/rs/1.m3u8",
        registration_opens=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
    )
    achievement = make_achievement(owner=orgs["owner"], state="public")
    slot = Slot.objects.create(
        roadshow=roadshow,
        kind="pitch",
        achievement=achievement,
        team=orgs["owner"],
        position=1,
    )
    for kind in ("deck", "cover"):
        PitchMaterial.objects.create(
            slot=slot, kind=kind, file=f"materials/{kind}", content_type="x", size=1
        )
    checks = publish_preflight(roadshow=roadshow)
    assert [c.label for c in checks if not c.ok] == []
    page = client.post(
        f"/admin/roadshows/{roadshow.pk}/transition/", {"action": "publish"}
    ).content.decode()
    assert "确认发布" in page and "有未完成的项目" not in page
