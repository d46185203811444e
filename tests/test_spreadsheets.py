"""The shared spreadsheet helper: what every export of the platform is made of."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import translation
from openpyxl import load_workbook

from spreadsheets import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    DECIMAL_FORMAT,
    MAX_WIDTH,
    About,
    XlsxExport,
    display_width,
)

WHEN = dt.datetime(2025, 3, 1, 16, 30, tzinfo=dt.UTC)  # 00:30 next day in Shanghai


def _export(rows, *, filters=(), header=("名称", "金额", "时间", "日期")):
    export = XlsxExport(
        about=About(
            title="测试导出",
            exported_by="王组织",
            filters=filters,
            exported_at=WHEN,
        )
    )
    sheet = export.sheet("数据", header=list(header))
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    export.save(stream)
    stream.seek(0)
    return load_workbook(stream)


def test_display_width_counts_han_characters_double():
    assert display_width("abc") == 3
    assert display_width("成果abc") == 7
    assert display_width("ＡＢ") == 4  # full-width Latin is wide too
    assert display_width("短\n很长的一行") == 10  # the longest line
    assert display_width(Decimal("1234.5")) == len("1,234.50")


def test_cells_are_dates_and_numbers_in_local_time():
    book = _export([["甲", Decimal("300.50"), WHEN, dt.date(2025, 3, 2)]])
    cells = next(book["数据"].iter_rows(min_row=2))
    name, amount, moment, day = cells
    assert (amount.value, amount.data_type, amount.number_format) == (
        300.5,
        "n",
        DECIMAL_FORMAT,
    )
    # Wall-clock time in Shanghai, naive: Excel has no time zones.
    assert moment.value == dt.datetime(2025, 3, 2, 0, 30)
    assert moment.value == WHEN.astimezone(ZoneInfo("Asia/Shanghai")).replace(
        tzinfo=None
    )
    assert (moment.data_type, moment.number_format) == ("d", DATETIME_FORMAT)
    assert (day.value, day.number_format) == (dt.datetime(2025, 3, 2), DATE_FORMAT)
    assert name.value == "甲"


def test_text_that_looks_like_a_formula_stays_text():
    book = _export([['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)"]])
    cells = next(book["数据"].iter_rows(min_row=2))
    assert [(c.value, c.data_type) for c in cells] == [
        ('=HYPERLINK("x")', "s"),
        ("+1", "s"),
        ("-2", "s"),
        ("@SUM(A1)", "s"),
    ]


def test_header_is_frozen_filtered_and_columns_sized_by_content():
    long_text = "长" * 100
    book = _export([["短", 1, None, None], [long_text, 22, None, None]])
    sheet = book["数据"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["A1"].font.bold
    widths = {k: v.width for k, v in sheet.column_dimensions.items()}
    assert widths["A"] == MAX_WIDTH  # capped
    assert sheet["A3"].alignment.wrap_text  # and wrapped, so all of it shows
    assert widths["B"] == len("金额".encode("gbk")) + 2  # the header is wider
    assert widths["C"] == len("时间".encode("gbk")) + 2


def test_the_about_sheet_comes_first_and_says_what_the_file_is():
    book = _export(
        [["甲", 1, None, None], ["乙", 2, None, None]],
        filters=[("阶段", "签约"), ("地区", "西部")],
    )
    assert book.sheetnames == ["说明", "数据"]
    about = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    assert about == {
        "文件内容": "测试导出",
        "导出时间": dt.datetime(2025, 3, 2, 0, 30),
        "导出人": "王组织",
        "筛选条件": "阶段：签约；地区：西部",
        "行数": 2,
    }


def test_the_about_sheet_without_filters_says_all_records():
    about = dict(_export([]).worksheets[0].iter_rows(values_only=True))
    assert about["筛选条件"] == "无（全部记录）"
    assert about["行数"] == 0


def test_the_about_sheet_is_in_english_when_the_export_is():
    with translation.override("en"):
        book = _export([["a", 1, None, None]], filters=[("Stage", "Signed")])
    assert book.sheetnames[0] == "About"
    about = dict(book["About"].iter_rows(values_only=True))
    assert about["Filters"] == "Stage: Signed"
    assert about["Exported by"] == "王组织"
    assert about["Rows"] == 1


def test_each_sheet_s_rows_are_counted_when_there_are_several():
    export = XlsxExport(about=About(title="t", exported_by="u"))
    export.sheet("甲", header=["a"]).append([1])
    second = export.sheet("乙", header=["a"])
    second.append([1])
    second.append([2])
    stream = io.BytesIO()
    export.save(stream)
    stream.seek(0)
    about = dict(load_workbook(stream)["说明"].iter_rows(values_only=True))
    assert (about["行数（甲）"], about["行数（乙）"]) == (1, 2)
