"""Typical cases on the public site (#17): /cases/ and the home page show
the published cases and, before and beside them, the landed projects the
public may know of; the empty state says what will appear and when."""

import pytest
from django.utils import timezone

from achievements.models import Province
from cms.demo import seed_cases
from cms.models import CasePage
from tests.factories import make_achievement
from tests.tracker.helpers import let_disclosure_run, walk_to_registration
from tracker.services import deal_create, deal_move, disclosure_review


def land(deal, by, *, disclosure=None):
    walk_to_registration(deal, by)
    today = timezone.localdate()
    for to, data in [
        ("disclosure", {"disclosure_starts": today, **(disclosure or {})}),
        ("certificate", {"certificate_number": f"Z-{deal.pk}"}),
        (
            "landed",
            {
                "landed_kind": "production_line",
                "landed_evidence": "内部记录：设备清单见附件",
                "province": Province.objects.get(code="32"),
            },
        ),
    ]:
        deal.refresh_from_db()
        if to == "certificate":
            let_disclosure_run(deal)
        deal_move(deal_id=deal.pk, to=to, by=by, expected=deal.stage, data=data)
    deal.refresh_from_db()
    return deal


@pytest.fixture
def landed(roles):
    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(
            owner=orgs["owner"], state="public", title="盐碱地改良技术"
        ),
        counterparty=orgs["enterprise"],
        transfer_mode="licence",
        path="listed",
    )
    return land(deal, users["organizer"])


def test_before_anything_lands_the_page_says_what_will_appear(client, db):
    html = client.get("/cases/").content.decode()
    assert "暂无典型案例" not in html
    assert "典型案例由组织方从已经落地的成果转化项目中选编" in html
    assert "目前还没有项目落地" in html
    home = client.get("/").content.decode()
    assert "成果转化项目落地后，组织方选编的典型案例将在这里发布。" in home


def test_landed_projects_show_before_their_case_is_written(client, landed):
    html = client.get("/cases/").content.decode()
    assert "目前已有 1 个项目落地，案例正在整理中" in html
    assert f'href="/disclosures/{landed.pk}/">盐碱地改良技术</a>' in html
    assert "内部记录" not in html
    home = client.get("/").content.decode()
    assert "已有 1 个成果转化项目落地，典型案例整理审定后将在这里发布。" in home


def test_published_cases_are_shown_and_their_projects_not_listed_twice(
    client, roles, landed
):
    users, orgs = roles
    other = land(
        deal_create(
            by=users["organizer"],
            achievement=make_achievement(
                owner=orgs["owner"], state="public", title="智能灌溉控制系统"
            ),
            counterparty=orgs["fund"],
            transfer_mode="assignment",
            path="listed",
        ),
        users["organizer"],
    )
    # As the demo does it (its organizer is called "organizer" here too).
    assert seed_cases(count=1) == 1
    (case,) = CasePage.objects.live()
    assert case.deal == other  # the most recently landed first
    assert "请补充" not in str(case.body) and "内部记录" not in str(case.body)
    html = client.get("/cases/").content.decode()
    assert f'href="{case.url}"' in html and case.title in html
    assert "暂无典型案例" not in html and "案例正在整理中" not in html
    assert "已有 2 个项目落地，以下尚未编写案例。" in html
    assert f'href="/disclosures/{landed.pk}/"' in html
    assert f'href="/disclosures/{other.pk}/"' not in html
    home = client.get("/").content.decode()
    assert case.title in home and 'href="/cases/"' in home
    assert seed_cases(count=1) == 0  # safe to run again


def test_a_confidential_landed_project_shows_only_its_cleared_text(client, roles):
    users, orgs = roles
    deal = deal_create(
        by=users["organizer"],
        achievement=make_achievement(
            owner=orgs["owner"], state="restricted", title="ZQSECRET 工艺"
        ),
        counterparty=orgs["fund"],
        transfer_mode="licence",
        path="listed",
    )
    walk_to_registration(deal, users["organizer"])
    deal.refresh_from_db()
    deal_move(
        deal_id=deal.pk,
        to="disclosure",
        by=users["organizer"],
        expected=deal.stage,
        data={
            "disclosure_starts": timezone.localdate(),
            "disclosure_title": "某新型材料",
            "disclosure_summary": "新材料技术许可。",
        },
    )
    # Not reviewed yet: the landed project is not public at all.
    html = client.get("/cases/").content.decode()
    assert "ZQSECRET" not in html and "某新型材料" not in html
    disclosure_review(deal_id=deal.pk, by=users["reviewer"], neutral=False)
    deal.refresh_from_db()
    let_disclosure_run(deal)
    for to, data in [
        ("certificate", {"certificate_number": "Z"}),
        (
            "landed",
            {
                "landed_kind": "company",
                "landed_evidence": "内部记录：公司已注册",
                "province": Province.objects.get(code="51"),
            },
        ),
    ]:
        deal.refresh_from_db()
        deal_move(
            deal_id=deal.pk,
            to=to,
            by=users["organizer"],
            expected=deal.stage,
            data=data,
        )
    html = client.get("/cases/").content.decode()
    assert "某新型材料" in html and "ZQSECRET" not in html


def test_a_deal_landing_makes_the_cached_pages_stale(
    client, roles, django_capture_on_commit_callbacks
):
    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"], state="public", title="秸秆综合利用技术"
    )
    assert client.get("/cases/").get("X-Page-Cache") == "miss"
    assert client.get("/cases/").get("X-Page-Cache") == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        deal = land(
            deal_create(
                by=users["organizer"],
                achievement=achievement,
                counterparty=orgs["enterprise"],
                transfer_mode="licence",
                path="listed",
            ),
            users["organizer"],
        )
    response = client.get("/cases/")
    assert response.get("X-Page-Cache") == "miss"
    assert f'href="/disclosures/{deal.pk}/">秸秆综合利用技术</a>' in (
        response.content.decode()
    )
