"""Progress against the programme's targets (R9): figures that move with the
records, that link to the records behind them, that export, at a number of
queries that does not grow with the data; cases drafted from landed deals."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from achievements.models import Province
from events.enums import SlotKind
from events.models import Slot
from tests.factories import make_achievement
from tests.factories.events import make_roadshow
from tests.tracker.helpers import let_disclosure_run
from tracker.models import Deal, TargetPeriod
from tracker.services import deal_create, deal_move

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(db):
    today = timezone.localdate()
    TargetPeriod.objects.all().delete()
    return TargetPeriod.objects.create(
        name="本期",
        starts=today.replace(month=1, day=1),
        ends=today.replace(month=12, day=31),
        roadshows=4,
        promoted_national=10,
        promoted_total=20,
        landed=2,
        cross_region=1,
        local_northwest=1,
    )


def land(deal, by, province):
    today = timezone.localdate()
    steps = [
        ("negotiation", {}),
        ("listing", {"listing_number": "L", "listing_date": today, "listing_price": 9}),
        (
            "signed",
            {"contract_number": "C", "contract_date": today, "agreed_amount": 8},
        ),
        ("settlement", {}),
        ("registration", {"registration_number": "R"}),
        ("disclosure", {"disclosure_starts": today}),
        ("certificate", {"certificate_number": "Z"}),
        (
            "landed",
            {
                "landed_kind": "production_line",
                "landed_evidence": "建成中试线",
                "province": province,
            },
        ),
    ]
    for to, data in steps:
        deal.refresh_from_db()
        if to == "certificate":
            let_disclosure_run(deal)
        deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)
    deal.refresh_from_db()
    return deal


def held_roadshow(orgs, level="national", n=1):
    now = timezone.now()
    roadshow = make_roadshow(
        status="closed",
        first_published_at=now,
        start=now - dt.timedelta(days=1),
        end=now - dt.timedelta(days=1) + dt.timedelta(hours=3),
    )
    roadshow.level = level
    roadshow.save()
    for i in range(n):
        Slot.objects.create(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            achievement=make_achievement(owner=orgs["owner"], state="public"),
            team=orgs["owner"],
            position=i + 1,
        )
    return roadshow


def figure(client, key):
    page = client.get("/deals/dashboard/")
    row = next(r for r in page.context["rows"] if r["key"] == key)
    return row["value"], row["href"]


def test_the_figures_move_with_the_records_and_link_to_them(client, roles, period):
    users, orgs = roles
    client.force_login(users["organizer"])
    assert figure(client, "roadshows")[0] == 0
    roadshow = held_roadshow(orgs, n=2)
    held_roadshow(orgs, level="local", n=1)
    value, href = figure(client, "roadshows")
    assert value == 1
    assert roadshow.title in client.get(href).content.decode()
    assert figure(client, "promoted_national")[0] == 2
    assert figure(client, "promoted_total")[0] == 3

    slot = roadshow.slots.first()
    east = Province.objects.get(code="32")  # Jiangsu
    west = Province.objects.get(code="51")  # Sichuan
    deal = deal_create(
        by=users["organizer"],
        achievement=slot.achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        roadshow=roadshow,
        slot=slot,
        origin_province=east,
    )
    assert figure(client, "landed")[0] == 0
    land(deal, users["organizer"], west)
    value, href = figure(client, "landed")
    assert value == 1
    assert deal.achievement.title in client.get(href).content.decode()
    value, href = figure(client, "cross_region")
    assert value == 1
    assert deal.achievement.title in client.get(href).content.decode()
    page = client.get("/deals/dashboard/")
    body = page.content.decode()
    assert "<svg" in body and "/deals/?reached=landed" in body
    assert page.context["f"].amounts["agreed"] == 8

    export = client.get("/deals/dashboard.xlsx")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(export.streaming_content)))
    assert book.sheetnames[0] == "说明"
    targets = list(book.worksheets[1].values)
    assert targets[0][0] == "指标"
    landed_row = next(r for r in targets if r[0] == "落地转化的成果（项）")
    assert landed_row[1:3] == (1, 2)


def test_only_organizers_see_the_dashboard(client, roles):
    users, _orgs = roles
    for name in ("team", "investor", "enterprise"):
        client.force_login(users[name])
        assert client.get("/deals/dashboard/").status_code == 403
        assert client.get("/deals/dashboard.xlsx").status_code == 403
    client.logout()
    assert client.get("/deals/dashboard/").status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_data(client, roles, period):
    users, orgs = roles
    client.force_login(users["organizer"])
    held_roadshow(orgs, n=1)
    client.get("/deals/dashboard/")  # the signed-in user and roles now cached
    with CaptureQueriesContext(connection) as small:
        client.get("/deals/dashboard/")
    for _ in range(3):
        roadshow = held_roadshow(orgs, n=3)
        for slot in roadshow.slots.all():
            deal = deal_create(
                by=users["organizer"],
                achievement=slot.achievement,
                counterparty=orgs["enterprise"],
                transfer_mode="licence",
                path="listed",
                roadshow=roadshow,
            )
            land(deal, users["organizer"], Province.objects.get(code="21"))
    client.get("/deals/dashboard/")  # roles read again after the writes above
    with CaptureQueriesContext(connection) as large:
        client.get("/deals/dashboard/")
    assert len(large) == len(small)


def test_a_landed_deal_becomes_a_draft_case_with_public_facts(client, roles, period):
    from cms.models import CasePage

    users, orgs = roles
    client.force_login(users["organizer"])
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(owner=orgs["owner"], state="public"),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
    )
    response = client.post(f"/deals/{deal.pk}/case/")
    assert "落地后才能" in response.content.decode()
    land(deal, users["organizer"], Province.objects.get(code="21"))
    response = client.post(f"/deals/{deal.pk}/case/")
    case = CasePage.objects.get(deal=deal)
    assert response["Location"] == f"/admin/pages/{case.pk}/edit/"
    assert not case.live and case.achievement == deal.achievement
    assert deal.achievement.title in case.title
    assert orgs["enterprise"].name in case.summary
    text = str(case.body)
    assert "建成中试线" not in text and "C" != case.summary  # no internal notes
    # The same page the second time, not a copy.
    client.post(f"/deals/{deal.pk}/case/")
    assert CasePage.objects.filter(deal=deal).count() == 1
    assert Deal.objects.get(pk=deal.pk).case == case


def test_each_breakdown_links_to_the_records_it_counts(client, roles, period):
    users, orgs = roles
    client.force_login(users["organizer"])
    roadshow = held_roadshow(orgs, n=1)
    slot = roadshow.slots.get()
    deal = deal_create(
        by=users["organizer"],
        achievement=slot.achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        roadshow=roadshow,
    )
    land(deal, users["organizer"], Province.objects.get(code="21"))
    page = client.get("/deals/dashboard/")
    row = next(r for r in page.context["by_field"] if r["landed"])
    assert (row["promoted"], row["landed"], row["signed"]) == (1, 1, 1)
    for key in ("landed_href", "signed_href"):
        listed = client.get(row[key]).context["page"]
        assert [d.pk for d in listed] == [deal.pk]
    assert slot.achievement.title in client.get(row["promoted_href"]).content.decode()
    province = next(r for r in page.context["by_province"] if r["province"])
    assert [d.pk for d in client.get(province["landed_href"]).context["page"]] == [
        deal.pk
    ]
    funnel = client.get(f"/deals/?reached=signed&created_from={period.starts}")
    assert [d.pk for d in funnel.context["page"]] == [deal.pk]
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/deals/dashboard.xlsx").streaming_content))
    )
    assert {"按领域", "按省份", "成交按月", "跨区域转化"} <= set(book.sheetnames)


def test_organizers_set_target_periods_in_the_admin(client, roles, period):
    users, _orgs = roles
    client.force_login(users["organizer"])
    assert client.get("/admin/tracker/targetperiod/").status_code == 200
    response = client.post(
        "/admin/tracker/targetperiod/new/",
        {
            "name": "2026—2030",
            "starts": "2026-01-01",
            "ends": "2030-12-31",
            "roadshows": 100,
            "promoted_national": 4000,
            "promoted_total": 6000,
            "landed": 1500,
            "cross_region": 1200,
            "local_northwest": 1200,
        },
    )
    assert response.status_code == 302
    assert TargetPeriod.objects.filter(name="2026—2030").exists()
    client.force_login(users["team"])
    assert client.get("/admin/tracker/targetperiod/").status_code in (302, 403)


def test_a_case_drafted_from_a_confidential_deal_keeps_the_library_text_out(
    client, roles, period
):
    from cms.models import CasePage
    from tracker.services import disclosure_review

    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(
            owner=orgs["owner"], state="restricted", title="保密的工艺名称"
        ),
        counterparty=orgs["fund"],
        transfer_mode="licence",
        path="listed",
    )
    today = timezone.localdate()
    for to, data in [
        ("negotiation", {}),
        ("listing", {"listing_number": "L", "listing_date": today, "listing_price": 9}),
        (
            "signed",
            {"contract_number": "C", "contract_date": today, "agreed_amount": 8},
        ),
        ("settlement", {}),
        ("registration", {"registration_number": "R"}),
        (
            "disclosure",
            {
                "disclosure_starts": today,
                "disclosure_title": "某新型材料",
                "disclosure_summary": "新材料技术许可。",
            },
        ),
    ]:
        deal.refresh_from_db()
        deal_move(
            deal_id=deal.pk, to=to, by=users["team"], expected=deal.stage, data=data
        )
    disclosure_review(deal_id=deal.pk, by=users["reviewer"], neutral=False)
    let_disclosure_run(deal)
    deal_move(
        deal_id=deal.pk,
        to="certificate",
        by=users["team"],
        expected="disclosure",
        data={"certificate_number": "Z"},
    )
    deal_move(
        deal_id=deal.pk,
        to="landed",
        by=users["team"],
        expected="certificate",
        data={
            "landed_kind": "company",
            "landed_evidence": "成立企业",
            "province": Province.objects.get(code="21"),
        },
    )
    client.force_login(users["organizer"])
    client.post(f"/deals/{deal.pk}/case/")
    case = CasePage.objects.get(deal=deal)
    assert "某新型材料" in case.title
    for text in (case.title, case.summary, str(case.body)):
        assert "保密的工艺名称" not in text


def test_the_page_and_the_export_show_the_same_groupings(client, roles, period):
    """#13: the groupings are computed once; every figure on the page is the
    same number, under the same label, as its row in the export."""
    users, orgs = roles
    client.force_login(users["organizer"])
    roadshow = held_roadshow(orgs, n=2)
    slot = roadshow.slots.first()
    deal = deal_create(
        by=users["organizer"],
        achievement=slot.achievement,
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
        roadshow=roadshow,
        slot=slot,
        origin_province=Province.objects.get(code="32"),
    )
    land(deal, users["organizer"], Province.objects.get(code="51"))
    page = client.get("/deals/dashboard/").context
    book = load_workbook(
        io.BytesIO(b"".join(client.get("/deals/dashboard.xlsx").streaming_content))
    )
    sheets = {sheet.title: list(sheet.values) for sheet in book.worksheets}
    by_field = {row[0]: row[1:] for row in sheets["按领域"][1:]}
    for row in page["by_field"]:
        assert by_field[row["field"].local_name] == (
            row["promoted"],
            row["landed"],
            row["signed"],
            float(row["agreed"]),
            float(row["settled"]),
        )
    targets = {row[0]: row[1:3] for row in sheets["目标完成情况"][1:]}
    assert {str(r["label"]): (r["value"], r["target"]) for r in page["rows"]} == (
        targets
    )
    matrix = {row[0]: row[1:] for row in sheets["跨区域转化"][1:]}
    assert {
        str(origin.label): tuple(n for _dest, n, _href in cells)
        for origin, cells in page["matrix"]
    } == matrix
    landed = {row[0]: row[1] for row in sheets["落地按省份"][1:]}
    assert landed == {Province.objects.get(code="51").local_name: 1}
    assert Province.objects.get(code="51").name in page[
        "province_chart"
    ] and "/deals/?stage=landed" in (page["province_chart"].replace("&amp;", "&"))
    # One grouping per sheet, in one place.
    from tracker.dashboard import compute, groupings, period_for

    computed = groupings(compute(period_for(period)))
    assert ["说明", *(g.title for g in computed.values())] == book.sheetnames
    for grouping in computed.values():
        written = [
            tuple("" if cell is None else cell for cell in row)
            for row in sheets[grouping.title]
        ]
        assert written == [
            tuple(grouping.header),
            *[(row.label, *row.values) for row in grouping.rows],
        ], grouping.title
