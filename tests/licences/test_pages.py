"""The open-licence pages: the list with its filters, export and calendar;
a declaration's page; the two clicks that take a licence; the team's form;
the reviewers' page, panel and the organizers' inbox line."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from openpyxl import load_workbook

from licences.models import Declaration, LicenceNotice
from tracker.models import Deal

from .helpers import INVENTION, UTILITY, declared, patented

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(roles):
    """A cleared declaration of the owner's public achievement (entry fee
    plus royalty) and one of another institution's (lump sum)."""
    users, orgs = roles
    first = declared(patented(orgs["owner"]), users["team"])
    other = patented(orgs["other"], field=_field("new-it"))
    second = declared(
        other,
        patent_number=UTILITY,
        patent_type="utility_model",
        patent_title="一种边缘计算网关",
        fee_mode="lump_sum",
    )
    return first, second


def _field(code):
    from achievements.models import IndustryField

    return IndustryField.objects.get(code=code)


def _titles(response) -> list[str]:
    return re.findall(
        r'<h3><a href="/open-licences/\d+/">([^<]+)</a>', response.content.decode()
    )


def test_the_list_shows_cleared_declarations_and_filters(client, roles, listed):
    users, orgs = roles
    first, second = listed
    declared(
        patented(orgs["owner"], patents="ZL202110777777.1"),
        cleared=False,
        patent_number="ZL202110777777.1",
        patent_title="待审查的专利",
    )
    assert _titles(client.get("/open-licences/")) == [
        "一种边缘计算网关",
        "一种碳纤维预制体的编织方法",
    ]
    assert _titles(client.get("/open-licences/?fee=lump_sum")) == ["一种边缘计算网关"]
    assert _titles(client.get("/open-licences/?field=new-materials")) == [
        "一种碳纤维预制体的编织方法"
    ]
    assert _titles(client.get(f"/open-licences/?institution={orgs['other'].pk}")) == [
        "一种边缘计算网关"
    ]
    assert _titles(client.get("/open-licences/?province=11")) == []
    assert _titles(client.get("/open-licences/?province=32&fee=entry_royalty")) == [
        "一种碳纤维预制体的编织方法"
    ]


def test_expired_and_withdrawn_ones_leave_the_list_or_are_marked(client, listed):
    first, second = listed
    Declaration.objects.filter(pk=first.pk).update(
        starts=timezone.localdate() - dt.timedelta(days=800),
        ends=timezone.localdate() - dt.timedelta(days=1),
    )
    Declaration.objects.filter(pk=second.pk).update(status="withdrawn")
    assert _titles(client.get("/open-licences/")) == []
    page = client.get("/open-licences/?all=1").content.decode()
    assert "已到期" in page and "已撤回" in page
    detail = client.get(f"/open-licences/{first.pk}/").content.decode()
    assert re.search(r'id="licence-state">已到期<', detail)


def test_a_restricted_achievements_declaration_is_for_approved_investors(client, roles):
    users, orgs = roles
    declaration = declared(patented(orgs["owner"], state="restricted"), users["team"])
    assert _titles(client.get("/open-licences/")) == []
    assert client.get(f"/open-licences/{declaration.pk}/").status_code == 404
    client.force_login(users["pending_investor"])
    assert _titles(client.get("/open-licences/")) == []
    client.force_login(users["investor"])
    assert _titles(client.get("/open-licences/")) == ["一种碳纤维预制体的编织方法"]


def test_the_export_has_its_about_sheet_and_filters(client, listed):
    response = client.get("/open-licences/export.xlsx?fee=lump_sum")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["说明", "开放许可"]
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["文件内容"] == "开放许可清单"
    assert about["筛选条件"] == "许可使用费支付方式：一次性支付"
    assert about["导出人"] == "公众"
    rows = list(book["开放许可"].iter_rows(values_only=True))
    header = rows[0]
    row = dict(zip(header, rows[1], strict=True))
    assert len(rows) == 2
    assert (row["专利号"], row["专利类型"], row["专利权人"]) == (
        UTILITY,
        "实用新型专利",
        "乙研究院",
    )
    assert row["一次性支付或入门费（万元）"] == 20
    assert row["许可期限至"] == dt.datetime.combine(listed[1].ends, dt.time())
    assert row["网址"] == f"http://testserver/open-licences/{listed[1].pk}/"


def test_a_large_export_asks_the_public_to_sign_in_and_runs_as_a_job(
    client, roles, listed, downloads
):
    users, _orgs = roles
    if downloads.through_job:
        response = client.get("/open-licences/export.xlsx?fee=lump_sum")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
        assert (
            "导出内容较多，将在后台生成，请先登录。"
            in client.get(response["Location"]).content.decode()
        )
    client.force_login(users["investor"])
    book = downloads.workbook(client, "/open-licences/export.xlsx?fee=lump_sum")
    about = dict(book["说明"].iter_rows(values_only=True))
    assert (about["导出人"], about["筛选条件"], about["行数"]) == (
        str(users["investor"]),
        "许可使用费支付方式：一次性支付",
        1,
    )
    rows = list(book["开放许可"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["网址"] == f"http://testserver/open-licences/{listed[1].pk}/"


def test_the_calendar_feed_has_stable_uids_and_cancels_withdrawn(client, listed):
    first, second = listed
    Declaration.objects.filter(pk=second.pk).update(status="withdrawn")
    response = client.get("/open-licences/new.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = {
        str(e["uid"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")
    }
    assert set(events) == {
        f"open-licence-{first.pk}@roadshow",
        f"open-licence-{second.pk}@roadshow",
    }
    one = events[f"open-licence-{first.pk}@roadshow"]
    assert str(one["summary"]) == "开放许可：一种碳纤维预制体的编织方法"
    assert one.decoded("dtstart") == timezone.localtime(first.cleared_at).date()
    assert (str(one["status"]), int(one["sequence"])) == ("CONFIRMED", 0)
    gone = events[f"open-licence-{second.pk}@roadshow"]
    assert (str(gone["status"]), int(gone["sequence"])) == ("CANCELLED", 1)
    assert b"open-licences/new.ics" in client.get("/open-licences/").content


def test_an_enterprise_takes_a_licence_in_two_clicks(client, roles, listed):
    users, orgs = roles
    first, _second = listed
    client.force_login(users["enterprise"])
    page = client.get(f"/open-licences/{first.pk}/").content.decode()
    assert f'id="take-licence" href="/open-licences/{first.pk}/take/"' in page
    confirm = client.get(f"/open-licences/{first.pk}/take/")
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "致甲大学：\n戊企业依据贵单位于" in body
    assert 'id="send-notice"' in body
    sent = client.post(
        f"/open-licences/{first.pk}/take/", {"organization": orgs["enterprise"].pk}
    )
    notice = LicenceNotice.objects.get()
    assert sent.status_code == 302
    assert sent["Location"] == f"/deals/{notice.deal_id}/"
    deal = client.get(sent["Location"]).content.decode()
    assert "书面通知已发出" in deal and "许可" in deal
    # The deal is on the team's deal list too.
    client.force_login(users["team"])
    assert f"/deals/{notice.deal_id}/" in client.get("/deals/").content.decode()
    # Again: refused, with the reason, nothing written.
    client.force_login(users["enterprise"])
    again = client.post(
        f"/open-licences/{first.pk}/take/", {"organization": orgs["enterprise"].pk}
    )
    assert again.status_code == 409
    assert "不能重复取得" in again.content.decode()
    assert Deal.objects.count() == 1
    assert "查看许可项目" in client.get(f"/open-licences/{first.pk}/").content.decode()


def test_who_may_not_take_is_told(client, roles, listed):
    users, orgs = roles
    first, _second = listed
    url = f"/open-licences/{first.pk}/take/"
    assert client.get(url).status_code == 403
    client.force_login(users["pending_investor"])
    assert client.get(url).status_code == 403
    client.force_login(users["team"])
    assert client.post(url, {"organization": orgs["owner"].pk}).status_code == 403
    Declaration.objects.filter(pk=first.pk).update(
        starts=timezone.localdate() - dt.timedelta(days=800),
        ends=timezone.localdate() - dt.timedelta(days=1),
    )
    client.force_login(users["enterprise"])
    expired = client.get(url)
    assert expired.status_code == 409
    assert "到期，不能再取得许可" in expired.content.decode()
    assert 'id="send-notice"' not in expired.content.decode()
    assert LicenceNotice.objects.count() == 0


def test_the_team_declares_from_its_workspace(client, roles):
    users, orgs = roles
    achievement = patented(orgs["owner"])
    client.force_login(users["team"])
    workspace = client.get("/workspace/").content.decode()
    assert 'href="/workspace/open-licences/new/" id="declare-licence"' in workspace
    section = client.get(f"/achievements/{achievement.pk}/").content.decode()
    assert f"/workspace/open-licences/new/?achievement={achievement.pk}" in section
    today = timezone.localdate()
    data = {
        "achievement": achievement.pk,
        "patent_number": INVENTION,
        "patent_title": "一种碳纤维预制体的编织方法",
        "patent_type": "invention",
        "starts": today.isoformat(),
        "ends": (today + dt.timedelta(days=200)).isoformat(),
        "territory": "中华人民共和国境内",
        "fee_mode": "lump_sum",
        "fee_amount": "12.5",
        "reporting": "每年报告实施情况。",
    }
    short = client.post("/workspace/open-licences/new/", data)
    assert short.status_code == 400
    assert "许可期限不得少于一年。" in short.content.decode()
    assert Declaration.objects.count() == 0
    data["ends"] = (today + dt.timedelta(days=400)).isoformat()
    done = client.post("/workspace/open-licences/new/", data)
    declaration = Declaration.objects.get()
    assert done["Location"] == f"/open-licences/{declaration.pk}/"
    assert (declaration.status, str(declaration.fee_amount)) == ("submitted", "12.50")
    # Not listed yet, but the team sees it.
    client.logout()
    assert client.get(f"/open-licences/{declaration.pk}/").status_code == 404
    assert _titles(client.get("/open-licences/")) == []


def test_reviewers_find_declarations_and_decide(client, roles):
    users, orgs = roles
    one = declared(patented(orgs["owner"]), users["team"], cleared=False)
    two = declared(
        patented(orgs["other"], patents="ZL202110888888.1"),
        cleared=False,
        patent_number="ZL202110888888.1",
        patent_title="第二项专利",
    )
    client.force_login(users["organizer"])
    inbox = client.get("/admin/").content.decode()
    assert re.search(
        r'href="/workspace/open-licences/\?status=submitted"><strong>2</strong>\s*'
        r"待审查的开放许可声明",
        inbox,
    )
    client.force_login(users["reviewer"])
    workspace = client.get("/workspace/").content.decode()
    assert f'href="/workspace/open-licences/{one.pk}/review/"' in workspace
    refused = client.post(
        f"/workspace/open-licences/{one.pk}/review/", {"decision": "return"}
    )
    assert refused.status_code == 400
    assert "退回时请写明理由。" in refused.content.decode()
    cleared = client.post(
        f"/workspace/open-licences/{one.pk}/review/", {"decision": "clear"}
    )
    assert cleared["Location"] == f"/workspace/open-licences/{two.pk}/review/"
    one.refresh_from_db()
    assert (one.status, one.reviewed_by) == ("cleared", users["reviewer"])
    client.logout()
    assert _titles(client.get("/open-licences/")) == ["一种碳纤维预制体的编织方法"]


def test_a_returned_declaration_is_changed_and_resubmitted(client, roles):
    from licences.services import declaration_review

    users, orgs = roles
    declaration = declared(patented(orgs["owner"]), users["team"], cleared=False)
    declaration_review(
        declaration_id=declaration.pk,
        by=users["reviewer"],
        clear=False,
        note="请改写名称",
    )
    client.force_login(users["team"])
    page = client.get(f"/open-licences/{declaration.pk}/").content.decode()
    assert "请改写名称" in page
    form = client.get(f"/workspace/open-licences/{declaration.pk}/edit/")
    assert 'value="一种碳纤维预制体的编织方法"' in form.content.decode()
    today = timezone.localdate()
    client.post(
        f"/workspace/open-licences/{declaration.pk}/edit/",
        {
            "patent_number": INVENTION,
            "patent_title": "一种预制体编织方法",
            "patent_type": "invention",
            "starts": today.isoformat(),
            "ends": (today + dt.timedelta(days=500)).isoformat(),
            "territory": "中国境内",
            "fee_mode": "royalty",
            "royalty_rate": "4",
            "reporting": "每年报告。",
        },
    )
    declaration.refresh_from_db()
    assert (declaration.status, declaration.patent_title, declaration.fee_mode) == (
        "submitted",
        "一种预制体编织方法",
        "royalty",
    )
    withdrawn = client.post(f"/workspace/open-licences/{declaration.pk}/withdraw/")
    assert withdrawn["Location"] == f"/open-licences/{declaration.pk}/"
    declaration.refresh_from_db()
    assert declaration.status == "withdrawn"
