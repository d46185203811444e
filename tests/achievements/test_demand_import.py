"""Demand lists collected in bulk (seeds/004 三.1): technology demands and
application scenarios from CSV (UTF-8, GB18030) and XLSX, all or nothing."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import Workbook, load_workbook

from accounts.models import Organization
from achievements.demand_import import (
    DEMAND_COLUMNS,
    import_demands,
    write_demand_template,
)
from achievements.importing import ImportRefused
from achievements.models import Demand

HEADER = [str(c.header) for c in DEMAND_COLUMNS]


def row(**overrides):
    values = {
        "kind": "技术需求",
        "organization": "蜀能储能科技有限公司",
        "organization_kind": "企业",
        "title": "钠离子电池正极材料",
        "field": "现代能源",
        "description": "寻求钠离子电池层状氧化物正极材料技术。",
        "province": "四川",
        "min_trl": "TRL6",
        "budget_min": "200",
        "budget_max": "800",
        "deadline": "2030-12-31",
    }
    values.update(overrides)
    return [values.get(c.key, "") for c in DEMAND_COLUMNS]


def csv_bytes(rows, encoding="utf-8"):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(data, **kwargs):
    return import_demands(file=io.BytesIO(data), name="f", **kwargs)


SCENARIO = {
    "kind": "应用场景",
    "organization": "成都市科学技术局",
    "organization_kind": "地方科技管理部门",
    "scenario_owner": "成都市",
    "title": "城市生命线燃气管网智能监测场景",
    "field": "智慧城市和数字社会",
    "description": "开放 300 公里燃气管网作为新技术应用场景。",
    "province": "四川省",
}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_imports_demands_and_scenarios(db, encoding):
    report = run(csv_bytes([row(), row(**SCENARIO)], encoding))
    assert (report.ok, report.rows, report.created) == (True, 2, 2)
    tech = Demand.objects.get(title="钠离子电池正极材料")
    assert (tech.kind, tech.status, tech.min_trl, tech.province.code) == (
        "technology",
        "published",
        6,
        "51",
    )
    assert str(tech.deadline) == "2030-12-31"
    scenario = Demand.objects.get(kind="scenario")
    assert scenario.scenario_owner == "成都市"
    assert scenario.organization.kind == "local_st_department"


def test_xlsx_imports_and_a_second_import_updates(db):
    assert run(xlsx_bytes([row()])).created == 1
    report = run(xlsx_bytes([row(description="更新后的描述。", min_trl="7")]))
    assert (report.created, report.updated) == (0, 1)
    demand = Demand.objects.get()
    assert (demand.description, demand.min_trl) == ("更新后的描述。", 7)


def test_bad_rows_are_all_reported_and_nothing_is_written(db):
    rows = [
        row(),
        row(title="", field="太空农业", min_trl="12"),
        row(title="预算倒挂", budget_min="900", budget_max="100", deadline="明年"),
        row(title="无名单位", organization="未登记单位", organization_kind=""),
        row(title="钠离子电池正极材料"),
        row(title="未知类型", kind="招标"),
    ]
    report = run(csv_bytes(rows))
    assert not report.ok
    assert [str(e) for e in report.errors] == [
        "第 3 行，“需求名称”列：必填项不能为空。",
        "第 3 行，“产业领域”列：未知的产业领域“太空农业”。",
        "第 3 行，“最低技术成熟度”列：技术成熟度必须是 1 到 9 之间的整数，实际为“12”。",
        "第 4 行，“预算上限（万元）”列：预算上限不能小于下限。",
        "第 4 行，“截止日期”列：日期格式不正确：请写作 2026-12-31，实际为“明年”。",
        "第 5 行，“需求单位”列：单位“未登记单位”尚未登记：请填写“单位类型”以便新建。",
        "第 6 行，“需求名称”列："
        "“蜀能储能科技有限公司”的需求“钠离子电池正极材料”在本文件第 2 行已出现。",
        "第 7 行，“清单类型”列：未知的清单类型“招标”。",
    ]
    assert Demand.objects.count() == 0
    assert not Organization.objects.filter(name="蜀能储能科技有限公司").exists()


def test_errors_are_in_the_users_language(db):
    with translation.override("en"):
        report = run(csv_bytes([row(field="太空农业")]))
        assert [str(e) for e in report.errors] == [
            "Row 2, column “Industry field”: Unknown industry field “太空农业”."
        ]


def test_dry_run_writes_nothing(db):
    report = run(csv_bytes([row()]), dry_run=True)
    assert (report.ok, report.created) == (True, 1)
    assert Demand.objects.count() == 0


def test_draft_import_is_not_published(db):
    run(csv_bytes([row()]), publish=False)
    assert Demand.objects.get().status == "draft"


def test_template_explains_and_its_example_is_skipped(db):
    out = io.BytesIO()
    write_demand_template(out)
    book = load_workbook(io.BytesIO(out.getvalue()))
    assert book.sheetnames == ["需求", "填写说明", "示例"]
    notes = list(book["填写说明"].iter_rows(min_row=2, values_only=True))
    assert notes[0][:3] == ("清单类型", "技术需求或应用场景；不填为技术需求", "选填")
    assert notes[0][3] == "技术需求、应用场景"
    example = list(book["示例"].iter_rows(values_only=True))
    assert example[1][4].startswith("【示例】")
    csv_template = io.BytesIO()
    write_demand_template(csv_template, fmt="csv")
    with pytest.raises(ImportRefused, match="只有模板的示例行"):
        run(csv_template.getvalue())


def test_unreadable_files_are_refused(db):
    with pytest.raises(ImportRefused, match="文件是空的"):
        run(b"")
    with pytest.raises(ImportRefused, match="不是模板中的列"):
        run("名称,其他\n甲,乙\n".encode())


def test_command_imports_and_fails_on_bad_rows(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row()], "gb18030"))
    out = io.StringIO()
    call_command("import_demands", str(good), stdout=out)
    assert "新增 1 条" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row(title="二", province="火星")]))
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command(
            "import_demands", str(bad), stdout=io.StringIO(), stderr=io.StringIO()
        )
    assert Demand.objects.count() == 1
    template = tmp_path / "t.xlsx"
    call_command("import_demands", template=str(template), stdout=io.StringIO())
    assert template.stat().st_size > 0


def test_admin_import_is_for_organizers(
    roles, client, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    client.force_login(users["organizer"])
    upload = io.BytesIO(csv_bytes([row(), row(title="二", min_trl="0")]))
    upload.name = "bad.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/library/demands/import/", {"file": upload})
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "未导入任何数据" in response.content.decode()
    assert Demand.objects.count() == 0
    upload = io.BytesIO(csv_bytes([row(), row(**SCENARIO)]))
    upload.name = "good.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/library/demands/import/", {"file": upload})
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "新增 2 条" in response.content.decode()
    draft_box = 'name="draft" value="1"'
    assert f"{draft_box}>" in response.content.decode()  # not checked
    # Imported as drafts: the page following the job keeps the box checked.
    upload = io.BytesIO(csv_bytes([row(title="三")]))
    upload.name = "draft.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/library/demands/import/", {"file": upload, "draft": "1"}
        )
    page = client.get(response["Location"]).content.decode()
    assert f"{draft_box} checked>" in page
    template = client.get("/admin/library/demands/import/template/")
    assert template["Content-Disposition"].endswith('demands-template.xlsx"')
    client.force_login(users["enterprise"])
    assert client.get("/admin/library/demands/import/").status_code == 302
    assert client.get("/admin/library/demands/import/template/").status_code == 302
