"""WCAG 2.1 A and AA on the main public pages (#17), checked by axe-core in
Chromium, in Chinese and in English, on a desktop and a phone: the pages a
visitor meets first (home, the roadshows, a roadshow, the catalogue and a
search in it, an achievement, the typical cases, log in, sign up).

axe-core is vendored (tests/browser/vendor/, with its licence and version)."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.utils import timezone

from cms.models import RoadshowPage
from events.enums import SlotKind
from events.services import roadshow_transition, slot_add
from tests.factories import make_achievement
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Chinese on a phone, English on a desktop: both languages and both layouts,
# at half the time of every pair.
VIEWS = [("zh-hans", "phone", 390, 844), ("en", "desktop", 1366, 768)]


@pytest.fixture
def public_site(roles, django_capture_on_commit_callbacks):
    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"],
        state="public",
        title="高性能碳纤维复合材料",
        summary="面向航空航天的碳纤维复合材料，已完成中试。",
        source_programme="国家重点研发计划",
    )
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        day=timezone.localdate() + dt.timedelta(days=12),
        title="新材料领域成果路演",
        capacity=80,
        format="hybrid",
    )
    with django_capture_on_commit_callbacks(execute=True):
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=20,
            achievement=achievement,
        )
        roadshow = roadshow_transition(
            roadshow=roadshow, action="publish", by=users["organizer"]
        )
    return {
        "home": "/",
        "roadshows": "/roadshows/",
        "roadshow": RoadshowPage.objects.get(roadshow=roadshow).url,
        "catalogue": "/achievements/",
        "search": "/achievements/?q=碳纤维",
        "achievement": f"/achievements/{achievement.pk}/",
        "cases": "/cases/",
        "login": "/accounts/login/",
        "signup": "/accounts/signup/",
    }


def _violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        WCAG_21_AA,
    )
    return result


def test_main_public_pages_pass_wcag_21_aa(public_site, browser, live_server):
    found = {}
    for language, size, width, height in VIEWS:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            is_mobile=size == "phone",
            has_touch=size == "phone",
        )
        context.add_cookies(
            [{"name": "django_language", "value": language, "url": live_server.url}]
        )
        page = context.new_page()
        for name, path in public_site.items():
            page.goto(live_server.url + path)
            for violation in _violations(page):
                found[(name, language, size, violation["id"])] = violation
        context.close()
    assert found == {}, json.dumps(
        [[*key, v["help"], v["nodes"]] for key, v in found.items()],
        ensure_ascii=False,
        indent=1,
    )
