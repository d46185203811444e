"""Issue 15 in Chromium, on a Daphne worker with PostgreSQL and Redis: the
moderator launches a poll that an audience member answers and the big screen
shows; the presenting team's view (on a tablet, both ways round) shows its
questions by votes, the pinned one, the timer and a moderator's private
message — which no viewer's page ever receives; an investor scores the
pitch."""

import os
from pathlib import Path

import pytest
from django.db import connections

from livestream.enums import DEFAULT_SCORE_CRITERIA
from livestream.models import PitchScore, PollVote
from tests.livestream.cluster import session_of, workers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NOTE = "请回答中金资本的问题"


def _open(browser, base, session, path, viewport=(1280, 900)):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN"
    )
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.errors = []
    page.frames_received = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived", lambda payload: page.frames_received.append(str(payload))
        ),
    )
    page.goto(base + path)
    page.wait_for_selector(".conn-live", timeout=10000)
    return page


def test_poll_big_screen_presenter_view_and_scores(browser, live, tmp_path):
    for key, name in (
        ("investor", "王投资"),
        ("enterprise", "李企业"),
        ("organizer", "赵主持"),
    ):
        # An update, not a save: no signal (the browser's loop runs here).
        type(live[key]).objects.filter(pk=live[key].pk).update(name=name)
        live[key].name = name
    pk = live["roadshow"].pk
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    sessions = {
        n: session_of(live[n]) for n in ("investor", "enterprise", "organizer", "team")
    }

    with workers(1, tmp_path / "logs") as (_procs, balancer):
        base = f"http://127.0.0.1:{balancer.port}"
        moderator = _open(browser, base, sessions["organizer"], f"/live/{pk}/")
        viewer = _open(browser, base, sessions["investor"], f"/live/{pk}/", (390, 844))
        other = _open(browser, base, sessions["enterprise"], f"/live/{pk}/")
        screen = _open(browser, base, None, f"/live/{pk}/screen/", (1600, 900))
        tablet = _open(
            browser, base, sessions["team"], f"/live/{pk}/presenter/", (1024, 768)
        )
        portrait = _open(
            browser, base, sessions["team"], f"/live/{pk}/presenter/", (768, 1024)
        )
        pages = (moderator, viewer, other, screen, tablet, portrait)

        # Questions for the pitch: the presenter view lists them by votes.
        viewer.fill("#ask-text", "中试线预计何时建成？")
        viewer.click("#ask button[type=submit]")
        other.fill("#ask-text", "授权费用如何分期支付？")
        other.click("#ask button[type=submit]")
        viewer.locator("#questions .question", has_text="分期").locator(
            "button.vote"
        ).click()
        tablet.wait_for_selector(".presenter-questions li:has-text('▲ 1')")
        assert (
            tablet.locator(".presenter-questions li")
            .first.inner_text()
            .startswith("▲ 1")
        )
        assert (
            "授权费用" in tablet.locator(".presenter-questions li").first.inner_text()
        )
        moderator.locator("#questions .question", has_text="中试线").get_by_role(
            "button", name="置顶回答"
        ).click()
        tablet.wait_for_selector(".presenter-question:has-text('中试线')")
        assert tablet.locator("#timer").inner_text() != "--:--"

        # A private message to the team: on the presenter view, nowhere else.
        moderator.fill("#note-text", NOTE)
        moderator.click("#note-form button[type=submit]")
        for page in (tablet, portrait):
            page.wait_for_selector(f".presenter-note.latest:has-text('{NOTE}')")
        moderator.wait_for_selector(f"#notes-sent li:has-text('{NOTE}')")
        moderator.get_by_role("button", name="还剩两分钟").click()
        tablet.wait_for_selector(".presenter-note.latest:has-text('还剩两分钟')")

        # The moderator launches a poll; the audience answers; the screen shows it.
        moderator.fill("#poll-question", "您最关心项目的哪方面？")
        options = moderator.locator(".poll-option")
        for n, text in enumerate(("技术成熟度", "市场规模", "团队背景")):
            options.nth(n).fill(text)
        moderator.click("#poll-form button[type=submit]")
        screen.wait_for_selector(".screen-poll-question:has-text('您最关心')")
        viewer.locator(".poll label", has_text="市场规模").click()
        viewer.locator(".poll button[type=submit]").click()
        viewer.wait_for_selector(".poll .poll-results")
        other.locator(".poll label", has_text="市场规模").click()
        other.locator(".poll button[type=submit]").click()
        screen.wait_for_selector(".screen-poll .count:has-text('2 人参与')")
        assert (
            "2 · 100%"
            in screen.locator(".screen-poll li", has_text="市场规模").inner_text()
        )
        # One changes their mind: the screen follows.
        other.locator(".poll label", has_text="团队背景").click()
        other.locator(".poll button[type=submit]").click()
        screen.wait_for_selector(
            ".screen-poll li:has-text('团队背景'):has-text('1 · 50%')"
        )
        for page in pages:
            page.screenshot(
                path=str(shots / f"live15-{pages.index(page)}-during.png"),
                full_page=page is not screen,
            )
        moderator.locator(".poll").get_by_role("button", name="结束投票").click()
        screen.wait_for_selector(".screen-poll:has-text('投票已结束')")
        viewer.wait_for_selector(".poll.poll-closed")

        # An investor scores the pitch on the room's criteria.
        viewer.wait_for_selector("#scoring:not([hidden])")
        rows = viewer.locator("#score-criteria fieldset")
        assert rows.count() == len(DEFAULT_SCORE_CRITERIA)
        for n in range(rows.count()):
            rows.nth(n).locator("label", has_text=str(4 if n else 5)).click()
        viewer.click("#score-form button[type=submit]")
        viewer.wait_for_selector("text=评分已保存，直播结束前可以修改。")

        viewer.screenshot(path=str(shots / "live15-viewer-after.png"), full_page=True)
        screen.screenshot(path=str(shots / "live15-screen-after.png"))
        tablet.screenshot(path=str(shots / "live15-tablet-landscape.png"))
        portrait.screenshot(path=str(shots / "live15-tablet-portrait.png"))
        moderator.screenshot(path=str(shots / "live15-moderator.png"), full_page=True)

        # No viewer's page ever received the message to the team.
        for page in (viewer, other, screen):
            assert not any(NOTE in frame for frame in page.frames_received)
            assert NOTE not in page.content()
        assert any(NOTE in frame for frame in tablet.frames_received)
        for page in pages:
            assert page.errors == []
            page.context.close()

    assert PollVote.objects.count() == 2
    assert PitchScore.objects.filter(user=live["investor"]).count() == len(
        DEFAULT_SCORE_CRITERIA
    )
    connections.close_all()
