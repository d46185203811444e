"""The public site in Chromium (#17), on a 390 px phone and a 1366 px desktop,
in Chinese and in English: the header's sections fit and the current one is
marked; long unbroken text (a 200-character title, a pasted URL, 500 × "长")
never widens a page, the big screen included, where long questions are
clamped; a registered visitor goes from the roadshow's page to the ticket;
no page asks for anything that is not there (the favicon)."""

import datetime as dt
import os
import uuid
from pathlib import Path

import pytest
from django.db import connections
from django.utils import timezone

from cms.models import RoadshowPage
from events.enums import SlotKind
from events.registrations import registration_create
from events.services import roadshow_transition, slot_add
from tests.factories import make_achievement, make_user
from tests.factories.events import make_roadshow

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Ultra" + "X" * 195  # 200 characters, no break
URL = "https://example.com/" + "verylongpath" * 25 + "?q=" + "a" * 50
CHANG = "长" * 500
SIZES = {"phone": (390, 844), "desktop": (1366, 900)}


def _shots(tmp_path) -> Path:
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


def _context(browser, base, size, language, session=None):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale="zh-CN",
        is_mobile=size == "phone",
        has_touch=size == "phone",
    )
    cookies = [{"name": "django_language", "value": language, "url": base}]
    if session:
        cookies.append({"name": "sessionid", "value": session, "url": base})
    context.add_cookies(cookies)
    page = context.new_page()
    page.missing = []
    page.on(
        "response",
        lambda r: page.missing.append(r.url) if r.status == 404 else None,
    )
    return context, page


def _width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def _session(user) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@pytest.fixture
def long_texts(roles, django_capture_on_commit_callbacks):
    """A published roadshow whose title, venue and summary run on without a
    break, pitching an achievement whose title, summary and keywords do."""
    users, orgs = roles
    achievement = make_achievement(
        owner=orgs["owner"],
        state="public",
        title=TITLE,
        summary=f"{URL}\n{CHANG}",
        keywords="K" * 200,
        team="T" * 300,
    )
    roadshow = make_roadshow(
        lead_host=orgs["torch"],
        day=timezone.localdate() + dt.timedelta(days=12),
        title="R" * 200,
        summary=f"{URL}\n{CHANG}",
        venue="V" * 200,
        address=URL[:300],
        capacity=50,
        format="hybrid",
        stream_url="https://live.example.cn/hls/roadshow.m3u8",
    )
    with django_capture_on_commit_callbacks(execute=True):
        slot_add(
            roadshow=roadshow,
            kind=SlotKind.PITCH,
            duration_minutes=20,
            achievement=achievement,
            presenters="P" * 150,
        )
        roadshow = roadshow_transition(
            roadshow=roadshow, action="publish", by=users["organizer"]
        )
    return users, roadshow, achievement


def test_long_text_never_widens_a_public_page(
    long_texts, browser, live_server, tmp_path
):
    _users, roadshow, achievement = long_texts
    shots = _shots(tmp_path)
    page_url = RoadshowPage.objects.get(roadshow=roadshow).url
    pages = {
        "achievement": f"/achievements/{achievement.pk}/",
        "roadshow": page_url,
        "index": "/roadshows/",
        "catalogue": "/achievements/?q=Ultra",
        "home": "/",
    }
    for language in ("zh-hans", "en"):
        for size in SIZES:
            context, page = _context(browser, live_server.url, size, language)
            for name, path in pages.items():
                page.goto(live_server.url + path)
                # (The catalogue marks the searched "Ultra" in the title.)
                shown = page.content().replace("<mark>", "").replace("</mark>", "")
                assert TITLE[:40] in shown or name == "index", name
                scroll, viewport = _width(page)
                assert scroll <= viewport, (name, size, language, scroll)
                page.screenshot(
                    path=str(shots / f"long-{name}-{size}-{language}.png"),
                    full_page=True,
                )
            # Every page asked only for what exists (the favicon included).
            assert page.missing == [], page.missing
            context.close()


def test_header_fits_a_phone_and_marks_the_current_section(db, browser, live_server):
    for language in ("zh-hans", "en"):
        for size in SIZES:
            context, page = _context(browser, live_server.url, size, language)
            page.goto(live_server.url + "/roadshows/")
            viewport = SIZES[size][0]
            links = page.locator(".main-nav a")
            assert links.count() == 8
            for n in range(8):
                box = links.nth(n).bounding_box()
                assert box is not None and 0 <= box["x"]
                assert box["x"] + box["width"] <= viewport, (language, size, n)
            current = page.locator(".main-nav a[aria-current]")
            assert current.count() == 1
            assert current.get_attribute("href") == "/roadshows/"
            # Told apart by weight and an underline, not by colour alone.
            style = current.evaluate(
                "a => [getComputedStyle(a).fontWeight,"
                " getComputedStyle(a).textDecorationLine]"
            )
            assert style == ["700", "underline"]
            assert _width(page)[0] <= viewport
            header_height = page.locator(".site-header").bounding_box()["height"]
            assert header_height < (140 if size == "phone" else 100), (language, size)
            context.close()


def test_registered_visitor_goes_from_the_roadshow_page_to_the_ticket(
    long_texts, browser, live_server, tmp_path
):
    _users, roadshow, _achievement = long_texts
    shots = _shots(tmp_path)
    url = RoadshowPage.objects.get(roadshow=roadshow).url
    onsite, online = make_user(username="onsite"), make_user(username="online")
    registration_create(roadshow=roadshow, user=onsite, attendance="onsite")
    mine = registration_create(roadshow=roadshow, user=online, attendance="online")
    for language, label in (
        ("zh-hans", "您已报名 · 查看电子票"),
        ("en", "You are registered"),
    ):
        for size in SIZES:
            context, page = _context(
                browser, live_server.url, size, language, _session(onsite)
            )
            page.goto(live_server.url + url)
            assert page.locator(f"a[href='/r/{roadshow.pk}/register/']").count() == 0
            page.screenshot(
                path=str(shots / f"registered-{size}-{language}.png"), full_page=True
            )
            page.get_by_role("link", name=label).click()
            page.wait_for_url("**/workspace/registrations/**")
            assert page.locator(".qr svg").count() == 1
            assert _width(page)[0] <= SIZES[size][0]
            webcal = page.locator("a[href^='webcal://']").first.get_attribute("href")
            assert webcal.endswith(f"/calendar/roadshows/{roadshow.pk}.ics")
            context.close()
    # The online participant's ticket leads to the live room, not the stream.
    context, page = _context(
        browser, live_server.url, "phone", "zh-hans", _session(online)
    )
    page.goto(live_server.url + f"/workspace/registrations/{mine.pk}/")
    page.get_by_role("link", name="进入直播间").click()
    page.wait_for_url(f"**/live/{roadshow.pk}/")
    page.screenshot(path=str(shots / "online-ticket-to-room.png"), full_page=True)
    context.close()


@pytest.mark.postgres
@pytest.mark.redis
def test_big_screen_clamps_long_questions_and_keeps_its_width(live, browser, tmp_path):
    """On a Daphne worker (the screen lives on its WebSocket)."""
    from livestream.models import Question, Room
    from tests.livestream.cluster import workers

    shots = _shots(tmp_path)
    room, roadshow, slot = live["room"], live["roadshow"], live["slot"]
    # Written as rows, not through the services: no broadcast from this
    # thread, where the browser's event loop runs.
    type(slot.achievement).objects.filter(pk=slot.achievement_id).update(
        title="L" * 200
    )
    asked = Question.objects.bulk_create(
        Question(
            room=room,
            slot=slot,
            achievement_id=slot.achievement_id,
            author=live[who],
            text=text,
            client_id=str(uuid.uuid4()),
        )
        for who, text in (("investor", CHANG), ("enterprise", URL), ("team", "Q" * 400))
    )
    Room.objects.filter(pk=room.pk).update(pinned=asked[0].pk)
    with workers(1, tmp_path / "logs") as (_procs, balancer):
        base = f"http://127.0.0.1:{balancer.port}"
        for size in SIZES:
            for path in (f"/live/{roadshow.pk}/screen/", f"/live/{roadshow.pk}/"):
                context, page = _context(browser, base, size, "zh-hans")
                page.goto(base + path)
                page.wait_for_selector(".conn-live", timeout=10000)
                scroll, viewport = _width(page)
                assert scroll <= viewport, (path, size, scroll)
                if path.endswith("/screen/"):
                    page.wait_for_selector(".screen-question")
                    pinned = page.locator(".screen-question")
                    # Four lines of the 500 characters, the rest cut off.
                    assert pinned.evaluate(
                        "p => [getComputedStyle(p).webkitLineClamp,"
                        " p.scrollHeight > p.clientHeight]"
                    ) == ["4", True]
                    top = page.locator(".screen-qtext")
                    assert top.count() == 2
                    for n in range(2):
                        assert top.nth(n).evaluate(
                            "s => s.scrollHeight > s.clientHeight"
                        )
                page.screenshot(
                    path=str(shots / f"long-live-{path.count('screen')}-{size}.png"),
                    full_page=True,
                )
                context.close()
    # The ORM's reads ran beside the browser's loop: hand the connections back.
    connections.close_all()
