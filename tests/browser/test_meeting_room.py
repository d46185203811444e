"""Issue 15's meeting room end to end in Chromium, on two Daphne workers
behind a balancer with PostgreSQL and Redis: the investor and the team enter
their meeting's room (each sees the other arrive); a third user is refused;
they chat across the two workers; one reloads and misses nothing; the team
shares a PDF that the investor opens; the slot ends and the room turns
read-only; the investor records "continue" from the room."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from matchmaking.models import MatchSlot, MeetingOutcome
from tests.factories import pdf_bytes
from tests.factories.matchmaking import make_market, make_meeting
from tests.livestream.cluster import session_of, workers

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The slot ends this long after the pages open (the room has no grace here).
SLOT_LEFT = dt.timedelta(seconds=50)


def _open(browser, base, session, path, shots, name, viewport=(1280, 900)):
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]},
        locale="zh-CN",
        accept_downloads=True,
    )
    context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(base + path)
    page.shot = lambda label: page.screenshot(
        path=str(shots / f"meet-{name}-{label}.png"), full_page=True
    )
    return page


def test_two_sides_meet_chat_share_and_record_the_outcome(browser, roles, tmp_path):
    market = make_market(roles)
    _request, meeting = make_meeting(market)
    start = timezone.now() - dt.timedelta(minutes=15)
    MatchSlot.objects.filter(pk=meeting.slot_id).update(
        start=start, end=timezone.now() + SLOT_LEFT
    )
    shots = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    sessions = {n: session_of(market[n]) for n in ("investor", "team", "other_team")}
    path = f"/meet/{meeting.pk}/"

    with workers(2, tmp_path / "logs", MEET_ROOM_GRACE_MINUTES="0") as (_p, balancer):
        base = f"http://127.0.0.1:{balancer.port}"
        investor = _open(browser, base, sessions["investor"], path, shots, "investor")
        investor.wait_for_selector(".conn-live", timeout=10000)
        investor.wait_for_selector("#presence .presence.out")
        team = _open(browser, base, sessions["team"], path, shots, "team", (768, 1024))
        team.wait_for_selector(".conn-live", timeout=10000)
        # Each sees the other arrive.
        investor.wait_for_selector("#presence .presence.in:has-text('对方已进入')")
        team.wait_for_selector("#presence .presence.in:has-text('对方已进入')")

        # Someone else is refused, and learns nothing.
        outsider = _open(browser, base, sessions["other_team"], path, shots, "outsider")
        assert market["achievement"].title not in outsider.content()
        assert outsider.title() == "页面不存在"

        # They chat (the balancer spreads them over the two workers).
        investor.fill("#chat-text", "您好，想先了解中试数据。")
        investor.press("#chat-text", "Enter")
        team.wait_for_selector("#messages .msg:has-text('想先了解中试数据')")
        team.fill("#chat-text", "好的，我们把材料发到这里。")
        team.click("#chat-form button[type=submit]")
        investor.wait_for_selector("#messages .msg:has-text('材料发到这里')")

        # The team shares a PDF; the investor sees it arrive and opens it.
        pdf = tmp_path / "中试报告.pdf"
        pdf.write_bytes(pdf_bytes())
        team.set_input_files("#upload-file", str(pdf))
        team.click("#upload-form button[type=submit]")
        link = investor.locator("#documents a", has_text="中试报告.pdf")
        link.wait_for(timeout=10000)
        with investor.expect_download() as download:
            link.click()
        assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

        # The team reloads while the investor says two things: nothing lost,
        # nothing twice.
        team.evaluate("window.stop()")
        team.goto("about:blank")
        investor.fill("#chat-text", "估值方面我们再谈。")
        investor.press("#chat-text", "Enter")
        investor.fill("#chat-text", "下周可以去实验室看看吗？")
        investor.press("#chat-text", "Enter")
        investor.wait_for_selector("#messages .msg:has-text('实验室')")
        team.goto(base + path)
        team.wait_for_selector(".conn-live", timeout=10000)
        team.wait_for_selector("#messages .msg:has-text('实验室')")
        for text in ("中试数据", "材料发到这里", "估值方面", "实验室"):
            assert team.locator("#messages .msg", has_text=text).count() == 1
        for page in (investor, team, outsider):
            page.shot("during")

        # The slot ends: the room turns read-only, its chat and file stay.
        for page in (investor, team):
            page.wait_for_selector("#countdown:has-text('会面已结束')", timeout=70000)
            assert page.locator("#chat-form").is_hidden()
            assert page.locator("#upload-form").is_hidden()
            assert page.locator("#documents a", has_text="中试报告.pdf").count() == 1
        investor.shot("ended")

        # The investor records "continue" from the room, and is back in it.
        investor.check("input[name=outcome][value=continue]")
        investor.click("form[action$='/outcome/'] button[type=submit]")
        investor.wait_for_url(f"**{path}")
        investor.wait_for_selector("text=继续洽谈")
        investor.wait_for_selector(".conn-live", timeout=10000)
        assert investor.locator("#chat-form").is_hidden()
        assert MeetingOutcome.objects.get(meeting=meeting).outcome == "continue"
        investor.shot("outcome")
        for page in (investor, team):
            assert page.errors == []
