"""Issue 3 end to end in Chromium: plan a year, publish a roadshow, see it on the
site and in the calendar, a team uploads its deck, a reviewer clears it, a
visitor reads it in English."""

import datetime as dt

import pytest

import workdays
from accounts.enums import OrganizationKind, Role
from achievements.models import Province
from events.enums import RegionKind
from events.models import Roadshow
from events.services import FieldTurn, RegionTurn, year_plan_create
from tests.achievements.test_uploads import pdf_bytes
from tests.browser.conftest import login
from tests.factories import make_achievement, make_org, make_user

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_plan_publish_subscribe_upload_browse(page, tmp_path):
    from achievements.models import IndustryField

    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    agency = make_org(kind=OrganizationKind.SPECIALIZED_AGENCY, name="专业机构甲")
    dept = make_org(kind=OrganizationKind.LOCAL_ST_DEPARTMENT, name="江苏省科技厅")
    university = make_org(kind=OrganizationKind.UNIVERSITY, name="示范大学")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    make_user(role=Role.REVIEWER, org=torch, username="reviewer")
    make_user(role=Role.TEAM, org=university, username="team")
    make_achievement(
        owner=university, title="专用碳纤维复合材料研发", project_number="2026YFB0001"
    )
    # Last year's plan: this year's planner starts from its rotas.
    year_plan_create(
        year=2027,
        field_rota=[
            FieldTurn(field=f, host=agency) for f in IndustryField.objects.all()
        ],
        region_rota=[
            RegionTurn(kind=RegionKind.PROVINCE, province=p, zone=None, host=dept)
            for p in Province.objects.filter(code__in=["32", "44", "51"])
        ],
        blocked=set(),
        lead_host=torch,
        by=None,
    )

    # The organizer plans 2028 in a few clicks.
    login(page, "organizer")
    page.goto(page.base + "/admin/roadshows/plan/?year=2028")
    page.fill("textarea[name=blocked_dates]", "2028-10-01 至 2028-10-07")
    page.click("text=生成年度计划")
    page.wait_for_url("**/admin/roadshows/plan/2028/")
    if workdays.year_known(2028):
        assert "没有冲突或空缺" in page.inner_text("main")
    else:
        # Only the note that 2028's holidays and 调休 are not published yet.
        kinds = page.eval_on_selector_all(
            "[data-kind]", "els => els.map(e => e.dataset.kind)"
        )
        assert kinds == ["calendar_unknown"]
    page.screenshot(path=page.shots / "plan-2028.png", full_page=True)
    assert Roadshow.objects.filter(start__year=2028).count() == 24

    # ...puts a pitch into January's field roadshow and publishes it.
    january = Roadshow.objects.filter(start__year=2028, kind="field").order_by("start")[
        0
    ]
    page.goto(page.base + f"/admin/roadshows/{january.pk}/manage/")
    # The chooser: part of a title lists what may be pitched; its number fills in.
    page.locator("input[name=achievement]").press_sequentially("碳纤维", delay=30)
    page.wait_for_selector("#pitch-choices option", state="attached")
    option = page.locator("#pitch-choices option").first
    assert "专用碳纤维复合材料研发" in option.get_attribute("label")
    assert option.get_attribute("value") == "2026YFB0001"
    page.fill("input[name=achievement]", option.get_attribute("value"))
    page.fill("input[name=duration_minutes]", "30")
    page.fill("input[name=presenters]", "王教授")
    page.click("form.slot-add button[type=submit]")
    page.wait_for_selector("text=议程已添加")
    page.click("form:has(input[value=publish]) button")
    # The pre-flight: what is set and what is missing, then a confirmation.
    page.wait_for_selector("text=发布前检查")
    page.screenshot(path=page.shots / "publish-preflight.png", full_page=True)
    page.click("form:has(input[name=confirmed]) button")
    page.wait_for_selector("text=路演状态已更新")
    page.screenshot(path=page.shots / "manage.png", full_page=True)
    page.click("header form.inline button") if page.locator(
        "header form.inline"
    ).count() else None
    page.context.clear_cookies()

    # A visitor finds it on the site and in the calendar feed.
    page.goto(page.base + "/roadshows/")
    page.click(f"text={january.title}")
    assert "专用碳纤维复合材料研发" in page.inner_text("table.programme")
    assert "王教授" in page.inner_text("table.programme")
    feed = page.request.get(page.base + "/calendar/roadshows.ics").text()
    assert f"UID:{january.uid}@roadshow" in feed and "BEGIN:VTIMEZONE" in feed

    # The team uploads its deck.
    login(page, "team")
    page.click("text=上传/管理")
    deck = tmp_path / "路演材料.pdf"
    deck.write_bytes(pdf_bytes())
    page.set_input_files("form:has(input[value=deck]) input[type=file]", str(deck))
    page.click("form:has(input[value=deck]) button")
    page.wait_for_selector("text=已上传")
    page.screenshot(path=page.shots / "materials.png", full_page=True)
    page.context.clear_cookies()

    # Until a reviewer clears it, the programme says the materials are in review.
    page.goto(page.base + f"/r/{january.pk}/")
    assert "材料审核中" in page.inner_text("table.programme")
    assert "路演材料（PDF）" not in page.inner_text("table.programme")
    page.screenshot(path=page.shots / "roadshow-in-review.png", full_page=True)
    # The reviewer finds the deck in the queue, opens it and clears it.
    login(page, "reviewer")
    queue = page.locator("form[action*='/workspace/materials/']")
    assert queue.count() == 1
    page.screenshot(path=page.shots / "material-queue.png", full_page=True)
    queue.locator("select[name=decision]").select_option("clear")
    queue.locator("button").click()
    page.wait_for_selector("text=审核结论已记录")
    page.screenshot(path=page.shots / "material-review.png", full_page=True)
    page.context.clear_cookies()

    # The visitor reads the roadshow page in English, deck link included.
    page.goto(page.base + f"/r/{january.pk}/")
    page.click("nav.lang a[lang=en]")
    page.wait_for_load_state()
    text = page.inner_text("main")
    assert "Programme" in text and "Pitch deck (PDF)" in text
    page.screenshot(path=page.shots / "roadshow-en.png", full_page=True)
    assert dt.date(2028, 10, 3) not in {
        r.start.date() for r in Roadshow.objects.filter(start__year=2028)
    }
