"""Issue 5 end to end in Chromium, on two Daphne workers behind a balancer
with PostgreSQL and Redis: one viewer asks, the moderator approves, the other
viewer sees it and upvotes, the moderator pins it on the big screen; then the
worker holding the most connections is killed, the pages reconnect through the
balancer to the other, and miss nothing."""

import os
from pathlib import Path

import pytest
from django.db import connections

from livestream.models import Question
from tests.livestream.cluster import session_of, workers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _open(browser, base, session, path, shots, name, viewport=(1280, 900)):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="zh-CN"
    )
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base + path)
    page.wait_for_selector(".conn-live", timeout=10000)
    page.shot = lambda label: page.screenshot(
        path=str(shots / f"live-{name}-{label}.png"), full_page=True
    )
    return page


def test_ask_approve_upvote_pin_and_survive_a_killed_worker(browser, live, tmp_path):
    room = live["room"]
    room.premoderation = True
    room.save()
    pk = live["roadshow"].pk
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    sessions = {n: session_of(live[n]) for n in ("investor", "enterprise", "organizer")}

    with workers(2, tmp_path / "logs") as (procs, balancer):
        base = f"http://127.0.0.1:{balancer.port}"
        asker = _open(
            browser,
            base,
            sessions["investor"],
            f"/live/{pk}/",
            shots,
            "asker",
            (390, 844),
        )
        other = _open(
            browser, base, sessions["enterprise"], f"/live/{pk}/", shots, "other"
        )
        moderator = _open(
            browser, base, sessions["organizer"], f"/live/{pk}/", shots, "moderator"
        )
        screen = _open(
            browser, base, sessions["organizer"], f"/live/{pk}/screen/", shots, "screen"
        )

        # One asks (anonymously to the audience); it waits for review.
        asker.fill("#ask-text", "贵团队的中试线预计何时建成？")
        asker.check("#ask-anonymous")
        asker.click("#ask button[type=submit]")
        asker.wait_for_selector("text=问题已提交，主持人审核后展示。")
        assert other.locator("#questions .question").count() == 0

        # The moderator sees who asked, and approves.
        pending = moderator.locator("#pending .question", has_text="中试线")
        pending.wait_for()
        assert live["investor"].name in pending.inner_text()
        pending.get_by_role("button", name="通过", exact=True).click()

        # The other viewer sees it, without the asker's name, and upvotes.
        shown = other.locator("#questions .question", has_text="中试线")
        shown.wait_for()
        assert live["investor"].name not in shown.inner_text()
        shown.locator("button.vote").click()
        other.wait_for_selector("#questions .question button.vote.voted:has-text('1')")
        asker.wait_for_selector("#questions .question button.vote:has-text('1')")

        # The moderator pins it: the big screen shows it, large.
        moderator.locator("#questions .question", has_text="中试线").get_by_role(
            "button", name="置顶回答"
        ).click()
        screen.wait_for_selector(".screen-question:has-text('中试线')")
        for page in (asker, other, moderator, screen):
            page.shot("before-kill")

        # Kill the worker holding the most connections, as a crash would.
        victim = max(procs, key=lambda w: balancer.active[w.port])
        assert balancer.active[victim.port] > 0
        victim.kill()

        # While some pages are reconnecting, the room goes on.
        asker.fill("#ask-text", "授权费用如何分期支付？")
        asker.click("#ask button[type=submit]")
        moderator.locator("#pending .question", has_text="分期").get_by_role(
            "button", name="通过", exact=True
        ).click(timeout=15000)
        for page in (asker, other, moderator):
            page.locator("#questions .question", has_text="分期").wait_for(
                timeout=15000
            )
            page.wait_for_selector(".conn-live", timeout=15000)
            # Nothing lost, nothing twice.
            assert page.locator("#questions .question", has_text="中试线").count() == 1
            assert page.locator("#questions .question", has_text="分期").count() == 1
            assert (
                page.locator("#questions .question", has_text="中试线")
                .locator("button.vote")
                .inner_text()
                == "▲ 1"
            )
        screen.wait_for_selector(".conn-live", timeout=15000)
        screen.wait_for_selector(".screen-top li:has-text('分期')")
        assert (
            screen.locator(".screen-question").inner_text()
            == "贵团队的中试线预计何时建成？"
        )
        for page in (asker, other, moderator, screen):
            page.shot("after-kill")
            assert page.errors == []
            page.context.close()

    assert Question.objects.filter(status="approved").count() == 2
    # Playwright's event loop in this thread gives the ORM calls above a
    # connection of their own: hand it back, so the database can be dropped.
    connections.close_all()
