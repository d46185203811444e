"""The deal list and the dashboard as XLSX (#17): dates and amounts as Excel
values, a frozen header, widths by content, the filters on the 说明 sheet."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from achievements.models import Province
from spreadsheets import DATE_FORMAT, DATETIME_FORMAT, DECIMAL_FORMAT
from tests.factories import make_achievement
from tracker.enums import Stage
from tracker.services import deal_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def deal(roles):
    users, orgs = roles
    achievement = make_achievement(owner=orgs["owner"], state="public")
    deal = deal_create(
        by=users["organizer"],
        achievement=achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        asking_amount=Decimal("300.5"),
    )
    deal.province = Province.objects.get(code="51")  # 四川, in the west
    deal.save(update_fields=["province"])
    return deal


def _book(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_the_deal_list_exports_dates_amounts_and_its_filters(
    client, roles, deal, downloads
):
    users, _orgs = roles
    client.force_login(users["organizer"])
    book = downloads.workbook(
        client,
        "/deals/",
        {"format": "xlsx", "stage": "interest", "region": "west", "cross": ""},
    )
    assert book.sheetnames == ["说明", "成果转化项目"]
    about = dict(book["说明"].iter_rows(values_only=True))
    # An empty parameter filters nothing, so it is not named.
    assert about["筛选条件"] == "阶段：意向；落地地区：西部"
    assert about["文件内容"] == "成果转化项目跟踪表"
    assert about["导出人"] == str(users["organizer"])
    assert about["行数"] == 1
    exported_at = about["导出时间"]
    assert isinstance(exported_at, dt.datetime)
    now = timezone.localtime().replace(tzinfo=None)
    assert abs(now - exported_at) < dt.timedelta(minutes=5)

    sheet = book["成果转化项目"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:R2"
    header = [c.value for c in sheet[1]]
    row = dict(zip(header, sheet[2], strict=True))
    assert (row["报价（万元）"].value, row["报价（万元）"].data_type) == (300.5, "n")
    assert row["报价（万元）"].number_format == DECIMAL_FORMAT
    assert row["成交金额（万元）"].value is None
    entered = timezone.localtime(deal.stage_entered_at)
    assert row["进入本阶段"].value == dt.datetime.combine(entered.date(), dt.time())
    assert row["进入本阶段"].number_format == DATE_FORMAT
    deal.refresh_from_db()
    assert row["更新时间"].value == timezone.localtime(deal.updated_at).replace(
        tzinfo=None, microsecond=0
    )
    assert row["更新时间"].number_format == DATETIME_FORMAT
    assert row["落地省份"].value == "四川省"
    title_width = sheet.column_dimensions["B"].width
    assert title_width == min(50, len(deal.achievement.title.encode("gbk")) + 2)


def test_an_unfiltered_deal_export_says_so(client, roles, deal):
    users, _orgs = roles
    client.force_login(users["organizer"])
    book = _book(client.get("/deals/", {"format": "xlsx", "stage": "nonsense"}))
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["筛选条件"] == "无（全部记录）"


def test_an_export_made_in_english_has_an_about_sheet(client, roles, deal, downloads):
    users, _orgs = roles
    client.force_login(users["organizer"])
    client.cookies["django_language"] = "en"
    book = downloads.workbook(
        client, "/deals/", {"format": "xlsx", "stage": "interest"}
    )
    assert book.sheetnames[0] == "About"
    about = dict(book["About"].iter_rows(values_only=True))
    with translation.override("en"):
        assert about["Filters"] == f"Stage: {Stage.INTEREST.label}"
    assert about["Rows"] == 1


def test_the_dashboard_export_names_its_period(client, roles, deal):
    from tracker.models import TargetPeriod

    users, _orgs = roles
    target = TargetPeriod.objects.create(
        name="第一期",
        starts=dt.date(2022, 1, 1),
        ends=dt.date(2025, 12, 31),
        roadshows=80,
        promoted_national=3000,
        promoted_total=5000,
        landed=1000,
        cross_region=10,
        local_northwest=10,
    )
    client.force_login(users["organizer"])
    book = _book(client.get("/deals/dashboard.xlsx", {"period": target.pk}))
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["筛选条件"] == "目标期：第一期；统计期：2022-01-01 – 2025-12-31"
    assert about["文件内容"] == "计划进展统计"
    for sheet in book.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        assert about[f"行数（{sheet.title}）"] == sheet.max_row - 1
