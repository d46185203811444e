"""The working calendar in Chromium: the planner and a roadshow's edit page
warn of a roadshow on National Day 2026 and of one on a Saturday worked for
it (调休上班), in Chinese and in English, on a desktop and on a phone."""

import pytest

from accounts.enums import OrganizationKind, Role
from events.models import Roadshow
from events.services import SHANGHAI, roadshow_update, year_plan_create
from tests.browser.conftest import login
from tests.factories import make_org, make_user
from tests.factories.events import rotas

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def test_planner_and_edit_page_warn_of_holidays(page):
    torch = make_org(kind=OrganizationKind.TORCH_CENTRE, name="火炬中心")
    make_user(role=Role.ORGANIZER, org=torch, username="organizer")
    field_rota, region_rota = rotas()
    year_plan_create(
        year=2026,
        field_rota=field_rota,
        region_rota=region_rota,
        blocked=set(),
        lead_host=torch,
        by=None,
    )
    # October's roadshows moved onto National Day and the Saturday worked for it.
    moved = []
    for kind, day in (("field", 1), ("region", 10)):
        roadshow = Roadshow.objects.get(kind=kind, start__month=10)
        start = roadshow.start.astimezone(SHANGHAI)
        roadshow_update(
            roadshow=roadshow,
            data={
                "start": start.replace(day=day),
                "end": roadshow.end.astimezone(SHANGHAI).replace(day=day),
            },
            by=None,
        )
        moved.append(roadshow)
    national_day, saturday = (r.title for r in moved)
    login(page, "organizer")
    expected = {
        "zh": [
            f"“{national_day}”：2026-10-01 是国庆节法定假日。",
            f"“{saturday}”：2026-10-10 是国庆节调休上班日。",
        ],
        "en": [
            f"“{national_day}”: 2026-10-01 is a statutory holiday (National Day).",
            f"“{saturday}”: 2026-10-10 is a weekend worked in exchange for "
            "the National Day break.",
        ],
    }
    for language in ("zh", "en"):
        if language == "en":
            page.context.add_cookies(
                [{"name": "django_language", "value": "en", "url": page.base}]
            )
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(page.base + "/admin/roadshows/plan/2026/")
            warnings = page.locator("[role=status] li").all_inner_texts()
            assert warnings == expected[language], (language, size)
            page.screenshot(
                path=page.shots / f"planner-holiday-{language}-{size}.png",
                full_page=True,
            )
            page.goto(page.base + f"/admin/roadshow/edit/{moved[0].pk}/")
            note = page.locator("[data-day-warnings] li").inner_text()
            assert note == expected[language][0], (language, size)
            page.screenshot(
                path=page.shots / f"edit-holiday-{language}-{size}.png",
                full_page=False,
            )
