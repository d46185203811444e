"""The agricultural dimensions as controlled vocabularies (seeds/004 六.2):
the importer, the template, the catalogue's facets, the API, the form, and
the migration of the free text of before."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from achievements.forms import AchievementForm
from achievements.importing import column_notes, import_achievements
from achievements.models import AgriIndustry, AgriScenario, AgriTechField
from achievements.services import achievement_update
from tests.achievements.test_import import csv_bytes, row
from tests.factories import make_achievement, make_org


def _terms(tech="crop-breeding", industry="grain", scenario="field-crops"):
    return {
        "agri_tech_field": AgriTechField.objects.get(code=tech) if tech else None,
        "agri_industry": AgriIndustry.objects.get(code=industry) if industry else None,
        "agri_scenario": AgriScenario.objects.get(code=scenario) if scenario else None,
    }


def test_vocabularies_seeded_with_the_seed_texts_scenarios(db):
    names = set(AgriScenario.objects.values_list("name", flat=True))
    assert {"黑土地保护利用", "干旱半干旱耕地", "盐碱地改良利用", "红黄壤改良"} <= names
    assert AgriTechField.objects.get(code="crop-breeding").name == "作物育种"


def test_import_maps_terms_by_name_code_or_english(roles):
    data = csv_bytes(
        [
            row(
                "2023YFD0000001",
                agri_tech_field="作物育种",
                agri_industry="grain",
                agri_scenario="Saline-alkali land",
            )
        ]
    )
    report = import_achievements(file=io.BytesIO(data), name="f.csv", by=None)
    assert report.ok, [str(e) for e in report.errors]
    from achievements.models import Achievement

    a = Achievement.objects.get(project_number="2023YFD0000001")
    assert (a.agri_tech_field.code, a.agri_industry.code, a.agri_scenario.code) == (
        "crop-breeding",
        "grain",
        "saline-alkali",
    )


def test_import_unknown_term_is_a_row_error_naming_the_allowed_values(roles):
    AgriIndustry.objects.filter(code="forestry-grass").update(active=False)
    data = csv_bytes([row("2023YFD0000002", agri_industry="林草业")])
    report = import_achievements(file=io.BytesIO(data), name="f.csv", by=None)
    assert not report.ok and report.created == 0
    error = report.errors[0]
    assert (error.row, error.column) == (2, "服务产业类型（农业）")
    assert error.message.startswith(
        "未知的服务产业类型（农业）“林草业”：可选粮食生产、"
    )
    assert "中药材" in error.message and "林草业、" not in error.message


def test_template_explains_the_allowed_terms(db):
    notes = {line[0]: line for line in column_notes()}
    allowed = notes["产业应用场景（农业）"][3]
    assert allowed.startswith("大田种植、设施种植、黑土地保护利用")


def test_catalogue_filters_and_counts_on_the_agricultural_facets(client, roles):
    owner = roles[1]["owner"]
    make_achievement(
        owner=owner, title="耐盐碱水稻", **_terms(scenario="saline-alkali")
    )
    make_achievement(owner=owner, title="玉米密植", **_terms())
    make_achievement(owner=owner, title="碳纤维")
    page = client.get("/achievements/", {"agri_scenario": "saline-alkali"})
    titles = [a.title for a in page.context["page"]]
    assert titles == ["耐盐碱水稻"]
    facets = page.context["facets"]
    # Choosing a scenario keeps its siblings countable.
    assert {i["value"]: i["count"] for i in facets["agri_scenario"]} == {
        "field-crops": 1,
        "saline-alkali": 1,
    }
    assert facets["agri_tech"] == [
        {"value": "crop-breeding", "label": "作物育种", "count": 1}
    ]
    assert page.context["active_filters"] == 1
    html = page.content.decode()
    assert "产业应用场景（农业）" in html


def test_api_filters_and_shows_the_terms(client, roles):
    owner = roles[1]["owner"]
    make_achievement(owner=owner, title="玉米密植", **_terms())
    make_achievement(owner=owner, title="碳纤维")
    data = client.get("/api/v1/achievements", {"agri_tech": "crop-breeding"}).json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["agri_tech_field"] == {"code": "crop-breeding", "name": "作物育种"}
    assert item["agri_scenario"] == {"code": "field-crops", "name": "大田种植"}
    other = client.get("/api/v1/achievements", {"q": "碳纤维"}).json()["items"][0]
    assert other["agri_tech_field"] is None


def test_detail_page_links_each_term_to_its_facet(client, roles):
    a = make_achievement(owner=roles[1]["owner"], **_terms())
    html = client.get(f"/achievements/{a.pk}/").content.decode()
    assert '/achievements/?agri_tech=crop-breeding">作物育种</a>' in html


def test_form_offers_active_terms_and_keeps_a_retired_one(roles):
    a = make_achievement(owner=roles[1]["owner"], state="draft", **_terms())
    AgriTechField.objects.filter(code="crop-breeding").update(active=False)
    form = AchievementForm(instance=a)
    codes = {t.code for t in form.fields["agri_tech_field"].queryset}
    assert "crop-breeding" in codes
    assert "crop-breeding" not in {
        t.code for t in AchievementForm().fields["agri_tech_field"].queryset
    }


def test_choosing_a_term_settles_the_unmapped_text(roles):
    users, orgs = roles
    a = make_achievement(owner=orgs["owner"], state="draft")
    type(a).objects.filter(pk=a.pk).update(
        agri_unmapped={"agri_industry": "蚕桑", "agri_scenario": "庭院"}
    )
    a.refresh_from_db()
    form = AchievementForm(instance=a)
    assert form.fields["agri_industry"].help_text == (
        "原填写为“蚕桑”，未能对应到分类，请选择一项。"
    )
    achievement_update(
        achievement=a,
        data={"agri_industry": AgriIndustry.objects.get(code="livestock")},
        by=users["team"],
    )
    a.refresh_from_db()
    assert a.agri_unmapped == {"agri_scenario": "庭院"}
    out = io.StringIO()
    call_command("agri_unmapped", stdout=out)
    assert out.getvalue().splitlines() == [
        f"#{a.pk}\t{a.title}\t产业应用场景（农业）\t庭院",
        "1 achievement(s) with unmapped agricultural text.",
    ]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_migration_maps_free_text_and_keeps_what_did_not_map():
    before = [("achievements", "0007_demands_kind")]
    after = [("achievements", "0008_agri_vocabularies_and_places")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    # accounts stays at its latest state: its rows are made with today's model.
    org = make_org(name="迁移测试大学")
    field = apps.get_model("achievements", "IndustryField").objects.get(
        code="modern-agriculture"
    )
    Achievement = apps.get_model("achievements", "Achievement")
    common = {"owner_id": org.pk, "field": field, "trl": 5, "summary": "s"}
    mapped = Achievement.objects.create(
        title="a",
        agri_tech_field="作物育种",
        agri_industry=" 粮食 ",
        agri_scenario="ＦＩＥＬＤ-ＣＲＯＰＳ",
        **common,
    )
    left = Achievement.objects.create(
        title="b", agri_tech_field="育种", agri_scenario="庭院经济", **common
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    apps = executor.loader.project_state(after).apps
    Achievement = apps.get_model("achievements", "Achievement")
    a = Achievement.objects.select_related(
        "agri_tech_field", "agri_industry", "agri_scenario"
    ).get(pk=mapped.pk)
    assert (a.agri_tech_field.code, a.agri_industry.code, a.agri_scenario.code) == (
        "crop-breeding",
        "grain",
        "field-crops",
    )
    assert a.agri_unmapped == {}
    b = Achievement.objects.get(pk=left.pk)
    assert b.agri_tech_field.code == "crop-breeding"
    assert b.agri_scenario_id is None
    assert b.agri_unmapped == {"agri_scenario": "庭院经济"}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_organizers_edit_the_vocabularies_and_no_one_else(client, roles):
    users, _orgs = roles
    client.force_login(users["organizer"])
    page = client.get("/admin/agritechfield/")
    assert page.status_code == 200 and "作物育种" in page.content.decode()
    created = client.post(
        "/admin/agritechfield/new/",
        {
            "code": "seed-processing",
            "name": "种子加工",
            "name_en": "",
            "active": "on",
            "sort_order": "200",
        },
    )
    assert created.status_code == 302
    assert AgriTechField.objects.get(code="seed-processing").name == "种子加工"
    term = AgriTechField.objects.get(code="crop-breeding")
    refused = client.post(f"/admin/agritechfield/delete/{term.pk}/")
    assert refused.status_code == 302 and refused["Location"] == "/admin/"
    assert AgriTechField.objects.filter(pk=term.pk).exists()
    client.force_login(users["team"])
    closed = client.get("/admin/agritechfield/")
    assert closed.status_code == 302
    assert closed["Location"].startswith("/admin/login/")
