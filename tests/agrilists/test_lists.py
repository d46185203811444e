"""进园入县 lists (seeds/004 六.2): frozen when published, never republished,
only cleared public achievements, and a place's fits."""

import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from accounts.enums import Role
from achievements.enums import PlaceKind
from achievements.models import (
    Achievement,
    AgriIndustry,
    AgriScenario,
    AgriTechField,
    Demand,
    Place,
    Province,
)
from achievements.services import achievement_transition, achievement_update
from agrilists.enums import ListScope, ListStatus
from agrilists.models import AgriList, AgriListEntry
from agrilists.services import (
    ListRefused,
    list_create,
    list_entries_add,
    list_entry_remove,
    list_publish,
)
from tests.factories import make_achievement, make_org, make_user


def _agri(owner, title, state="public", **extra):
    from achievements.models import IndustryField

    return make_achievement(
        owner=owner,
        state=state,
        title=title,
        field=IndustryField.objects.get(code="modern-agriculture"),
        agri_tech_field=AgriTechField.objects.get(code="crop-breeding"),
        agri_industry=AgriIndustry.objects.get(code="grain"),
        agri_scenario=AgriScenario.objects.get(code="saline-alkali"),
        **extra,
    )


@pytest.fixture
def national(roles):
    return list_create(
        scope=ListScope.NATIONAL,
        province=None,
        period="2026年第三季度",
        issued_on=dt.date(2026, 9, 30),
        by=roles[0]["organizer"],
    )


def test_published_list_stays_the_same_after_the_library_changes(
    client, roles, national
):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻新品种")
    list_entries_add(
        agri_list=national, achievement_ids=[rice.pk], by=users["organizer"]
    )
    list_publish(agri_list=national, by=users["organizer"])
    national.refresh_from_db()
    page = client.get(f"/lists/{national.pk}/").content.decode()
    xlsx = client.get(f"/lists/{national.pk}/list.xlsx")
    content = b"".join(xlsx.streaming_content)
    assert national.xlsx_sha256 == hashlib.sha256(content).hexdigest()
    sheet = load_workbook(io.BytesIO(content))["清单"]
    assert [c.value for c in sheet[2]][:8] == [
        1,
        "耐盐碱水稻新品种",
        "甲大学",
        "国家重点研发计划",
        rice.project_number,
        "作物育种",
        "粮食生产",
        "盐碱地改良利用",
    ]
    # The library moves on: a new title is cleared, a term renamed.
    achievement_update(
        achievement=rice, data={"title": "耐盐碱水稻（第二代）"}, by=users["team"]
    )
    rice.refresh_from_db()
    achievement_transition(
        achievement=rice, action="start_review", by=users["reviewer"]
    )
    rice.refresh_from_db()
    achievement_transition(
        achievement=rice,
        action="clear",
        by=users["reviewer"],
        seen_revision=rice.revision,
    )
    AgriTechField.objects.filter(code="crop-breeding").update(name="种业")
    assert Achievement.objects.get(pk=rice.pk).title == "耐盐碱水稻（第二代）"
    again = client.get(f"/lists/{national.pk}/").content.decode()
    assert "耐盐碱水稻新品种" in again and "第二代" not in again
    assert "作物育种" in again

    def table(html):
        return html[html.index('<table class="list entries">') : html.index("</table>")]

    assert table(again) == table(page)
    later = b"".join(client.get(f"/lists/{national.pk}/list.xlsx").streaming_content)
    assert later == content


def test_republishing_a_frozen_list_is_refused_and_changes_nothing(roles, national):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻")
    wheat = _agri(orgs["owner"], "节水小麦")
    list_entries_add(
        agri_list=national, achievement_ids=[rice.pk], by=users["organizer"]
    )
    list_publish(agri_list=national, by=users["organizer"])
    national.refresh_from_db()
    frozen = (national.published_at, bytes(national.xlsx))
    with pytest.raises(ListRefused) as refused:
        list_publish(agri_list=national, by=users["organizer"])
    assert str(refused.value).startswith("“2026年第三季度国家科技计划成果清单”已于 ")
    assert "发布并冻结，不能再修改或重新发布" in str(refused.value)
    with pytest.raises(ListRefused):
        list_entries_add(
            agri_list=national, achievement_ids=[wheat.pk], by=users["organizer"]
        )
    with pytest.raises(ListRefused):
        list_entry_remove(entry=national.entries.get(), by=users["organizer"])
    national.refresh_from_db()
    assert (national.published_at, bytes(national.xlsx)) == frozen
    assert list(national.entries.values_list("achievement_id", flat=True)) == [rice.pk]


def test_republish_through_the_page_shows_the_refusal(client, roles, national):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻")
    list_entries_add(
        agri_list=national, achievement_ids=[rice.pk], by=users["organizer"]
    )
    client.force_login(users["organizer"])
    first = client.post(f"/lists/{national.pk}/publish/", follow=True)
    assert [str(m) for m in first.context["messages"]] == ["清单已发布并冻结。"]
    second = client.post(f"/lists/{national.pk}/publish/", follow=True)
    (message,) = [str(m) for m in second.context["messages"]]
    assert "发布并冻结，不能再修改或重新发布" in message
    assert second.redirect_chain == [(f"/lists/{national.pk}/", 302)]


def test_only_cleared_public_achievements_may_be_selected(roles, national):
    users, orgs = roles
    secret = _agri(orgs["owner"], "ZQR限定公开育种", state="restricted")
    draft = _agri(orgs["owner"], "草稿育种", state="draft")
    plain = make_achievement(owner=orgs["owner"], title="未分类成果")
    for achievement in (secret, draft, plain):
        with pytest.raises(ListRefused) as refused:
            list_entries_add(
                agri_list=national,
                achievement_ids=[achievement.pk],
                by=users["organizer"],
            )
        assert (
            str(refused.value) == "只有已公开发布并按农业分类标注的成果可以入选清单。"
        )
    assert not national.entries.exists()


def test_publication_refuses_an_entry_restricted_since_and_writes_nothing(
    roles, national
):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻")
    later = _agri(orgs["owner"], "ZQR后来限定的成果")
    list_entries_add(
        agri_list=national, achievement_ids=[rice.pk, later.pk], by=users["organizer"]
    )
    achievement_update(achievement=later, data={"keywords": "盐碱"}, by=users["team"])
    later.refresh_from_db()
    achievement_transition(
        achievement=later, action="start_review", by=users["reviewer"]
    )
    later.refresh_from_db()
    achievement_transition(
        achievement=later,
        action="restrict",
        by=users["reviewer"],
        seen_revision=later.revision,
    )
    with pytest.raises(ListRefused) as refused:
        list_publish(agri_list=national, by=users["organizer"])
    assert str(refused.value) == "以下成果已不再公开，请先移出清单：ZQR后来限定的成果"
    national.refresh_from_db()
    assert national.status == ListStatus.DRAFT and national.xlsx is None
    assert list(national.entries.values_list("snapshot", flat=True)) == [None, None]
    # Removed, the list publishes, and the restricted one is nowhere in it.
    list_entry_remove(
        entry=national.entries.get(achievement=later), by=users["organizer"]
    )
    list_publish(agri_list=national, by=users["organizer"])
    national.refresh_from_db()
    assert b"ZQR" not in bytes(national.xlsx)
    assert [e.snapshot["title"] for e in national.entries.all()] == ["耐盐碱水稻"]


def test_draft_is_a_preview_for_organizers_only(client, roles, national):
    users, _orgs = roles
    assert client.get(f"/lists/{national.pk}/").status_code == 404
    assert client.get(f"/lists/{national.pk}/list.xlsx").status_code == 404
    client.force_login(users["team"])
    assert client.get(f"/lists/{national.pk}/").status_code == 404
    assert client.post(f"/lists/{national.pk}/publish/").status_code == 403
    assert client.get("/lists/manage/").status_code == 403
    client.force_login(users["organizer"])
    page = client.get(f"/lists/{national.pk}/")
    assert "预览：清单尚未发布" in page.content.decode()


def test_lists_are_created_once_per_period_and_local_ones_name_a_province(
    client, roles, national
):
    users, _orgs = roles
    organizer = users["organizer"]
    with pytest.raises(ListRefused) as refused:
        list_create(
            scope=ListScope.NATIONAL,
            province=None,
            period="2026年第三季度",
            issued_on=dt.date(2026, 9, 30),
            by=organizer,
        )
    assert str(refused.value) == "该批次的清单已经存在。"
    with pytest.raises(ListRefused):
        list_create(
            scope=ListScope.LOCAL,
            province=None,
            period="2026年第三季度",
            issued_on=dt.date(2026, 9, 30),
            by=organizer,
        )
    with pytest.raises(ListRefused):
        list_create(
            scope=ListScope.NATIONAL,
            province=None,
            period="2026年第四季度",
            issued_on=dt.date(2026, 12, 31),
            by=users["team"],
        )
    client.force_login(organizer)
    response = client.post(
        "/lists/manage/new/",
        {
            "scope": "local",
            "province": Province.objects.get(code="61").pk,
            "period": "2026年第三季度",
            "issued_on": "2026-09-30",
        },
    )
    local = AgriList.objects.get(scope=ListScope.LOCAL)
    assert response.status_code == 302 and response["Location"] == (
        f"/lists/{local.pk}/edit/"
    )
    assert local.title == "2026年第三季度陕西省先进适用技术成果清单"


def test_place_sees_its_lists_achievements_that_fit_its_demands(client, roles):
    users, orgs = roles
    organizer = users["organizer"]
    shaanxi = Province.objects.get(code="61")
    county_org = make_org(name="杨凌示范区管委会")
    person = make_user(role=Role.INVESTOR, org=county_org, username="yangling")
    place = Place.objects.create(
        kind=PlaceKind.AGRI_ZONE,
        name="杨凌农业高新技术产业示范区",
        admin_code="610403",
        province=shaanxi,
        organization=county_org,
    )
    rice = _agri(orgs["owner"], "耐盐碱水稻新品种选育")
    machine = make_achievement(
        owner=orgs["owner"],
        title="碳纤维风电叶片",
        agri_tech_field=AgriTechField.objects.get(code="agri-machinery"),
    )
    Demand.objects.create(
        organization=county_org,
        place=place,
        title="盐碱地水稻新品种",
        field=rice.field,
        description="寻找耐盐碱水稻新品种选育技术",
        province=shaanxi,
        status="published",
    )
    lists = {}
    for scope, province in ((ListScope.NATIONAL, None), (ListScope.LOCAL, shaanxi)):
        lists[scope] = list_create(
            scope=scope,
            province=province,
            period="2026年第三季度",
            issued_on=dt.date(2026, 9, 30),
            by=organizer,
        )
        list_entries_add(
            agri_list=lists[scope],
            achievement_ids=[rice.pk, machine.pk],
            by=organizer,
        )
        list_publish(agri_list=lists[scope], by=organizer)
    elsewhere = list_create(
        scope=ListScope.LOCAL,
        province=Province.objects.get(code="32"),
        period="2026年第三季度",
        issued_on=dt.date(2026, 9, 30),
        by=organizer,
    )
    list_entries_add(agri_list=elsewhere, achievement_ids=[rice.pk], by=organizer)
    list_publish(agri_list=elsewhere, by=organizer)

    client.force_login(person)
    page = client.get("/workspace/lists/")
    fits = page.context["fits"]
    assert [(lst.pk, [f.row["title"] for f in items]) for lst, items in fits.lists] == [
        (lists[ListScope.NATIONAL].pk, ["耐盐碱水稻新品种选育"]),
        (lists[ListScope.LOCAL].pk, ["耐盐碱水稻新品种选育"]),
    ]
    assert "适合需求“盐碱地水稻新品种”" in page.content.decode()
    client.force_login(users["team"])
    assert client.get("/workspace/lists/").status_code == 404


def test_place_admin_code_is_six_digits_of_its_province(db):
    shaanxi = Province.objects.get(code="61")
    bad = Place(
        kind=PlaceKind.COUNTY, name="某县", admin_code="61040", province=shaanxi
    )
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert error.value.message_dict["admin_code"] == [
        "行政区划代码为 6 位数字（GB/T 2260），如 610403。"
    ]
    elsewhere = Place(
        kind=PlaceKind.COUNTY, name="某县", admin_code="320101", province=shaanxi
    )
    with pytest.raises(ValidationError) as error:
        elsewhere.full_clean()
    assert error.value.message_dict["admin_code"] == [
        "行政区划代码的前两位应为所在省份的代码 61。"
    ]


def test_entry_snapshot_survives_the_achievement(roles, national):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻")
    list_entries_add(
        agri_list=national, achievement_ids=[rice.pk], by=users["organizer"]
    )
    list_publish(agri_list=national, by=users["organizer"])
    AgriListEntry.objects.filter(agri_list=national).update(achievement=None)
    entry = national.entries.get()
    assert entry.snapshot["title"] == "耐盐碱水稻"
    assert entry.snapshot["agri_scenario"]["code"] == "saline-alkali"


def test_organizer_adds_through_the_page_and_a_restricted_pick_is_refused(
    client, roles, national
):
    users, orgs = roles
    rice = _agri(orgs["owner"], "耐盐碱水稻")
    secret = _agri(orgs["owner"], "ZQR限定", state="restricted")
    client.force_login(users["organizer"])
    page = client.get(f"/lists/{national.pk}/edit/", {"agri_scenario": "saline-alkali"})
    assert [a.title for a in page.context["page"]] == ["耐盐碱水稻"]
    refused = client.post(
        f"/lists/{national.pk}/entries/add/",
        {"achievements": [rice.pk, secret.pk]},
        follow=True,
    )
    assert [str(m) for m in refused.context["messages"]] == [
        "只有已公开发布并按农业分类标注的成果可以入选清单。"
    ]
    added = client.post(
        f"/lists/{national.pk}/entries/add/", {"achievements": [rice.pk]}, follow=True
    )
    assert [str(m) for m in added.context["messages"]] == ["已加入 1 项成果。"]
    assert list(national.entries.values_list("achievement_id", flat=True)) == [rice.pk]
