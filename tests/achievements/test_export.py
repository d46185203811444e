"""The catalogue's XLSX export (#17): numbers, dates, widths and the filters
that produced it on the 说明 sheet."""

from decimal import Decimal

import pytest
from django.utils import timezone

from achievements.models import Province
from spreadsheets import DATETIME_FORMAT, DECIMAL_FORMAT
from tests.factories import make_achievement

pytestmark = pytest.mark.django_db


def test_the_catalogue_export_has_numbers_dates_and_its_filters(
    client, roles, downloads
):
    users, orgs = roles
    shown = make_achievement(
        owner=orgs["owner"],
        title="导出样本：高强度碳纤维",
        price_min=Decimal("120.50"),
        price_max=Decimal("800"),
        target_provinces=[Province.objects.get(code="51")],
    )
    make_achievement(owner=orgs["owner"], title="导出样本：另一省份")
    client.force_login(users["organizer"])
    book = downloads.workbook(
        client,
        "/achievements/export.xlsx",
        {"q": "导出样本", "field": "new-materials", "province": "51", "mode": "bad"},
    )
    assert book.sheetnames == ["说明", "成果"]
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["文件内容"] == "成果库导出"
    # An unknown transfer mode is ignored by the catalogue, so not named.
    assert about["筛选条件"] == (
        "关键词：导出样本；产业领域：新材料；拟重点转化区域：四川省"
    )
    assert about["行数"] == 1

    sheet = book["成果"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.auto_filter.ref.endswith(
        "2"
    )
    row = dict(zip(header, sheet[2], strict=True))
    assert row["成果名称"].value == shown.title
    assert (
        row["意向价格下限（万元）"].value,
        row["意向价格下限（万元）"].data_type,
    ) == (
        120.5,
        "n",
    )
    assert row["意向价格上限（万元）"].number_format == DECIMAL_FORMAT
    assert (row["技术成熟度"].value, row["技术成熟度"].data_type) == (6, "n")
    shown.refresh_from_db()
    assert row["发布时间"].value == timezone.localtime(shown.published_at).replace(
        tzinfo=None, microsecond=0
    )
    assert row["发布时间"].number_format == DATETIME_FORMAT
    title_column = header.index("成果名称") + 1
    letter = sheet.cell(row=1, column=title_column).column_letter
    assert sheet.column_dimensions[letter].width == len(shown.title.encode("gbk")) + 2
