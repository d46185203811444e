"""The catalogue and the live room on a 390 px phone and a 1366 px desktop
(#17): the catalogue's search box comes first and its filters fold on a phone
(open beside the results on a desktop); the live room has no gap under the
player and shows the programme before the Q&A on a phone."""

import pytest

from tests.factories import make_achievement

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SIZES = {"phone": (390, 844), "desktop": (1366, 768)}


def _page(browser, base, size, language="zh-hans"):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        is_mobile=size == "phone",
        has_touch=size == "phone",
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    return context, context.new_page()


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_catalogue_search_first_and_filters_folded_on_a_phone(
    roles, browser, live_server
):
    _users, orgs = roles
    make_achievement(owner=orgs["owner"], state="public", title="碳纤维复合材料", trl=6)
    for language in ("zh-hans", "en"):
        context, page = _page(browser, live_server.url, "phone", language)
        page.goto(live_server.url + "/achievements/?q=碳纤维")
        search = _box(page, "form.search input[type=search]")
        facets = _box(page, "details.facets")
        assert search["y"] < facets["y"] < 400
        assert page.locator("details.facets").evaluate("d => d.open") is False
        assert page.locator("article.card h3 mark").all_inner_texts() == ["碳纤维"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.locator("details.facets > summary").click()
        page.select_option("select[name=trl_min]", "5")
        page.locator("form.trl-range button").click()
        page.wait_for_url("**trl_min=5**")
        assert "q=%E7%A2%B3%E7%BA%A4%E7%BB%B4" in page.url  # the search is kept
        assert page.locator("article.card").count() == 1
        context.close()
    context, page = _page(browser, live_server.url, "desktop")
    page.goto(live_server.url + "/achievements/")
    assert page.locator("details.facets").evaluate("d => d.open") is True
    assert _box(page, "details.facets")["x"] < _box(page, "article.card")["x"]
    context.close()


def test_live_room_programme_before_questions_without_a_gap(live, browser, live_server):
    # The layout only: the programme's rows arrive over the socket, which this
    # server does not carry (the live room's own browser tests do).
    path = f"/live/{live['roadshow'].pk}/"
    for language in ("zh-hans", "en"):
        context, page = _page(browser, live_server.url, "phone", language)
        page.goto(live_server.url + path)
        player = _box(page, ".live-grid .player")
        programme = _box(page, ".live-programme")
        questions = _box(page, ".live-side")
        gap = programme["y"] - (player["y"] + player["height"])
        assert 0 <= gap <= 16, gap
        assert programme["y"] + programme["height"] <= questions["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        context.close()
    context, page = _page(browser, live_server.url, "desktop")
    page.goto(live_server.url + path)
    assert _box(page, ".live-side")["x"] > _box(page, ".live-programme")["x"]
    assert _box(page, ".live-programme")["y"] > _box(page, ".live-grid .player")["y"]
    context.close()
