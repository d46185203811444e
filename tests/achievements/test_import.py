"""Bulk collection 汇交: encodings, formats, every kind of bad row, all-or-nothing."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from achievements.importing import ImportRefused, import_achievements, write_template
from achievements.models import Achievement, ReviewEvent
from achievements.validation import COLUMNS

HEADER = [str(c.header) for c in COLUMNS]


def row(number="2023YFC0000001", **overrides):
    values = {
        "project_number": number,
        "title": "专用碳纤维复合材料研发",
        "summary": "突破碳纤维复合材料低成本制备技术。",
        "owner": "导入测试大学",
        "owner_kind": "高等学校",
        "team": "王教授团队",
        "source_programme": "国家重点研发计划",
        "field": "新材料",
        "trl": "6",
        "transfer_modes": "转让、许可",
        "target_provinces": "江苏、广东省",
        "price_min": "100",
        "price_max": "500",
    }
    values.update(overrides)
    return [values.get(c.key, "") for c in COLUMNS]


def csv_bytes(rows, encoding="utf-8", header=HEADER):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run(data, **kwargs):
    return import_achievements(file=io.BytesIO(data), name="f", **kwargs)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_every_encoding_imports(db, encoding):
    report = run(
        csv_bytes([row(), row("2023YFC0000002", title="玉米基因组设计育种")], encoding)
    )
    assert (report.ok, report.created, report.rows) == (True, 2, 2)
    a = Achievement.objects.get(project_number="2023YFC0000001")
    assert a.title == "专用碳纤维复合材料研发"
    assert a.field.code == "new-materials"
    assert a.transfer_modes == ["assignment", "licence"]
    assert sorted(p.code for p in a.target_provinces.all()) == ["32", "44"]
    assert a.owner.name == "导入测试大学" and a.owner.kind == "university"
    assert a.status == "submitted" and a.publication == "none"
    assert ReviewEvent.objects.filter(achievement=a, to_status="submitted").count() == 1


def test_xlsx_imports(db):
    report = run(xlsx_bytes([row(), row("2023YFC0000002", trl=7)]))
    assert (report.ok, report.created) == (True, 2)
    assert Achievement.objects.get(project_number="2023YFC0000002").trl == 7


def test_reimport_updates_by_project_number(db):
    run(csv_bytes([row()]))
    report = run(csv_bytes([row(title="专用碳纤维复合材料研发（第二版）")]))
    assert (report.created, report.updated) == (0, 1)
    assert Achievement.objects.count() == 1
    assert Achievement.objects.get().title == "专用碳纤维复合材料研发（第二版）"


@pytest.mark.parametrize(
    ("overrides", "column", "fragment"),
    [
        ({"trl": "0"}, "技术成熟度", "1 到 9"),
        ({"trl": "10"}, "技术成熟度", "1 到 9"),
        ({"trl": "高"}, "技术成熟度", "1 到 9"),
        ({"target_provinces": "火星"}, "拟重点转化区域", "未知的省份“火星”"),
        ({"field": "炼金术"}, "产业领域", "未知的产业领域"),
        ({"title": ""}, "成果名称", "必填"),
        ({"transfer_modes": "赠送"}, "转化方式", "未知的转化方式"),
        ({"transfer_modes": "开放许可"}, "开放许可条件", "许可条件"),
        ({"price_min": "900", "price_max": "100"}, "意向价格上限（万元）", "不能小于"),
        ({"price_min": "-5"}, "意向价格下限（万元）", "不小于 0"),
        ({"contact_email": "not-an-email"}, "联系邮箱", "邮箱"),
        ({"owner": "新单位", "owner_kind": ""}, "成果持有单位", "单位类型"),
        ({"title": "长" * 201}, "成果名称", "过长"),
    ],
)
def test_bad_row_is_reported_and_nothing_imported(db, overrides, column, fragment):
    rows = [row("2023YFC0000001"), row("2023YFC0000002", **overrides)]
    report = run(csv_bytes(rows))
    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, column)]
    assert fragment in report.errors[0].message
    assert Achievement.objects.count() == 0


def test_every_bad_row_is_reported(db):
    rows = [row(f"N{i}", trl="0" if i % 2 else "5") for i in range(600)]
    report = run(csv_bytes(rows))
    assert report.error_count == 300
    assert len(report.errors) == 200  # the list shown is capped
    assert Achievement.objects.count() == 0


def test_bad_row_after_first_batch_rolls_back_everything(db):
    rows = [row(f"N{i}") for i in range(1200)] + [row("BAD", trl="10")]
    report = run(csv_bytes(rows))
    assert not report.ok and report.errors[0].row == 1202
    assert Achievement.objects.count() == 0


def test_duplicate_project_numbers_inside_file(db):
    report = run(csv_bytes([row("X1"), row("X2"), row("X1")]))
    assert [(e.row, e.column) for e in report.errors] == [(4, "项目编号")]
    assert "第 2 行已出现" in report.errors[0].message
    assert Achievement.objects.count() == 0


def test_missing_and_extra_columns_refuse_file(db):
    header = [h for h in HEADER if h != "技术成熟度"] + ["备注"]
    with pytest.raises(ImportRefused) as exc:
        run(csv_bytes([row()[:-1]], header=header))
    assert "缺少必填列“技术成熟度”" in str(exc.value)
    assert "“备注”不是模板中的列" in str(exc.value)
    assert Achievement.objects.count() == 0


def test_cells_beyond_header_are_reported(db):
    report = run(csv_bytes([row() + ["多余"]]))
    assert [e.column for e in report.errors] == ["（表头之外）"]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff", "只接受 CSV 或 XLSX"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"PK\x03\x04not really a zip", "XLSX"),
        (b"", "空的"),
        ("项目编号\n".encode("utf-16"), "UTF-16"),
        (b"\x81\x30\xff\xfe\xfd" * 10, "编码"),
    ],
)
def test_unreadable_files_are_refused(db, data, fragment):
    with pytest.raises(ImportRefused) as exc:
        run(data)
    assert fragment in str(exc.value)


def test_oversized_file_is_refused(db, settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(ImportRefused, match="文件过大"):
        run(csv_bytes([row(f"N{i}") for i in range(20)]))


def test_dry_run_writes_nothing(db):
    report = run(csv_bytes([row()]), dry_run=True)
    assert (report.ok, report.created) == (True, 1)
    assert Achievement.objects.count() == 0


def test_template_round_trips(db, tmp_path):
    out = io.BytesIO()
    write_template(out)
    out.seek(0)
    sheet = load_workbook(out).worksheets[0]
    header = next(sheet.iter_rows(values_only=True))
    assert header[0] == "项目编号*"
    data = xlsx_bytes([row()], header=list(header))
    assert run(data).created == 1


def test_command_imports_and_fails_with_nonzero_exit(db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([row()], "gb18030"))
    out = io.StringIO()
    call_command("import_achievements", str(good), stdout=out, stderr=io.StringIO())
    assert "新增 1 条" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([row("Z", trl="0")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_achievements", str(bad), stderr=err)
    assert "第 2 行" in err.getvalue()
    template = tmp_path / "t.xlsx"
    call_command("import_achievements", template=str(template), stdout=io.StringIO())
    assert template.stat().st_size > 0


def test_admin_import_view(roles, client, django_capture_on_commit_callbacks):
    users, _orgs = roles
    client.force_login(users["organizer"])
    upload = io.BytesIO(csv_bytes([row("A1"), row("A2", trl="11")]))
    upload.name = "bad.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/library/import/", {"file": upload})
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "未导入任何数据" in response.content.decode()
    assert Achievement.objects.count() == 0
    upload = io.BytesIO(csv_bytes([row("A1"), row("A2")]))
    upload.name = "good.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/library/import/", {"file": upload})
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "新增 2 条" in response.content.decode()
    client.force_login(users["team"])
    assert client.get("/admin/library/import/").status_code == 302


def _template(fmt="xlsx"):
    out = io.BytesIO()
    write_template(out, fmt=fmt)
    return out.getvalue()


def test_the_template_explains_each_column_with_the_vocabularies(db):
    from accounts.enums import OrganizationKind
    from achievements.enums import TransferMode
    from achievements.models import IndustryField, Province

    # A field added by organizers is listed: the vocabulary is read, not written in.
    IndustryField.objects.create(code="quantum-test", name="量子测试领域")
    book = load_workbook(io.BytesIO(_template()))
    assert book.sheetnames == ["成果", "填写说明", "示例"]
    notes = book["填写说明"]
    assert notes.freeze_panes == "A2"
    header, *lines = list(notes.iter_rows(values_only=True))
    assert header == ("列", "含义", "是否必填", "允许的值", "格式")
    by_column = {line[0]: line[1:] for line in lines}
    assert list(by_column) == [str(c.header) for c in COLUMNS]
    assert by_column["项目编号"][1] == "必填"
    assert by_column["关键词"][1:] == ("选填", "不限", "文本，最多 200 个字")
    fields = by_column["产业领域"][2].split("、")
    assert fields == [f.name for f in IndustryField.objects.all()]
    assert "量子测试领域" in fields
    provinces = by_column["拟重点转化区域"][2].split("、")
    assert provinces == [p.name for p in Province.objects.all()]
    assert len(provinces) >= 31
    modes = by_column["转化方式"][2].split("、")
    assert modes == [str(label) for _v, label in TransferMode.choices]
    kinds = by_column["单位类型"][2].split("、")
    assert kinds == [str(label) for _v, label in OrganizationKind.choices]
    assert by_column["技术成熟度"][2].startswith("1: ")
    assert "万元" in by_column["意向价格下限（万元）"][3]
    # Long lists wrap in a capped column.
    assert notes.column_dimensions["D"].width == 50


def test_the_xlsx_template_carries_its_example_on_a_sheet_of_its_own(db):
    book = load_workbook(io.BytesIO(_template()))
    assert list(book["成果"].iter_rows(values_only=True)) == [
        tuple(str(c.header) + ("*" if c.required else "") for c in COLUMNS)
    ]
    header, example = list(book["示例"].iter_rows(values_only=True))
    assert header == next(book["成果"].iter_rows(values_only=True))
    assert example[0] == "示例（导入时跳过）"
    assert example[1].startswith("【示例】")


def test_the_unchanged_xlsx_template_imports_nothing_and_says_so(db):
    with pytest.raises(ImportRefused, match="只有表头，没有导入任何成果"):
        run(_template())
    assert Achievement.objects.count() == 0


def test_the_unchanged_csv_template_imports_nothing_and_says_so(db):
    data = _template("csv")
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("示例（导入时跳过）,【示例】")
    with pytest.raises(ImportRefused, match="只有模板的示例行，没有导入任何成果"):
        run(data)
    assert Achievement.objects.count() == 0


def test_the_csv_template_imports_as_is_once_filled_in(db):
    data = _template("csv") + csv_bytes([row()]).split(b"\n", 1)[1]
    report = run(data)
    assert (report.ok, report.rows, report.created, report.examples) == (
        True,
        1,
        1,
        1,
    )
    assert list(Achievement.objects.values_list("project_number", flat=True)) == [
        "2023YFC0000001"
    ]


def test_the_example_pasted_into_the_xlsx_is_skipped_too(db):
    book = load_workbook(io.BytesIO(_template()))
    header, example = list(book["示例"].iter_rows(values_only=True))
    report = run(xlsx_bytes([list(example), row()], header=list(header)))
    assert (report.created, report.examples) == (1, 1)


def test_the_admin_says_the_template_was_uploaded_unchanged(
    client, roles, django_capture_on_commit_callbacks
):
    users, _orgs = roles
    client.force_login(users["organizer"])
    template = client.get("/admin/library/import/template/?format=csv")
    upload = io.BytesIO(b"".join(template.streaming_content))
    upload.name = "achievements-template.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/library/import/", {"file": upload})
    response = client.get(response["Location"])
    assert response.status_code == 200
    assert "只有模板的示例行，没有导入任何成果" in response.content.decode()
    assert Achievement.objects.count() == 0
