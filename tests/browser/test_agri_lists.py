"""进园入县 on a 390 px phone and a 1366 px desktop, in Chinese and English: a
published list's page (no sideways scroll of the page itself) and the
catalogue's agricultural facets, folded with the others on a phone."""

import datetime as dt
import os
from pathlib import Path

import pytest

from achievements.models import AgriIndustry, AgriScenario, AgriTechField, IndustryField
from agrilists.services import list_create, list_entries_add, list_publish
from tests.factories import make_achievement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
SIZES = {"phone": (390, 844), "desktop": (1366, 768)}


@pytest.fixture
def published(roles):
    users, orgs = roles
    field = IndustryField.objects.get(code="modern-agriculture")
    ids = []
    for title, tech, scenario in (
        ("耐盐碱水稻新品种选育与示范", "crop-breeding", "saline-alkali"),
        ("黑土地保护性耕作成套装备", "agri-machinery", "black-soil"),
        ("旱作区小麦节水稳产技术", "fertilizer-water", "dryland"),
    ):
        ids.append(
            make_achievement(
                owner=orgs["owner"],
                title=title,
                field=field,
                agri_tech_field=AgriTechField.objects.get(code=tech),
                agri_industry=AgriIndustry.objects.get(code="grain"),
                agri_scenario=AgriScenario.objects.get(code=scenario),
            ).pk
        )
    agri_list = list_create(
        scope="national",
        province=None,
        period="2026年第三季度",
        issued_on=dt.date(2026, 9, 30),
        introduction="本批清单围绕种业安全和耕地保护。",
        by=users["organizer"],
    )
    list_entries_add(agri_list=agri_list, achievement_ids=ids, by=users["organizer"])
    return list_publish(agri_list=agri_list, by=users["organizer"])


def test_list_page_and_agri_facets_on_phone_and_desktop(
    published, browser, live_server, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for size, (width, height) in SIZES.items():
        for language in ("zh-hans", "en"):
            context = browser.new_context(
                viewport={"width": width, "height": height},
                is_mobile=size == "phone",
                has_touch=size == "phone",
            )
            context.add_cookies(
                [
                    {
                        "name": "django_language",
                        "value": language,
                        "url": live_server.url,
                    }
                ]
            )
            page = context.new_page()
            page.goto(f"{live_server.url}/lists/{published.pk}/")
            rows = page.locator("table.list tbody tr")
            assert rows.count() == 3
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(
                path=shots / f"agri-list-{size}-{language}.png", full_page=True
            )
            page.goto(f"{live_server.url}/achievements/?agri_scenario=saline-alkali")
            assert page.locator("article.card").count() == 1
            if size == "phone":
                assert page.locator("details.facets").evaluate("d => d.open") is False
                page.locator("details.facets > summary").click()
            assert page.locator("details.facets a.active").count() == 1
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(
                path=shots / f"agri-facets-{size}-{language}.png", full_page=True
            )
            page.goto(f"{live_server.url}/lists/")
            page.screenshot(path=shots / f"agri-index-{size}-{language}.png")
            context.close()
